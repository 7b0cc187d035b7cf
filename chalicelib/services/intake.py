"""Recording a complaint: one transaction in the request path, everything else through the outbox."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from chalicelib import idempotency
from chalicelib.adapters.dynamo import iso
from chalicelib.adapters.photos import PhotoProblem
from chalicelib.domain import access, clusters, routing
from chalicelib.domain.clusters import Member
from chalicelib.domain.errors import IdempotencyKeyReused, PhotoTaken, RuleViolation
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.labels import PUBLIC_STEP
from chalicelib.domain.model import Clock, Complaint, Product
from chalicelib.idempotency import IdempotencyRecord, Retry
from chalicelib.services import calendar, finding
from chalicelib.services.effects import deliveries_for
from chalicelib.services.ports import IntakeNeeds


@dataclasses.dataclass(frozen=True)
class Submission:
    command: RecordComplaint
    upload_ids: list[str]
    recorded_by: str
    retry: Retry | None  # the Idempotency-Key, scoped by the caller ("public", "staff:<username>")


def submit(sub: Submission, a: IntakeNeeds, now: datetime) -> dict[str, Any]:
    """Store the complaint once and answer its receipt; a retry with the same key gets the same receipt
    (also when its photos were erased since, or a concurrent twin stored it first)."""
    return idempotency.once(
        sub.retry,
        a.complaints,
        lambda: _record(sub, a, now),
        lambda earlier: _replay(earlier, sub, a),
        repeats=(IdempotencyKeyReused, RuleViolation),
    )


def _record(sub: Submission, a: IntakeNeeds, now: datetime) -> dict[str, Any]:
    photos = _check_photos(sub.upload_ids, a)
    complaint_id = access.new_complaint_id(now)
    key = sub.retry.key if sub.retry else None
    code = access.new_access_code(a.settings.access_code_secret, complaint_id, key)
    found = a.directory.find_routing(routing.route_lookups(sub.command.customer))
    command = dataclasses.replace(sub.command, photos=photos)
    complaint = open_complaint(
        command,
        complaint_id,
        access.hash_access_code(a.settings.access_code_secret, complaint_id, code),
        routing.choose_route(found.routes),
        sub.recorded_by,
        now,
        policy=calendar.policy(a),
        access_code=code,
        key_account=found.key_account,
        repeated=a.clusters.alerted(_lots(command.product), now, a.settings.cluster_rule),
    )
    finding.keys_and_duplicates(complaint, a.settings.access_code_secret, a.search, now)
    receipt = _receipt(complaint, code)
    record = (
        sub.retry.record(complaint_id, now, {k: v for k, v in receipt.items() if k != "access_code"})
        if sub.retry
        else None
    )
    try:
        member = Member(complaint.id, complaint.received_at, frozenset(clusters.lots(complaint)))
        deliveries = deliveries_for(complaint, a.directory, a.settings)
        a.complaints.add(complaint, deliveries, now, record, along=a.clusters.member_writes(member))
    except PhotoTaken as taken:
        raise RuleViolation(f"upload_ids.{taken.index}", "photo_in_use") from taken
    return receipt


def _replay(earlier: IdempotencyRecord, sub: Submission, a: IntakeNeeds) -> dict[str, Any]:
    """The first attempt's receipt, with its access code derived again from the key (never stored)."""
    receipt = dict(earlier.receipt or {})
    receipt["access_code"] = access.new_access_code(
        a.settings.access_code_secret, receipt["complaint_id"], sub.retry.key if sub.retry else None
    )
    return receipt


def _lots(product: Product) -> list[str]:
    """The lots the new complaint names, keyed as the cluster alerts key them (`clusters.lots` reads a
    complaint's product only; the complaint is not made yet: its severity needs the answer)."""
    return clusters.lots(cast(Complaint, SimpleNamespace(product=product)))


def _check_photos(upload_ids: list[str], a: IntakeNeeds) -> list[str]:
    keys = []
    for n, upload_id in enumerate(upload_ids):
        try:
            keys.append(a.photos.check(upload_id))
        except PhotoProblem as problem:
            raise RuleViolation(f"upload_ids.{n}", str(problem)) from problem
    return keys


def _receipt(complaint: Complaint, code: str) -> dict[str, Any]:
    first_contact = complaint.deadlines[Clock.FIRST_CONTACT].due_at
    return {
        "complaint_id": complaint.id,
        "access_code": code,
        "status": PUBLIC_STEP[complaint.status],
        "severity": complaint.severity.value,
        "received_at": iso(complaint.received_at),
        "first_contact_due": iso(first_contact) if first_contact else None,
        "status_url": f"/api/v1/complaints/{complaint.id}/status",
    }
