"""Erasing a complainant's personal data on request.

The complaint stays: its product, category, status, deadlines, history and therefore its
statistics. What goes is who complained: name, phone, e-mail, address, a consumer's loyalty
card number (`account_id`; a business customer's account id is the company's own data and
stays), the photos, and every mention of these in free text (the description, the staff's
notes, history data, notification texts, the reason given for the erasure). The erasure
itself is recorded: who, when, why, and which fields it blanked.

Mentions are found the way a reader would see them: text is compared after NFKC
normalisation (full-width digits and letters are the ASCII ones) and a phone number with
any separators between its digits (spaces, dots, dashes, slashes, parentheses, a +86 or
0086 prefix), while the text around a match is left as it was written.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from chalicelib.domain.model import Complaint, Customer, CustomerType

ERASED = "[已删除]"
_FREE_TEXT = ("feedback_form", "qc_result", "handling", "approval", "customer_notified", "satisfaction", "callbacks")
_NOT_TEXT = frozenset({"by", "proposed_by", "at", "type", "via"})  # who and when, never the complainant's words
_MIN_NAME = 2  # a one-character "name" would blank ordinary words
_MIN_DIGITS = 6
_MIN_ACCOUNT = 4  # a shorter card number would blank ordinary codes
# between two digits of a phone number: spaces, dots, dashes (and their Unicode kin), slashes, parentheses
_SEP = r"[\s.\-/()\u2010-\u2015\u00b7\u30fb]{0,3}"


class Redactor:
    """Replaces a customer's name, phone (in any common spelling), e-mail and address in nested values
    (maps and lists of stored items, the value objects of a complaint)."""

    def __init__(self, customer: Customer):
        needles = [v for v in (customer.email, customer.address) if v and v != ERASED]
        if customer.name and customer.name != ERASED and len(customer.name.strip()) >= _MIN_NAME:
            needles.append(customer.name.strip())
        account = customer.account_id
        if account and _personal_account(customer) and len(account.strip()) >= _MIN_ACCOUNT:
            needles.append(account.strip())
        folded = {_fold(n)[0] for n in needles}
        patterns = [re.escape(n) for n in sorted(folded, key=len, reverse=True)]
        phone = _phone_pattern(customer.phone)
        if phone:
            patterns.insert(0, phone)
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __call__(self, value: Any) -> Any:
        if self._pattern is None or isinstance(value, Enum):  # a status or a kind is never personal text
            return value
        if isinstance(value, str):
            return _replaced(self._pattern, value)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(
                value,
                **{f.name: self(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in _NOT_TEXT},
            )
        return value


def _replaced(pattern: re.Pattern[str], text: str) -> str:
    """Matches are looked for in the NFKC form and replaced in the text as written."""
    folded, owners = _fold(text)
    out, last = [], 0
    for match in pattern.finditer(folded):
        start, end = owners[match.start()], owners[match.end() - 1] + 1
        if start < last:  # both matches touch one character that NFKC expanded: one replacement
            last = max(last, end)
            continue
        out += [text[last:start], ERASED]
        last = end
    return "".join(out) + text[last:] if out else text


def _fold(text: str) -> tuple[str, Sequence[int]]:
    """The text with each character in its NFKC form, and for each folded character the index it came from."""
    if text.isascii():  # NFKC leaves ASCII as it is
        return text, range(len(text))
    pieces = [unicodedata.normalize("NFKC", ch) for ch in text]
    return "".join(pieces), [i for i, piece in enumerate(pieces) for _ in piece]


def _personal_account(customer: Customer) -> bool:
    """A consumer's account id is a loyalty card: theirs. A business customer's is the company's own data."""
    return bool(customer.account_id) and customer.type == CustomerType.CONSUMER


def _phone_pattern(phone: str | None) -> str | None:
    """E.164 '+8613800138000' also as '13800138000', '138.0013.8000', '(+86) 138-0013 8000'; landlines with the 0.

    Runs on NFKC-folded text, so full-width digits and separators are the ASCII ones. An opening
    parenthesis right before the number goes with it, and then a closing one right after it too.
    """
    if not phone or not phone.startswith("+"):
        return None
    digits = phone[3:] if phone.startswith("+86") else phone[1:]
    if len(digits) < _MIN_DIGITS or not digits.isdigit():
        return None
    if phone.startswith("+86"):
        country = rf"(?:(?:(?:\+|00){_SEP})?86{_SEP})?(?:0{_SEP})?"
    else:
        country = rf"(?:(?:\+|00){_SEP})?"
    return rf"(?<!\d)(?P<open>\(\s*)?{country}{_SEP.join(digits)}(?!\d)(?(open)(?:\s*\))?)"


def erase_personal_data(c: Complaint, actor: str, now: datetime, reason: str | None = None) -> list[str]:
    """Blank the complainant's personal data; returns the photo keys whose objects must be deleted.

    Erasing an erased complaint changes nothing and returns no photos.
    """
    if c.erased:
        return []
    redact = Redactor(c.customer)
    c.description = redact(c.description)
    reason = redact(reason)
    for name in _FREE_TEXT:
        setattr(c, name, redact(getattr(c, name)))
    fields = [f for f in ("name", "phone", "email", "address") if getattr(c.customer, f)]
    if _personal_account(c.customer):
        fields.append("account_id")
        c.customer.account_id = None
    c.customer.name, c.customer.phone, c.customer.email, c.customer.address = ERASED, ERASED, None, None
    c.find_keys = None  # out of every search: the index entries go with the next save
    photos, c.photos = list(c.photos), []
    c.erased = {"at": now, "by": actor, "fields": fields, "photos": len(photos), "reason": reason}
    c.record(now, actor, "erased", fields=fields, photos=len(photos), reason=reason)
    return photos
