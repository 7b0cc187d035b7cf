"""Request and response models of the HTTP contract (pydantic v2); the OpenAPI document is built from them."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.api import errors
from chalicelib.domain.model import (
    SHANGHAI, Category, Channel, CustomerType, DesiredResolution, HandlingType, Role, ServiceDimension, Severity, Status,
)
from chalicelib.domain.stats import DIMENSIONS
from chalicelib.resources import PHOTO_TYPES, PHOTO_MAX_BYTES

STATS_DIMENSIONS = ("all", *DIMENSIONS)
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
MAX_PERIOD_DAYS = 366  # the longest period a list, export or statistics request may read

M = TypeVar("M", bound=BaseModel)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        raise PydanticCustomError("control_characters", "contains control characters")
    return value


def _phone(value: str) -> str:
    """Chinese numbers (mobile or landline with area code) or international E.164, stored as E.164."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("phone_invalid", "not a valid phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise PydanticCustomError("phone_invalid", "not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("email_invalid", "not a valid e-mail address")
    return value.lower()


def _in_years(value: date | datetime | None) -> date | datetime | None:
    """Dates and times the system works with: from 2000 to 2099. Years 1 and 9999 overflow the moment
    they are moved to another time zone or to the next month (a 500 before this check)."""
    if value is not None and not (EARLIEST <= (value.date() if isinstance(value, datetime) else value) <= LATEST):
        raise PydanticCustomError("date_range", "must be between 2000 and 2099")
    return value


def _not_future_date(value: date | None) -> date | None:
    if value is not None and value > datetime.now(timezone.utc).date():
        raise PydanticCustomError("date_in_future", "cannot be in the future")
    return value


Moment = Annotated[datetime, AfterValidator(_in_years)]
Day = Annotated[date, AfterValidator(_in_years)]
MomentOrDay = Annotated[Union[datetime, date], AfterValidator(_in_years)]  # the check after the union: one error
Line = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_control), AfterValidator(_one_line)]
Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_no_control)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)  # built when first used


class CustomerIn(Model):
    name: Annotated[Line, Field(max_length=50)]
    phone: Annotated[str, Field(min_length=3, max_length=30), AfterValidator(_phone)]
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)] | None = None
    type: CustomerType = CustomerType.CONSUMER
    province: Annotated[Line, Field(max_length=20)] | None = None
    city: Annotated[Line, Field(max_length=20)] | None = None
    address: Annotated[Line, Field(max_length=200)] | None = None
    account_id: Annotated[Line, Field(max_length=40)] | None = None


class ProductIn(Model):
    sku: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,20}$")] | None = None
    name: Line | None = None
    production_date: Annotated[date | None, AfterValidator(_not_future_date)] = None
    batch: Annotated[Line, Field(max_length=40)] | None = None
    purchase_place: Line | None = None
    quantity: Annotated[int, Field(ge=1, le=100000)] | None = None

    @field_validator("sku")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @model_validator(mode="after")
    def _named(self) -> "ProductIn":
        if not self.sku and not self.name:
            raise PydanticCustomError("sku_or_name_required", "give the product SKU or its name")
        return self


class ComplaintIn(Model):
    customer: CustomerIn
    product: ProductIn
    category: Category
    description: Annotated[Text, Field(min_length=5)]
    desired_resolution: DesiredResolution | None = None
    service_dimension: ServiceDimension | None = None
    upload_ids: Annotated[list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]], Field(max_length=6)] = []
    consent: bool = False

    @field_validator("upload_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("duplicate_items", "has duplicate items")
        return value


class PublicComplaintIn(ComplaintIn):
    """The public form: consent to processing the data is required."""

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if value is not True:
            raise PydanticCustomError("consent_required", "consent is required")
        return value


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
        if value > datetime.now(timezone.utc):
            raise PydanticCustomError("time_in_future", "cannot be in the future")
        return value


class Receipt(BaseModel):
    complaint_id: str
    access_code: str
    status: str
    severity: str
    received_at: datetime
    first_contact_due: datetime | None
    status_url: str


class UploadIn(Model):
    filename: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control)]
    content_type: Literal[PHOTO_TYPES]  # type: ignore[valid-type]
    size: Annotated[int, Field(ge=1, le=PHOTO_MAX_BYTES)]


class UploadOut(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class LoginIn(Model):
    username: Annotated[str, Field(min_length=1, max_length=128)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class LoginOut(BaseModel):
    token: str
    expires_in: int
    roles: list[str]


class TimelineEntry(BaseModel):
    at: datetime
    status: str
    note: str


class StatusOut(BaseModel):
    complaint_id: str
    status: Literal["received", "investigating", "quality_testing", "result_ready", "closed"]
    received_at: datetime
    timeline: list[TimelineEntry]
    handling: dict[str, Any] | None


class FireIn(Model):
    until: Moment | None = None


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorBody(BaseModel):
    error: ErrorDetail


# --- workflow actions: one model per action, told apart by "action" --------------------------

class Assign(Model):
    action: Literal["assign"]
    assignee: Annotated[str, Field(min_length=1, max_length=128)]


class Contact(Model):
    action: Literal["contact"]
    note: Text | None = None


class CloseUnsubstantiated(Model):
    action: Literal["close_unsubstantiated"]
    explanation: Text


class SubmitFeedbackForm(Model):
    action: Literal["submit_feedback_form"]
    investigation: Text
    sample_provided: bool
    certificate_provided: bool
    customer_request: Text
    requested_amount: Amount | None = None


class RecordQcResult(Model):
    action: Literal["record_qc_result"]
    investigation_result: Text
    cause_analysis: Text
    responsible_department: Line
    corrective_actions: Text
    preventive_actions: Text
    company_at_fault: bool


class ProposeHandling(Model):
    action: Literal["propose_handling"]
    type: HandlingType
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)] | None = Field(
        default=None, validate_default=True)
    note: Text | None = None

    @field_validator("amount")
    @classmethod
    def _amount_where_money_moves(cls, amount: Decimal | None, info) -> Decimal | None:
        """A field check (not a model check), so the error names `amount`."""
        if amount is None and info.data.get("type") in (HandlingType.COMPENSATION, HandlingType.REFUND):
            raise PydanticCustomError("amount_required", "an amount is required")
        return amount


class Approve(Model):
    action: Literal["approve"]
    note: Text | None = None


class Decline(Model):
    action: Literal["decline"]
    note: Text


class NotifyCustomer(Model):
    action: Literal["notify_customer"]
    via: Literal["phone", "sms", "letter", "visit"]
    note: Text | None = None


class RecordSatisfaction(Model):
    action: Literal["record_satisfaction"]
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Text | None = None


class Close(Model):
    action: Literal["close"]
    note: Text | None = None


class Reopen(Model):
    action: Literal["reopen"]
    reason: Text


class Escalate(Model):
    action: Literal["escalate"]
    note: Text | None = None


ACTION_MODELS = (Assign, Contact, CloseUnsubstantiated, SubmitFeedbackForm, RecordQcResult, ProposeHandling,
                 Approve, Decline, NotifyCustomer, RecordSatisfaction, Close, Reopen, Escalate)
ActionIn = Annotated[Union[ACTION_MODELS], Field(discriminator="action")]  # type: ignore[valid-type]
ACTION_ADAPTER: TypeAdapter[Any] = TypeAdapter(ActionIn, config=ConfigDict(defer_build=True))
errors.ACTION_TAGS.update(m.model_fields["action"].annotation.__args__[0] for m in ACTION_MODELS)


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
        now = datetime.now(timezone.utc)
        start, end = as_moment(info.data.get("received_from")), as_moment(value, end_of_day=True)
        if (end or now) - (start or now - timedelta(days=92)) > timedelta(days=MAX_PERIOD_DAYS + 1):
            raise PydanticCustomError("received_period", "at most a year")
        return value


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
    if value is None or isinstance(value, datetime) and value.tzinfo:
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI)
    return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=SHANGHAI)


def parse_query(model: type[M], params: dict[str, str] | None, lang: str) -> M:
    """Query-string parameters (all strings) validated by a model; errors name the parameter."""
    from pydantic import ValidationError

    try:
        return model.model_validate(params or {})
    except ValidationError as invalid:
        raise errors.ValidationFailed(fields=errors.field_errors(invalid, lang)) from None


# --- administration: staff members, territories, erasure ---------------------------------------

Username = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
TerritoryCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")]
errors.MESSAGES.update({
    "date_range": ("应在 2000 年至 2099 年之间", "must be between the years 2000 and 2099"),
    "received_period": ("时间范围最多一年 (不填 received_from 为 92 天前, 不填 received_to 为现在)",
                        "the period can span at most a year (received_from defaults to 92 days ago, "
                        "received_to to now)"),
    "password_policy": ("密码至少 {min_length} 位, 须含大写字母、小写字母和数字",
                        "must be at least {min_length} characters with upper- and lower-case letters and digits"),
    "password_required": ("新员工须设置初始密码", "is required for a new staff member"),
    "unknown_territory": ("没有这个片区", "is not a known territory"),
    "place_taken": ("该地区已属于其他片区, 请先从那个片区移除", "belongs to another territory; remove it there first"),
    "still_territory_salesperson": ("此人仍是片区业务员, 请先更换片区业务员",
                                    "the person is still a territory's salesperson; change that first"),
    "admin_only": ("只有管理员可以授予或修改管理员", "only an admin may grant the admin role or edit an admin"),
})


def _upper_code(value: str) -> str:
    return value.upper()


def _password(value: str) -> str:
    """The user pool's own policy, checked here so a weak password names its field instead of failing later."""
    from chalicelib.resources import user_pool_definition

    policy = user_pool_definition("")["Policies"]["PasswordPolicy"]
    if (len(value) < policy["MinimumLength"] or (policy["RequireUppercase"] and not re.search(r"[A-Z]", value))
            or (policy["RequireLowercase"] and not re.search(r"[a-z]", value))
            or (policy["RequireNumbers"] and not re.search(r"[0-9]", value))):
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
    phone: Annotated[str, Field(min_length=3, max_length=30), AfterValidator(_phone)] | None = None
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)] | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=6), AfterValidator(_unique_items)]
    territories: Annotated[list[Annotated[TerritoryCode, AfterValidator(_upper_code)]], Field(max_length=20),
                           AfterValidator(_unique_items)] = []
    compensation_limit: Amount = Decimal("200.00")
    password: Annotated[str, Field(max_length=256), AfterValidator(_password)] | None = None


class StaffOut(BaseModel):
    username: str
    name: str
    phone: str | None
    email: str | None
    roles: list[Role]
    territories: list[str]
    compensation_limit: str


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


class EraseIn(Model):
    reason: Text | None = None
