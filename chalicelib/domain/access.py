"""Complaint ids and access codes.

Ids carry the day (Asia/Shanghai) and a random part, so they reveal no count. The
access code is a secret shown once; only a keyed hash of it is stored. With an
Idempotency-Key the code is derived from the key, so a retried submission gets the
same code back without the code ever being stored.

The links of the customer's messages carry a token instead of the code (`/s/<token>`,
`/survey?t=<token>`): 128 random bits, URL-safe base64, stored only as a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from chalicelib.domain.model import SHANGHAI

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Quota:
    """One count of wrong access codes: for which complaint, from which client (None: from all of
    them), in which period, how many it allows and when it starts afresh."""

    subject: str
    period: str
    limit: int
    ends: datetime
    client: str | None = None

    def seconds_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.ends - now).total_seconds()))


@dataclass(frozen=True)
class GuessLimit:
    """A few wrong access codes for one complaint from one client address, then that address's look-ups
    of it are refused until the window ends: six digits cannot be guessed at a few tries per quarter hour.
    All addresses together get a daily allowance per complaint (Asia/Shanghai days), after which the
    complaint's look-ups are refused until the day ends, so that many addresses cannot guess either.

    A code is checked only once an attempt is taken from both quotas; a right code gives it back,
    so a customer reloading the page is never refused for it.
    """

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    max_daily_failures: int = 50

    def window_of(self, now: datetime) -> tuple[str, datetime]:
        """The fixed window `now` falls in: its name and its end."""
        seconds = int(self.window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return str(start), datetime.fromtimestamp(start + seconds, UTC)

    def day_of(self, now: datetime) -> tuple[str, datetime]:
        """The Asia/Shanghai day `now` falls in: its date and its end."""
        day = now.astimezone(SHANGHAI).date()
        return day.isoformat(), datetime.combine(day + timedelta(days=1), time(), SHANGHAI)

    def quotas(self, subject: str, client: str, now: datetime) -> tuple[Quota, Quota]:
        """The quotas an attempt on `subject` from `client` (a keyed hash of its address) takes from."""
        window, window_end = self.window_of(now)
        day, day_end = self.day_of(now)
        return (
            Quota(subject, window, self.max_failures, window_end, client),
            Quota(subject, day, self.max_daily_failures, day_end),
        )


@dataclass(frozen=True)
class IssuedCode:
    """A new access code and the hash that is stored of it."""

    code: str = field(repr=False)
    hash: str


def issue_code(secret: str, complaint_id: str) -> IssuedCode:
    """A new random access code for a complaint (the old one stops working once the hash is stored)."""
    code = new_access_code(secret, complaint_id, None)
    return IssuedCode(code, hash_access_code(secret, complaint_id, code))


def new_link_token() -> str:
    """The token of a status or survey link: 128 random bits as URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


def hash_link_token(secret: str, token: str) -> str:
    """What is stored of a link token: its keyed hash, so the table alone opens no complaint."""
    return hmac.new(secret.encode(), f"link|{token.strip()}".encode(), hashlib.sha256).hexdigest()


def plausible_link_token(token: str | None) -> bool:
    """Whether a token could be one we issued (anything else is not looked up)."""
    return bool(token and _LINK_TOKEN.fullmatch(token))


def client_tag(secret: str, address: str | None) -> str:
    """A client address as it may be stored: a keyed hash, cut short (an address is personal data)."""
    return hmac.new(secret.encode(), f"client|{address or ''}".encode(), hashlib.sha256).hexdigest()[:20]


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
