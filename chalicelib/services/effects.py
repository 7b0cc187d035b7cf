"""Turn what a change caused (domain effects) into outbox items stored with the change."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.directory import StaffDirectory
from chalicelib.adapters.outbox import outbox_item
from chalicelib.domain.model import Clock, Complaint, Notify, Role, Schedule, Unschedule


def outbox_for(complaint: Complaint, directory: StaffDirectory, now: datetime) -> list[dict[str, Any]]:
    """One item per notification recipient and one timer sync per clock that moved.

    Notifications addressed to a role go to every staff member with that role now.
    A clock's wanted firing time is kept on the complaint (`timer_at`), so the timer
    item only says "make the schedule match the complaint" and the order in which
    timer items are carried out does not matter.
    """
    clocks: list[Clock] = []
    for effect in complaint.effects:
        if isinstance(effect, (Schedule, Unschedule)):
            deadline = complaint.deadlines.get(effect.clock)
            if deadline:
                deadline.timer_at = effect.at if isinstance(effect, Schedule) else None
            if effect.clock not in clocks:
                clocks.append(effect.clock)
    items = notifications([e for e in complaint.effects if isinstance(e, Notify)], directory)
    items += [{"kind": "timer", "clock": c.value} for c in clocks]
    return [outbox_item(complaint.id, n, now, complaint.version + 1, **fields) for n, fields in enumerate(items)]


def notifications(notes: list[Notify], directory: StaffDirectory) -> list[dict[str, Any]]:
    """One outbox entry per recipient; a note to a role goes to everyone with the role now."""
    items: list[dict[str, Any]] = []
    role_members: dict[Role, list[str]] = {}
    for note in notes:
        if note.role is not None and note.role not in role_members:
            role_members[note.role] = directory.usernames_with_role(note.role)
        recipients = [note.recipient] if note.recipient else role_members[note.role]
        items += [{"kind": "notify", "event": note.event.value, "recipient": r, "text": note.text}
                  for r in dict.fromkeys(recipients)]
    return items
