"""Staff actions on a complaint: load, let the state machine decide, save with history and outbox."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from chalicelib import idempotency
from chalicelib.adapters.complaints import ComplaintRecord
from chalicelib.domain import access
from chalicelib.domain.commands import Assign, Command, Merge, ProposeHandling, RecordQcResult, ResendReceipt
from chalicelib.domain.customer_messages import SentMessage
from chalicelib.domain.deliveries import CustomerMessage
from chalicelib.domain.errors import ComplaintNotFound, ConcurrentChange, DomainError
from chalicelib.domain.model import Actor, Complaint, Role
from chalicelib.domain.policy import sees_contact
from chalicelib.domain.workflow import Context, perform
from chalicelib.idempotency import Retry
from chalicelib.services import calendar
from chalicelib.services.customer_messages import reach_of
from chalicelib.services.effects import deliveries_for
from chalicelib.services.ports import WorkflowNeeds
from chalicelib.services.views import staff_view

CONTACT_ATTEMPTS = 3  # a view that records the contact was shown, against concurrent changes


def act(
    complaint_id: str, command: Command, actor: Actor, a: WorkflowNeeds, now: datetime, retry: Retry | None = None
) -> dict[str, Any]:
    """Perform one action; a concurrent change by someone else makes this one fail (ConcurrentChange).

    With a `retry` key the action is done once: a repeat whose first attempt landed (its answer lost)
    fails, from the state machine or from the key's record, and answers the complaint as it is now."""
    return idempotency.once(
        retry,
        a.complaints,
        lambda: _act(complaint_id, command, actor, a, now, retry),
        lambda earlier: view(complaint_id, actor, a),
        repeats=(DomainError,),
    )


def _act(
    complaint_id: str, command: Command, actor: Actor, a: WorkflowNeeds, now: datetime, retry: Retry | None
) -> dict[str, Any]:
    # another salesperson's complaint is as unknown as a wrong id; its history and messages are read with it
    record = load_visible(complaint_id, actor, a)
    complaint = record.complaint
    assignee = command.assignee if isinstance(command, Assign) else complaint.assignee
    # the assignee's profile matters to an assignment (active, sales) and a proposal (their compensation limit)
    profile = a.directory.staff(assignee) if assignee and isinstance(command, (Assign, ProposeHandling)) else None
    ctx = Context(actor=actor, now=now, assignee=profile, policy=calendar.policy(a))
    if isinstance(command, ResendReceipt):  # a new code, for a customer the receipt can reach
        new_code = access.issue_code(a.settings.access_code_secret, complaint.id)
        ctx = dataclasses.replace(ctx, new_code=new_code, reachable=reach_of(complaint) is not None)
    if isinstance(command, Merge):  # the survivor, read now and stored with the change over this version
        ctx = dataclasses.replace(ctx, survivor=a.complaints.get(command.into))
    if isinstance(command, RecordQcResult):  # the department named must be one of the list, as it is now
        ctx = dataclasses.replace(ctx, departments={d["code"]: d["name"] for d in a.directory.departments()})
    perform(complaint, command, ctx)
    deliveries = deliveries_for(complaint, a.directory, a.settings)
    # read before saving (with the complaint): once the change is stored, a failed read must not tell the
    # client to retry it
    history = record.history + list(complaint.new_history)
    messages = record.messages + [
        SentMessage(d.kind, now, d.channel, "pending") for d in deliveries if isinstance(d, CustomerMessage)
    ]
    key = retry.record(complaint_id, now) if retry else None
    a.complaints.save(complaint, deliveries, now, key, together=ctx.survivor if isinstance(command, Merge) else None)
    return staff_view(complaint, actor, a, history, messages, now)


def load(complaint_id: str, a: WorkflowNeeds) -> Complaint:
    complaint = a.complaints.get(complaint_id)
    if complaint is None:
        raise ComplaintNotFound(complaint_id)
    return complaint


def view(
    complaint_id: str, actor: Actor, a: WorkflowNeeds, reveal: bool = False, now: datetime | None = None
) -> dict[str, Any]:
    """The whole record; with `reveal`, the complainant's contact for one who sees it only on asking
    (quality), which the history records."""
    record = load_visible(complaint_id, actor, a)
    if reveal and not sees_contact(actor):
        complaint = _contact_shown(record.complaint, actor, a, now or datetime.now(UTC))
        return staff_view(complaint, actor, a, reveal=reveal)
    return staff_view(record.complaint, actor, a, record.history, record.messages, reveal=reveal)


def _contact_shown(complaint: Complaint, actor: Actor, a: WorkflowNeeds, now: datetime) -> Complaint:
    """Record that the contact was shown to `actor`, over the version read (read again if it moved)."""
    for attempt in range(CONTACT_ATTEMPTS):
        complaint.record(now, actor.username, "contact_viewed")
        try:
            a.complaints.save(complaint, [], now)
            return complaint
        except ConcurrentChange:
            if attempt == CONTACT_ATTEMPTS - 1:
                raise
            complaint = load(complaint.id, a)
    return complaint


def load_visible(complaint_id: str, actor: Actor, a: WorkflowNeeds) -> ComplaintRecord:
    """A complaint this actor may read, with its history and messages: a salesperson only their own
    (others look unknown)."""
    record = a.complaints.record(complaint_id)
    if record is None or (actor.roles == {Role.SALES} and record.complaint.assignee != actor.username):
        raise ComplaintNotFound(complaint_id)
    return record
