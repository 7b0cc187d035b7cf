"""What the use cases need from storage and AWS, as small protocols.

The services are typed against these, not against the concrete adapters: `wiring.Adapters` (the
real ones on DynamoDB, SNS, Scheduler, S3) satisfies them in AWS and on the local stack, and the
hand-written fakes of tests/services/fakes.py satisfy them in memory, so a use case tests in
milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from chalicelib.adapters.calendar import CalendarSettings, SettingsChange
from chalicelib.adapters.complaints import ComplaintRecord
from chalicelib.adapters.directory import Routing
from chalicelib.adapters.outbox import Claimed, OutboxKey, Write
from chalicelib.domain.calendar import StatutoryDays
from chalicelib.domain.clusters import ClusterRule, Member
from chalicelib.domain.customer_messages import IssuedLink, SentMessage
from chalicelib.domain.deliveries import Delivery
from chalicelib.domain.listing import Plan
from chalicelib.domain.model import Complaint, HistoryEntry, Role, StaffMember
from chalicelib.domain.routing import Route
from chalicelib.idempotency import IdempotencyRecord


class ComplaintStore(Protocol):
    def add(
        self,
        complaint: Complaint,
        deliveries: Sequence[Delivery],
        now: datetime,
        idempotency: IdempotencyRecord | None = None,
        along: Sequence[Write] = (),
    ) -> None: ...

    def save(
        self,
        complaint: Complaint,
        deliveries: Sequence[Delivery],
        now: datetime,
        idempotency: IdempotencyRecord | None = None,
        answered_link: str | None = None,
        together: Complaint | None = None,
    ) -> None: ...

    def get(self, complaint_id: str) -> Complaint | None: ...

    def get_many(self, complaint_ids: list[str]) -> list[Complaint]: ...

    def link(self, token_hash: str) -> IssuedLink | None: ...

    def history(self, complaint_id: str) -> list[HistoryEntry]: ...

    def record(self, complaint_id: str) -> ComplaintRecord | None: ...

    def idempotency_record(self, key: str) -> IdempotencyRecord | None: ...


class Finder(Protocol):
    """A complainant's complaint items, newest first, by the keyed hash of their phone, account or name."""

    def find(
        self, by: str, key_hash: str, limit: int, name: str | None = None, assignee: str | None = None
    ) -> list[dict[str, Any]]: ...


class Directory(Protocol):
    def staff(self, username: str) -> StaffMember | None: ...

    def all_staff(self) -> list[StaffMember]: ...

    def departments(self) -> list[dict[str, Any]]: ...

    def usernames_with_role(self, role: Role) -> list[str]: ...

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]: ...


class TerritoryDirectory(Directory, Protocol):
    """What moving a complaint off a salesperson reads: the routes, and the territory the complaint is in."""

    def territory(self, code: str) -> dict[str, Any] | None: ...


class RoutingDirectory(Directory, Protocol):
    """What intake reads of the routing data: the routes and whether the account is a key account, at once."""

    def find_routing(self, lookups: dict[str, tuple[str, str]]) -> Routing: ...


class AlertedLots(Protocol):
    """Whether a lot (SKU + batch or production date) has an open cluster alert: a repeated defect."""

    def alerted(self, lots: Sequence[str], now: datetime, rule: ClusterRule) -> bool: ...

    def member_writes(self, member: Member) -> list[Write]: ...


class CalendarSource(Protocol):
    """The working calendar's sources: the company's settings (as read at most a minute ago) and the
    statutory days of the package."""

    def current(self) -> CalendarSettings: ...

    def current_if_readable(self) -> CalendarSettings | None: ...

    def statutory(self) -> StatutoryDays: ...


class CalendarSettingsStore(CalendarSource, Protocol):
    """The settings as stored now, their change (with its history entry) and the last changes."""

    def stored(self) -> CalendarSettings: ...

    def put(self, settings: CalendarSettings, change: SettingsChange) -> None: ...

    def history(self, limit: int = ...) -> list[SettingsChange]: ...


class Photos(Protocol):
    def check(self, upload_id: str) -> str: ...

    def view_url(self, key: str, expires_in: int = 900) -> str: ...


class Publisher(Protocol):
    def publish(self, recipient: str, event: str, complaint_id: str, text: str) -> str: ...


class Subscriptions(Protocol):
    def subscribe(self, recipient: str, email: str | None, phone: str | None) -> None: ...


class Notifications(Publisher, Subscriptions, Protocol):
    pass


class Accounts(Protocol):
    """The staff's log-ins."""

    def create_user(self, username: str, password: str | None) -> None: ...

    def set_groups(self, username: str, groups: list[str]) -> None: ...

    def update_attributes(self, username: str, email: str | None, name: str | None) -> None: ...

    def set_enabled(self, username: str, enabled: bool) -> None: ...


class CustomerChannels(Protocol):
    """SMS to the customer's mobile, and whether its owner opted out."""

    def opted_out(self, phone: str) -> bool: ...

    def send(self, phone: str, text: str) -> str: ...


class Mail(Protocol):
    def send(self, to: str, subject: str, text: str) -> str: ...


class Schedules(Protocol):
    def move(self, complaint_id: str, clock: str, at: datetime | None, previous: datetime | None) -> None: ...


class Outbox(Protocol):
    def claim(self, key: OutboxKey, now: datetime) -> Claimed | None: ...

    def claim_many(
        self, inserted: Sequence[dict[str, Any]], now: datetime, along: Sequence[Write] = ()
    ) -> tuple[list[Claimed], bool]: ...

    def complete(self, key: OutboxKey, token: str, now: datetime, result: str) -> bool: ...

    def complete_many(self, done: Sequence[tuple[OutboxKey, str, str]], now: datetime) -> list[bool]: ...

    def release(self, key: OutboxKey, token: str, error: str) -> None: ...

    def pending(self, older_than: datetime, limit: int = 100) -> list[OutboxKey]: ...


class CustomerMessages(Protocol):
    def customer_messages(self, complaint_id: str) -> list[SentMessage]: ...


class Secrets(Protocol):
    @property
    def access_code_secret(self) -> str: ...


class MessageSettings(Protocol):
    """What the customer's messages are signed and linked with."""

    @property
    def sms_signature(self) -> str: ...
    @property
    def public_base_url(self) -> str: ...
    @property
    def token_secret(self) -> str: ...


class Settings(Secrets, MessageSettings, Protocol):
    pass


class IntakeSettings(Settings, Protocol):
    @property
    def cluster_rule(self) -> ClusterRule: ...


class NeedsCalendar(Protocol):
    """What building the clocks' policy (or the console's days) needs."""

    @property
    def calendar(self) -> CalendarSource: ...


class CalendarAdminNeeds(Protocol):
    """What administering the calendar settings needs."""

    @property
    def calendar(self) -> CalendarSettingsStore: ...


class IntakeNeeds(NeedsCalendar, Protocol):
    """What recording a complaint needs."""

    @property
    def settings(self) -> IntakeSettings: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def directory(self) -> RoutingDirectory: ...
    @property
    def photos(self) -> Photos: ...
    @property
    def search(self) -> Finder: ...
    @property
    def clusters(self) -> AlertedLots: ...


class FindNeeds(NeedsCalendar, Protocol):
    """What a staff search needs."""

    @property
    def settings(self) -> Settings: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def search(self) -> Finder: ...
    @property
    def directory(self) -> Directory: ...


class WorkflowNeeds(NeedsCalendar, Protocol):
    """What acting on a complaint (and showing it to staff) needs."""

    @property
    def settings(self) -> Settings: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def directory(self) -> Directory: ...
    @property
    def photos(self) -> Photos: ...
    @property
    def outbox(self) -> CustomerMessages: ...


class TimerNeeds(NeedsCalendar, Protocol):
    """What a clock's firing needs."""

    @property
    def settings(self) -> MessageSettings: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def directory(self) -> Directory: ...


class StaffSyncNeeds(Protocol):
    """What making a staff member's log-in and subscriptions match their profile needs."""

    @property
    def directory(self) -> Directory: ...
    @property
    def identity(self) -> Accounts: ...
    @property
    def notifier(self) -> Subscriptions: ...


class Listing(Finder, Protocol):
    """A page of complaint items from the index a plan names (the staff list's), and `Finder.find`."""

    def page(
        self, plan: Plan, limit: int, tier: int = 0, after: str | None = None, now_key: str | None = None
    ) -> tuple[list[dict[str, Any]], tuple[int, str] | None]: ...


class LaterWork(Protocol):
    def put_many(self, work: Sequence[tuple[str, Delivery]], now: datetime) -> None: ...


class MoveNeeds(Protocol):
    """What moving one complaint off a salesperson needs (services/staff_changes.py)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def directory(self) -> TerritoryDirectory: ...


class StaffChangeNeeds(MoveNeeds, Protocol):
    """What moving a salesperson's open complaints needs: the indexes to find them, the outbox for what
    the request leaves for later."""

    @property
    def search(self) -> Listing: ...
    @property
    def outbox(self) -> LaterWork: ...


class DeliveryNeeds(Protocol):
    """What carrying out outbox items needs: notifications and schedules, and for a staff sync what
    `StaffSyncNeeds` lists (`identity`, `notifier.subscribe`: the fakes of tests/services leave
    these out, as the use cases run on them make no staff sync), for a complaint's move what `MoveNeeds`
    lists."""

    @property
    def settings(self) -> Settings: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def notifier(self) -> Notifications: ...
    @property
    def texts(self) -> CustomerChannels: ...
    @property
    def mail(self) -> Mail: ...
    @property
    def timers(self) -> Schedules: ...
    @property
    def complaints(self) -> ComplaintStore: ...
    @property
    def directory(self) -> TerritoryDirectory: ...
    @property
    def identity(self) -> Accounts: ...
