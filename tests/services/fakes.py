"""In-memory stand-ins for the adapters, written by hand to behave as the real ones do where the use
cases rely on it: versions checked on save, idempotency keys used once, a photo claimed once, an
outbox item leased to one delivery at a time."""
from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Sequence

from chalicelib.adapters.calendar import CalendarSettings, SettingsChange
from chalicelib.adapters.directory import Routing
from chalicelib.adapters.complaints import ComplaintRecord
from chalicelib.adapters.outbox import LEASE, OPTED_OUT, Claimed, OutboxKey
from chalicelib.domain.calendar import StatutoryDays
from chalicelib.domain.clusters import ClusterRule
from chalicelib.domain.access import Quota
from chalicelib.domain.customer_messages import IssuedLink, SentMessage
from chalicelib.domain.deliveries import CustomerMessage, Delivery
from chalicelib.domain.errors import AlreadyDone, ConcurrentChange, IdempotencyKeyReused, PhotoTaken
from chalicelib.domain.model import Complaint, HistoryEntry, Role, StaffMember
from chalicelib.domain.routing import Route
from chalicelib.idempotency import IdempotencyRecord


class FakeComplaintRepository:
    def __init__(self, outbox: FakeOutbox | None = None) -> None:
        self.complaints: dict[str, Complaint] = {}
        self.histories: dict[str, list[HistoryEntry]] = {}
        self.records: dict[str, IdempotencyRecord] = {}
        self.photo_owners: dict[str, str] = {}
        self.links: dict[str, IssuedLink] = {}  # by the token's hash, as the table keys them
        self.outbox = outbox or FakeOutbox()
        self.writes = 0

    def add(self, complaint: Complaint, deliveries: Sequence[Delivery], now: datetime,
            idempotency: IdempotencyRecord | None = None, along: Sequence[dict] = ()) -> None:
        if complaint.id in self.complaints:
            raise ConcurrentChange(complaint.id)
        self._check_key(idempotency)
        for n, key in enumerate(complaint.photos):
            if key in self.photo_owners:
                raise PhotoTaken(n)
        self.photo_owners.update({key: complaint.id for key in complaint.photos})
        complaint.version = 0
        self._store(complaint, deliveries, now, idempotency)

    def save(self, complaint: Complaint, deliveries: Sequence[Delivery], now: datetime,
             idempotency: IdempotencyRecord | None = None, answered_link: str | None = None,
             together: Complaint | None = None) -> None:
        for changed in (complaint, together) if together else (complaint,):
            stored = self.complaints.get(changed.id)
            if stored is None or stored.version != changed.version:
                raise ConcurrentChange(changed.id)
        self._check_key(idempotency)
        if together:
            self._store(together, [], now, None)
            self.writes -= 1  # one transaction
        if answered_link:
            link = self.links.get(answered_link)
            if link is None or link.used_at is not None:
                raise AlreadyDone("the survey was already answered")
            self.links[answered_link] = IssuedLink(link.kind, link.complaint_id, link.issued_at, now)
        self._store(complaint, deliveries, now, idempotency)

    def link(self, token_hash: str) -> IssuedLink | None:
        return self.links.get(token_hash)

    def get(self, complaint_id: str) -> Complaint | None:
        stored = self.complaints.get(complaint_id)
        return copy.deepcopy(stored) if stored else None

    def get_many(self, complaint_ids: list[str]) -> list[Complaint]:
        return [c for c in map(self.get, dict.fromkeys(complaint_ids)) if c is not None]

    def history(self, complaint_id: str) -> list[HistoryEntry]:
        return list(self.histories.get(complaint_id, []))

    def record(self, complaint_id: str) -> ComplaintRecord | None:
        complaint = self.get(complaint_id)
        if complaint is None:
            return None
        return ComplaintRecord(complaint, self.history(complaint_id), self.outbox.customer_messages(complaint_id))

    def idempotency_record(self, key: str) -> IdempotencyRecord | None:
        return self.records.get(key)

    def _check_key(self, record: IdempotencyRecord | None) -> None:
        if record and record.key in self.records:
            raise IdempotencyKeyReused(record.key)

    def _store(self, complaint: Complaint, deliveries: Sequence[Delivery], now: datetime,
               record: IdempotencyRecord | None) -> None:
        complaint.version += 1
        self.histories.setdefault(complaint.id, []).extend(complaint.new_history)
        complaint.new_history.clear()
        complaint.effects.clear()
        self.complaints[complaint.id] = copy.deepcopy(complaint)
        if record:
            self.records[record.key] = record
        for d in deliveries:
            if isinstance(d, CustomerMessage) and d.link:
                self.links[d.link.hash] = IssuedLink(d.link.kind, complaint.id, now)
        self.outbox.put(complaint.id, deliveries, now)
        self.writes += 1


@dataclass
class FakeDirectory:
    members: dict[str, StaffMember] = field(default_factory=dict)
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)

    def staff(self, username: str) -> StaffMember | None:
        return self.members.get(username)

    def usernames_with_role(self, role: Role) -> list[str]:
        return sorted(u for u, m in self.members.items() if role in m.roles and m.active)

    def all_staff(self) -> list[StaffMember]:
        return [self.members[u] for u in sorted(self.members)]

    def departments(self) -> list[dict]:
        return [{"code": "PROD", "name": "生产车间", "revision": 1}]

    key_accounts: set[str] = field(default_factory=set)  # account ids marked key_account

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]:
        return {kind: self.routes[ref] for kind, ref in lookups.items() if ref in self.routes}

    def find_routing(self, lookups: dict[str, tuple[str, str]]) -> Routing:
        account = lookups.get("account")
        return Routing(self.find_routes(lookups), bool(account and account[1] in self.key_accounts))

    territories: dict[str, dict] = field(default_factory=dict)  # code -> {"code", "name", "salesperson", ...}

    def territory(self, code: str) -> dict | None:
        return self.territories.get(code)


@dataclass
class FakePhotos:
    uploaded: set[str] = field(default_factory=set)

    def check(self, upload_id: str) -> str:
        from chalicelib.adapters.photos import PhotoProblem

        if upload_id not in self.uploaded:
            raise PhotoProblem("not_uploaded")
        return f"uploads/{upload_id}"

    def view_url(self, key: str, expires_in: int = 900) -> str:
        return f"https://photos.invalid/{key}"


@dataclass
class FakeNotifier:
    sent: list[tuple[str, str, str, str]] = field(default_factory=list)
    failing: int = 0  # how many publishes fail before they work again

    def publish(self, recipient: str, event: str, complaint_id: str, text: str) -> str:
        if self.failing:
            self.failing -= 1
            raise ConnectionError("SNS unavailable")
        self.sent.append((recipient, event, complaint_id, text))
        return f"message-{len(self.sent)}"


@dataclass
class FakeTexts:
    """SMS to customers' phones; numbers in `opted_out_numbers` replied 退订."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    opted_out_numbers: set[str] = field(default_factory=set)
    failing: int = 0

    def opted_out(self, phone: str) -> bool:
        return phone in self.opted_out_numbers

    def send(self, phone: str, text: str) -> str:
        if self.failing:
            self.failing -= 1
            raise ConnectionError("SNS unavailable")
        self.sent.append((phone, text))
        return f"sms-{len(self.sent)}"


@dataclass
class FakeMail:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, text: str) -> str:
        self.sent.append((to, subject, text))
        return f"mail-{len(self.sent)}"


@dataclass
class FakeAttempts:
    """Attempts per quota (subject, period, client), as the table counts them."""

    taken: dict[tuple[str, str, str | None], int] = field(default_factory=dict)

    def take(self, quotas: Sequence[Quota]) -> Quota | None:
        for n, quota in enumerate(quotas):
            key = (quota.subject, quota.period, quota.client)
            if self.taken.get(key, 0) >= quota.limit:
                self.give_back(quotas[:n])
                return quota
            self.taken[key] = self.taken.get(key, 0) + 1
        return None

    def give_back(self, quotas: Sequence[Quota]) -> None:
        for quota in quotas:
            key = (quota.subject, quota.period, quota.client)
            self.taken[key] -= 1


@dataclass
class FakeTimers:
    schedules: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def move(self, complaint_id: str, clock: str, at: datetime | None, previous: datetime | None) -> None:
        if at is None:
            self.schedules.pop((complaint_id, clock), None)
        else:
            self.schedules[(complaint_id, clock)] = at


@dataclass
class _Item:
    owner: str
    delivery: Delivery
    created_at: datetime | None = None
    status: str = "pending"
    token: str | None = None
    lease_until: datetime | None = None
    result: str | None = None
    done_at: datetime | None = None
    last_error: str | None = None


class FakeOutbox:
    def __init__(self) -> None:
        self.items: dict[OutboxKey, _Item] = {}
        self.inserted: list[OutboxKey] = []  # what the stream would bring, in order

    def put(self, owner: str, deliveries: Sequence[Delivery], now: datetime | None = None) -> None:
        for delivery in deliveries:
            key = (f"fake#{owner}", f"OUTBOX#{len(self.items):06d}")
            self.items[key] = _Item(owner, delivery, now)
            self.inserted.append(key)

    def claim(self, key: OutboxKey, now: datetime) -> Claimed | None:
        item = self.items[key]
        if item.status != "pending" or (item.lease_until and item.lease_until > now):
            return None
        item.token, item.lease_until = secrets.token_hex(8), now + LEASE
        return Claimed(key, item.owner, item.delivery, item.token, item.lease_until)

    def complete(self, key: OutboxKey, token: str, now: datetime, result: str) -> bool:
        item = self.items[key]
        if item.token != token:
            return False
        item.status, item.result, item.done_at = "done", result, now
        if isinstance(item.delivery, CustomerMessage):  # its text (the access code) is kept until it is sent
            item.delivery = replace(item.delivery, text="")
        return True

    def release(self, key: OutboxKey, token: str, error: str) -> None:
        item = self.items[key]
        if item.token == token:
            item.lease_until, item.last_error = None, error

    def customer_messages(self, complaint_id: str) -> list[SentMessage]:
        found = []
        for item in self.items.values():
            if item.owner != complaint_id or not isinstance(item.delivery, CustomerMessage):
                continue
            if item.status == "done":
                state = {OPTED_OUT: "opted_out", "withdrawn": "failed"}.get(item.result or "", "sent")
            else:
                state = "failed" if item.last_error else "pending"
            at = item.done_at or item.created_at
            assert at is not None
            found.append(SentMessage(item.delivery.kind, at, item.delivery.channel, state))
        return found

    def pending(self, older_than: datetime, limit: int = 100) -> list[OutboxKey]:
        return [k for k, i in self.items.items() if i.status == "pending"][:limit]

    def put_many(self, work: Sequence[tuple[str, Delivery]], now: datetime) -> None:
        for owner, delivery in work:
            self.put(owner, [delivery], now)

    def done(self) -> list[Delivery]:
        return [i.delivery for i in self.items.values() if i.status == "done"]

    def to_customer(self, complaint_id: str | None = None) -> list[CustomerMessage]:
        """The customer messages stored, oldest first (their texts as stored: gone once sent)."""
        return [i.delivery for i in self.items.values() if isinstance(i.delivery, CustomerMessage)
                and complaint_id in (None, i.owner)]


class FakeFinder:
    """The complaints whose find keys hold the hash, newest first, as the phone/account/name indexes."""

    _FIELDS = {"phone": "phone", "account_id": "account", "name": "name_prefix"}

    def __init__(self, complaints: FakeComplaintRepository) -> None:
        self._complaints = complaints
        self.queries = 0

    def find(self, by: str, key_hash: str, limit: int, name: str | None = None,
             assignee: str | None = None) -> list[dict]:
        from chalicelib.adapters.complaints import _meta_item

        self.queries += 1
        found = [
            c for c in self._complaints.complaints.values()
            if c.find_keys and getattr(c.find_keys, self._FIELDS[by]) == key_hash
            and (name is None or (c.find_keys.name or "").startswith(name))
            and (assignee is None or c.assignee == assignee)
        ]
        found.sort(key=lambda c: (c.received_at, c.id), reverse=True)
        return [_meta_item(c, c.version, "-") for c in found[:limit]]

    def page(self, plan, limit: int, tier: int = 0, after: str | None = None,
             now_key: str | None = None) -> tuple[list[dict], tuple[int, str] | None]:
        """A list's page by assignee or territory (the plans the staff changes make), newest first, as the
        by_assignee and by_territory indexes give it."""
        from chalicelib.adapters.complaints import _meta_item

        self.queries += 1
        wanted = {plan.by: plan.tiers[0][0], **plan.residual}
        found = sorted((c for c in self._complaints.complaints.values()
                        if all(getattr(c, name) == value for name, value in wanted.items())),
                       key=lambda c: (c.received_at, c.id), reverse=True)
        items = [_meta_item(c, c.version, "-") for c in found]
        sort_key = f"by_{plan.by}_sk"
        items = [i for i in items if after is None or i[sort_key] < after]
        if len(items) > limit:
            return items[:limit], (0, items[limit - 1][sort_key])
        return items, None


@dataclass
class FakeClusters:
    """The lots with an open cluster alert."""

    alerted_lots: set[str] = field(default_factory=set)
    reads: int = 0

    def member_writes(self, member) -> list[dict]:
        return []  # the lots' member rows: only the table's stream reads them (no fake of it here)

    def alerted(self, lots: Sequence[str], now: datetime, rule: ClusterRule) -> bool:
        self.reads += bool(lots)
        return any(lot in self.alerted_lots for lot in lots)


@dataclass
class FakeCalendar:
    """The company's calendar settings and their changes in memory; the statutory days are the package's."""

    settings: CalendarSettings = field(default_factory=CalendarSettings)
    changes: list[SettingsChange] = field(default_factory=list)
    statutory_days: StatutoryDays | None = None  # None: what the package knows

    def current(self) -> CalendarSettings:
        return self.settings

    def current_if_readable(self) -> CalendarSettings | None:
        return self.settings

    def statutory(self) -> StatutoryDays:
        from chalicelib.adapters.calendar import statutory_days

        return self.statutory_days if self.statutory_days is not None else statutory_days()

    def stored(self) -> CalendarSettings:
        return self.settings

    def put(self, settings: CalendarSettings, change: SettingsChange) -> None:
        if change.revision != self.settings.revision + 1:
            raise ConcurrentChange("calendar settings")
        self.settings = settings
        self.changes.append(change)

    def history(self, limit: int = 20) -> list[SettingsChange]:
        return list(reversed(self.changes))[:limit]


@dataclass
class FakeSettings:
    access_code_secret: str = "s" * 32
    token_secret: str = "t" * 32
    sms_signature: str = "【XX纸业】"
    public_base_url: str = "https://ts.example.cn"
    cluster_rule: ClusterRule = field(default_factory=ClusterRule)


@dataclass
class FakeAdapters:
    """The adapters a use case is handed, in memory."""

    outbox: FakeOutbox = field(default_factory=FakeOutbox)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    photos: FakePhotos = field(default_factory=FakePhotos)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    timers: FakeTimers = field(default_factory=FakeTimers)
    texts: FakeTexts = field(default_factory=FakeTexts)
    mail: FakeMail = field(default_factory=FakeMail)
    attempts: FakeAttempts = field(default_factory=FakeAttempts)
    settings: FakeSettings = field(default_factory=FakeSettings)
    clusters: FakeClusters = field(default_factory=FakeClusters)
    calendar: FakeCalendar = field(default_factory=FakeCalendar)
    complaints: FakeComplaintRepository = field(init=False)
    search: FakeFinder = field(init=False)

    def __post_init__(self) -> None:
        self.complaints = FakeComplaintRepository(self.outbox)
        self.search = FakeFinder(self.complaints)


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)
