"""Staff actions on a complaint: load, let the state machine decide, save with history and outbox."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from chalicelib.adapters.complaints import idempotency_item, idempotency_pk
from chalicelib.domain.errors import ComplaintNotFound, DomainError, IdempotencyKeyReused
from chalicelib.domain.model import Actor, Complaint, Role
from chalicelib.domain.workflow import Context, perform
from chalicelib.services.effects import outbox_for
from chalicelib.services.views import staff_view
from chalicelib.wiring import Adapters


@dataclasses.dataclass(frozen=True)
class Retry:
    """What tells a repeated action from a new one: its Idempotency-Key (scoped to the actor) and body."""

    key: str
    request_hash: str


def act(complaint_id: str, action: str, data: dict[str, Any], actor: Actor, a: Adapters,
        now: datetime, retry: Retry | None = None) -> dict[str, Any]:
    """Perform one action; a concurrent change by someone else makes this one fail (ConcurrentChange).

    With a `retry` key the action is done once: its record is written in the action's transaction, so a
    repeat whose first attempt landed (its answer lost) finds out by failing, from the state machine
    or from that record's condition, and answers the complaint as it is now instead."""
    complaint = load_visible(complaint_id, actor, a)  # another salesperson's complaint is as unknown as a wrong id
    assignee = data.get("assignee") if action == "assign" else complaint.assignee
    ctx = Context(actor=actor, now=now, assignee=a.directory.staff(assignee) if assignee else None)
    try:
        perform(complaint, action, data, ctx)
    except DomainError:
        if retry and _done_before(retry, a):
            return view(complaint_id, actor, a)
        raise
    outbox = outbox_for(complaint, a.directory, now)
    # read before saving: once the change is stored, a failed read must not tell the client to retry it
    history = a.complaints.history(complaint_id) + list(complaint.new_history)
    record = idempotency_item(idempotency_pk(retry.key), retry.request_hash, complaint_id, now) if retry else None
    try:
        a.complaints.save(complaint, outbox, record)
    except IdempotencyKeyReused:
        if retry and _done_before(retry, a):
            return view(complaint_id, actor, a)
        raise
    return staff_view(complaint, actor, a, history)


def _done_before(retry: Retry, a: Adapters) -> bool:
    """True if this key's action was done; IdempotencyKeyReused if the key was used for another one."""
    earlier = a.complaints.idempotency_record(idempotency_pk(retry.key))
    if earlier is None:
        return False
    if earlier["request_hash"] != retry.request_hash:
        raise IdempotencyKeyReused("the Idempotency-Key was used for a different action")
    return True


def load(complaint_id: str, a: Adapters) -> Complaint:
    complaint = a.complaints.get(complaint_id)
    if complaint is None:
        raise ComplaintNotFound(complaint_id)
    return complaint


def view(complaint_id: str, actor: Actor, a: Adapters) -> dict[str, Any]:
    """The whole record."""
    return staff_view(load_visible(complaint_id, actor, a), actor, a)


def load_visible(complaint_id: str, actor: Actor, a: Adapters) -> Complaint:
    """A complaint this actor may read: a salesperson only their own (others look unknown)."""
    complaint = load(complaint_id, a)
    if actor.roles == {Role.SALES} and complaint.assignee != actor.username:
        raise ComplaintNotFound(complaint_id)
    return complaint
