"""Carry out outbox items: publish notifications, make schedules match the complaints.

Runs from the DynamoDB stream (new outbox items) and from the sweeper (items still
pending after a failure), so a failed SNS or Scheduler call is retried until it works
and a delivered item is never delivered again.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any, Iterable

from chalicelib.domain.model import Clock
from chalicelib.wiring import Adapters

log = logging.getLogger(__name__)
SWEEP_AFTER = timedelta(minutes=2)
COMPLETE_ATTEMPTS = 4  # each one already retried by botocore (chalicelib/clients.py)
COMPLETE_BACKOFF = 0.2  # seconds, doubling: at most ~1.4 s of sleep, far below the 60 s lease


def deliver(pk: str, sk: str, a: Adapters, now: datetime) -> bool:
    """Carry out one outbox item; False if it was already done or is being done elsewhere."""
    item = a.outbox.claim(pk, sk, now)
    if item is None:
        return False
    try:
        result = _carry_out(item, a)
    except Exception as error:  # any failure: release the lease, let the caller retry
        a.outbox.release(pk, sk, type(error).__name__)
        raise
    _complete(pk, sk, a, now, result)
    return True


def _complete(pk: str, sk: str, a: Adapters, now: datetime, result: str) -> None:
    """Mark a carried-out item done, trying harder than one call: if this fails, the item is carried out
    again once its lease runs out (a second SMS and e-mail). The retries stay well within the lease."""
    for attempt in range(COMPLETE_ATTEMPTS):
        try:
            a.outbox.complete(pk, sk, now, result)
            return
        except Exception as error:
            if attempt == COMPLETE_ATTEMPTS - 1:
                log.error("outbox item %s was carried out but could not be marked done: %s", sk,
                          type(error).__name__)
                raise
            time.sleep(COMPLETE_BACKOFF * 2 ** attempt)


def deliver_stream(records: Iterable[dict[str, Any]], a: Adapters, now: datetime) -> int:
    """Deliver the outbox items a stream batch inserted; raises after trying all if any failed."""
    failures, delivered = [], 0
    for pk, sk in _new_outbox_keys(records):
        try:
            delivered += deliver(pk, sk, a, now)
        except Exception as error:
            log.warning("outbox item %s failed: %s", sk, type(error).__name__)
            failures.append(error)
    if failures:
        raise failures[0]  # the stream retries the batch; done items are skipped
    return delivered


def sweep(a: Adapters, now: datetime) -> int:
    """Deliver items left pending (failed deliveries, a stream that gave up)."""
    return deliver_pending(a, now, older_than=now - SWEEP_AFTER)


def deliver_pending(a: Adapters, now: datetime, older_than: datetime | None = None) -> int:
    """Deliver every pending item created before `older_than` (default: all up to now)."""
    delivered = 0
    for pk, sk in a.outbox.pending(older_than or now + timedelta(seconds=1)):
        try:
            delivered += deliver(pk, sk, a, now)
        except Exception as error:
            log.warning("sweep: outbox item %s failed again: %s", sk, type(error).__name__)
    return delivered


def _carry_out(item: dict[str, Any], a: Adapters) -> str:
    complaint_id = item["complaint_id"]
    if item["kind"] == "notify":
        return a.notifier.publish(item["recipient"], item["event"], complaint_id, item["text"])
    complaint = a.complaints.get(complaint_id)
    deadline = complaint.deadlines.get(Clock(item["clock"])) if complaint else None
    at = deadline.timer_at if deadline else None
    a.timers.sync(complaint_id, item["clock"], at)
    return at.isoformat() if at else "cleared"


def _new_outbox_keys(records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    keys = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage") or {}
        sk = image.get("sk", {}).get("S", "")
        if record.get("eventName") == "INSERT" and sk.startswith("OUTBOX#"):
            keys.append((image["pk"]["S"], sk))
    return keys
