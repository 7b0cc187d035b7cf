"""From validated request models to service commands (shared by several handlers)."""
from __future__ import annotations

import hashlib
import json

from chalice.app import Request

from chalicelib.api import models
from chalicelib.domain.errors import RuleViolation
from chalicelib.domain.intake import RecordComplaint
from chalicelib.domain.listing import FILTERS, ListQuery
from chalicelib.domain.model import Channel, Customer, Product
from chalicelib.services.intake import Submission
from chalicelib.services.workflow import Retry

MAX_KEY_LENGTH = 128


def idempotency_key(request: Request) -> str | None:
    """The request's Idempotency-Key header, if any (1-128 printable characters)."""
    key = request.headers.get("idempotency-key")
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH and key.isprintable()):
        raise RuleViolation("Idempotency-Key", "invalid_key")
    return key


def request_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def submission(body: models.ComplaintIn, request: Request, recorded_by: str, scope: str) -> Submission:
    key = idempotency_key(request)
    data = body.model_dump(mode="json")
    fields = body.model_dump()  # not body.customer.model_dump(): that builds CustomerIn's own schema as well
    command = RecordComplaint(
        channel=Channel(getattr(body, "channel", Channel.WEB)), category=body.category,
        description=body.description, customer=Customer(**fields["customer"]),
        product=Product(**fields["product"]), desired_resolution=body.desired_resolution,
        service_dimension=body.service_dimension, received_at=getattr(body, "received_at", None))
    return Submission(command=command, upload_ids=list(body.upload_ids), recorded_by=recorded_by,
                      idempotency_key=f"{scope}#{key}" if key else None, request_hash=request_hash(data))


def list_query(params: models.ListParams) -> ListQuery:
    filters = {name: str(getattr(params, name)) for name in FILTERS if getattr(params, name) is not None}
    return ListQuery(filters=filters, overdue=params.overdue, received_from=models.as_moment(params.received_from),
                     received_to=models.as_moment(params.received_to, end_of_day=True), limit=params.limit)


def action_retry(request: Request, complaint_id: str, username: str, body: dict) -> Retry | None:
    """An action's Idempotency-Key, scoped to the staff member (two people's keys never meet)."""
    key = idempotency_key(request)
    if key is None:
        return None
    return Retry(key=f"action#{username}#{key}", request_hash=request_hash({"complaint_id": complaint_id, **body}))
