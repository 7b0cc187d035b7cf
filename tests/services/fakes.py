"""In-memory stand-ins for the adapters, written by hand to behave as the real ones do where the use
cases rely on it: versions checked on save, idempotency keys used once, a photo claimed once, an
outbox item leased to one delivery at a time."""
from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Sequence

from chalicelib.adapters.outbox import LEASE, Claimed, OutboxKey
from chalicelib.domain.deliveries import Delivery
from chalicelib.domain.errors import ConcurrentChange, IdempotencyKeyReused, PhotoTaken
from chalicelib.domain.model import Complaint, HistoryEntry, Role, StaffMember
from chalicelib.domain.routing import Route
from chalicelib.idempotency import IdempotencyRecord


class FakeComplaintRepository:
    def __init__(self, outbox: FakeOutbox | None = None) -> None:
        self.complaints: dict[str, Complaint] = {}
        self.histories: dict[str, list[HistoryEntry]] = {}
        self.records: dict[str, IdempotencyRecord] = {}
        self.photo_owners: dict[str, str] = {}
        self.outbox = outbox or FakeOutbox()
        self.writes = 0

    def add(self, complaint: Complaint, deliveries: Sequence[Delivery], now: datetime,
            idempotency: IdempotencyRecord | None = None) -> None:
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
             idempotency: IdempotencyRecord | None = None) -> None:
        stored = self.complaints.get(complaint.id)
        if stored is None or stored.version != complaint.version:
            raise ConcurrentChange(complaint.id)
        self._check_key(idempotency)
        self._store(complaint, deliveries, now, idempotency)

    def get(self, complaint_id: str) -> Complaint | None:
        stored = self.complaints.get(complaint_id)
        return copy.deepcopy(stored) if stored else None

    def history(self, complaint_id: str) -> list[HistoryEntry]:
        return list(self.histories.get(complaint_id, []))

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
        self.outbox.put(complaint.id, deliveries)
        self.writes += 1


@dataclass
class FakeDirectory:
    members: dict[str, StaffMember] = field(default_factory=dict)
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)

    def staff(self, username: str) -> StaffMember | None:
        return self.members.get(username)

    def usernames_with_role(self, role: Role) -> list[str]:
        return sorted(u for u, m in self.members.items() if role in m.roles and m.active)

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]:
        return {kind: self.routes[ref] for kind, ref in lookups.items() if ref in self.routes}


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
class FakeTimers:
    schedules: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def sync(self, complaint_id: str, clock: str, at: datetime | None) -> None:
        if at is None:
            self.schedules.pop((complaint_id, clock), None)
        else:
            self.schedules[(complaint_id, clock)] = at


@dataclass
class _Item:
    owner: str
    delivery: Delivery
    status: str = "pending"
    token: str | None = None
    lease_until: datetime | None = None


class FakeOutbox:
    def __init__(self) -> None:
        self.items: dict[OutboxKey, _Item] = {}
        self.inserted: list[OutboxKey] = []  # what the stream would bring, in order

    def put(self, owner: str, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            key = (f"fake#{owner}", f"OUTBOX#{len(self.items):06d}")
            self.items[key] = _Item(owner, delivery)
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
        item.status = "done"
        return True

    def release(self, key: OutboxKey, token: str, error: str) -> None:
        item = self.items[key]
        if item.token == token:
            item.lease_until = None

    def pending(self, older_than: datetime, limit: int = 100) -> list[OutboxKey]:
        return [k for k, i in self.items.items() if i.status == "pending"][:limit]

    def done(self) -> list[Delivery]:
        return [i.delivery for i in self.items.values() if i.status == "done"]


@dataclass
class FakeSettings:
    access_code_secret: str = "s" * 32


@dataclass
class FakeAdapters:
    """The adapters a use case is handed, in memory."""

    outbox: FakeOutbox = field(default_factory=FakeOutbox)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    photos: FakePhotos = field(default_factory=FakePhotos)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    timers: FakeTimers = field(default_factory=FakeTimers)
    settings: FakeSettings = field(default_factory=FakeSettings)
    complaints: FakeComplaintRepository = field(init=False)

    def __post_init__(self) -> None:
        self.complaints = FakeComplaintRepository(self.outbox)


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)
