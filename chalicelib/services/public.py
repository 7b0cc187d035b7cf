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
ANY_COMPLAINT = "-"  # with a status token: the complaint the token names (the page of /s/<token> knows no id)


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
    token: str | None = None,
) -> dict[str, Any]:
    """Progress in plain words; an unknown id and a wrong code (or status token) are the same 'not found'.

    With the `token` of a status link (it takes the code's place) the id may be `ANY_COMPLAINT` ("-"):
    the complaint the token names. `client` is the caller's address. Each look-up takes an attempt from
    the complaint's quota for that address and from its daily quota before the code or token is checked
    (see `access.GuessLimit`; a look-up by "-" has no complaint to count against, so only its address's
    quota); with none left it is refused until the quota starts afresh. A right one gives its attempts back.
    """
    both = limit.quotas(complaint_id[:40], access.client_tag(a.settings.access_code_secret, client), now)
    quotas = both[:1] if complaint_id == ANY_COMPLAINT else both
    exhausted = a.attempts.take(quotas)
    if exhausted is not None:
        raise TooManyAttempts(exhausted.seconds_left(now))
    complaint = _by_token(complaint_id, token, a) if token is not None else _by_code(complaint_id, code, a)
    if complaint is None:
        raise ComplaintNotFound(complaint_id)  # the attempt stays taken
    a.attempts.give_back(quotas)
    asked, complaint = complaint, _survivor(complaint, a)
    shown = {
        "complaint_id": asked.id,
        "status": PUBLIC_STEP[complaint.status],
        "received_at": iso(asked.received_at),
        "timeline": _timeline(complaint, a, lang),
        "handling": _handling(complaint, lang),
    }
    return {**shown, "merged_into": complaint.id} if complaint is not asked else shown


def _survivor(complaint: Complaint, a: Adapters) -> Complaint:
    """The complaint whose progress the customer sees: the one theirs was merged into, if it was."""
    seen = {complaint.id}
    while complaint.merged_into and complaint.merged_into not in seen:
        survivor = a.complaints.get(complaint.merged_into)
        if survivor is None:
            break
        seen.add(survivor.id)
        complaint = survivor
    return complaint


def _by_code(complaint_id: str, code: str | None, a: Adapters) -> Complaint | None:
    complaint = a.complaints.get(complaint_id) if _plausible_id(complaint_id) else None
    if complaint is None or not access.access_code_matches(
        a.settings.access_code_secret, complaint.id, code, complaint.access_code_hash
    ):
        return None
    return complaint


def _by_token(complaint_id: str, token: str, a: Adapters) -> Complaint | None:
    """The complaint a status link's token opens (one GetItem by its hash), if it is the one asked for."""
    if not access.plausible_link_token(token):
        return None
    found = a.complaints.link(access.hash_link_token(a.settings.token_secret, token))
    if found is None or found.kind != "status":
        return None
    if complaint_id not in (ANY_COMPLAINT, found.complaint_id):
        return None
    return a.complaints.get(found.complaint_id)


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
