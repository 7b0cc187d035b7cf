"""The complaint state machine: which action, by whom, from which status, doing what.

`TRANSITIONS` is the one table a reader scans; `perform` checks a request against it
(role, assignee, status, in that order) and applies the action's rule, which changes
the complaint, appends history and records effects. No I/O here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Callable

from chalicelib.domain import deadlines
from chalicelib.domain.errors import AlreadyDone, InvalidTransition, NotAllowed, RuleViolation
from chalicelib.domain.labels import HANDLING, zh
from chalicelib.domain.model import (
    OPEN_STATUSES, Actor, Clock, Complaint, CustomerType, HandlingType, NotificationEvent, Notify, Role,
    StaffMember, Status, money,
)

S = Status
DEFAULT_COMPENSATION_LIMIT = Decimal("200.00")
LOW_RATING = 2
REPEAT_WINDOW = timedelta(minutes=10)  # the same escalation by the same person within it is a double send


@dataclass(frozen=True)
class Context:
    """What a rule may need besides the complaint: who acts, when, and the assignee's profile."""

    actor: Actor
    now: datetime
    assignee: StaffMember | None = None
    policy: deadlines.DeadlinePolicy = deadlines.DEFAULT_POLICY


Rule = Callable[[Complaint, dict[str, Any], Context], None]


@dataclass(frozen=True)
class Transition:
    roles: frozenset[Role]
    sources: frozenset[Status]
    rule: Rule


def perform(complaint: Complaint, action: str, data: dict[str, Any], ctx: Context) -> None:
    """Apply `action` to the complaint or raise NotAllowed / InvalidTransition / RuleViolation."""
    transition = TRANSITIONS[action]
    if not ctx.actor.has_any(*transition.roles):
        raise NotAllowed(f"{action} needs one of the roles {', '.join(sorted(transition.roles))}")
    if not _may_touch(complaint, ctx.actor, transition):
        raise NotAllowed(f"only the assigned salesperson may {action}")
    if complaint.status not in transition.sources:
        raise InvalidTransition(f"{action} is not allowed while the complaint is {complaint.status}",
                                allowed=allowed_actions(complaint, ctx.actor))
    transition.rule(complaint, data, ctx)


def allowed_actions(complaint: Complaint, actor: Actor) -> list[str]:
    """The actions this actor may take on this complaint now (what a console shows as buttons)."""
    return [name for name, t in TRANSITIONS.items()
            if complaint.status in t.sources and actor.has_any(*t.roles) and _may_touch(complaint, actor, t)]


def _may_touch(complaint: Complaint, actor: Actor, transition: Transition) -> bool:
    """A salesperson acts only on the complaints assigned to them (unless another role grants it)."""
    granting = actor.roles & transition.roles
    return Role.ADMIN in actor.roles or granting != {Role.SALES} or complaint.assignee == actor.username


# --- rules -------------------------------------------------------------------------------------

def _assign(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    assignee = data["assignee"]
    if ctx.assignee is None or Role.SALES not in ctx.assignee.roles:
        raise RuleViolation("assignee", "not_a_salesperson")
    if c.assignee == assignee:
        raise AlreadyDone(f"the complaint is already assigned to {assignee}")
    c.assignee = assignee
    c.territory = (ctx.assignee.territories or [c.territory])[0]
    c.record(ctx.now, ctx.actor.username, "assign", S.ASSIGNED, assignee=assignee)
    c.cause(Notify(NotificationEvent.ASSIGNED, f"【投诉处理】投诉 {c.id} 已分派给您, 顾客 {c.customer.name} "
                   f"{c.customer.phone}, 请尽快联系。", recipient=assignee))


def _contact(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    deadlines.stop_clock(c, Clock.FIRST_CONTACT, ctx.now)
    deadlines.start_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, "contact", S.INVESTIGATING, note=data.get("note"))


def _close_unsubstantiated(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    c.handling = {"type": HandlingType.EXPLANATION.value, "note": data["explanation"], "substantiated": False,
                  "proposed_by": ctx.actor.username, "at": ctx.now}
    _tell_customer(c, ctx, "close_unsubstantiated", via="phone", explanation=data["explanation"])


def _submit_feedback_form(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    c.feedback_form = {**data, "by": ctx.actor.username, "at": ctx.now}
    deadlines.pause_clock(c, Clock.RESOLUTION, ctx.now)
    c.record(ctx.now, ctx.actor.username, "submit_feedback_form", S.QC_PENDING)
    sample = "有样品" if data.get("sample_provided") else "无样品"
    c.cause(Notify(NotificationEvent.QC_REQUESTED, f"【投诉处理】投诉 {c.id} 待检测: 产品 {c.product.sku or '-'} "
                   f"批次 {c.product.batch or '-'} 生产日期 {c.product.production_date or '-'}, {sample}。",
                   role=Role.QUALITY))


def _record_qc_result(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    c.qc_result = {**data, "by": ctx.actor.username, "at": ctx.now}
    deadlines.resume_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, "record_qc_result", S.QC_DONE,
             company_at_fault=data.get("company_at_fault"))


def approval_reasons(c: Complaint, handling_type: HandlingType, amount: Decimal | None,
                     limit: Decimal) -> list[str]:
    """Why a proposed handling needs leadership approval (empty: the salesperson decides)."""
    reasons = []
    if handling_type is HandlingType.RETURN:
        reasons.append("return")
    if handling_type is HandlingType.COMPENSATION and c.customer.type is CustomerType.RETAILER:
        reasons.append("retailer_compensation")
    if handling_type is HandlingType.COMPENSATION and amount is not None and amount > limit:
        reasons.append("over_limit")
    return reasons


def _propose_handling(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    kind = HandlingType(data["type"])
    amount = money(data["amount"]) if data.get("amount") is not None else None
    if kind is HandlingType.RETURN and c.qc_result and c.qc_result.get("company_at_fault") is False:
        raise RuleViolation("type", "return_refused_not_at_fault")
    limit = ctx.assignee.compensation_limit if ctx.assignee else DEFAULT_COMPENSATION_LIMIT
    reasons = approval_reasons(c, kind, amount, limit)
    c.handling = {"type": kind.value, "amount": amount, "note": data.get("note"), "proposed_by": ctx.actor.username,
                  "at": ctx.now, "approval_reasons": reasons}
    c.approval = None
    if not reasons:
        c.record(ctx.now, ctx.actor.username, "propose_handling", S.HANDLING_AGREED, type=kind.value, amount=amount)
        return
    c.record(ctx.now, ctx.actor.username, "propose_handling", S.PENDING_APPROVAL, type=kind.value, amount=amount,
             approval_reasons=reasons)
    money_text = f" {amount} 元" if amount is not None else ""
    c.cause(Notify(NotificationEvent.APPROVAL_REQUESTED, f"【投诉处理】投诉 {c.id} 处理方案待审批: "
                   f"{zh(HANDLING, kind)}{money_text}（{', '.join(reasons)}）。", role=Role.LEADER))


def _decide(approved: bool) -> Rule:
    def rule(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
        c.approval = {"approved": approved, "by": ctx.actor.username, "at": ctx.now, "note": data.get("note")}
        action, to = ("approve", S.HANDLING_AGREED) if approved else ("decline", S.QC_DONE)
        c.record(ctx.now, ctx.actor.username, action, to, note=data.get("note"))
    return rule


def _notify_customer(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    _tell_customer(c, ctx, "notify_customer", via=data["via"], note=data.get("note"))


def _tell_customer(c: Complaint, ctx: Context, action: str, **details: Any) -> None:
    """The customer heard the outcome: the resolution clock stops, the callback clock starts."""
    c.customer_notified = {"at": ctx.now, "by": ctx.actor.username, **details}
    deadlines.stop_clock(c, Clock.RESOLUTION, ctx.now)
    deadlines.start_clock(c, Clock.CALLBACK, ctx.now, ctx.policy)
    c.record(ctx.now, ctx.actor.username, action, S.CUSTOMER_NOTIFIED, **details)


def _record_satisfaction(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    rating = int(data["rating"])
    c.satisfaction = {"rating": rating, "comment": data.get("comment"), "by": ctx.actor.username, "at": ctx.now}
    c.callbacks.append(dict(c.satisfaction))
    deadlines.stop_clock(c, Clock.CALLBACK, ctx.now)
    c.record(ctx.now, ctx.actor.username, "record_satisfaction", S.FOLLOWED_UP, rating=rating)
    if rating <= LOW_RATING:
        c.cause(Notify(NotificationEvent.ESCALATED, f"【投诉处理】投诉 {c.id} 回访满意度 {rating} 分, 顾客不满意, "
                       f"请关注。", role=Role.MANAGER))


def _close(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    for clock in list(c.deadlines):
        deadlines.stop_clock(c, clock, ctx.now)
    c.closed_at = ctx.now
    c.record(ctx.now, ctx.actor.username, "close", S.CLOSED, note=data.get("note"))


def _reopen(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    deadlines.stop_clock(c, Clock.CALLBACK, ctx.now)
    c.deadlines.pop(Clock.RESOLUTION, None)
    deadlines.start_clock(c, Clock.RESOLUTION, ctx.now, ctx.policy)
    c.closed_at = None
    c.record(ctx.now, ctx.actor.username, "reopen", S.INVESTIGATING, reason=data["reason"])


def _escalate(c: Complaint, data: dict[str, Any], ctx: Context) -> None:
    last = c.last_escalation
    if last and (last["by"], last.get("note")) == (ctx.actor.username, data.get("note")) \
            and ctx.now - datetime.fromisoformat(last["at"]) < REPEAT_WINDOW:
        raise AlreadyDone("the same escalation was just sent")
    c.escalated = True
    c.last_escalation = {"by": ctx.actor.username, "note": data.get("note"), "at": ctx.now.isoformat()}
    c.record(ctx.now, ctx.actor.username, "escalate", note=data.get("note"))
    c.cause(Notify(NotificationEvent.ESCALATED, f"【投诉处理】投诉 {c.id} 已升级至经理: {data.get('note') or '-'}",
                   role=Role.MANAGER))


# --- the table -----------------------------------------------------------------------------------

def _t(roles: set[Role], sources: set[Status], rule: Rule) -> Transition:
    return Transition(frozenset(roles), frozenset(sources), rule)


R = Role
TRANSITIONS: dict[str, Transition] = {
    # action: (who, from which statuses, what it does); a salesperson only on their own complaints
    "assign": _t({R.SERVICE, R.MANAGER}, {S.RECEIVED, S.ASSIGNED, S.INVESTIGATING}, _assign),
    "contact": _t({R.SALES}, {S.ASSIGNED}, _contact),
    "close_unsubstantiated": _t({R.SALES}, {S.INVESTIGATING}, _close_unsubstantiated),
    "submit_feedback_form": _t({R.SALES}, {S.INVESTIGATING}, _submit_feedback_form),
    "record_qc_result": _t({R.QUALITY}, {S.QC_PENDING}, _record_qc_result),
    "propose_handling": _t({R.SALES}, {S.QC_DONE}, _propose_handling),
    "approve": _t({R.LEADER}, {S.PENDING_APPROVAL}, _decide(approved=True)),
    "decline": _t({R.LEADER}, {S.PENDING_APPROVAL}, _decide(approved=False)),
    "notify_customer": _t({R.SALES}, {S.HANDLING_AGREED}, _notify_customer),
    "record_satisfaction": _t({R.SALES, R.SERVICE}, {S.CUSTOMER_NOTIFIED}, _record_satisfaction),
    "close": _t({R.SERVICE, R.MANAGER}, {S.CUSTOMER_NOTIFIED, S.FOLLOWED_UP}, _close),
    "reopen": _t({R.SERVICE, R.MANAGER}, {S.CUSTOMER_NOTIFIED, S.FOLLOWED_UP, S.CLOSED}, _reopen),
    "escalate": _t(set(Role), set(OPEN_STATUSES), _escalate),
}
