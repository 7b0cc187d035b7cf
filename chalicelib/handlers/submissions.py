"""From validated request models to service commands (shared by several handlers)."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.api import models
from chalicelib.domain.intake import RecordComplaint
from chalicelib.domain.listing import FILTERS, ListQuery
from chalicelib.domain.model import Channel, Customer, Product
from chalicelib.idempotency import Retry
from chalicelib.services.intake import Submission


def submission(body: models.ComplaintIn, request: Request, recorded_by: str, scope: str) -> Submission:
    retry = Retry.of(request.headers.get("idempotency-key"), scope, body.model_dump(mode="json"))
    fields = body.model_dump()  # not body.customer.model_dump(): that builds CustomerIn's own schema as well
    command = RecordComplaint(
        channel=Channel(getattr(body, "channel", Channel.WEB)),
        category=body.category,
        description=body.description,
        customer=Customer(**fields["customer"]),
        product=Product(**fields["product"]),
        desired_resolution=body.desired_resolution,
        service_dimension=body.service_dimension,
        other_categories=tuple(body.other_categories),
        received_at=getattr(body, "received_at", None),
        consent=body.consent,
    )
    return Submission(command=command, upload_ids=list(body.upload_ids), recorded_by=recorded_by, retry=retry)


def list_query(params: models.ListParams) -> ListQuery:
    filters = {name: str(getattr(params, name)) for name in FILTERS if getattr(params, name) is not None}
    return ListQuery(
        filters=filters,
        overdue=params.overdue,
        received_from=models.as_moment(params.received_from),
        received_to=models.as_moment(params.received_to, end_of_day=True),
        limit=params.limit,
    )


def action_retry(request: Request, complaint_id: str, username: str, body: dict) -> Retry | None:
    """An action's Idempotency-Key, scoped to the staff member (two people's keys never meet)."""
    return Retry.of(
        request.headers.get("idempotency-key"), f"action#{username}", {"complaint_id": complaint_id, **body}
    )
