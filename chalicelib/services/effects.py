"""What a change caused (domain effects), resolved into the deliveries stored with the change."""

from __future__ import annotations

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
    A clock's wanted firing time is kept on the complaint (`timer_at`), so the timer
    delivery only says "make the schedule match the complaint" and the order in which
    timer deliveries are carried out does not matter.
    """
    clocks: list[Clock] = []
    for effect in complaint.effects:
        if isinstance(effect, (Schedule, Unschedule)):
            deadline = complaint.deadlines.get(effect.clock)
            if deadline:
                deadline.timer_at = effect.at if isinstance(effect, Schedule) else None
            if effect.clock not in clocks:
                clocks.append(effect.clock)
    found: list[Delivery] = list(notifications([e for e in complaint.effects if isinstance(e, Notify)], directory))
    marks = [DuplicateMark(e.other, e.linked) for e in complaint.effects if isinstance(e, MarkDuplicate)]
    return found + [TimerSync(c) for c in clocks] + list(messages_for(complaint, settings)) + marks


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
