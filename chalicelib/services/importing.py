"""Import of staff, territories and accounts from a spreadsheet: the dry run, the apply, the templates.

Each row of the file (api/import_models.py has read it into its model) is compared with what is
stored: `create`, `change` (the fields that differ are named) or `unchanged`. A row that may not be
applied is an error with its Excel row and column: a value its model refuses (a wrong role, a phone
that is no phone, an empty required cell), a key the file already had, a territory or salesperson
neither stored nor in the file, a place another territory serves, and the rules of the staff page
(services/admin.py) for each row it would change: a manager creates and changes service, sales and
quality members only, nobody changes their own roles, a new member needs an initial password, the
salesperson of a territory keeps the sales role. A row that changes nothing is never refused.

All or nothing: the apply writes only a file without errors (else it answers them and writes
nothing), through the same service functions as the admin pages (put_staff, put_territory,
put_account), so their rules are checked again at the write. Writes are not one transaction (a staff
member is a log-in, subscriptions and items); should a write fail part-way (AWS, or someone changing
a row meanwhile) the answer says where, and applying the same file again finishes it: rows already
applied are then `unchanged`. Applying a file twice changes nothing the second time.

Order: staff first (a territory's salesperson must exist), then territories (a territory giving a
place up before the one taking it), then the staff whose territory lists the territories changed
(a salesperson's own territories always stay in their list, as the territory page keeps them),
then accounts. The import moves no open complaints when a territory's salesperson changes (the
territory page offers that). Passwords in the file are used for new members only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from chalicelib.api.import_models import COLUMNS, EXAMPLES, XLSX, ImportFile, Kind, Problem, Row, Sheet
from chalicelib.domain.errors import ConcurrentChange, NotAllowed, RuleViolation
from chalicelib.domain.model import Actor, Role, StaffMember, money
from chalicelib.domain.routing import ANY_CITY, place
from chalicelib.services import admin
from chalicelib.wiring import Adapters

Action = Literal["create", "change", "unchanged"]
ORDER: tuple[Kind, ...] = ("staff", "territories", "accounts")


@dataclass
class Outcome:
    """What applying one valid row does."""

    sheet: Sheet
    row: Row
    action: Action
    changed: list[str]
    territories: list[str] = field(default_factory=list)  # staff: the territory list once applied

    @property
    def key(self) -> str:
        assert self.row.key is not None
        return self.row.key

    def out(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"row": self.row.number, "kind": self.sheet.kind, "key": self.key}
        answer.update(action=self.action, changed=self.changed)
        if self.sheet.name:
            answer["sheet"] = self.sheet.name
        return answer


@dataclass
class Report:
    outcomes: list[Outcome]
    problems: list[Problem]
    dry_run: bool
    applied: bool = False
    stopped_at: Problem | None = None  # the write that failed part-way
    written: int = 0  # rows written before it

    def out(self, lang: str) -> dict[str, Any]:
        counts = {a: sum(o.action == a for o in self.outcomes) for a in ("create", "change", "unchanged")}
        errors = [p.out(lang) for p in self.problems] + ([self.stopped_at.out(lang)] if self.stopped_at else [])
        answer = {"dry_run": self.dry_run, "applied": self.applied, **counts, "errors": errors}
        answer["rows"] = [o.out() for o in self.outcomes]
        if self.stopped_at:
            answer["written"] = self.written
        return answer


def run(file: ImportFile, dry_run: bool, actor: Actor, a: Adapters, now: datetime) -> Report:
    """The dry run's report, or (`dry_run` False, and no errors) the report of the file applied."""
    admin.require_maintainer(actor)
    plan = _Plan(file, actor, a)
    report = Report(plan.outcomes, file.problems + plan.problems, dry_run)
    if not dry_run and not report.problems:
        _apply(plan, report, actor, a, now)
    return report


# --- the plan: the directory as the file would leave it -------------------------------------------------


def _place_key(p: dict[str, Any]) -> str:
    """A place as the routing items name it (services/admin.py's put_territory checks the same)."""
    return f"{place(p['province'])}#{place(p.get('city')) or ANY_CITY}"


class _Plan:
    def __init__(self, file: ImportFile, actor: Actor, a: Adapters):
        self.actor, self.a = actor, a
        self.problems: list[Problem] = []
        self.outcomes: list[Outcome] = []
        self.territory_order: list[Outcome] = []
        self.rows: dict[Kind, list[tuple[Sheet, Row]]] = {k: [] for k in ORDER}
        for sheet in file.sheets:
            for row in sheet.rows:
                self.rows[sheet.kind].append((sheet, row))
                self.problems += row.problems
        kinds = {s.kind for s in file.sheets}
        self.staff = {m.username: m for m in a.directory.all_staff()} if kinds else {}
        self.territories = {t["code"]: t for t in a.directory.territories()} if kinds else {}
        self.accounts = _all_accounts(a) if "accounts" in kinds else {}
        self.routes = {_place_key(p): c for c, t in self.territories.items() for p in t.get("places", [])}
        self.claimed: dict[str, tuple[str, int]] = {}  # a place -> the file's first territory row naming it
        self.repeated: set[int] = set()  # id() of the rows whose key an earlier row had
        self.file_staff = self._first_of_each("staff")
        self.file_territories = self._first_of_each("territories")
        self._first_of_each("accounts")
        plan_row = {"staff": self._staff_row, "territories": self._territory_row, "accounts": self._account_row}
        for kind in ORDER:
            for sheet, row in self.rows[kind]:
                if row.body is not None and row.key is not None and id(row) not in self.repeated:
                    plan_row[kind](sheet, row)
        self._order_territories()

    # who and what the file knows ------------------------------------------------------------------
    def _first_of_each(self, kind: Kind) -> dict[str, Any]:
        """Each key's first row (its body, None when the row is bad); a later row with the key is an error."""
        first: dict[str, Any] = {}
        numbers: dict[str, int] = {}
        for sheet, row in self.rows[kind]:
            if row.key is None:
                continue
            if row.key in first:
                self.problems.append(
                    sheet.problem(row.number, _key_field(kind), "import_duplicate_key", first=numbers[row.key])
                )
                self.repeated.add(id(row))
                continue
            first[row.key], numbers[row.key] = row.body, row.number
        return first

    def _known_territory(self, code: str) -> bool:
        return code in self.territories or code in self.file_territories

    def _active_salesperson(self, username: str) -> bool:
        if username in self.file_staff:
            body = self.file_staff[username]
            return body is None or Role.SALES in body.roles  # a bad row is reported already, not twice
        member = self.staff.get(username)
        return bool(member and member.active and Role.SALES in member.roles)

    def _salesperson_of(self, code: str) -> str | None:
        body = self.file_territories.get(code)
        if body is not None:
            return str(body.salesperson) if body.salesperson else None
        return self.territories.get(code, {}).get("salesperson")

    def _served_by(self, username: str) -> list[str]:
        codes = sorted(set(self.territories) | set(self.file_territories))
        return [c for c in codes if self._salesperson_of(c) == username]

    # staff ------------------------------------------------------------------------------------------
    def _staff_row(self, sheet: Sheet, row: Row) -> None:
        body, username = row.body, row.key
        assert username is not None
        old = self.staff.get(username)
        listed = list(body.territories)
        territories = listed + [c for c in self._served_by(username) if c not in listed]
        problems = [
            sheet.problem(row.number, "territories", "import_unknown_territory", code=c)
            for c in listed
            if not self._known_territory(c)
        ]
        changed = _staff_changes(old, body, territories)
        if changed:
            problems += self._staff_rules(sheet, row, old, frozenset(body.roles))
        self._add(sheet, row, problems, changed, old is None, territories)

    def _staff_rules(self, sheet: Sheet, row: Row, old: StaffMember | None, roles: frozenset[Role]) -> list[Problem]:
        """services/admin.py's rules for a change of a member, told as errors of the row."""
        username, problems = row.key, []
        assert username is not None
        exists = old is not None or self.a.identity.exists(username)
        held = old.roles if old else self.a.identity.groups(username) if exists else frozenset()
        if Role.ADMIN not in self.actor.roles and not roles | held <= admin.MANAGED_BY_MANAGERS:
            problems.append(sheet.problem(row.number, "roles", "import_manager_only"))
        if username == self.actor.username and roles != (old.roles if old else self.actor.roles):
            problems.append(sheet.problem(row.number, "roles", "import_own_roles"))
        if old and Role.SALES in old.roles and Role.SALES not in roles and self._served_by(username):
            problems.append(sheet.problem(row.number, "roles", "still_territory_salesperson"))
        if not exists and not row.body.password:
            problems.append(sheet.problem(row.number, "password", "password_required"))
        return problems

    # territories --------------------------------------------------------------------------------------
    def _territory_row(self, sheet: Sheet, row: Row) -> None:
        body, code, claimed = row.body, str(row.key), self.claimed
        problems = []
        if body.salesperson and not self._active_salesperson(body.salesperson):
            problems.append(
                sheet.problem(row.number, "salesperson", "import_not_a_salesperson", username=body.salesperson)
            )
        for p in body.places:
            k = _place_key(p.model_dump())
            if k in claimed and claimed[k][0] != code:
                problems.append(sheet.problem(row.number, "places", "import_place_twice", first=claimed[k][1]))
                continue
            claimed[k] = (code, row.number)
            owner = self.routes.get(k)
            if owner in (None, code):
                continue
            giving_up = owner in self.file_territories
            if giving_up and self.file_territories[owner] is not None:
                giving_up = k not in {_place_key(q.model_dump()) for q in self.file_territories[owner].places}
            if not giving_up:
                problems.append(sheet.problem(row.number, "places", "import_place_taken", territory=owner))
        old = self.territories.get(code)
        self._add(sheet, row, problems, _territory_changes(old, body), old is None)

    def _order_territories(self) -> None:
        """Each territory after the ones whose places it takes: those give them up first. Territories
        swapping places cannot be ordered so: an error of their rows."""
        owners = dict(self.routes)
        pending = [o for o in self.outcomes if o.sheet.kind == "territories" and o.action != "unchanged"]
        while pending:
            ready = [o for o in pending if all(owners.get(k) in (None, o.key) for k in _places_of(o.row.body))]
            if not ready:
                self.problems += [o.sheet.problem(o.row.number, "places", "import_place_swap") for o in pending]
                return
            for o in ready:
                owners = {k: c for k, c in owners.items() if c != o.key}
                owners.update(dict.fromkeys(_places_of(o.row.body), o.key))
                self.territory_order.append(o)
                pending.remove(o)

    # accounts ---------------------------------------------------------------------------------------
    def _account_row(self, sheet: Sheet, row: Row) -> None:
        body = row.body
        problems = []
        if not self._known_territory(body.territory):
            problems.append(sheet.problem(row.number, "territory", "import_unknown_territory", code=body.territory))
        if not self._active_salesperson(body.salesperson):
            problems.append(
                sheet.problem(row.number, "salesperson", "import_not_a_salesperson", username=body.salesperson)
            )
        old = self.accounts.get(row.key or "")
        self._add(sheet, row, problems, _account_changes(old, body), old is None)

    def _add(
        self,
        sheet: Sheet,
        row: Row,
        problems: list[Problem],
        changed: list[str],
        new: bool,
        territories: list[str] | None = None,
    ) -> None:
        self.problems += problems
        if not problems:
            action: Action = "create" if new else "change" if changed else "unchanged"
            self.outcomes.append(Outcome(sheet, row, action, [] if new else changed, territories or []))


def _key_field(kind: Kind) -> str:
    return COLUMNS[kind][0].field


def _places_of(body: Any) -> list[str]:
    return [_place_key(p.model_dump()) for p in body.places]


def _all_accounts(a: Adapters) -> dict[str, Any]:
    found, after = {}, None
    while True:
        page, after = a.directory.accounts(1000, after)
        found.update({x.account_id: x for x in page})
        if after is None:
            return found


def _differing(pairs: dict[str, tuple[Any, Any]]) -> list[str]:
    return [name for name, (was, now) in pairs.items() if was != now]


def _staff_changes(old: StaffMember | None, body: Any, territories: list[str]) -> list[str]:
    """The fields a row changes (every field for a new member)."""
    if old is None:
        return [c.field for c in COLUMNS["staff"] if c.field not in ("username", "password")]
    changed = _differing(
        {
            "name": (old.name, body.name),
            "phone": (old.phone, body.phone),
            "email": (old.email, body.email),
            "roles": (old.roles, frozenset(body.roles)),
            "territories": (list(old.territories), territories),
            "compensation_limit": (money(old.compensation_limit), money(body.compensation_limit)),
        }
    )
    return [*changed, "active"] if not old.active else changed


def _territory_changes(old: dict[str, Any] | None, body: Any) -> list[str]:
    if old is None:
        return ["name", "places", "salesperson"]
    places = {(p["province"], p.get("city")) for p in old.get("places", [])}
    return _differing(
        {
            "name": (old["name"], body.name),
            "places": (places, {(p.province, p.city) for p in body.places}),
            "salesperson": (old.get("salesperson"), body.salesperson),
        }
    )


def _account_changes(old: Any, body: Any) -> list[str]:
    if old is None:
        return ["name", "type", "territory", "salesperson", "key_account"]
    return _differing(
        {
            "name": (old.name, body.name),
            "type": (old.type, body.type),
            "territory": (old.territory, body.territory),
            "salesperson": (old.salesperson, body.salesperson),
            "key_account": (old.key_account, body.key_account),
        }
    )


# --- the apply ---------------------------------------------------------------------------------------


def _apply(plan: _Plan, report: Report, actor: Actor, a: Adapters, now: datetime) -> None:
    staff = [o for o in plan.outcomes if o.sheet.kind == "staff"]
    steps = [(o, "staff") for o in staff if o.action != "unchanged"]
    steps += [(o, "territory") for o in plan.territory_order]
    steps += [(o, "settle") for o in staff]
    steps += [(o, "account") for o in plan.outcomes if o.sheet.kind == "accounts" and o.action != "unchanged"]
    for outcome, step in steps:
        try:
            _write(step, outcome, plan, actor, a, now)
        except (RuleViolation, NotAllowed, ConcurrentChange) as refused:
            report.stopped_at = _refusal(outcome, refused)
            return
        report.written += step != "settle"
    report.applied = True


def _write(step: str, o: Outcome, plan: _Plan, actor: Actor, a: Adapters, now: datetime) -> None:
    """One write of the apply, by the admin pages' own service functions."""
    body = o.row.body
    if step == "staff":  # the territories that exist already: the file's new ones are written next
        existing = [c for c in o.territories if c in plan.territories]
        password = body.password if o.action == "create" else None
        admin.put_staff(o.key, body.model_copy(update={"territories": existing, "password": password}), actor, a, now)
    elif step == "territory":
        admin.put_territory(o.key, body, actor, a, now)
    elif step == "settle":  # the territory list as the file has it, once its territories exist
        member = a.directory.staff(o.key)
        if member is not None and member.territories != o.territories:
            update = {"territories": o.territories, "password": None}
            admin.put_staff(o.key, body.model_copy(update=update), actor, a, now)
    else:
        old = plan.accounts.get(o.key)
        admin.put_account(o.key, body.model_copy(update={"revision": old.revision if old else 0}), actor, a)


def _refusal(outcome: Outcome, refused: Exception) -> Problem:
    sheet, number = outcome.sheet, outcome.row.number
    if isinstance(refused, RuleViolation):
        return sheet.problem(number, refused.field.split(".")[0], str(refused))
    if isinstance(refused, NotAllowed):
        return sheet.problem(number, "roles", "import_manager_only")
    return sheet.problem(number, _key_field(sheet.kind), "import_changed_meanwhile")


# --- templates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    name: str
    title: str  # the name in Chinese (Content-Disposition's filename*)
    content_type: str
    body: bytes | str


TEMPLATE_NAMES = {"staff": "员工导入模板", "territories": "片区导入模板", "accounts": "客户导入模板"}


def template(kind: Kind, fmt: Literal["xlsx", "csv"], actor: Actor) -> Template:
    """The Chinese header row of `kind` and one example row, as .xlsx or as CSV UTF-8 (with the BOM Excel
    looks for)."""
    admin.require_maintainer(actor)
    headers = [c.zh for c in COLUMNS[kind]]
    example = list(EXAMPLES[kind])
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerows([headers, [_shown(v) for v in example]])
        body = "\ufeff" + text.getvalue()
        return Template(f"{kind}-template.csv", f"{TEMPLATE_NAMES[kind]}.csv", "text/csv; charset=utf-8", body)
    book = _workbook(TEMPLATE_NAMES[kind], headers, example)
    return Template(f"{kind}-template.xlsx", f"{TEMPLATE_NAMES[kind]}.xlsx", XLSX, book)


def _shown(value: Any) -> str:
    return f"{value}" if not isinstance(value, Decimal) else f"{value:f}"


def _workbook(title: str, headers: list[str], example: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    sheet.append(example)
    for n, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 14 if n > 1 else 12
    for cell in sheet[2]:
        if isinstance(cell.value, str):
            cell.number_format = "@"  # text: a phone stays a phone, an id keeps its zeros
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
