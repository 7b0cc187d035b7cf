"""The complaint aggregate and the vocabulary of the domain.

Standard library only: these types are the language every other layer speaks.
A complaint records what happened to it as history entries and as effects
(notifications to send, deadlines to schedule); the service layer persists
both in one transaction and the outbox carries the effects out afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.calendar import Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the company's time: days, deadlines and texts are read in it


class Status(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    QC_PENDING = "qc_pending"
    QC_DONE = "qc_done"
    PENDING_APPROVAL = "pending_approval"
    HANDLING_AGREED = "handling_agreed"
    CUSTOMER_NOTIFIED = "customer_notified"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(Status) - {Status.CLOSED}


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    NORMAL = "normal"


class Channel(StrEnum):
    HOTLINE = "hotline"
    LETTER = "letter"
    WEB = "web"
    SALESPERSON = "salesperson"
    DISTRIBUTOR = "distributor"
    AFFILIATE = "affiliate"


class Category(StrEnum):
    FOREIGN_MATTER = "foreign_matter"
    ODOR = "odor"
    DUSTING = "dusting"
    SEAL_FAILURE = "seal_failure"
    PRINT_DEFECT = "print_defect"
    COUNT_SHORTAGE = "count_shortage"
    WEIGHT_SHORT = "weight_short"
    LABEL_ERROR = "label_error"
    PACKAGING_DAMAGE = "packaging_damage"
    SERVICE_ATTITUDE = "service_attitude"
    SERVICE_KNOWLEDGE = "service_knowledge"
    OTHER = "other"


class ServiceDimension(StrEnum):
    TANGIBLES = "tangibles"
    EMPATHY = "empathy"
    ASSURANCE = "assurance"
    RESPONSIVENESS = "responsiveness"
    RELIABILITY = "reliability"


class CustomerType(StrEnum):
    CONSUMER = "consumer"
    DISTRIBUTOR = "distributor"
    RETAILER = "retailer"
    HOTEL = "hotel"
    AFFILIATE = "affiliate"
    OTHER = "other"


class DesiredResolution(StrEnum):
    EXPLANATION = "explanation"
    REFUND = "refund"
    EXCHANGE = "exchange"
    COMPENSATION = "compensation"
    RETURN = "return"
    OTHER = "other"


class HandlingType(StrEnum):
    EXPLANATION = "explanation"
    REFUND = "refund"
    EXCHANGE = "exchange"
    COMPENSATION = "compensation"
    RETURN = "return"
    REWORK = "rework"
    OTHER = "other"


class Role(StrEnum):
    SERVICE = "service"
    SALES = "sales"
    QUALITY = "quality"
    MANAGER = "manager"
    LEADER = "leader"
    ADMIN = "admin"


class Clock(StrEnum):
    """The deadlines a complaint runs against."""

    FIRST_CONTACT = "first_contact"
    RESOLUTION = "resolution"
    CALLBACK = "callback"
    SURVEY = "survey"  # the customer's survey SMS: a reminder of the customer's, never a staff deadline


STAFF_CLOCKS = frozenset(Clock) - {Clock.SURVEY}
"""The clocks staff work against: only these make a complaint overdue."""


class MessageKind(StrEnum):
    """What the customer hears from us (SMS, or e-mail where only an e-mail was given)."""

    RECEIVED = "received"  # complaint number, access code, status link
    HANDLING_TOLD = "handling_told"  # the decision in plain words, status link
    SURVEY = "survey"  # the survey link


class NotificationEvent(StrEnum):
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    QC_REQUESTED = "qc_requested"
    APPROVAL_REQUESTED = "approval_requested"
    CALLBACK_DUE = "callback_due"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    CLUSTER_ALERT = "cluster_alert"
    NOTE_ADDED = "note_added"
    QC_DONE = "qc_done"  # the salesperson may propose the handling
    APPROVAL_DECIDED = "approval_decided"  # the leader approved or declined the handling
    MAJOR_RECEIVED = "major_received"  # the manager hears of a major complaint once, without an escalation


@dataclass
class Customer:
    name: str
    phone: str
    type: CustomerType = CustomerType.CONSUMER
    email: str | None = None
    province: str | None = None
    city: str | None = None
    address: str | None = None
    account_id: str | None = None


@dataclass
class Product:
    sku: str | None = None
    name: str | None = None
    production_date: date | None = None
    batch: str | None = None
    purchase_place: str | None = None
    quantity: int | None = None
    unit: str | None = None  # what the quantity counts: a key of labels.QUANTITY_UNIT (case, pack, bundle, roll)


@dataclass
class Actor:
    """Who does something: a staff member with roles, or the public."""

    username: str
    roles: frozenset[Role] = frozenset()

    def has_any(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)


PUBLIC = Actor(username="public")
SYSTEM = Actor(username="system")
CUSTOMER = Actor(username="customer")  # the complainant, answering the survey or asking for a new code


@dataclass
class Deadline:
    """One running clock. `due_at` is None while the clock is paused."""

    clock: Clock
    due_at: datetime | None
    remaining_seconds: float | None = None
    warned: bool = False
    breached: bool = False
    stopped_at: datetime | None = None
    timer_at: datetime | None = None  # when its EventBridge schedule should fire; None: no schedule
    # When it started counting (after a pause: moved on, so that it counts its running time only) and how long
    # it runs, as the policy said when it started or was rescaled. None on a clock stored before they were
    # kept: the policy's duration for the complaint's severity stands in.
    started_at: datetime | None = None
    duration: Duration | None = None

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.due_at is not None


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    from_status: Status | None
    to_status: Status | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notify:
    """Effect: tell one staff member (`recipient`) or everyone with a role (`role`) about an event."""

    event: NotificationEvent
    text: str
    recipient: str | None = None
    role: Role | None = None


@dataclass(frozen=True)
class Schedule:
    """Effect: (re)schedule the timer of a clock at a given moment."""

    clock: Clock
    at: datetime


@dataclass(frozen=True)
class Unschedule:
    """Effect: remove the timer of a clock."""

    clock: Clock


@dataclass(frozen=True)
class TellCustomer:
    """Effect: send the customer a message of `kind`, if they can be reached (consent, a mobile or an
    e-mail). `access_code` is the new code a receipt carries; it is never stored but in the message."""

    kind: MessageKind
    access_code: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class MarkDuplicate:
    """Effect: mark (or, `linked` False, unmark) another complaint as a possible duplicate of this one."""

    other: str
    linked: bool = True


Effect = Notify | Schedule | Unschedule | TellCustomer | MarkDuplicate


@dataclass(frozen=True)
class FindKeys:
    """How staff find a complaint by its complainant, as it may be stored in index keys: keyed hashes of
    the normalised phone, the account id and the name's first two characters (never the phone or the name
    itself); `name` is the normalised name a look-up by the prefix's hash is narrowed with (it is stored
    with the complaint, which holds the name anyway, never in a key). Erasure drops them."""

    phone: str | None = None
    account: str | None = None
    name_prefix: str | None = None
    name: str | None = None


# --- the records of a complaint's handling: value objects, stored as maps of these fields -------


@dataclass(frozen=True, kw_only=True)
class FeedbackForm:
    """The salesperson's investigation (顾客意见信息反馈表) and what the customer asks for."""

    investigation: str
    sample_provided: bool
    certificate_provided: bool
    customer_request: str
    requested_amount: Decimal | None = None
    by: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class QcResult:
    """The quality department's finding."""

    investigation_result: str
    cause_analysis: str
    responsible_department: str
    corrective_actions: str
    preventive_actions: str
    company_at_fault: bool
    by: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class Handling:
    """What is done for the customer. `approval_reasons` says why leadership must approve it (empty: it
    need not); a complaint closed as unsubstantiated has an explanation and `substantiated` False."""

    type: HandlingType
    amount: Decimal | None = None
    note: str | None = None
    substantiated: bool | None = None
    proposed_by: str
    at: datetime
    approval_reasons: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class Approval:
    """A leader's decision on a handling that needed one."""

    approved: bool
    by: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerNotified:
    """The customer heard the outcome: how (`via`), and the note or the explanation given."""

    at: datetime
    by: str
    via: str
    note: str | None = None
    explanation: str | None = None


@dataclass(frozen=True, kw_only=True)
class Satisfaction:
    """One callback's rating (1-5) and the customer's words."""

    rating: int
    comment: str | None = None
    by: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class Escalation:
    """The last escalation, to tell a double-sent one. `at` is ISO text as first stored (microseconds)."""

    by: str
    note: str | None = None
    at: str

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.at)


@dataclass
class Complaint:
    id: str
    channel: Channel
    status: Status
    severity: Severity
    category: Category  # the main problem: statistics count this one
    description: str
    customer: Customer
    product: Product
    received_at: datetime
    recorded_at: datetime
    recorded_by: str
    access_code_hash: str
    consent: bool = False  # the customer agreed to their details being used to handle it (and to hear from us)
    desired_resolution: DesiredResolution | None = None
    service_dimension: ServiceDimension | None = None
    other_categories: list[Category] = field(default_factory=list)  # further problems of the same goods
    photos: list[str] = field(default_factory=list)
    assignee: str | None = None
    territory: str | None = None
    escalated: bool = False
    last_escalation: Escalation | None = None  # tells a double-sent escalation
    deadlines: dict[Clock, Deadline] = field(default_factory=dict)
    feedback_form: FeedbackForm | None = None
    qc_result: QcResult | None = None
    handling: Handling | None = None
    approval: Approval | None = None
    customer_notified: CustomerNotified | None = None
    satisfaction: Satisfaction | None = None
    callbacks: list[Satisfaction] = field(default_factory=list)  # every rating, the last one is `satisfaction`
    closed_at: datetime | None = None
    erased: dict[str, Any] | None = None
    find_keys: FindKeys | None = None
    possible_duplicate_of: list[str] = field(default_factory=list)  # open complaints that may be the same matter
    merged_into: str | None = None  # closed as the same matter as that complaint, which goes on
    version: int = 0
    # Not persisted as fields: what the last change appended and caused.
    new_history: list[HistoryEntry] = field(default_factory=list, repr=False)
    effects: list[Effect] = field(default_factory=list, repr=False)

    def record(self, at: datetime, actor: str, action: str, to_status: Status | None = None, **data: Any) -> None:
        """Append one history entry, moving to `to_status` if given."""
        from_status = self.status
        if to_status is not None:
            self.status = to_status
        self.new_history.append(HistoryEntry(at, actor, action, from_status, self.status, data))

    def cause(self, *effects: Effect) -> None:
        self.effects.extend(effects)


def money(value: Decimal | str | int) -> Decimal:
    """Yuan amounts are exact decimals with two places."""
    return Decimal(value).quantize(Decimal("0.01"))


DEFAULT_COMPENSATION_LIMIT = Decimal("200.00")  # what a salesperson may grant without approval, unless set otherwise


@dataclass
class StaffMember:
    username: str
    name: str
    roles: frozenset[Role]
    phone: str | None = None
    email: str | None = None
    territories: list[str] = field(default_factory=list)
    compensation_limit: Decimal = DEFAULT_COMPENSATION_LIMIT
    active: bool = True
    tokens_valid_after: int = 0  # epoch seconds: tokens issued before are refused (roles, password, deactivation)
    revision: int = 0  # of the stored profile: a change is stored only over the revision it was read at
