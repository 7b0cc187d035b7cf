"""Carry out outbox items: publish notifications, make schedules match the complaints.

Runs from the DynamoDB stream (new outbox items) and from the sweeper (items still
pending after a failure), so a failed SNS or Scheduler call is retried until it works
and a delivered item is never delivered again.

Each claim holds a lease from the moment it is made (a batch runs on a clock that starts at the
batch's `now` and moves on with the time that really passes). A delivery carries an item out only
while its lease has time left for the call, and marks it done only under its own lease token: one
that stalled past its lease leaves the item to whichever delivery claimed it next.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters import outbox
from chalicelib.adapters.outbox import OPTED_OUT, Claimed, OutboxKey, Write, new_outbox_items
from chalicelib.domain.deliveries import CustomerMessage, DuplicateMark, Notification, Reassignment, StaffSync
from chalicelib.services.ports import DeliveryNeeds

log = logging.getLogger(__name__)
SWEEP_AFTER = timedelta(minutes=2)
COMPLETE_ATTEMPTS = 4  # each one already retried by botocore (chalicelib/clients.py)
COMPLETE_BACKOFF = 0.2  # seconds, doubling: at most ~1.4 s of sleep, far below the 60 s lease


def deliver(key: OutboxKey, a: DeliveryNeeds, now: datetime, clock: Callable[[], datetime] | None = None) -> bool:
    """Carry out one outbox item; False if it was already done or is being done elsewhere.

    `clock` tells the time of each step (the claim, the check before the call, the completion);
    by default it starts at `now` and moves on with the time that really passes.
    """
    clock = clock or running_clock(now)
    item = a.outbox.claim(key, clock())
    if item is None:
        return False
    if item.lease_until - clock() < min_lease_left():
        log.warning("outbox item %s: its lease ran out before it was carried out; left for a retry", key[1])
        a.outbox.release(key, item.token, "lease ran out before the call")
        return False
    try:
        result = _carry_out(item, a)
    except Exception as error:  # any failure: release the lease, let the caller retry
        a.outbox.release(key, item.token, type(error).__name__)
        raise
    return _complete(key, item.token, a, clock, result)


def running_clock(start: datetime) -> Callable[[], datetime]:
    """`start`, moved on by the time really passed since this call: in a batch that began at `start`
    (now, in production), the moment of each step. A test's fixed `start` stays all but fixed."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def min_lease_left() -> timedelta:
    """The lease time an item must have left when its call (SNS, Scheduler) starts: a third of the
    lease, about what one call takes with botocore's retries; less, and it is released for a retry."""
    return outbox.LEASE / 3


def _complete(key: OutboxKey, token: str, a: DeliveryNeeds, clock: Callable[[], datetime], result: str) -> bool:
    """Mark a carried-out item done, trying harder than one call: if this fails, the item is carried out
    again once its lease runs out (a second SMS and e-mail). The retries stay well within the lease.
    False when the lease had passed to another delivery, which carries the item out (or did) itself."""
    for attempt in range(COMPLETE_ATTEMPTS):
        try:
            if a.outbox.complete(key, token, clock(), result):
                return True
            log.warning(
                "outbox item %s was carried out after its lease had passed to another delivery: possible duplicate",
                key[1],
            )
            return False
        except Exception as error:
            if attempt == COMPLETE_ATTEMPTS - 1:
                log.error(
                    "outbox item %s was carried out but could not be marked done: %s", key[1], type(error).__name__
                )
                raise
            time.sleep(COMPLETE_BACKOFF * 2**attempt)
    return False


def deliver_stream(
    records: Iterable[dict[str, Any]],
    a: DeliveryNeeds,
    now: datetime,
    along: Mapping[str, Sequence[Write]] | None = None,
    written: set[str] | None = None,
) -> int:
    """Deliver the outbox items a stream batch inserted; raises after trying all if any failed.

    The items of one owner (a complaint, a staff member) are claimed in one write and marked done in
    one more, whatever their number. `along`: writes of the same batch per owner (its statistics) that
    go into its claim; the owners whose writes landed are added to `written`."""
    failures, delivered, clock = [], 0, running_clock(now)
    for owner, inserted in new_outbox_items(records).items():
        try:
            writes = (along or {}).get(owner, ())
            claimed, landed = a.outbox.claim_many(inserted, clock(), writes)
            if writes and landed and written is not None:
                written.add(owner)
            delivered += _carry_out_claimed(claimed, a, clock)
        except Exception as error:  # noqa: BLE001 - any failure: tried again with the batch, raised below
            log.warning("outbox items of one owner failed: %s", type(error).__name__)
            failures.append(error)
    if failures:
        raise failures[0]  # the stream retries the batch; done items are skipped
    return delivered


def _carry_out_claimed(claimed: list[Claimed], a: DeliveryNeeds, clock: Callable[[], datetime]) -> int:
    """Carry out each claimed item, then mark those carried out done together; raises the first failure."""
    done, failures = [], []
    for item in claimed:
        if item.lease_until - clock() < min_lease_left():
            log.warning("outbox item %s: its lease ran out before it was carried out; left for a retry", item.key[1])
            _release(item, a, "lease ran out before the call")
            continue
        try:
            done.append((item, _carry_out(item, a)))
        except Exception as error:  # noqa: BLE001 - its lease is given back, raised below
            failures.append(error)
            _release(item, a, type(error).__name__)
    try:
        marked = a.outbox.complete_many([(item.key, item.token, result) for item, result in done], clock())
    except Exception:  # noqa: BLE001 - each on its own, trying harder: one not marked is carried out again
        marked = [_complete(item.key, item.token, a, clock, result) for item, result in done]
    for (item, _), ok in zip(done, marked, strict=True):
        if not ok:
            log.warning("outbox item %s was carried out after its lease had passed: possible duplicate", item.key[1])
    if failures:
        raise failures[0]
    return sum(marked)


def _release(item: Claimed, a: DeliveryNeeds, error: str) -> None:
    """Give the lease back; if even that fails, the lease runs out by itself. Never raises: the items of
    the batch already carried out must still be marked done."""
    try:
        a.outbox.release(item.key, item.token, error)
    except Exception as failure:  # noqa: BLE001 - see above
        log.warning("outbox item %s: its lease could not be given back: %s", item.key[1], type(failure).__name__)


def sweep(a: DeliveryNeeds, now: datetime) -> int:
    """Deliver items left pending (failed deliveries, a stream that gave up)."""
    return deliver_pending(a, now, older_than=now - SWEEP_AFTER)


def deliver_pending(a: DeliveryNeeds, now: datetime, older_than: datetime | None = None) -> int:
    """Deliver every pending item created before `older_than` (default: all up to now)."""
    delivered, clock = 0, running_clock(now)
    for key in a.outbox.pending(older_than or now + timedelta(seconds=1)):
        try:
            delivered += deliver(key, a, now, clock)
        except Exception as error:  # noqa: BLE001 - any failure: left pending for the next sweep
            log.warning("sweep: outbox item %s failed again: %s", key[1], type(error).__name__)
    return delivered


def _carry_out(item: Claimed, a: DeliveryNeeds) -> str:
    delivery = item.delivery
    if isinstance(delivery, CustomerMessage):
        return _tell_customer(delivery, a)
    if isinstance(delivery, Notification):
        return a.notifier.publish(delivery.recipient, delivery.event, item.owner, delivery.text)
    if isinstance(delivery, StaffSync):
        from chalicelib.services import staff_sync

        return staff_sync.sync(delivery, a)
    if isinstance(delivery, DuplicateMark):  # the other complaint marked back, as the owner's change said
        from chalicelib.services import finding

        claimed_at = item.lease_until - outbox.LEASE
        return finding.apply_mark(delivery.other, item.owner, delivery.linked, a.complaints, claimed_at)
    if isinstance(delivery, Reassignment):  # a complaint moved off a salesperson, as a staff change said
        from chalicelib.services import staff_changes

        return staff_changes.carry_out(item.owner, delivery, a, item.lease_until - outbox.LEASE)
    at = delivery.at
    if delivery.at_unknown:
        complaint = a.complaints.get(item.owner)
        deadline = complaint.deadlines.get(delivery.clock) if complaint else None
        at = deadline.timer_at if deadline else None
    a.timers.move(item.owner, delivery.clock.value, at, delivery.previous)
    return at.isoformat() if at else "cleared"


def _tell_customer(message: CustomerMessage, a: DeliveryNeeds) -> str:
    """An SMS (unless the number opted out: the result says so) or an e-mail to the customer."""
    if message.channel == "email":
        return a.mail.send(message.to, message.subject or "", message.text)
    if a.texts.opted_out(message.to):
        return OPTED_OUT
    return a.texts.send(message.to, message.text)
