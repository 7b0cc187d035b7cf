"""Recording a complaint: one transaction in the request path, everything else through the outbox."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from chalicelib.adapters.complaints import idempotency_item, idempotency_pk
from chalicelib.adapters.dynamo import iso
from chalicelib.adapters.photos import PhotoProblem
from chalicelib.domain import access, routing
from chalicelib.domain.errors import IdempotencyKeyReused, PhotoTaken, RuleViolation
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.labels import PUBLIC_STEP
from chalicelib.domain.model import Clock, Complaint
from chalicelib.services.effects import deliveries_for
from chalicelib.wiring import Adapters


@dataclasses.dataclass(frozen=True)
class Submission:
    command: RecordComplaint
    upload_ids: list[str]
    recorded_by: str
    idempotency_key: str | None  # already scoped by the caller, e.g. "public#<key>"
    request_hash: str


def submit(sub: Submission, a: Adapters, now: datetime) -> dict[str, Any]:
    """Store the complaint once and answer its receipt; a retry with the same key gets the same receipt.

    Optimistic: the idempotency record is written in the complaint's transaction, on the condition
    that there is none yet, so a first submission needs no read and a retry finds out by that
    condition failing, then answers what the first attempt stored."""
    try:
        photos = _check_photos(sub.upload_ids, a)
    except RuleViolation:  # a retry of a stored complaint whose photos were erased since: answer it
        earlier = a.complaints.idempotency_record(idempotency_pk(sub.idempotency_key)) if sub.idempotency_key else None
        if earlier is None:
            raise
        return _replay(earlier, sub, a)
    complaint_id = access.new_complaint_id(now)
    code = access.new_access_code(a.settings.access_code_secret, complaint_id, sub.idempotency_key)
    route = routing.choose_route(a.directory.find_routes(routing.route_lookups(sub.command.customer)))
    command = dataclasses.replace(sub.command, photos=photos)
    complaint = open_complaint(command, complaint_id,
                               access.hash_access_code(a.settings.access_code_secret, complaint_id, code),
                               route, sub.recorded_by, now)
    receipt = _receipt(complaint, code)
    idempotency = None
    if sub.idempotency_key:
        idempotency = idempotency_item(idempotency_pk(sub.idempotency_key), sub.request_hash, complaint_id, now)
        idempotency["receipt"] = {k: v for k, v in receipt.items() if k != "access_code"}
    try:
        a.complaints.add(complaint, deliveries_for(complaint, a.directory), now, idempotency)
    except IdempotencyKeyReused:  # a retry, or a concurrent twin that won the race: answer what it stored
        return _replay(a.complaints.idempotency_record(idempotency_pk(sub.idempotency_key)), sub, a)
    except PhotoTaken as taken:
        raise RuleViolation(f"upload_ids.{taken.index}", "photo_in_use") from taken
    return receipt


def _replay(earlier: dict[str, Any], sub: Submission, a: Adapters) -> dict[str, Any]:
    if earlier["request_hash"] != sub.request_hash:
        raise IdempotencyKeyReused("the Idempotency-Key was used for a different complaint")
    receipt = dict(earlier["receipt"])
    receipt["access_code"] = access.new_access_code(
        a.settings.access_code_secret, receipt["complaint_id"], sub.idempotency_key)
    return receipt


def _check_photos(upload_ids: list[str], a: Adapters) -> list[str]:
    keys = []
    for n, upload_id in enumerate(upload_ids):
        try:
            keys.append(a.photos.check(upload_id))
        except PhotoProblem as problem:
            raise RuleViolation(f"upload_ids.{n}", str(problem)) from problem
    return keys


def _receipt(complaint: Complaint, code: str) -> dict[str, Any]:
    first_contact = complaint.deadlines[Clock.FIRST_CONTACT].due_at
    return {"complaint_id": complaint.id, "access_code": code, "status": PUBLIC_STEP[complaint.status],
            "severity": complaint.severity.value, "received_at": iso(complaint.received_at),
            "first_contact_due": iso(first_contact) if first_contact else None,
            "status_url": f"/api/v1/complaints/{complaint.id}/status"}
