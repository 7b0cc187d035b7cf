"""Finding complaints (staff search, the caller's history) and the possible duplicates of a new one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.complaints import complaint_from_item
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.finding import (
    Find,
    FindBy,
    find_keys,
    mark_duplicate,
    mark_possible_duplicates,
    normal_name,
    partition_of,
)
from chalicelib.domain.model import Actor, Complaint, Role
from chalicelib.domain.policy import sees_contact
from chalicelib.services import calendar, people
from chalicelib.services.ports import ComplaintStore, Finder, FindNeeds
from chalicelib.services.queries import summary

EARLIER_LOOKED_AT = 20  # a complainant's latest complaints a new one is compared with
MARK_ATTEMPTS = 3


def search(find: Find, limit: int, actor: Actor, a: FindNeeds, now: datetime) -> dict[str, Any]:
    """`{"items", "matched_by"}`: the complaints `find` names, newest first; a salesperson's own only.

    An account id that is no account's is tried as a name (`Li`, `ANNA` look like either)."""
    own = actor.username if actor.roles == {Role.SALES} else None
    found = _found(find, limit, own, a)
    if not found and find.by is FindBy.ACCOUNT_ID:
        as_name = Find(FindBy.NAME, normal_name(find.value))
        found = _found(as_name, limit, own, a)
        if found:
            find = as_name
    policy = calendar.policy(a)
    contact = sees_contact(actor)
    staff = people.names(a.directory)
    return {"items": [summary(c, now, policy, contact, staff) for c in found], "matched_by": find.by.value}


def _found(find: Find, limit: int, own: str | None, a: FindNeeds) -> list[Complaint]:
    if find.by is FindBy.COMPLAINT_ID:
        complaint = a.complaints.get(find.value)
        return [complaint] if complaint and own in (None, complaint.assignee) else []
    secret = a.settings.access_code_secret
    name = find.value if find.by is FindBy.NAME else None
    items = a.search.find(find.by.value, partition_of(secret, find), limit, name=name, assignee=own)
    return [complaint_from_item(i) for i in items]


def keys_and_duplicates(complaint: Complaint, secret: str, finder: Finder, now: datetime) -> None:
    """Give a new complaint its find keys, and mark it a possible duplicate of the open complaints of the
    same phone or account about the same product (those are marked back through the outbox)."""
    complaint.find_keys = keys = find_keys(secret, complaint.customer)
    earlier: dict[str, Complaint] = {}
    for by, key in ((FindBy.PHONE, keys.phone), (FindBy.ACCOUNT_ID, keys.account)):
        if key:
            for item in finder.find(by.value, key, EARLIER_LOOKED_AT):
                earlier.setdefault(item["id"], complaint_from_item(item))
    mark_possible_duplicates(complaint, list(earlier.values()), now)


def apply_mark(complaint_id: str, other: str, linked: bool, complaints: ComplaintStore, now: datetime) -> str:
    """Carry out a `MarkDuplicate` delivery on `complaint_id`: mark or unmark `other` on it, once."""
    for attempt in range(MARK_ATTEMPTS):
        target = complaints.get(complaint_id)
        if target is None or not mark_duplicate(target, other, linked, now):
            return "unchanged"
        try:
            complaints.save(target, [], now)
            return "marked" if linked else "unmarked"
        except ConcurrentChange:
            if attempt == MARK_ATTEMPTS - 1:
                raise
    return "unchanged"
