"""Administration: staff members, territories and accounts (routing is data), the responsible departments,
the calendar settings; erasure is in services/erasure.py.

Staff, territories, accounts and departments are maintained by managers and admins. A manager manages service,
sales and quality members and grants only those roles; leader and admin members and roles
are an admin's alone; nobody changes their own roles. Only an admin erases personal data.

A new staff member needs an initial password in the PUT body: the console's log-in takes
a username and password only, so an account waiting on Cognito's "new password required"
challenge could never log in. The password goes to Cognito and nowhere else; a later PUT
with a password resets it.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from chalicelib.adapters.calendar import CalendarSettings, SettingsChange
from chalicelib.adapters.directory import Account
from chalicelib.api.models import (
    AccountIn,
    AccountListParams,
    AccountOut,
    CalendarIn,
    DepartmentIn,
    DepartmentOut,
    StaffIn,
    StaffOut,
    TerritoryIn,
    TerritoryOut,
)
from chalicelib.auth import staff_records, tokens_valid_from
from chalicelib.domain import departments
from chalicelib.domain.calendar import Duration, Unit
from chalicelib.domain.deliveries import StaffSync
from chalicelib.domain.errors import ConcurrentChange, NotAllowed, RuleViolation
from chalicelib.domain.finding import normal_account, normal_name
from chalicelib.domain.model import Actor, Clock, Role, Severity, StaffMember, money
from chalicelib.services import calendar, delivery
from chalicelib.services.ports import CalendarAdminNeeds
from chalicelib.wiring import Adapters

MANAGED_BY_MANAGERS = frozenset({Role.SERVICE, Role.SALES, Role.QUALITY})
log = logging.getLogger(__name__)


# --- staff ---------------------------------------------------------------------------------------


def put_staff(username: str, body: StaffIn, actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    """Create or replace a staff member: profile, log-in account and groups, SMS/e-mail subscriptions.

    The stored profile is the truth: it is written with a `staff_sync` outbox item in one transaction,
    and the log-in and subscriptions are then made to match it, at once if AWS answers, else by the
    stream or the sweeper until done. A change of roles or password (or a reactivation) makes the
    member's earlier tokens invalid (`tokens_valid_after`), so their old powers go with it.
    `actor` has passed `require_maintainer`: the handler asks before it parses the body.
    """
    old = a.directory.staff(username)
    member = StaffMember(
        username,
        body.name,
        frozenset(body.roles),
        body.phone,
        body.email,
        list(body.territories),
        money(body.compensation_limit),
        tokens_valid_after=old.tokens_valid_after if old else 0,
        revision=old.revision if old else 0,
    )
    account_exists = a.identity.exists(username)
    # an account made in the user pool alone (the first admin) is managed by what its groups say it is
    held = old.roles if old else a.identity.groups(username) if account_exists else frozenset()
    _check_staff_change(old, held, member, actor, a)
    if not account_exists:
        if not body.password:
            raise RuleViolation("password", "password_required")
        a.identity.create_user(username, body.password)  # no groups yet: a lost step leaves no powers
    if (old and (old.roles != member.roles or not old.active)) or (account_exists and body.password):
        member.tokens_valid_after = tokens_valid_from(now.timestamp())
    contact_changed = old is None or not old.active or (old.phone, old.email) != (member.phone, member.email)
    _store_and_sync(member, contact_changed, a, now)
    if account_exists and body.password:
        a.identity.set_password(username, body.password)
    return staff_out(member)


def deactivate_staff(username: str, actor: Actor, a: Adapters, now: datetime) -> dict[str, Any] | None:
    """Disable a member's log-in at once, invalidate their tokens and remove their subscriptions, then move
    each of their open complaints by the routing rules or to the service queue (services/staff_changes.py);
    the answer says where (`moved`, `queued`, `pending`: left to the outbox). The profile stays (history
    names them). Deactivating twice moves only what is still theirs."""
    require_maintainer(actor)
    member = a.directory.staff(username)
    if member is None:
        return None
    _check_may_manage(actor, member.roles)
    if username == actor.username:
        raise NotAllowed("nobody deactivates themselves")
    if Role.SALES in member.roles and any(t.get("salesperson") == username for t in a.directory.territories()):
        raise RuleViolation("username", "still_territory_salesperson")
    a.identity.set_enabled(username, False)
    if member.active:
        member.active, member.tokens_valid_after = False, tokens_valid_from(now.timestamp())
        _store_and_sync(member, True, a, now)
    from chalicelib.services import staff_changes

    moves = staff_changes.reroute_open(username, actor, a, now)  # now that nothing new can be assigned to them
    return {**staff_out(member), **moves.out()}


def _store_and_sync(member: StaffMember, subscriptions: bool, a: Adapters, now: datetime) -> None:
    sync = a.directory.put_staff(member, StaffSync(member.username, subscriptions), now)
    staff_records.forget(member.username)
    try:
        delivery.deliver(sync, a, now)
    except Exception as error:  # noqa: BLE001 - the item stays pending: the stream and the sweeper finish it
        log.warning("staff sync left to the outbox: %s", type(error).__name__)


def get_staff(username: str, actor: Actor, a: Adapters) -> dict[str, Any] | None:
    require_maintainer(actor)
    member = a.directory.staff(username)
    return staff_out(member) if member else None


def list_staff(actor: Actor, a: Adapters) -> dict[str, Any]:
    require_maintainer(actor)
    return {"items": [staff_out(m) for m in a.directory.all_staff()]}


def _check_staff_change(
    old: StaffMember | None, held: frozenset[Role], new: StaffMember, actor: Actor, a: Adapters
) -> None:
    _check_may_manage(actor, new.roles | held)
    if new.username == actor.username and new.roles != (old.roles if old else actor.roles):
        raise NotAllowed("nobody changes their own roles")
    for n, code in enumerate(new.territories):
        if a.directory.territory(code) is None:
            raise RuleViolation(f"territories.{n}", "unknown_territory")
    if (
        old
        and Role.SALES in old.roles
        and Role.SALES not in new.roles
        and any(t.get("salesperson") == new.username for t in a.directory.territories())
    ):
        raise RuleViolation("roles", "still_territory_salesperson")


def _check_may_manage(actor: Actor, roles: frozenset[Role]) -> None:
    """A manager manages service, sales and quality members and grants only those roles; leader and
    admin members and roles are for an admin alone."""
    if Role.ADMIN not in actor.roles and not roles <= MANAGED_BY_MANAGERS:
        raise NotAllowed("a manager manages service, sales and quality members only")


def staff_out(m: StaffMember) -> dict[str, Any]:
    return StaffOut(
        username=m.username,
        name=m.name,
        phone=m.phone,
        email=m.email,
        roles=sorted(m.roles),
        territories=list(m.territories),
        compensation_limit=str(money(m.compensation_limit)),
        active=m.active,
    ).model_dump(mode="json")


# --- territories -----------------------------------------------------------------------------------


def put_territory(
    code: str, body: TerritoryIn, actor: Actor, a: Adapters, now: datetime | None = None, move_open: bool = False
) -> dict[str, Any]:
    """Create or replace a territory; new complaints from its places go to its salesperson from now on.

    A place already served by another territory is refused (move it there first). The
    salespeople's own territory lists follow the change. Complaints already assigned stay
    with whom they are assigned to, unless `move_open`: then the territory's open complaints still
    with its previous salesperson go to the new one. The answer's `open_with_previous` says how many
    the previous salesperson still has there. `actor` has passed `require_maintainer` (the handler asks first).
    """
    if body.salesperson:
        member = a.directory.staff(body.salesperson)
        if member is None or Role.SALES not in member.roles or not member.active:
            raise RuleViolation("salesperson", "not_a_salesperson")
    places = [p.model_dump() for p in body.places]
    for n, owner in enumerate(a.directory.route_territories(places)):
        if owner not in (None, code):
            raise RuleViolation(f"places.{n}", "place_taken")
    old = a.directory.territory(code)
    a.directory.put_territory(code, body.name, places, body.salesperson)
    before = old.get("salesperson") if old else None
    _move_territory(code, before, body.salesperson, a)
    from chalicelib.services import staff_changes

    territory = staff_changes.Selector("territory", code)
    when = now or datetime.now().astimezone()  # a caller with no clock of its own (an import)
    moves = staff_changes.salesperson_changed(territory, before, body.salesperson, move_open, actor, a, when)
    return {
        **territory_out({"code": code, "name": body.name, "places": places, "salesperson": body.salesperson}),
        **moves,
    }


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
    return TerritoryOut(
        code=item["code"], name=item["name"], places=item.get("places", []), salesperson=item.get("salesperson")
    ).model_dump(mode="json")


# --- accounts: who serves a distributor, a hotel, an affiliate; whether it is a key account ------------


def put_account(
    account_id: str, body: AccountIn, actor: Actor, a: Adapters, now: datetime | None = None, move_open: bool = False
) -> dict[str, Any]:
    """Create or replace an account; complaints naming it from now on go to its salesperson (and are major
    for a key account). Its territory must exist, its salesperson be an active member with the sales role.

    Stored over the revision read, which must be `body.revision` when the caller sent one (the one they
    saw): ConcurrentChange otherwise, as when someone else stores it in between. A new salesperson gets
    the account's open complaints still with the previous one when `move_open`; the answer's
    `open_with_previous` says how many stay (as a territory's PUT). `actor` has passed
    `require_maintainer` (the handler asks before it parses the body)."""
    if a.directory.territory(body.territory) is None:
        raise RuleViolation("territory", "unknown_territory")
    _check_salesperson(body.salesperson, a, "account_salesperson")
    old = a.directory.account(account_id)
    read = old.revision if old else 0
    if body.revision is not None and body.revision != read:
        raise ConcurrentChange(account_id)
    account = a.directory.put_account(
        account_id,
        body.name,
        body.territory,
        body.salesperson,
        body.key_account,
        account_type=body.type,
        revision=read,
    )
    from chalicelib.services import staff_changes

    selector = staff_changes.Selector("account", account_id)
    when = now or datetime.now().astimezone()  # a caller with no clock of its own (an import)
    before = old.salesperson if old else None
    return {
        **account_out(account),
        **staff_changes.salesperson_changed(selector, before, body.salesperson, move_open, actor, a, when),
    }


def get_account(account_id: str, actor: Actor, a: Adapters) -> dict[str, Any] | None:
    require_maintainer(actor)
    account = a.directory.account(account_id)
    return account_out(account) if account else None


def list_accounts(params: AccountListParams, actor: Actor, a: Adapters) -> dict[str, Any]:
    """A page of the accounts by id; with `q`, those whose id or name begins with it. Never a Scan."""
    require_maintainer(actor)
    if params.q:
        found = a.directory.find_accounts(normal_account(params.q), normal_name(params.q) or None, params.limit)
        return {"items": [account_out(x) for x in found], "next_cursor": None}
    page, after = a.directory.accounts(params.limit, params.cursor)
    return {"items": [account_out(x) for x in page], "next_cursor": after}


def delete_account(account_id: str, actor: Actor, a: Adapters) -> bool:
    """Remove an account (False: there was none). Its complaints keep it; new ones are routed by place."""
    require_maintainer(actor)
    return a.directory.delete_account(account_id)


def account_out(account: Account) -> dict[str, Any]:
    return AccountOut(**dataclasses.asdict(account)).model_dump(mode="json")


def _check_salesperson(username: str, a: Adapters, message: str = "not_a_salesperson") -> None:
    member = a.directory.staff(username)
    if member is None or Role.SALES not in member.roles or not member.active:
        raise RuleViolation("salesperson", message)


# --- responsible departments: the list a QC result picks from ------------------------------------------


def put_department(code: str, body: DepartmentIn, actor: Actor, a: Adapters) -> dict[str, Any]:
    """Create or rename a responsible department; a name another department has (in any spelling) is
    refused, since a QC result may name a department by its name. Complaints store the code, so a rename
    relabels their statistics. Revisions as for accounts. `actor` has passed `require_maintainer`."""
    listed = {d["code"]: d for d in a.directory.departments()}
    if departments.name_taken(code, body.name, {c: d["name"] for c, d in listed.items()}):
        raise RuleViolation("name", "department_name_taken")
    read = listed[code]["revision"] if code in listed else 0
    if body.revision is not None and body.revision != read:
        raise ConcurrentChange(code)
    return DepartmentOut(**a.directory.put_department(code, body.name, read)).model_dump(mode="json")


def list_departments(actor: Actor, a: Adapters) -> dict[str, Any]:
    """Every responsible department, by code: for their administration (manager, admin)."""
    require_maintainer(actor)
    return department_list(actor, a)


def department_list(actor: Actor, a: Adapters) -> dict[str, Any]:
    """Every responsible department, by code, for any staff member (the QC form offers them)."""
    return {"items": [DepartmentOut(**d).model_dump(mode="json") for d in a.directory.departments()]}


def delete_department(code: str, actor: Actor, a: Adapters) -> bool:
    """Remove a department from the list (False: there was none); complaints keep its code."""
    require_maintainer(actor)
    return a.directory.delete_department(code)


# --- the calendar: business hours, the clock table, the company's own days ----------------------------


def get_calendar(actor: Actor, a: CalendarAdminNeeds, now: datetime) -> dict[str, Any]:
    """The settings as stored (the defaults before the first change), whether the days clocks started now
    can reach are all known (`degraded`), and the last changes."""
    require_maintainer(actor)
    return _calendar_out(a.calendar.stored(), a, now)


def put_calendar(body: CalendarIn, actor: Actor, a: CalendarAdminNeeds, now: datetime) -> dict[str, Any]:
    """Replace the settings; clocks started from now on follow them (running clocks keep their due times).

    The change is stored over the revision it was read at (with `body.revision`, the one the caller saw),
    with its history entry: who, when, what changed. A PUT that changes nothing stores nothing.
    `actor` has passed `require_admin`: the handler asks before it parses the body."""
    old = a.calendar.stored()
    if body.revision is not None and body.revision != old.revision:
        raise ConcurrentChange("calendar settings")
    new = _settings_of(body, old, actor, now)
    changed = calendar.changes(old, new)
    if changed:
        a.calendar.put(new, SettingsChange(new.revision, now, actor.username, changed))
        return _calendar_out(new, a, now)
    return _calendar_out(old, a, now)


def _settings_of(body: CalendarIn, old: CalendarSettings, actor: Actor, now: datetime) -> CalendarSettings:
    """The settings the body sets; a clock it leaves out (the survey's) keeps its setting."""
    clocks = {
        **old.clocks,
        **{
            Clock(name): {Severity(sev): Duration(d.amount, Unit(d.unit)) for sev, d in by.items()}
            for name, by in body.clocks.by_clock().items()
        },
    }
    return CalendarSettings(
        timezone=body.timezone,
        business_start=body.business_hours.start_time,
        business_end=body.business_hours.end_time,
        clocks=clocks,
        company_closed=frozenset(body.company_closed),
        company_workdays=frozenset(body.company_workdays),
        revision=old.revision + 1,
        changed_at=now,
        changed_by=actor.username,
    )


def _calendar_out(settings: CalendarSettings, a: CalendarAdminNeeds, now: datetime) -> dict[str, Any]:
    work = calendar.work_calendar(settings, a.calendar.statutory())
    return {
        **calendar.settings_out(settings),
        "degraded": calendar.degraded(work, now),
        "history": [calendar.change_out(c) for c in a.calendar.history()],
    }


def require_maintainer(actor: Actor) -> Actor:
    """The actor, if they may maintain staff and territories (manager, admin)."""
    if not actor.has_any(Role.MANAGER):
        raise NotAllowed("needs the role manager or admin")
    return actor


def require_admin(actor: Actor) -> Actor:
    if Role.ADMIN not in actor.roles:
        raise NotAllowed("needs the role admin")
    return actor
