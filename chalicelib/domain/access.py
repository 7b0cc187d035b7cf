"""Complaint ids and access codes.

Ids carry the day (Asia/Shanghai) and a random part, so they reveal no count. The
access code is a secret shown once; only a keyed hash of it is stored. With an
Idempotency-Key the code is derived from the key, so a retried submission gets the
same code back without the code ever being stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from chalicelib.domain.model import SHANGHAI

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


@dataclass(frozen=True)
class GuessLimit:
    """A few wrong access codes for one complaint, then its status look-ups are refused until the
    window ends: six digits cannot be guessed at a few tries per quarter hour."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    def window_of(self, now: datetime) -> tuple[str, datetime]:
        """The fixed window `now` falls in: its name and its end."""
        seconds = int(self.window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return str(start), datetime.fromtimestamp(start + seconds, timezone.utc)


def new_complaint_id(now: datetime) -> str:
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"C-{now.astimezone(SHANGHAI):%Y%m%d}-{random_part}"


def new_access_code(secret: str, complaint_id: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return f"{secrets.randbelow(10**6):06d}"
    digest = hmac.new(secret.encode(), f"code|{idempotency_key}|{complaint_id}".encode(), hashlib.sha256)
    return f"{int.from_bytes(digest.digest()[:8], 'big') % 10**6:06d}"


def hash_access_code(secret: str, complaint_id: str, code: str) -> str:
    return hmac.new(secret.encode(), f"hash|{complaint_id}|{code}".encode(), hashlib.sha256).hexdigest()


def access_code_matches(secret: str, complaint_id: str, code: str | None, stored_hash: str) -> bool:
    if not code:
        return False
    return hmac.compare_digest(hash_access_code(secret, complaint_id, code.strip()), stored_hash)
