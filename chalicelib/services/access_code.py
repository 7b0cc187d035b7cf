"""A new access code for a complainant who lost theirs, sent to the phone on file.

The answer is always the same (`accepted`), whether the complaint exists and the digits match or not,
so it tells nobody anything. Only when the last four digits are those of the complaint's phone, and
the customer can be reached, is a new code issued (the old one stops working) and the receipt sent
again; at most NEW_CODES_PER_DAY a day per complaint (Asia/Shanghai days), counted before it is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain import access, workflow
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import CUSTOMER, Complaint
from chalicelib.services.customer_messages import reach_of
from chalicelib.services.effects import deliveries_for
from chalicelib.wiring import Adapters

NEW_CODES_PER_DAY = 3
ATTEMPTS = 3
ACCEPTED = {"status": "accepted"}


def request(complaint_id: str, phone_last4: str, a: Adapters, now: datetime) -> dict[str, Any]:
    """Send a new code if the digits match; answers ACCEPTED in any case."""
    complaint = a.complaints.get(complaint_id) if len(complaint_id) == 17 and complaint_id.startswith("C-") else None
    if complaint is None or not _may_have_one(complaint, phone_last4):
        return ACCEPTED
    day, day_end = access.GuessLimit().day_of(now)
    if a.attempts.take([access.Quota(f"{complaint.id}#new_code", day, NEW_CODES_PER_DAY, day_end)]) is not None:
        return ACCEPTED  # the day's codes were sent
    for _ in range(ATTEMPTS):
        workflow.new_receipt(
            complaint,
            access.issue_code(a.settings.access_code_secret, complaint.id),
            CUSTOMER.username,
            now,
            "new_access_code",
        )
        try:
            a.complaints.save(complaint, deliveries_for(complaint, a.directory, a.settings), now)
            return ACCEPTED
        except ConcurrentChange:
            fresh = a.complaints.get(complaint_id)
            if fresh is None:
                return ACCEPTED
            complaint = fresh
    raise ConcurrentChange(complaint_id)


def _may_have_one(complaint: Complaint, phone_last4: str) -> bool:
    phone = complaint.customer.phone or ""
    return not complaint.erased and phone[-4:].isdigit() and phone[-4:] == phone_last4 and bool(reach_of(complaint))
