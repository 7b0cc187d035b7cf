"""Administration: staff members, territories (routing is data), and erasing a complainant's personal data.

Staff and territories are maintained by managers and admins; only an admin may grant or
take the admin role, edit an admin, or erase personal data.

A new staff member needs an initial password in the PUT body: the console's log-in takes
a username and password only, so an account waiting on Cognito's "new password required"
challenge could never log in. The password goes to Cognito and nowhere else; a later PUT
with a password resets it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.api.models import StaffIn, StaffOut, TerritoryIn, TerritoryOut
from chalicelib.domain.erasure import Redactor, erase_personal_data
from chalicelib.domain.errors import ConcurrentChange, NotAllowed, RuleViolation
from chalicelib.domain.model import Actor, Role, StaffMember, money
from chalicelib.services.views import staff_view
from chalicelib.services.workflow import load
from chalicelib.wiring import Adapters

ERASE_ATTEMPTS = 3


# --- staff ---------------------------------------------------------------------------------------

def put_staff(username: str, body: StaffIn, actor: Actor, a: Adapters) -> dict[str, Any]:
    """Create or replace a staff member: log-in account and groups, SMS/e-mail subscriptions, profile.

    Everything is checked before anything changes, and the profile is written last, so a
    failure part-way leaves the old profile and the same PUT can simply be sent again.
    """
    require_maintainer(actor)
    old = a.directory.staff(username)
    member = StaffMember(username, body.name, frozenset(body.roles), body.phone, body.email,
                         list(body.territories), money(body.compensation_limit))
    _check_staff_change(old, member, actor, a)
    account_exists = a.identity.exists(username)
    if not account_exists and not body.password:
        raise RuleViolation("password", "password_required")
    a.identity.create_user(username, body.password, sorted(member.roles), member.email, member.name)
    if account_exists:
        a.identity.update_attributes(username, member.email, member.name)
    if old is None or (old.phone, old.email) != (member.phone, member.email):
        a.notifier.subscribe(username, member.email, member.phone)
    a.directory.put_staff(member)
    return staff_out(member)


def get_staff(username: str, actor: Actor, a: Adapters) -> dict[str, Any] | None:
    require_maintainer(actor)
    member = a.directory.staff(username)
    return staff_out(member) if member else None


def list_staff(actor: Actor, a: Adapters) -> dict[str, Any]:
    require_maintainer(actor)
    return {"items": [staff_out(m) for m in a.directory.all_staff()]}


def _check_staff_change(old: StaffMember | None, new: StaffMember, actor: Actor, a: Adapters) -> None:
    if Role.ADMIN not in actor.roles and Role.ADMIN in new.roles | (old.roles if old else frozenset()):
        raise NotAllowed("only an admin may grant the admin role or edit an admin")
    for n, code in enumerate(new.territories):
        if a.directory.territory(code) is None:
            raise RuleViolation(f"territories.{n}", "unknown_territory")
    if old and Role.SALES in old.roles and Role.SALES not in new.roles and any(
            t.get("salesperson") == new.username for t in a.directory.territories()):
        raise RuleViolation("roles", "still_territory_salesperson")


def staff_out(m: StaffMember) -> dict[str, Any]:
    return StaffOut(username=m.username, name=m.name, phone=m.phone, email=m.email, roles=sorted(m.roles),
                    territories=list(m.territories),
                    compensation_limit=str(money(m.compensation_limit))).model_dump(mode="json")


# --- territories -----------------------------------------------------------------------------------

def put_territory(code: str, body: TerritoryIn, actor: Actor, a: Adapters) -> dict[str, Any]:
    """Create or replace a territory; new complaints from its places go to its salesperson from now on.

    A place already served by another territory is refused (move it there first). The
    salespeople's own territory lists follow the change. Complaints already assigned stay
    with whom they are assigned to.
    """
    require_maintainer(actor)
    if body.salesperson:
        member = a.directory.staff(body.salesperson)
        if member is None or Role.SALES not in member.roles:
            raise RuleViolation("salesperson", "not_a_salesperson")
    places = [p.model_dump() for p in body.places]
    for n, owner in enumerate(a.directory.route_territories(places)):
        if owner not in (None, code):
            raise RuleViolation(f"places.{n}", "place_taken")
    old = a.directory.territory(code)
    a.directory.put_territory(code, body.name, places, body.salesperson)
    _move_territory(code, old.get("salesperson") if old else None, body.salesperson, a)
    return territory_out({"code": code, "name": body.name, "places": places, "salesperson": body.salesperson})


def get_territory(code: str, actor: Actor, a: Adapters) -> dict[str, Any] | None:
    require_maintainer(actor)
    territory = a.directory.territory(code)
    return territory_out(territory) if territory else None


def list_territories(actor: Actor, a: Adapters) -> dict[str, Any]:
    require_maintainer(actor)
    return {"items": [territory_out(t) for t in a.directory.territories()]}


def _move_territory(code: str, before: str | None, after: str | None, a: Adapters) -> None:
    """Keep `StaffMember.territories` in step with who serves the territory."""
    if before == after:
        return
    for username, keep in ((before, False), (after, True)):
        member = a.directory.staff(username) if username else None
        if member and (code in member.territories) != keep:
            member.territories = [t for t in member.territories if t != code] + ([code] if keep else [])
            a.directory.put_staff(member)


def territory_out(item: dict[str, Any]) -> dict[str, Any]:
    return TerritoryOut(code=item["code"], name=item["name"], places=item.get("places", []),
                        salesperson=item.get("salesperson")).model_dump(mode="json")


# --- erasure -----------------------------------------------------------------------------------------

def erase(complaint_id: str, reason: str | None, actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    """Erase the complainant's personal data from the complaint; erasing again changes nothing.

    Photos are deleted and the other items of the complaint (history, outbox texts) are
    cleaned first, while the data to look for is still known; the complaint itself is
    saved last with the version it was read at, so a concurrent change means: read, clean
    and save again.
    """
    require_admin(actor)
    for _ in range(ERASE_ATTEMPTS - 1):
        try:
            return _erase_once(complaint_id, reason, actor, a, now)
        except ConcurrentChange:
            continue
    return _erase_once(complaint_id, reason, actor, a, now)


def _erase_once(complaint_id: str, reason: str | None, actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    complaint = load(complaint_id, a)
    if not complaint.erased:
        for key in complaint.photos:
            a.photos.delete(key)
        a.complaints.redact_partition(complaint.id, Redactor(complaint.customer))
        erase_personal_data(complaint, actor.username, now, reason)
        a.complaints.save(complaint, [])
    return staff_view(complaint, actor, a)


def require_maintainer(actor: Actor) -> Actor:
    """The actor, if they may maintain staff and territories (manager, admin)."""
    if not actor.has_any(Role.MANAGER):
        raise NotAllowed("needs the role manager or admin")
    return actor


def require_admin(actor: Actor) -> Actor:
    if Role.ADMIN not in actor.roles:
        raise NotAllowed("needs the role admin")
    return actor
