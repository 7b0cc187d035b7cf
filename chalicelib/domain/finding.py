"""Finding complaints by who complained, and telling when a new one is the same matter as an open one.

A complaint is found by its number, its complainant's phone (in any spelling), their name or its first
two or more characters, or their account id. What the index keys hold are keyed hashes (`FindKeys`):
of the phone, of the account id and of the name's first two characters; a name look-up reads that
prefix's partition and keeps the names that begin with what was typed. So no key holds a phone, a name
or a loyalty card number, and an erasure that drops the keys takes the complaint out of every search.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.model import OPEN_STATUSES, Complaint, Customer, FindKeys, MarkDuplicate

MIN_NAME = 2  # characters of a name (or of its beginning) a look-up needs
DUPLICATE_WINDOW = timedelta(days=30)
_COMPLAINT_ID = re.compile(r"(?:C-?)?(\d{8})-?([0-9A-HJKMNP-TV-Z]{6})", re.IGNORECASE)  # access.new_complaint_id
_ACCOUNT_ID = re.compile(r"[A-Z0-9][A-Z0-9_.-]*", re.IGNORECASE)
_NAME_SPACING = re.compile(r"[\s\u00b7\u2022\u30fb.]+")  # spaces and the dots between a name's parts


class FindBy(StrEnum):
    COMPLAINT_ID = "complaint_id"
    PHONE = "phone"
    NAME = "name"
    ACCOUNT_ID = "account_id"


@dataclass(frozen=True)
class Find:
    """A search: what it looks for (`by`) and the value, normalised (a complaint number `C-…`, an E.164
    phone, a name as `normal_name` writes it, an account id as `normal_account` writes it)."""

    by: FindBy
    value: str


def complaint_id_in(text: str) -> str | None:
    """The complaint number `text` is, in any case, with or without `C-`; None if it is none."""
    match = _COMPLAINT_ID.fullmatch(unicodedata.normalize("NFKC", text).strip())
    return f"C-{match[1]}-{match[2].upper()}" if match else None


def normal_name(name: str) -> str:
    """A name as it is compared: full-width letters as ASCII, any case, without spaces or middle dots."""
    return _NAME_SPACING.sub("", unicodedata.normalize("NFKC", name)).casefold()


def normal_account(account_id: str) -> str | None:
    """An account id as it is compared (`hotel-cs-001` is `HOTEL-CS-001`); None if it cannot be one."""
    text = unicodedata.normalize("NFKC", account_id).strip().upper()
    return text if _ACCOUNT_ID.fullmatch(text) else None


def lookup_hash(secret: str, by: FindBy, value: str) -> str:
    """The keyed hash a key holds in place of a phone, an account id or a name's first characters."""
    return hmac.new(secret.encode(), f"find|{by.value}|{value}".encode(), hashlib.sha256).hexdigest()[:32]


def find_keys(secret: str, customer: Customer) -> FindKeys:
    """The keys a complaint of this complainant is found by (`customer.phone` is E.164 as stored)."""
    name = normal_name(customer.name or "")
    account = normal_account(customer.account_id or "")
    return FindKeys(
        phone=lookup_hash(secret, FindBy.PHONE, customer.phone) if customer.phone else None,
        name_prefix=lookup_hash(secret, FindBy.NAME, name[:MIN_NAME]) if len(name) >= MIN_NAME else None,
        name=name or None,
        account=lookup_hash(secret, FindBy.ACCOUNT_ID, account) if account else None,
    )


def partition_of(secret: str, find: Find) -> str:
    """The hash whose index partition holds what `find` looks for (a name: its first characters')."""
    value = find.value[:MIN_NAME] if find.by is FindBy.NAME else find.value
    return lookup_hash(secret, find.by, value)


def possible_duplicates(new: Complaint, earlier: list[Complaint], window: timedelta = DUPLICATE_WINDOW) -> list[str]:
    """The open complaints of the same complainant (the same phone or account, which is how `earlier` was
    found) about the same SKU (or, without one, the same category), received within `window` of `new`."""
    return [
        c.id
        for c in earlier
        if c.id != new.id
        and c.status in OPEN_STATUSES
        and c.merged_into is None
        and abs(new.received_at - c.received_at) <= window
        and _same_matter(new, c)
    ]


def mark_possible_duplicates(new: Complaint, earlier: list[Complaint], now: datetime) -> None:
    """Mark a new complaint a possible duplicate of those of `earlier` that may be the same matter; each of
    them is marked back (an effect: the outbox changes the other complaint)."""
    others = possible_duplicates(new, earlier)
    if others:
        new.possible_duplicate_of = others
        new.record(now, "system", "possible_duplicate", complaint_ids=others)
        new.cause(*(MarkDuplicate(other) for other in others))


def mark_duplicate(c: Complaint, other: str, linked: bool, now: datetime) -> bool:
    """Mark (or unmark) `other` as a possible duplicate of this open complaint, as the system; False if
    nothing changes (already so, or this one is no longer open)."""
    if c.status not in OPEN_STATUSES or (other in c.possible_duplicate_of) == linked:
        return False
    if linked:
        c.possible_duplicate_of = [*c.possible_duplicate_of, other]
        c.record(now, "system", "possible_duplicate", complaint_ids=[other])
    else:
        c.possible_duplicate_of = [o for o in c.possible_duplicate_of if o != other]
        c.record(now, "system", "not_duplicate", complaint_ids=[other])
    return True


def _same_matter(a: Complaint, b: Complaint) -> bool:
    if a.product.sku and b.product.sku:
        return a.product.sku.strip().upper() == b.product.sku.strip().upper()
    if a.product.sku or b.product.sku:
        return False
    return a.category == b.category
