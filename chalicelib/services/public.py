"""What the public may see and do: photo uploads and the status of their own complaint."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamo import iso
from chalicelib.domain import access
from chalicelib.domain.errors import ComplaintNotFound, TooManyAttempts
from chalicelib.domain.labels import HANDLING, PUBLIC_STEP, PUBLIC_STEP_TEXT, word
from chalicelib.domain.model import Complaint
from chalicelib.resources import PHOTO_MAX_BYTES
from chalicelib.wiring import Adapters

UPLOAD_TTL = timedelta(minutes=15)

DEFAULT_LIMIT = access.GuessLimit()


def new_upload(content_type: str, a: Adapters, now: datetime) -> dict[str, Any]:
    """A presigned POST for one photo; the browser sends the file straight to S3."""
    upload_id = secrets.token_hex(16)
    post = a.photos.presign_upload(upload_id, content_type, int(UPLOAD_TTL.total_seconds()))
    return {
        "upload_id": upload_id,
        "url": post["url"],
        "fields": post["fields"],
        "expires_at": iso(now + UPLOAD_TTL),
        "max_bytes": PHOTO_MAX_BYTES,
    }


def status(
    complaint_id: str,
    code: str | None,
    lang: str,
    a: Adapters,
    now: datetime,
    client: str | None = None,
    limit: access.GuessLimit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Progress in plain words; an unknown id and a wrong code are the same 'not found'.

    `client` is the caller's address. Each look-up takes an attempt from the complaint's quota for that
    address and from its daily quota before the code is checked (see `access.GuessLimit`); with none
    left it is refused until the quota starts afresh. A right code gives its attempts back.
    """
    quotas = limit.quotas(complaint_id[:40], access.client_tag(a.settings.access_code_secret, client), now)
    exhausted = a.attempts.take(quotas)
    if exhausted is not None:
        raise TooManyAttempts(exhausted.seconds_left(now))
    complaint = a.complaints.get(complaint_id) if _plausible_id(complaint_id) else None
    if complaint is None or not access.access_code_matches(
        a.settings.access_code_secret, complaint.id, code, complaint.access_code_hash
    ):
        raise ComplaintNotFound(complaint_id)  # the attempt stays taken
    a.attempts.give_back(quotas)
    return {
        "complaint_id": complaint.id,
        "status": PUBLIC_STEP[complaint.status],
        "received_at": iso(complaint.received_at),
        "timeline": _timeline(complaint, a, lang),
        "handling": _handling(complaint, lang),
    }


def _timeline(complaint: Complaint, a: Adapters, lang: str) -> list[dict[str, str]]:
    steps: list[dict[str, str]] = []
    for entry in a.complaints.history(complaint.id):
        step = PUBLIC_STEP.get(entry.to_status or "")
        if step and (not steps or steps[-1]["status"] != step):
            steps.append({"at": iso(entry.at), "status": step, "note": word(PUBLIC_STEP_TEXT, step, lang)})
    return steps


def _handling(complaint: Complaint, lang: str) -> dict[str, Any] | None:
    """The agreed handling, only once the customer was told it; no staff names, no internal notes."""
    handling, told = complaint.handling, complaint.customer_notified
    if not told or not handling:
        return None
    shown = {"type": str(handling.type), "label": word(HANDLING, handling.type, lang), "told_at": iso(told.at)}
    if handling.amount is not None:
        shown["amount"] = str(handling.amount)
    return shown


def _plausible_id(complaint_id: str) -> bool:
    return len(complaint_id) == 17 and complaint_id.startswith("C-")
