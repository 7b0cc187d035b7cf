"""The complaint state machine: which action, by whom, from which status, doing what.

`TRANSITIONS` is the one table a reader scans; `perform` checks a command
(`domain/commands.py`) against it (role, assignee, status, in that order) and applies
the action's rule, which changes the complaint, appends history and records effects.
No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.domain import deadlines, departments
from chalicelib.domain.access import IssuedCode
from chalicelib.domain.commands import (
    AddNote,
    Approve,
    Assign,
    Close,
    CloseUnsubstantiated,
    Command,
    Contact,
    Decline,
    Escalate,
    Merge,
    NotDuplicate,
    NotifyCustomer,
    ProposeHandling,
    RecordQcResult,
    RecordSatisfaction,
    Reopen,
    ResendReceipt,
    SetSeverity,
    SubmitFeedbackForm,
)
from chalicelib.domain.errors import AlreadyDone, InvalidTransition, NotAllowed, RuleViolation
from chalicelib.domain.labels import APPROVAL_REASON, HANDLING, SEVERITY, sentence, zh
from chalicelib.domain.model import (
    CUSTOMER,
    DEFAULT_COMPENSATION_LIMIT,
    OPEN_STATUSES,
    Actor,
    Approval,
    Clock,
    Complaint,
    CustomerNotified,
    CustomerType,
    Escalation,
    FeedbackForm,
    Handling,
    HandlingType,
    MarkDuplicate,
    MessageKind,
    NotificationEvent,
    Notify,
    QcResult,
    Role,
    Satisfaction,
    Severity,
    StaffMember,
    Status,
    TellCustomer,
)

S = Status
LOW_RATING = 2
REPEAT_WINDOW = timedelta(minutes=10)  # the same escalation by the same person within it is a double send


@dataclass(frozen=True)
class Context:
    """What a rule may need besides the complaint: who acts, when, and the assignee's profile; for a new
    receipt the new access code and whether the customer can be reached (consent, a mobile or an e-mail)."""

    actor: Actor
    now: datetime
    assignee: StaffMember | None = None
    policy: deadlines.DeadlinePolicy = deadlines.DEFAULT_POLICY
    new_code: IssuedCode | None = None
    reachable: bool = False
    survivor: Complaint | None = None  # a merge's `into`, read for it (None: there is no such complaint)
    departments: Mapping[str, str] | None = None  # a QC result's: the responsible departments, code -> name


Rule = Callable[[Complaint, Any, Context], None]  # takes the command of its own action


@dataclass(frozen=True)
class Transition:
    roles: frozenset[Role]
    sources: frozenset[Status]
    rule: Rule


def perform(complaint: Complaint, command: Command, ctx: Context) -> None:
    """Apply the command to the complaint or raise NotAllowed / InvalidTransition / RuleViolation."""
    if not isinstance(command, Command):
        raise TypeError(f"perform takes a command, not {type(command).__name__}")
    action = command.action
    transition = TRANSITIONS[action]
    if not ctx.actor.has_any(*transition.roles):
        raise NotAllowed(f"{action} needs one of the roles {', '.join(sorted(transition.roles))}")
    if not _may_touch(complaint, ctx.actor, transition):
        raise NotAllowed(f"only the assigned salesperson may {action}")
    if complaint.status not in transition.sources:
        raise InvalidTransition(
            f"{action} is not allowed while the complaint is {complaint.status}",
            allowed=allowed_actions(complaint, ctx.actor),
        )
    transition.rule(complaint, command, ctx)


def allowed_actions(complaint: Complaint, actor: Actor) -> list[str]:
    """The actions this actor may take on this complaint now (what a console shows as buttons)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if complaint.status in t.sources
        and actor.has_any(*t.roles)
        and _may_touch(complaint, actor, t)
        and (name != NotDuplicate.action or complaint.possible_duplicate_of)
    ]


def _may_touch(complaint: Complaint, actor: Actor, transition: Transition) -> bool:
    """A salesperson acts only on the complaints assigned to them (unless another role grants it)."""
    granting = actor.roles & transition.roles
    return Role.ADMIN in actor.roles or granting != {Role.SALES} or complaint.assignee == actor.username


# --- rules -------------------------------------------------------------------------------------


def _assign(c: Complaint, command: Assign, ctx: Context) -> None:
    assignee = command.assignee
    if ctx.assignee is None or Role.SALES not in ctx.assignee.roles or not ctx.assignee.active:
        raise RuleViolation("assignee", "not_a_salesperson")
    if c.assignee == assignee:
        raise AlreadyDone(f"the complaint is already assigned to {assignee}")
    c.assignee = assignee
    if ctx.assignee.territories:  # else the complaint keeps its territory
        c.territory = ctx.assignee.territories[0]
    c.record(ctx.now, ctx.actor.username, "assign", S.ASSIGNED, assignee=assignee)
    c.cause(Notify(NotificationEvent.ASSIGNED, _assigned_text(c), recipient=assignee))


def _assigned_text(c: Complaint) -> str:
    """The new assignee must call the customer: name and phone are in, nothing else personal."""
    return f"【投诉处理】投诉 {c.id} 已分派给您, 顾客 {c.customer.name} {c.customer.phone}, 请尽快联系。"


def reassign(c: Complaint, to: StaffMember | None, by: str, reason: str, now: datetime) -> None:
    """Move an open complaint off its salesperson outside the staff actions: they were deactivated
    (`reason` deactivated), or its territory's or account's salesperson changed. To `to`, told as an
    assignment is; with None to the service queue, where service and the manager are told as on intake's
    unroutable path. The work done so far and the status stay with the complaint, except that one still
    waiting for its first contact, with nobody to make it, goes back to `received` (where service assigns
    it). `by` made the change. To whom it is assigned already: AlreadyDone."""
    if c.status not in OPEN_STATUSES:
        raise InvalidTransition(f"a {c.status} complaint stays where it is")
    previous = c.assignee
    if to is None:
        c.assignee = None
        back = S.RECEIVED if c.status is S.ASSIGNED else None
        c.record(now, by, "unroutable", back, from_assignee=previous, reason=reason)
        text = f"【投诉处理】待分派投诉 {c.id}: 原负责人 {previous or '-'} 已不再负责, 无法自动分派, 请尽快分派。"
        c.cause(
            Notify(NotificationEvent.ASSIGNED, text, role=Role.SERVICE),
            Notify(NotificationEvent.ASSIGNED, text, role=Role.MANAGER),
        )
        return
    if Role.SALES not in to.roles or not to.active:
        raise RuleViolation("assignee", "not_a_salesperson")
    if to.username == previous:
        raise AlreadyDone(f"the complaint is already assigned to {previous}")
    c.assignee = to.username
    if c.territory is None and to.territories:
        c.territory = to.territories[0]
    c.record(now, by, "assign", assignee=to.username, from_assignee=previous, reason=reason)
    c.cause(Notify(NotificationEvent.ASSIGNED, _assigned_text(c), recipient=to.username))


def _contact(c: Complaint, command: Contact, ctx: Context) -> None:
    deadlines.stop_clock(c, Clock.FIRST_CONTACT, ctx.now)
    deadlines.start_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, "contact", S.INVESTIGATING, note=command.note)


def _close_unsubstantiated(c: Complaint, command: CloseUnsubstantiated, ctx: Context) -> None:
    c.handling = Handling(
        type=HandlingType.EXPLANATION,
        note=command.explanation,
        substantiated=False,
        proposed_by=ctx.actor.username,
        at=ctx.now,
    )
    _tell_customer(c, ctx, "close_unsubstantiated", via="phone", explanation=command.explanation)


def _submit_feedback_form(c: Complaint, command: SubmitFeedbackForm, ctx: Context) -> None:
    c.feedback_form = FeedbackForm(
        investigation=command.investigation,
        sample_provided=command.sample_provided,
        certificate_provided=command.certificate_provided,
        customer_request=command.customer_request,
        requested_amount=command.requested_amount,
        by=ctx.actor.username,
        at=ctx.now,
    )
    deadlines.pause_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, "submit_feedback_form", S.QC_PENDING)
    sample = "有样品" if command.sample_provided else "无样品"
    c.cause(
        Notify(
            NotificationEvent.QC_REQUESTED,
            f"【投诉处理】投诉 {c.id} 待检测: {_lot_words(c)}{sample}。",
            role=Role.QUALITY,
        )
    )


def _lot_words(c: Complaint) -> str:
    """产品 V2131 批次 080520-2 生产日期 2008-05-20, : only the parts the complaint has (none: nothing)."""
    product = c.product
    named = (("产品", product.sku or product.name), ("批次", product.batch), ("生产日期", product.production_date))
    parts = [f"{name} {value}" for name, value in named if value]
    return " ".join(parts) + ", " if parts else ""


def _record_qc_result(c: Complaint, command: RecordQcResult, ctx: Context) -> None:
    c.qc_result = QcResult(
        investigation_result=command.investigation_result,
        cause_analysis=command.cause_analysis,
        responsible_department=departments.resolve(command.responsible_department, ctx.departments or {}),
        corrective_actions=command.corrective_actions,
        preventive_actions=command.preventive_actions,
        company_at_fault=command.company_at_fault,
        by=ctx.actor.username,
        at=ctx.now,
    )
    deadlines.resume_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, "record_qc_result", S.QC_DONE, company_at_fault=command.company_at_fault)
    fault = "我方责任" if command.company_at_fault else "非我方责任"
    c.cause(
        deadlines.to_assignee(
            c, NotificationEvent.QC_DONE, f"【投诉处理】投诉 {c.id} 质检已完成（{fault}）, 请提出处理方案并告知顾客。"
        )
    )


def approval_reasons(c: Complaint, handling_type: HandlingType, amount: Decimal | None, limit: Decimal) -> list[str]:
    """Why a proposed handling needs leadership approval (empty: the salesperson decides)."""
    reasons = []
    if handling_type is HandlingType.RETURN:
        reasons.append("return")
    if handling_type is HandlingType.COMPENSATION and c.customer.type is CustomerType.RETAILER:
        reasons.append("retailer_compensation")
    if handling_type is HandlingType.COMPENSATION and amount is not None and amount > limit:
        reasons.append("over_limit")
    return reasons


def _propose_handling(c: Complaint, command: ProposeHandling, ctx: Context) -> None:
    kind, amount = command.type, command.amount
    if kind is HandlingType.RETURN and c.qc_result and c.qc_result.company_at_fault is False:
        raise RuleViolation("type", "return_refused_not_at_fault")
    limit = ctx.assignee.compensation_limit if ctx.assignee else DEFAULT_COMPENSATION_LIMIT
    reasons = approval_reasons(c, kind, amount, limit)
    c.handling = Handling(
        type=kind,
        amount=amount,
        note=command.note,
        proposed_by=ctx.actor.username,
        at=ctx.now,
        approval_reasons=tuple(reasons),
    )
    c.approval = None
    if not reasons:
        c.record(ctx.now, ctx.actor.username, "propose_handling", S.HANDLING_AGREED, type=kind.value, amount=amount)
        return
    c.record(
        ctx.now,
        ctx.actor.username,
        "propose_handling",
        S.PENDING_APPROVAL,
        type=kind.value,
        amount=amount,
        approval_reasons=reasons,
    )
    money_text = f" {amount} 元" if amount is not None else ""
    c.cause(
        Notify(
            NotificationEvent.APPROVAL_REQUESTED,
            f"【投诉处理】投诉 {c.id} 处理方案待审批: {zh(HANDLING, kind)}{money_text}"
            f"（{'、'.join(zh(APPROVAL_REASON, r) for r in reasons)}）。",
            role=Role.LEADER,
        )
    )


def _decide(approved: bool) -> Rule:
    def rule(c: Complaint, command: Approve | Decline, ctx: Context) -> None:
        c.approval = Approval(approved=approved, by=ctx.actor.username, at=ctx.now, note=command.note)
        to = S.HANDLING_AGREED if approved else S.QC_DONE
        c.record(ctx.now, ctx.actor.username, command.action, to, note=command.note)
        decided = "已批准, 请告知顾客" if approved else "未获批准, 请重新提出处理方案"
        reason = f" 意见: {sentence(command.note)}" if command.note else ""
        c.cause(
            deadlines.to_assignee(
                c, NotificationEvent.APPROVAL_DECIDED, f"【投诉处理】投诉 {c.id} 处理方案{decided}。{reason}"
            )
        )

    return rule


def _notify_customer(c: Complaint, command: NotifyCustomer, ctx: Context) -> None:
    _tell_customer(c, ctx, "notify_customer", via=command.via, note=command.note)


def _tell_customer(c: Complaint, ctx: Context, action: str, **details: Any) -> None:
    """The customer heard the outcome: the resolution clock stops, the survey and callback clocks start,
    and the customer gets the decision in writing too (SMS or e-mail, if they can be reached)."""
    c.customer_notified = CustomerNotified(at=ctx.now, by=ctx.actor.username, **details)
    deadlines.stop_clock(c, Clock.RESOLUTION, ctx.now)
    deadlines.start_clock(c, Clock.SURVEY, ctx.now, ctx.policy)
    deadlines.start_clock(c, Clock.CALLBACK, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, action, S.CUSTOMER_NOTIFIED, **details)
    c.cause(TellCustomer(MessageKind.HANDLING_TOLD))


def _record_satisfaction(c: Complaint, command: RecordSatisfaction, ctx: Context) -> None:
    _satisfaction(c, command, ctx.actor.username, ctx.now, "record_satisfaction")


def _satisfaction(c: Complaint, command: RecordSatisfaction, by: str, now: datetime, action: str) -> None:
    """A rating was given (on a callback, or by the customer in the survey): the survey and the callback
    are no longer needed, and an unhappy customer is the manager's concern."""
    rating = command.rating
    c.satisfaction = Satisfaction(rating=rating, comment=command.comment, by=by, at=now)
    c.callbacks.append(c.satisfaction)
    deadlines.stop_clock(c, Clock.SURVEY, now)
    deadlines.stop_clock(c, Clock.CALLBACK, now)
    c.record(now, by, action, S.FOLLOWED_UP, rating=rating)
    if rating <= LOW_RATING:
        c.cause(
            Notify(
                NotificationEvent.ESCALATED,
                f"【投诉处理】投诉 {c.id} 回访满意度 {rating} 分, 顾客不满意, 请关注。",
                role=Role.MANAGER,
            )
        )


def answer_survey(c: Complaint, answer: RecordSatisfaction, now: datetime) -> None:
    """The customer rated the handling through the survey link: satisfaction by `customer`, as a callback
    would record it; only while the complaint waits for it (told, not yet followed up or closed)."""
    if c.status not in TRANSITIONS[RecordSatisfaction.action].sources:
        raise InvalidTransition(f"the survey is not open while the complaint is {c.status}")
    _satisfaction(c, answer, CUSTOMER.username, now, "survey_answered")


def new_receipt(c: Complaint, code: IssuedCode, by: str, now: datetime, action: str) -> None:
    """A new access code replaces the old one, and the receipt goes to the customer again."""
    c.access_code_hash = code.hash
    c.record(now, by, action)
    c.cause(TellCustomer(MessageKind.RECEIVED, access_code=code.code))


def _close(c: Complaint, command: Close, ctx: Context) -> None:
    for clock in list(c.deadlines):
        deadlines.stop_clock(c, clock, ctx.now)
    c.closed_at = ctx.now
    c.record(ctx.now, ctx.actor.username, "close", S.CLOSED, note=command.note)


def _reopen(c: Complaint, command: Reopen, ctx: Context) -> None:
    deadlines.stop_clock(c, Clock.SURVEY, ctx.now)
    deadlines.stop_clock(c, Clock.CALLBACK, ctx.now)
    c.deadlines.pop(Clock.RESOLUTION, None)
    deadlines.start_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.closed_at = None
    merged_into, c.merged_into = c.merged_into, None  # a merge undone: its own matter again
    c.record(ctx.now, ctx.actor.username, "reopen", S.INVESTIGATING, reason=command.reason, merged_into=merged_into)


def _escalate(c: Complaint, command: Escalate, ctx: Context) -> None:
    last = c.last_escalation
    if last and (last.by, last.note) == (ctx.actor.username, command.note) and ctx.now - last.moment < REPEAT_WINDOW:
        raise AlreadyDone("the same escalation was just sent")
    c.escalated = True
    c.last_escalation = Escalation(by=ctx.actor.username, note=command.note, at=ctx.now.isoformat())
    c.record(ctx.now, ctx.actor.username, "escalate", note=command.note)
    c.cause(
        Notify(
            NotificationEvent.ESCALATED,
            f"【投诉处理】投诉 {c.id} 已升级至经理" + (f": {sentence(command.note)}" if command.note else "。"),
            role=Role.MANAGER,
        )
    )


def _add_note(c: Complaint, command: AddNote, ctx: Context) -> None:
    c.record(ctx.now, ctx.actor.username, "note", note=command.note)
    if c.assignee and c.assignee != ctx.actor.username:
        c.cause(
            Notify(
                NotificationEvent.NOTE_ADDED,
                f"【投诉处理】投诉 {c.id} 有新备注: {command.note}",
                recipient=c.assignee,
            )
        )


def _merge(c: Complaint, command: Merge, ctx: Context) -> None:
    """Close this complaint as the same matter as the survivor, which records that it took it in; the
    customer's status link shows the survivor's progress from now on."""
    survivor = ctx.survivor
    if survivor is None or survivor.id == c.id:
        raise RuleViolation("into", "not_another_complaint")
    if survivor.status not in OPEN_STATUSES or survivor.merged_into:
        raise RuleViolation("into", "not_open")
    for clock in list(c.deadlines):
        deadlines.stop_clock(c, clock, ctx.now)
    c.closed_at = ctx.now
    c.merged_into = survivor.id
    others = [other for other in c.possible_duplicate_of if other != survivor.id]
    c.possible_duplicate_of = []
    c.record(ctx.now, ctx.actor.username, "merge", S.CLOSED, into=survivor.id, note=command.note)
    c.cause(*(MarkDuplicate(other, linked=False) for other in others))
    survivor.possible_duplicate_of = [other for other in survivor.possible_duplicate_of if other != c.id]
    survivor.record(ctx.now, ctx.actor.username, "merged_in", complaint_id=c.id, note=command.note)


def _not_duplicate(c: Complaint, command: NotDuplicate, ctx: Context) -> None:
    if not c.possible_duplicate_of:
        raise AlreadyDone("the complaint is not marked as a possible duplicate")
    others, c.possible_duplicate_of = c.possible_duplicate_of, []
    c.record(ctx.now, ctx.actor.username, "not_duplicate", complaint_ids=others, note=command.note)
    c.cause(*(MarkDuplicate(other, linked=False) for other in others))


def _set_severity(c: Complaint, command: SetSeverity, ctx: Context) -> None:
    """Staff judge the complaint more or less serious: the clocks follow. Raised to critical, it escalates to
    the manager as a critical one does on intake; raised to major, the manager is told once."""
    before, after = c.severity, command.severity
    if after is before:
        raise AlreadyDone(f"the complaint is already {after}")
    c.severity = after
    c.record(
        ctx.now,
        ctx.actor.username,
        "set_severity",
        from_severity=before.value,
        to_severity=after.value,
        reason=command.reason,
    )
    deadlines.rescale(c, ctx.now, ctx.policy, previous=before)
    changed = f"级别由{zh(SEVERITY, before)}改为{zh(SEVERITY, after)}"
    text = f"【投诉处理】投诉 {c.id} {changed}, 原因: {sentence(command.reason)}"
    if after is Severity.CRITICAL:
        c.escalated = True
        c.record(ctx.now, "system", "escalate", reason="raised_to_critical")
        c.cause(Notify(NotificationEvent.ESCALATED, f"{text}已升级至经理。", role=Role.MANAGER))
    elif after is Severity.MAJOR and before is Severity.NORMAL:
        c.cause(Notify(NotificationEvent.MAJOR_RECEIVED, text, role=Role.MANAGER))


def _resend_receipt(c: Complaint, command: ResendReceipt, ctx: Context) -> None:
    if not ctx.reachable:
        raise RuleViolation("action", "customer_unreachable")
    if ctx.new_code is None:
        raise ValueError("resend_receipt needs a new access code in its context")
    new_receipt(c, ctx.new_code, ctx.actor.username, ctx.now, "resend_receipt")


# --- the table -----------------------------------------------------------------------------------


def _t(roles: set[Role], sources: set[Status], rule: Rule) -> Transition:
    return Transition(frozenset(roles), frozenset(sources), rule)


R = Role
TRANSITIONS: dict[str, Transition] = {
    # command: (who, from which statuses, what it does); a salesperson only on their own complaints
    Assign.action: _t({R.SERVICE, R.MANAGER}, {S.RECEIVED, S.ASSIGNED, S.INVESTIGATING}, _assign),
    Contact.action: _t({R.SALES}, {S.ASSIGNED}, _contact),
    CloseUnsubstantiated.action: _t({R.SALES}, {S.INVESTIGATING}, _close_unsubstantiated),
    SubmitFeedbackForm.action: _t({R.SALES}, {S.INVESTIGATING}, _submit_feedback_form),
    RecordQcResult.action: _t({R.QUALITY}, {S.QC_PENDING}, _record_qc_result),
    ProposeHandling.action: _t({R.SALES}, {S.QC_DONE}, _propose_handling),
    Approve.action: _t({R.LEADER}, {S.PENDING_APPROVAL}, _decide(approved=True)),
    Decline.action: _t({R.LEADER}, {S.PENDING_APPROVAL}, _decide(approved=False)),
    NotifyCustomer.action: _t({R.SALES}, {S.HANDLING_AGREED}, _notify_customer),
    RecordSatisfaction.action: _t({R.SALES, R.SERVICE}, {S.CUSTOMER_NOTIFIED}, _record_satisfaction),
    Close.action: _t({R.SERVICE, R.MANAGER}, {S.CUSTOMER_NOTIFIED, S.FOLLOWED_UP}, _close),
    Reopen.action: _t({R.SERVICE, R.MANAGER}, {S.CUSTOMER_NOTIFIED, S.FOLLOWED_UP, S.CLOSED}, _reopen),
    Escalate.action: _t(set(Role), set(OPEN_STATUSES), _escalate),
    ResendReceipt.action: _t({R.SERVICE, R.MANAGER}, set(Status), _resend_receipt),
    AddNote.action: _t(set(Role), set(OPEN_STATUSES), _add_note),
    Merge.action: _t({R.SERVICE, R.MANAGER}, set(OPEN_STATUSES), _merge),
    NotDuplicate.action: _t({R.SERVICE, R.MANAGER}, set(OPEN_STATUSES), _not_duplicate),
    SetSeverity.action: _t({R.SERVICE, R.MANAGER}, set(OPEN_STATUSES), _set_severity),
}
