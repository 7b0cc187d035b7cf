"""The whole record of a complaint as staff see it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.adapters.dynamo import iso, plain
from chalicelib.domain import deadlines
from chalicelib.domain.customer_messages import SentMessage
from chalicelib.domain.deadlines import DeadlinePolicy
from chalicelib.domain.model import Actor, Complaint, HistoryEntry
from chalicelib.domain.policy import masked_contact, sees_contact
from chalicelib.domain.workflow import allowed_actions
from chalicelib.services import calendar, people
from chalicelib.services.ports import WorkflowNeeds


def staff_view(
    complaint: Complaint,
    actor: Actor,
    a: WorkflowNeeds,
    history: list[HistoryEntry] | None = None,
    messages: list[SentMessage] | None = None,
    now: datetime | None = None,
    reveal: bool = False,
) -> dict[str, Any]:
    """Everything about one complaint, its history and the messages to its customer (read now unless
    given; of a message only its kind, time, channel and state: never its text, code or link), photo
    links valid for 15 minutes, what each running clock has left in its unit, and what `actor` may do."""
    view = jsonable(plain(complaint))
    for clock, left in time_left(complaint, now or datetime.now(UTC), calendar.policy(a)).items():
        view["deadlines"][clock]["left"] = left
    view.pop("access_code_hash", None)
    view.pop("find_keys", None)
    view["contact_hidden"] = not (reveal or sees_contact(actor))
    if view["contact_hidden"]:
        view["customer"].update(masked_contact(complaint.customer))
    view["merged_into"] = complaint.merged_into
    history = a.complaints.history(complaint.id) if history is None else history
    messages = a.outbox.customer_messages(complaint.id) if messages is None else messages
    view["customer_messages"] = [
        {"kind": m.kind.value, "at": iso(m.at), "channel": m.channel, "state": m.state} for m in messages
    ]
    staff = people.names(a.directory)
    view["assignee_name"] = staff.get(complaint.assignee or "")
    if complaint.qc_result:
        department = complaint.qc_result.responsible_department
        view["qc_result"]["responsible_department_name"] = people.department_names(a.directory).get(department)
    view["history"] = [
        jsonable(
            {
                "at": h.at,
                "actor": h.actor,
                "actor_name": staff.get(h.actor),
                "action": h.action,
                "from": h.from_status,
                "to": h.to_status,
                "data": h.data,
            }
        )
        for h in history
    ]
    view["photos"] = [{"key": key, "url": a.photos.view_url(key)} for key in complaint.photos]
    merged = a.complaints.get_many(_merged_ids(history))
    view["merged"] = [_merged(m, a) for m in merged if m.merged_into == complaint.id]  # not since reopened
    view["allowed_actions"] = allowed_actions(complaint, actor)
    return view


def time_left(c: Complaint, now: datetime, policy: DeadlinePolicy) -> dict[str, dict[str, Any]]:
    """What each running or paused clock has left in its own unit (negative: overdue by so much), with the
    length of a business day, so that a page can say 还剩 1 个工作日 3 小时."""
    found = {}
    for clock, d in c.deadlines.items():
        if d.stopped_at is None:
            unit = deadlines.duration_of(d, c, policy).unit
            found[clock.value] = {
                "amount": round(deadlines.left(d, c, now, policy), 4),
                "unit": unit.value,
                "business_day_hours": policy.calendar.day_seconds / 3600,
            }
    return found


def _merged_ids(history: list[HistoryEntry]) -> list[str]:
    """The complaints merged into this one, as its history says."""
    return [h.data["complaint_id"] for h in history if h.action == "merged_in" and h.data.get("complaint_id")]


def _merged(c: Complaint, a: WorkflowNeeds) -> dict[str, Any]:
    """What a complaint merged into this one brought: its words, photos and feedback form."""
    return jsonable(
        {
            "complaint_id": c.id,
            "received_at": c.received_at,
            "channel": c.channel,
            "description": c.description,
            "photos": [{"key": key, "url": a.photos.view_url(key)} for key in c.photos],
            "feedback_form": plain(c.feedback_form) if c.feedback_form else None,
        }
    )


def jsonable(value: Any) -> Any:
    """Plain stored values (Decimal included) as JSON values: money as a string, counts as ints."""
    from decimal import Decimal

    value = plain(value)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # "n", "N" or "F" for a NaN or an infinity
        return (
            int(value)
            if value == value.to_integral_value() and isinstance(exponent, int) and exponent >= 0
            else str(value)
        )
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
