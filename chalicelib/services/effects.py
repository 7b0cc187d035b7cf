"""What a change caused (domain effects), resolved into the deliveries stored with the change."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.domain.deliveries import Delivery, DuplicateMark, Notification, TimerSync
from chalicelib.domain.model import Clock, Complaint, MarkDuplicate, Notify, Role, Schedule, Unschedule
from chalicelib.services.customer_messages import messages_for
from chalicelib.services.ports import MessageSettings


class RoleMembers(Protocol):
    def usernames_with_role(self, role: Role) -> list[str]: ...


def deliveries_for(complaint: Complaint, directory: RoleMembers, settings: MessageSettings) -> list[Delivery]:
    """One notification per recipient, one timer sync per clock that moved, one message per word to the
    customer (with its link's token: `settings` sign it and say the signature and the site).

    Notifications addressed to a role go to every staff member with that role now.
    A clock's wanted firing time is kept on the complaint (`timer_at`); its timer delivery carries
    that time and the one stored before, so the schedule is moved without reading the complaint
    or listing schedules.
    """
    stored_before: dict[Clock, datetime | None] = {}  # each moved clock's firing time before the change
    for effect in complaint.effects:
        if isinstance(effect, (Schedule, Unschedule)):
            deadline = complaint.deadlines.get(effect.clock)
            stored_before.setdefault(effect.clock, deadline.timer_at if deadline else None)
            if deadline:
                deadline.timer_at = effect.at if isinstance(effect, Schedule) else None
    timers = [TimerSync(clock, _timer_at(complaint, clock), previous) for clock, previous in stored_before.items()]
    found: list[Delivery] = list(notifications([e for e in complaint.effects if isinstance(e, Notify)], directory))
    marks = [DuplicateMark(e.other, e.linked) for e in complaint.effects if isinstance(e, MarkDuplicate)]
    return found + timers + list(messages_for(complaint, settings)) + marks


def _timer_at(complaint: Complaint, clock: Clock) -> datetime | None:
    deadline = complaint.deadlines.get(clock)
    return deadline.timer_at if deadline else None


def notifications(notes: list[Notify], directory: RoleMembers) -> list[Notification]:
    """One notification per recipient; a note to a role goes to everyone with the role now."""
    found: list[Notification] = []
    role_members: dict[Role, list[str]] = {}
    for note in notes:
        if note.role is not None and note.role not in role_members:
            role_members[note.role] = directory.usernames_with_role(note.role)
        if note.recipient:
            recipients = [note.recipient]
        elif note.role is not None:
            recipients = role_members[note.role]
        else:
            raise ValueError(f"a {note.event.value} note names neither a recipient nor a role")
        found += [Notification(r, note.event.value, note.text) for r in dict.fromkeys(recipients)]
    return found
