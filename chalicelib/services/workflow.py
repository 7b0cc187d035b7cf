"""Staff actions on a complaint: load, let the state machine decide, save with history and outbox."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.errors import ComplaintNotFound
from chalicelib.domain.model import Actor, Complaint, Role
from chalicelib.domain.workflow import Context, perform
from chalicelib.services.effects import outbox_for
from chalicelib.services.views import staff_view
from chalicelib.wiring import Adapters


def act(complaint_id: str, action: str, data: dict[str, Any], actor: Actor, a: Adapters,
        now: datetime) -> dict[str, Any]:
    """Perform one action; a concurrent change by someone else makes this one fail (ConcurrentChange)."""
    complaint = load(complaint_id, a)
    assignee = data.get("assignee") if action == "assign" else complaint.assignee
    ctx = Context(actor=actor, now=now, assignee=a.directory.staff(assignee) if assignee else None)
    perform(complaint, action, data, ctx)
    outbox = outbox_for(complaint, a.directory, now)
    # read before saving: once the change is stored, a failed read must not tell the client to retry it
    history = a.complaints.history(complaint_id) + list(complaint.new_history)
    a.complaints.save(complaint, outbox)
    return staff_view(complaint, actor, a, history)


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
