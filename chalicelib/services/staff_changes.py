"""Staff changes that lose nothing: when a salesperson stops handling complaints, their open ones move.

Deactivating a member re-routes each of their open complaints by the routing rules (its account's
salesperson, its territory's, its customer's city's or province's; never the member's) or, with no route,
to the service queue. A territory or account whose salesperson changes moves its open complaints from the
old salesperson to the new one when asked (`move_open`); else its answer says how many the old one still
has there. The complaints are found through an index (by_assignee, by_territory, by_account; never a
Scan); each is read, moved by the domain (`workflow.reassign`: the history entry, the new assignee's SMS
and e-mail or the queue's notice) and saved over the version it was read at.

Exactly once, whoever else acts meanwhile: a complaint moves only while it is open and still assigned to
the salesperson being left, as read on the version the move is saved over. A concurrent change
(ConcurrentChange) makes the move read again and decide again, so a complaint acted on meanwhile is still
moved, and one someone else moved already is left as it is. Its notifications are outbox items of the
same transaction, so they go out once too.

How long a request runs: the first IN_REQUEST moves (within REQUEST_SECONDS) are made in the request,
which is all of a salesperson's open complaints in any usual case, and the answer says where each went
(a move takes about five DynamoDB calls). What is left, and a complaint still busy after MOVE_ATTEMPTS,
becomes one outbox delivery per complaint (`Reassignment`), carried out by the stream and retried by the
sweeper with the same move: however often a delivery runs, its complaint moves once. The answer lists
those as `pending`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain import routing
from chalicelib.domain.deliveries import Reassignment
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.finding import FindBy, lookup_hash, normal_account
from chalicelib.domain.listing import Plan
from chalicelib.domain.model import OPEN_STATUSES, Actor, Complaint, Role, StaffMember
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import reassign
from chalicelib.services.effects import deliveries_for
from chalicelib.services.ports import MoveNeeds, StaffChangeNeeds

DEACTIVATED = "deactivated"
TERRITORY_CHANGED = "territory_changed"
ACCOUNT_CHANGED = "account_changed"
IN_REQUEST = 50  # moves made in the request; the rest go through the outbox
REQUEST_SECONDS = 10.0  # well inside API Gateway's 29 s, with the outbox writes still to come
MOVE_ATTEMPTS = 4
PAGE = 200
ALL = 100_000  # a salesperson's complaints of one account, read all (the index pages them)


@dataclass(frozen=True)
class Selector:
    """Which of a salesperson's complaints: those of a territory (`kind` territory, its code) or of an
    account (`kind` account, its id)."""

    kind: str
    value: str


@dataclass(frozen=True)
class Moved:
    complaint_id: str
    to: str | None  # None: the service queue


@dataclass
class Moves:
    """What a staff change moved: to whom (`moved`), to the service queue (`queued`), left to the outbox
    (`pending`: still with the old salesperson for a few seconds)."""

    moved: list[Moved] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def out(self) -> dict[str, Any]:
        return {
            "moved": [{"complaint_id": m.complaint_id, "to": m.to} for m in self.moved if m.to],
            "queued": [m.complaint_id for m in self.moved if not m.to],
            "pending": list(self.pending),
        }


def reroute_open(leaving: str, by: Actor, a: StaffChangeNeeds, now: datetime) -> Moves:
    """Each open complaint assigned to `leaving` (just deactivated) to where the routing rules send it now,
    or to the service queue."""
    return _move_all(open_complaints(leaving, None, a), Reassignment(leaving, by.username, DEACTIVATED), a, now)


def move_open_complaints(
    old: str, new: str | None, selector: Selector, by: Actor, a: StaffChangeNeeds, now: datetime
) -> Moves:
    """The open complaints of a territory or account still assigned to `old` to `new`, its new salesperson
    (None: where the routing rules send them now, else the service queue)."""
    reason = TERRITORY_CHANGED if selector.kind == "territory" else ACCOUNT_CHANGED
    return _move_all(open_complaints(old, selector, a), Reassignment(old, by.username, reason, new), a, now)


def salesperson_changed(
    selector: Selector,
    before: str | None,
    after: str | None,
    move_open: bool,
    by: Actor,
    a: StaffChangeNeeds,
    now: datetime,
) -> dict[str, Any]:
    """What a territory's or account's PUT adds to its answer: `open_with_previous`, how many open complaints
    there the previous salesperson still has (so that the console can offer to move them); with
    `move_open`, they are moved first, and the answer says where (`moved`, `queued`, `pending`)."""
    if not before or before == after:
        return {"open_with_previous": 0}
    if not move_open:
        return {"open_with_previous": len(open_complaints(before, selector, a))}
    moves = move_open_complaints(before, after, selector, by, a, now)
    return {"open_with_previous": len(moves.pending), **moves.out()}


def carry_out(complaint_id: str, wanted: Reassignment, a: MoveNeeds, now: datetime) -> str:
    """The outbox's delivery of a move left for later: what it did, for the item's result."""
    moved = move(complaint_id, wanted, a, now)
    if moved is None:
        return "unchanged"
    return f"moved to {moved.to}" if moved.to else "queued"


def move(complaint_id: str, wanted: Reassignment, a: MoveNeeds, now: datetime) -> Moved | None:
    """Move one complaint as `wanted` says if it is open and still with `wanted.leaving` (None: it is not,
    or no longer). A change saved by someone else meanwhile: read again, decide again; ConcurrentChange
    after MOVE_ATTEMPTS."""
    for attempt in range(MOVE_ATTEMPTS):
        complaint = a.complaints.get(complaint_id)
        if complaint is None or complaint.assignee != wanted.leaving or complaint.status not in OPEN_STATUSES:
            return None
        to = _salesperson(wanted.to, a) if wanted.to else None
        to = to or _routed(complaint, wanted.leaving, a)
        reassign(complaint, to, wanted.by, wanted.reason, now)
        try:
            a.complaints.save(complaint, deliveries_for(complaint, a.directory, a.settings), now)
        except ConcurrentChange:
            if attempt == MOVE_ATTEMPTS - 1:
                raise
            continue
        return Moved(complaint_id, to.username if to else None)
    return None


def open_complaints(assignee: str, selector: Selector | None, a: StaffChangeNeeds) -> list[str]:
    """The ids of the open complaints assigned to `assignee` (of the territory or account `selector` names),
    oldest first: one index, paged."""
    if selector and selector.kind == "account":
        account = normal_account(selector.value)
        if not account:
            return []
        key = lookup_hash(a.settings.access_code_secret, FindBy.ACCOUNT_ID, account)
        items = a.search.find(FindBy.ACCOUNT_ID.value, key, ALL, assignee=assignee)
    else:
        if selector:
            plan = Plan("territory", ((selector.value,),), {"assignee": assignee})
        else:
            plan = Plan("assignee", ((assignee,),), {})
        items, position = a.search.page(plan, PAGE)
        while position:
            more, position = a.search.page(plan, PAGE, *position)
            items += more
    found = [i for i in items if i.get("status") in OPEN_STATUSES]
    return [i["id"] for i in sorted(found, key=lambda i: (i["received_at"], i["id"]))]


def _move_all(ids: list[str], wanted: Reassignment, a: StaffChangeNeeds, now: datetime) -> Moves:
    moves, started = Moves(), time.monotonic()
    for n, complaint_id in enumerate(ids):
        if n >= IN_REQUEST or time.monotonic() - started > REQUEST_SECONDS:
            moves.pending += ids[n:]
            break
        try:
            moved = move(complaint_id, wanted, a, now)
        except ConcurrentChange:  # busy: the outbox tries again until it is moved
            moves.pending.append(complaint_id)
            continue
        if moved:
            moves.moved.append(moved)
    if moves.pending:
        a.outbox.put_many([(complaint_id, wanted) for complaint_id in moves.pending], now)
    return moves


def _routed(complaint: Complaint, leaving: str, a: MoveNeeds) -> StaffMember | None:
    """The first active salesperson the routing rules name for the complaint, never `leaving`."""
    found = a.directory.find_routes(routing.route_lookups(complaint.customer))
    territory = a.directory.territory(complaint.territory) if complaint.territory else None
    if territory:
        found["territory"] = Route(territory["code"], territory.get("salesperson"))
    for route in routing.reroutes(found, leaving):
        member = _salesperson(route.salesperson, a)
        if member:
            return member
    return None


def _salesperson(username: str | None, a: MoveNeeds) -> StaffMember | None:
    member = a.directory.staff(username) if username else None
    return member if member and member.active and Role.SALES in member.roles else None
