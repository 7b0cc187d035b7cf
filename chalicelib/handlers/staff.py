"""Staff endpoints: recording complaints from every channel, and working on them."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.api import models
from chalicelib.api.errors import parse_body
from chalicelib.auth import current_actor
from chalicelib.domain.errors import NotAllowed
from chalicelib.domain.model import Role
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.handlers.submissions import action_retry, list_query, submission
from chalicelib.services import alerts, intake, queries, stats, workflow
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)
RECORDERS = (Role.SERVICE, Role.SALES, Role.MANAGER)


@bp.route("/api/v1/staff/complaints", methods=["POST"], authorizer=staff_token)
@api
def record_complaint():
    request = bp.current_request
    actor = current_actor(request)
    if not actor.has_any(*RECORDERS):
        raise NotAllowed("only service, sales, manager or admin record complaints")
    body = parse_body(models.StaffComplaintIn, request.raw_body, lang(request))
    receipt = intake.submit(submission(body, request, recorded_by=actor.username, scope=f"staff:{actor.username}"),
                            adapters(), now())
    return json_response(receipt, 201)


@bp.route("/api/v1/staff/complaints/{complaint_id}", methods=["GET"], authorizer=staff_token)
@api
def get_complaint(complaint_id):
    actor = current_actor(bp.current_request)
    return json_response(workflow.view(complaint_id, actor, adapters()))


@bp.route("/api/v1/staff/complaints/{complaint_id}/actions", methods=["POST"], authorizer=staff_token)
@api
def act_on_complaint(complaint_id):
    request = bp.current_request
    actor = current_actor(request)
    action = models.parse_action(request.raw_body, lang(request))
    retry = action_retry(request, complaint_id, actor.username, action.model_dump(mode="json"))
    data = action.model_dump(exclude={"action"})
    return json_response(workflow.act(complaint_id, action.action, data, actor, adapters(), now(), retry))


@bp.route("/api/v1/staff/complaints", methods=["GET"], authorizer=staff_token)
@api
def list_complaints():
    request = bp.current_request
    params = models.parse_query(models.ListParams, request.query_params, lang(request))
    return json_response(queries.list_complaints(list_query(params), params.cursor, current_actor(request),
                                                 adapters(), now()))


@bp.route("/api/v1/staff/stats", methods=["GET"], authorizer=staff_token)
@api
def statistics():
    request = bp.current_request
    _not_sales_only(current_actor(request), "statistics")
    params = models.parse_query(models.StatsParams, request.query_params, lang(request))
    moment = now()
    start, end = stats.period(params.from_, params.to, moment)
    return json_response(stats.report(start, end, params.by, lang(request), adapters(), stats.shanghai_day(moment)))


@bp.route("/api/v1/staff/alerts", methods=["GET"], authorizer=staff_token)
@api
def cluster_alerts():
    _not_sales_only(current_actor(bp.current_request), "cluster alerts")
    return json_response(alerts.open_alerts(adapters(), now()))


def _not_sales_only(actor, what: str) -> None:
    if actor.roles <= {Role.SALES}:
        raise NotAllowed(f"{what} are for service, quality, managers and leaders")
