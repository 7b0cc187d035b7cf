"""A request sent again with its Idempotency-Key is done once and answered again: one mechanism for
submissions and staff actions.

The record is written in the change's own transaction, on the condition that its key was never
used, so a first attempt needs no read. A repeat learns of its twin from that condition failing
(or from the change no longer being allowed), reads the record and answers what the first attempt
did; the same key with another request is `IdempotencyKeyReused` (409).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from chalicelib.domain.errors import IdempotencyKeyReused, RuleViolation

MAX_KEY_LENGTH = 128
TTL = timedelta(days=1)
T = TypeVar("T")


@dataclass(frozen=True)
class IdempotencyRecord:
    """What the first attempt of a keyed request did: which complaint, and for a submission its receipt."""

    key: str
    request_hash: str
    complaint_id: str
    expires_at: datetime
    receipt: dict[str, Any] | None = None


@dataclass(frozen=True)
class Retry:
    """What tells a repeated request from a new one: its key, scoped to who sent it, and its body."""

    key: str
    request_hash: str

    @classmethod
    def of(cls, header: str | None, scope: str, request: Mapping[str, Any]) -> Retry | None:
        """The request's Idempotency-Key (1-128 printable characters), scoped, e.g. "public" or
        "action#<username>", so that two callers' keys never meet; None without a key."""
        if header is None:
            return None
        if not (0 < len(header) <= MAX_KEY_LENGTH and header.isprintable()):
            raise RuleViolation("Idempotency-Key", "invalid_key")
        body = json.dumps(request, sort_keys=True).encode()
        return cls(key=f"{scope}#{header}", request_hash=hashlib.sha256(body).hexdigest())

    def record(self, complaint_id: str, now: datetime, receipt: dict[str, Any] | None = None) -> IdempotencyRecord:
        return IdempotencyRecord(self.key, self.request_hash, complaint_id, now + TTL, receipt)


class Records(Protocol):
    def idempotency_record(self, key: str) -> IdempotencyRecord | None: ...


def once(
    retry: Retry | None,
    records: Records,
    attempt: Callable[[], T],
    replay: Callable[[IdempotencyRecord], T],
    repeats: tuple[type[Exception], ...],
) -> T:
    """`attempt()`; when it fails with one of `repeats` and the key's record shows it was done before,
    `replay(record)` instead. Without a key, or with no record, the failure stands."""
    try:
        return attempt()
    except repeats:
        earlier = records.idempotency_record(retry.key) if retry else None
        if retry is None or earlier is None:
            raise
        if earlier.request_hash != retry.request_hash:
            raise IdempotencyKeyReused("the Idempotency-Key was used for a different request") from None
        return replay(earlier)
