"""Erasing a complainant's personal data on request.

The complaint stays: its product, category, status, deadlines, history and therefore its
statistics. What goes is who complained: name, phone, e-mail, address, the photos, and
every mention of the name, phone, e-mail or address in free text (the description, the
staff's notes, history data, notification texts). The erasure itself is recorded: who,
when, why, and which fields it blanked.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.domain.model import Complaint, Customer

ERASED = "[已删除]"
_FREE_TEXT = ("feedback_form", "qc_result", "handling", "approval", "customer_notified", "satisfaction", "callbacks")
_MIN_NAME = 2  # a one-character "name" would blank ordinary words
_MIN_DIGITS = 6


class Redactor:
    """Replaces a customer's name, phone (in any common spelling), e-mail and address in nested values."""

    def __init__(self, customer: Customer):
        needles = [v for v in (customer.email, customer.address) if v and v != ERASED]
        if customer.name and customer.name != ERASED and len(customer.name.strip()) >= _MIN_NAME:
            needles.append(customer.name.strip())
        patterns = [re.escape(n) for n in sorted(needles, key=len, reverse=True)]
        phone = _phone_pattern(customer.phone)
        if phone:
            patterns.insert(0, phone)
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __call__(self, value: Any) -> Any:
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self._pattern.sub(ERASED, value)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


def _phone_pattern(phone: str | None) -> str | None:
    """E.164 '+8613800138000' also as '13800138000', '138 0013 8000', '+86-138...'; landlines with the 0."""
    if not phone or not phone.startswith("+"):
        return None
    digits = phone[3:] if phone.startswith("+86") else phone[1:]
    if len(digits) < _MIN_DIGITS or not digits.isdigit():
        return None
    country = r"(?:(?:\+|00)?86[\s-]?)?0?" if phone.startswith("+86") else r"(?:\+|00)?"
    return r"(?<!\d)" + country + r"[\s-]?".join(digits) + r"(?!\d)"


def erase_personal_data(c: Complaint, actor: str, now: datetime, reason: str | None = None) -> list[str]:
    """Blank the complainant's personal data; returns the photo keys whose objects must be deleted.

    Erasing an erased complaint changes nothing and returns no photos.
    """
    if c.erased:
        return []
    redact = Redactor(c.customer)
    c.description = redact(c.description)
    for name in _FREE_TEXT:
        setattr(c, name, redact(getattr(c, name)))
    fields = [f for f in ("name", "phone", "email", "address") if getattr(c.customer, f)]
    c.customer.name, c.customer.phone, c.customer.email, c.customer.address = ERASED, ERASED, None, None
    photos, c.photos = list(c.photos), []
    c.erased = {"at": now, "by": actor, "fields": fields, "photos": len(photos), "reason": reason}
    c.record(now, actor, "erased", fields=fields, photos=len(photos), reason=reason)
    return photos
