"""The models of what staff and operators send: complaints recorded from any channel, workflow
actions, list, export and statistics parameters, administration, the local stage's scheduler.

Reach them through `chalicelib.api.models` (`models.ListParams`), which imports this module the
first time one is asked for: the public routes, and so most cold starts, never define these classes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.api import errors
from chalicelib.api.fields import ComplaintIn, Email, Line, Model, Phone, Shown, Text, _phone
from chalicelib.domain import commands, finding
from chalicelib.domain.model import (
    DEFAULT_COMPENSATION_LIMIT,
    SHANGHAI,
    Category,
    Channel,
    CustomerType,
    HandlingType,
    Role,
    Severity,
    Status,
)
from chalicelib.domain.stats import DIMENSIONS

__all__ = [  # what chalicelib.api.models hands out from here
    "ACTION_MODELS",
    "AccountIn",
    "AccountKey",
    "AccountListParams",
    "AccountOut",
    "BusinessHoursIn",
    "CalendarIn",
    "CalendarParams",
    "ClocksIn",
    "DepartmentIn",
    "DepartmentKey",
    "DepartmentOut",
    "DurationIn",
    "EraseIn",
    "ExportParams",
    "FireIn",
    "ListParams",
    "MoveOpenParams",
    "PlaceIn",
    "SearchParams",
    "StaffComplaintIn",
    "StaffIn",
    "StaffKey",
    "StaffOut",
    "StatsParams",
    "TerritoryIn",
    "TerritoryKey",
    "TerritoryOut",
    "as_moment",
    "parse_action",
]

STATS_DIMENSIONS = ("all", *DIMENSIONS)
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
MAX_PERIOD_DAYS = 366  # the longest period a list, export or statistics request may read


def _in_years(value: date | datetime | None) -> date | datetime | None:
    """Dates and times the system works with: from 2000 to 2099. Years 1 and 9999 overflow the moment
    they are moved to another time zone or to the next month (a 500 before this check)."""
    if value is not None and not (EARLIEST <= (value.date() if isinstance(value, datetime) else value) <= LATEST):
        raise PydanticCustomError("date_range", "must be between 2000 and 2099")
    return value


Moment = Annotated[datetime, AfterValidator(_in_years)]
Day = Annotated[date, AfterValidator(_in_years)]
MomentOrDay = Annotated[datetime | date, AfterValidator(_in_years)]  # the check after the union: one error
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class StaffComplaintIn(ComplaintIn):
    """Staff entry from any channel; a letter carries the date it arrived."""

    channel: Channel
    received_at: Moment | None = None

    @field_validator("received_at")
    @classmethod
    def _past_and_aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return value
        if value.tzinfo is None:
            raise PydanticCustomError("timezone_aware", "must carry an offset")
        if value > datetime.now(UTC):
            raise PydanticCustomError("time_in_future", "cannot be in the future")
        return value


class FireIn(Model):
    until: Moment | None = None


# --- workflow actions: one model per action, told apart by "action" --------------------------


class Action(Model):
    """The body of one workflow action; `to_command` is where it becomes the domain's command."""

    def to_command(self) -> commands.Command:
        kind = commands.COMMANDS[self.action]  # type: ignore[attr-defined]
        return kind(**{f.name: getattr(self, f.name) for f in dataclasses.fields(kind)})


class Assign(Action):
    action: Literal["assign"]
    assignee: Annotated[str, Field(min_length=1, max_length=128), Shown]


class Contact(Action):
    action: Literal["contact"]
    note: Text | None = None


class CloseUnsubstantiated(Action):
    action: Literal["close_unsubstantiated"]
    explanation: Text


class SubmitFeedbackForm(Action):
    action: Literal["submit_feedback_form"]
    investigation: Text
    sample_provided: bool
    certificate_provided: bool
    customer_request: Text
    requested_amount: Amount | None = None


class RecordQcResult(Action):
    action: Literal["record_qc_result"]
    investigation_result: Text
    cause_analysis: Text
    responsible_department: Line
    corrective_actions: Text
    preventive_actions: Text
    company_at_fault: bool


class ProposeHandling(Action):
    action: Literal["propose_handling"]
    type: HandlingType
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)] | None = Field(
        default=None, validate_default=True
    )
    note: Text | None = None

    @field_validator("amount")
    @classmethod
    def _amount_where_money_moves(cls, amount: Decimal | None, info) -> Decimal | None:
        """A field check (not a model check), so the error names `amount`."""
        if amount is None and info.data.get("type") in (HandlingType.COMPENSATION, HandlingType.REFUND):
            raise PydanticCustomError("amount_required", "an amount is required")
        return amount


class Approve(Action):
    action: Literal["approve"]
    note: Text | None = None


class Decline(Action):
    action: Literal["decline"]
    note: Text


class NotifyCustomer(Action):
    action: Literal["notify_customer"]
    via: Literal["phone", "sms", "letter", "visit"]
    note: Text | None = None


class RecordSatisfaction(Action):
    action: Literal["record_satisfaction"]
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Text | None = None


class Close(Action):
    action: Literal["close"]
    note: Text | None = None


class Reopen(Action):
    action: Literal["reopen"]
    reason: Text


class Escalate(Action):
    action: Literal["escalate"]
    note: Text | None = None


class ResendReceipt(Action):
    """A new access code and the receipt SMS again: nothing to fill in."""

    action: Literal["resend_receipt"]


def _complaint_number(value: str) -> str:
    number = finding.complaint_id_in(value)
    if number is None:
        raise PydanticCustomError("complaint_id", "not a complaint number (C-yyyymmdd-XXXXXX)")
    return number


ComplaintNumber = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_complaint_number)]


class AddNote(Action):
    action: Literal["note"]
    note: Text


class Merge(Action):
    action: Literal["merge"]
    into: ComplaintNumber
    note: Text | None = None


class NotDuplicate(Action):
    action: Literal["not_duplicate"]
    note: Text | None = None


class SetSeverity(Action):
    """Staff judge the complaint more (or less) serious than intake did; the running clocks are rescaled."""

    action: Literal["set_severity"]
    severity: Severity
    reason: Text


ACTION_MODELS = (
    Assign,
    Contact,
    CloseUnsubstantiated,
    SubmitFeedbackForm,
    RecordQcResult,
    ProposeHandling,
    Approve,
    Decline,
    NotifyCustomer,
    RecordSatisfaction,
    Close,
    Reopen,
    Escalate,
    ResendReceipt,
    AddNote,
    Merge,
    NotDuplicate,
    SetSeverity,
)
ActionIn = Annotated[Union[ACTION_MODELS], Field(discriminator="action")]  # type: ignore[valid-type]  # noqa: UP007 - a union of a tuple
ACTION_ADAPTER: TypeAdapter[Any] = TypeAdapter(ActionIn, config=ConfigDict(defer_build=True))
errors.ACTION_TAGS.update(get_args(m.model_fields["action"].annotation)[0] for m in ACTION_MODELS)


def parse_action(raw: bytes | str | None, lang: str) -> Any:
    """The action body as its own model; an unknown action names the field `action`."""
    return errors.parse_body(ACTION_ADAPTER, raw, lang)


class ListParams(Model):
    """Query parameters of the staff list (and the export)."""

    status: Status | None = None
    assignee: Annotated[str, Field(max_length=128)] | None = None
    territory: Annotated[str, Field(max_length=40)] | None = None
    sku: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,20}$")] | None = None
    batch: Annotated[str, Field(max_length=40)] | None = None
    category: Category | None = None
    channel: Channel | None = None
    severity: Severity | None = None
    overdue: bool = False
    received_from: MomentOrDay | None = None
    received_to: MomentOrDay | None = Field(default=None, validate_default=True)
    limit: Annotated[int, Field(ge=1, le=100)] = 25
    cursor: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("sku")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("received_to")
    @classmethod
    def _at_most_a_year(cls, value: datetime | date | None, info) -> datetime | date | None:
        """Every month of the period is a partition to read: a period of decades (received_from=0 is
        1970) would be thousands of queries. A missing end is now, a missing start 92 days before now."""
        now = datetime.now(UTC)
        start, end = as_moment(info.data.get("received_from")), as_moment(value, end_of_day=True)
        if (end or now) - (start or now - timedelta(days=92)) > timedelta(days=MAX_PERIOD_DAYS + 1):
            raise PydanticCustomError("received_period", "at most a year")
        return value


_PHONE_LIKE = re.compile(r"[+\d\s().\-\u2010-\u2015]{7,30}")


class SearchParams(Model):
    """The staff search: `q` is a complaint number, a phone in any spelling, an account id or a name (or
    its first two or more characters); which one is told by its form (`to_find`)."""

    q: Annotated[Line, Field(max_length=100)]
    limit: Annotated[int, Field(ge=1, le=50)] = 20

    @field_validator("q")
    @classmethod
    def _findable(cls, value: str) -> str:
        text = unicodedata.normalize("NFKC", value).strip()
        if finding.complaint_id_in(text) or _PHONE_LIKE.fullmatch(text) or finding.normal_account(text):
            return text
        if len(finding.normal_name(text)) < finding.MIN_NAME:
            raise PydanticCustomError(
                "search_too_short", "give at least {min} characters of a name", {"min": finding.MIN_NAME}
            )
        return text

    def to_find(self) -> finding.Find:
        number = finding.complaint_id_in(self.q)
        if number:
            return finding.Find(finding.FindBy.COMPLAINT_ID, number)
        if _PHONE_LIKE.fullmatch(self.q) and sum(ch.isdigit() for ch in self.q) >= 7:
            try:
                return finding.Find(finding.FindBy.PHONE, _phone(re.sub(r"[\s().\-\u2010-\u2015]", "", self.q)))
            except PydanticCustomError:
                pass  # digits that are no phone: an account id, perhaps
        account = finding.normal_account(self.q)
        if account:
            return finding.Find(finding.FindBy.ACCOUNT_ID, account)
        return finding.Find(finding.FindBy.NAME, finding.normal_name(self.q))


class ExportParams(ListParams):
    """The list's filters plus the file format (`limit` and `cursor` do not apply: the export has every row)."""

    format: Literal["csv", "xlsx"] = "csv"


class StatsParams(Model):
    """Query parameters of the statistics: a period of whole days (Shanghai) and a dimension."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = Field(default=None, validate_default=True)
    by: Literal[STATS_DIMENSIONS] = "category"  # type: ignore[valid-type]

    @field_validator("to")
    @classmethod
    def _after_from(cls, value: date | None, info) -> date | None:
        """A missing `to` is today (or `from`, if later): `from` alone cannot ask for decades either."""
        start = info.data.get("from_")
        end = value or (max(datetime.now(SHANGHAI).date(), start) if start else None)
        if end and start and (end < start or (end - start).days > MAX_PERIOD_DAYS):
            raise PydanticCustomError("period", "must be on or after from, at most a year later")
        return value


def as_moment(value: datetime | date | None, end_of_day: bool = False) -> datetime | None:
    """As the list reads it: a date is a whole Shanghai day, a time without offset is Shanghai time."""
    if value is None or (isinstance(value, datetime) and value.tzinfo):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI)
    return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=SHANGHAI)


# --- administration: staff members, territories, erasure ---------------------------------------

Username = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
TerritoryCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")]


def _upper_code(value: str) -> str:
    return value.upper()


def _password(value: str) -> str:
    """The user pool's own policy, checked here so a weak password names its field instead of failing later."""
    from chalicelib.resources import user_pool_definition

    policy = user_pool_definition("")["Policies"]["PasswordPolicy"]
    if (
        len(value) < policy["MinimumLength"]
        or (policy["RequireUppercase"] and not re.search(r"[A-Z]", value))
        or (policy["RequireLowercase"] and not re.search(r"[a-z]", value))
        or (policy["RequireNumbers"] and not re.search(r"[0-9]", value))
    ):
        raise PydanticCustomError("password_policy", "too weak", {"min_length": policy["MinimumLength"]})
    return value


def _unique_items(value: list[Any]) -> list[Any]:
    if len(set(value)) != len(value):
        raise PydanticCustomError("duplicate_items", "has duplicate items")
    return value


class StaffKey(Model):
    username: Annotated[Username, AfterValidator(str.lower)]  # the user pool ignores case; so does the directory


class StaffIn(Model):
    """A staff member as a whole (PUT replaces). `password` sets the log-in password: required for a
    new member, optional later (then it resets the password). It is never stored here or shown."""

    name: Annotated[Line, Field(max_length=50)]
    phone: Phone | None = None
    email: Email | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=6), AfterValidator(_unique_items)]
    territories: Annotated[
        list[Annotated[TerritoryCode, AfterValidator(_upper_code)]], Field(max_length=20), AfterValidator(_unique_items)
    ] = []  # noqa: RUF012 - pydantic copies a default for each model
    compensation_limit: Amount = DEFAULT_COMPENSATION_LIMIT
    password: Annotated[str, Field(max_length=256), AfterValidator(_password)] | None = None


class StaffOut(BaseModel):
    username: str
    name: str
    phone: str | None
    email: str | None
    roles: list[Role]
    territories: list[str]
    compensation_limit: str
    active: bool = True


class TerritoryKey(Model):
    code: Annotated[TerritoryCode, AfterValidator(_upper_code)]


class PlaceIn(Model):
    province: Annotated[Line, Field(max_length=20)]
    city: Annotated[Line, Field(max_length=20)] | None = None


class TerritoryIn(Model):
    """A territory as a whole (PUT replaces): its provinces/cities (a city of None: the whole province)
    and its salesperson (None: its complaints go to the service queue)."""

    name: Annotated[Line, Field(max_length=50)]
    places: Annotated[list[PlaceIn], Field(min_length=1, max_length=48)]
    salesperson: Annotated[Username, AfterValidator(str.lower)] | None = None

    @field_validator("places")
    @classmethod
    def _distinct_places(cls, value: list[PlaceIn]) -> list[PlaceIn]:
        from chalicelib.domain.routing import place

        _unique_items([(place(p.province), place(p.city)) for p in value])
        return value


class TerritoryOut(BaseModel):
    code: str
    name: str
    places: list[PlaceIn]
    salesperson: str | None


class MoveOpenParams(Model):
    """A territory's (or an account's) PUT: `move_open=true` moves its open complaints from the previous
    salesperson to the new one."""

    move_open: bool = False


# --- accounts and responsible departments -------------------------------------------------------------

_ACCOUNT_ID = re.compile(r"[A-Z0-9][A-Z0-9_.-]{0,39}")
_DEPARTMENT_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")
ACCOUNT_TYPES = tuple(t.value for t in CustomerType if t is not CustomerType.CONSUMER)


def _account_id(value: str) -> str:
    """An account id as `finding.normal_account` compares it (`hotel-cs-001` is HOTEL-CS-001), at most 40."""
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if not _ACCOUNT_ID.fullmatch(text):
        raise PydanticCustomError("account_id", "1-40 letters, digits or _ . -")
    return text


def _department_code(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if not _DEPARTMENT_CODE.fullmatch(text):
        raise PydanticCustomError("department_code", "1-20 letters, digits or -")
    return text


AccountId = Annotated[str, AfterValidator(_account_id)]


class AccountKey(Model):
    account_id: AccountId


class AccountIn(Model):
    """An account as a whole (PUT replaces): its name, type, territory (a territory's code), the salesperson
    who serves it (an active member with the sales role: its complaints go to them), whether it is a key
    account (its complaints are major). `revision`: the one read; a PUT over a newer one is a 409."""

    name: Annotated[Line, Field(max_length=100)]
    type: Literal[ACCOUNT_TYPES]  # type: ignore[valid-type]
    territory: Annotated[TerritoryCode, AfterValidator(_upper_code)]
    salesperson: Annotated[Username, AfterValidator(str.lower)]
    key_account: bool = False
    revision: Annotated[int, Field(ge=0)] | None = None

    @field_validator("territory", "salesperson", mode="before")
    @classmethod
    def _given(cls, value: Any) -> Any:
        """A null territory or salesperson is one not given (必填), not text of the wrong type."""
        if value is None or value == "":
            raise PydanticCustomError("missing", "is required")
        return value


class AccountOut(BaseModel):
    account_id: str
    name: str
    type: str
    territory: str | None
    salesperson: str | None
    key_account: bool
    revision: int


class AccountListParams(Model):
    """The account list: every account by id, a page at a time (`cursor`: the `next_cursor` of the page
    before), or with `q` the accounts whose id or name begins with it (at most `limit`, no further page)."""

    q: Annotated[Line, Field(max_length=40)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: AccountId | None = None


class DepartmentKey(Model):
    code: Annotated[str, AfterValidator(_department_code)]


class DepartmentIn(Model):
    """A responsible department: its name (what the QC form and the statistics show). `revision`: as for
    accounts."""

    name: Annotated[Line, Field(max_length=50)]
    revision: Annotated[int, Field(ge=0)] | None = None


class DepartmentOut(BaseModel):
    code: str
    name: str
    revision: int


class EraseIn(Model):
    reason: Text | None = None


# --- the working calendar: business hours, the clock table, the company's own days -------------------

UNITS = ("hours", "business_hours", "business_days")
# the longest clock in each unit: about 60 days (a business day of 09:00-18:00 has 9 business hours)
MAX_CLOCK = {"hours": 60 * 24, "business_hours": 60 * 9, "business_days": 60}
MAX_COMPANY_DAYS = 366  # closed days, and extra working days, each
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _hhmm(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise PydanticCustomError("time_hhmm", "must be HH:MM")
    return value


HourMinute = Annotated[str, Field(max_length=5), AfterValidator(_hhmm)]
CompanyDays = Annotated[list[Day], Field(max_length=MAX_COMPANY_DAYS), AfterValidator(_unique_items)]


class DurationIn(Model):
    """How long a clock runs: an amount of wall-clock `hours`, `business_hours` or `business_days`."""

    unit: Literal[UNITS]  # type: ignore[valid-type]  # before amount: its limit depends on the unit
    amount: Annotated[float, Field(ge=0.01, allow_inf_nan=False)]  # 0.01 hours: 36 seconds

    @field_validator("amount")
    @classmethod
    def _at_most(cls, amount: float, info) -> float:
        unit = info.data.get("unit")
        if unit in MAX_CLOCK and amount > MAX_CLOCK[unit]:
            raise PydanticCustomError("clock_too_long", "at most {max} {unit}", {"max": MAX_CLOCK[unit], "unit": unit})
        return amount


class SeverityClocksIn(Model):
    critical: DurationIn
    major: DurationIn
    normal: DurationIn


class ClocksIn(Model):
    """The clock table: each clock's duration by severity; the survey's may be left out (it keeps its own)."""

    first_contact: SeverityClocksIn
    resolution: SeverityClocksIn
    callback: SeverityClocksIn
    survey: SeverityClocksIn | None = None

    def by_clock(self) -> dict[str, dict[str, DurationIn]]:
        return {
            name: {sev: getattr(by, sev) for sev in ("critical", "major", "normal")}
            for name in ("first_contact", "resolution", "callback", "survey")
            if (by := getattr(self, name)) is not None
        }


class BusinessHoursIn(Model):
    start: HourMinute
    end: HourMinute

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: str, info) -> str:
        start = info.data.get("start")
        if start and end <= start:
            raise PydanticCustomError("business_hours_order", "must be after start", {"start": start})
        return end

    @property
    def start_time(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def end_time(self) -> time:
        return time.fromisoformat(self.end)


class CalendarIn(Model):
    """The company's calendar settings as a whole (PUT replaces). `revision`, when given, must be the one
    stored (409 otherwise): the change is made over what the caller saw. The other fields a GET answers
    (`degraded`, `history`, `changed_at`, `changed_by`) are accepted and ignored, so what GET gave can be
    sent back changed."""

    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    business_hours: BusinessHoursIn
    clocks: ClocksIn
    company_closed: CompanyDays = []  # noqa: RUF012 - pydantic copies a default for each model
    company_workdays: CompanyDays = []  # noqa: RUF012 - pydantic copies a default for each model
    revision: Annotated[int, Field(ge=0)] | None = None
    degraded: Annotated[str, Field(max_length=200)] | None = None
    history: Annotated[list[dict[str, Any]], Field(max_length=100)] | None = None
    changed_at: Annotated[str, Field(max_length=40)] | None = None
    changed_by: Annotated[str, Field(max_length=128)] | None = None

    @field_validator("clocks")
    @classmethod
    def _within_sixty_business_days(cls, clocks: ClocksIn, info) -> ClocksIn:
        """A business day shorter than 9 hours makes 540 business hours more than 60 business days."""
        hours = info.data.get("business_hours")
        if hours is None:
            return clocks
        day = (datetime.combine(date.min, hours.end_time) - datetime.combine(date.min, hours.start_time)).seconds
        most = round(60 * day / 3600, 2)
        for clock, by in clocks.by_clock().items():
            for sev, d in by.items():
                if d.unit == "business_hours" and d.amount > most:
                    raise PydanticCustomError(
                        "clock_longer_than_days",
                        "at most 60 business days",
                        {"clock": f"{clock}.{sev}", "max": f"{most:g}", "day": f"{day / 3600:g}"},
                    )
        return clocks

    @field_validator("company_workdays")
    @classmethod
    def _not_also_closed(cls, value: list[date], info) -> list[date]:
        closed = set(info.data.get("company_closed") or ())
        both = sorted(d for d in value if d in closed)
        if both:
            raise PydanticCustomError("closed_and_workday", "also a closed day", {"date": both[0].isoformat()})
        return value


class CalendarParams(Model):
    """The days the console asks for: from `from` to `to`, both included, at most 366 days; this month
    (Shanghai) when neither is given, the rest of the month when one is."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = Field(default=None, validate_default=True)

    @field_validator("to")
    @classmethod
    def _within_a_year(cls, value: date | None, info) -> date | None:
        start = info.data.get("from_")
        if value and start and (value < start or (value - start).days + 1 > MAX_PERIOD_DAYS):
            raise PydanticCustomError("calendar_period", "on or after from, at most 366 days")
        return value

    def period(self, today: date) -> tuple[date, date]:
        if self.from_ and self.to:
            return self.from_, self.to
        month = self.from_ or self.to or today
        first = month.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return self.from_ or first, self.to or last
