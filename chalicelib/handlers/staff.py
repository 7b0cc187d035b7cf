"""Staff endpoints: recording complaints from every channel, and working on them."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint

from chalicelib.api import models
from chalicelib.api.errors import parse_body
from chalicelib.auth import current_actor
from chalicelib.domain import policy
from chalicelib.domain.model import SHANGHAI
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.handlers.submissions import action_retry, list_query, submission
from chalicelib.services import alerts, calendar, finding, intake, queries, stats, workflow
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/api/v1/staff/complaints", methods=["POST"], authorizer=staff_token)
@api
def record_complaint():
    request = bp.current_request
    actor = policy.require_recorder(current_actor(request))  # before the body: a 403 is not a 400
    body = parse_body(models.StaffComplaintIn, request.raw_body, lang(request))
    receipt = intake.submit(
        submission(body, request, recorded_by=actor.username, scope=f"staff:{actor.username}"), adapters(), now()
    )
    return json_response(receipt, 201)


@bp.route("/api/v1/staff/complaints/{complaint_id}", methods=["GET"], authorizer=staff_token)
@api
def get_complaint(complaint_id):
    request = bp.current_request
    actor = current_actor(request)
    query: Mapping[str, str] = request.query_params or {}
    reveal = query.get("reveal") == "contact"  # quality asks for the complainant's contact
    return json_response(workflow.view(complaint_id, actor, adapters(), reveal=reveal, now=now()))


@bp.route("/api/v1/staff/complaints/{complaint_id}/actions", methods=["POST"], authorizer=staff_token)
@api
def act_on_complaint(complaint_id):
    request = bp.current_request
    actor = current_actor(request)
    action = models.parse_action(request.raw_body, lang(request))
    retry = action_retry(request, complaint_id, actor.username, action.model_dump(mode="json"))
    return json_response(workflow.act(complaint_id, action.to_command(), actor, adapters(), now(), retry))


@bp.route("/api/v1/staff/complaints", methods=["GET"], authorizer=staff_token)
@api
def list_complaints():
    request = bp.current_request
    actor = current_actor(request)  # before the parameters: a token with no role is a 403, not a 400
    params = models.parse_query(models.ListParams, request.query_params, lang(request))
    return json_response(queries.list_complaints(list_query(params), params.cursor, actor, adapters(), now()))


@bp.route("/api/v1/staff/search", methods=["GET"], authorizer=staff_token)
@api
def search_complaints():
    request = bp.current_request
    actor = current_actor(request)  # before the parameters: a token with no role is a 403, not a 400
    params = models.parse_query(models.SearchParams, request.query_params, lang(request))
    return json_response(finding.search(params.to_find(), params.limit, actor, adapters(), now()))


@bp.route("/api/v1/staff/stats", methods=["GET"], authorizer=staff_token)
@api
def statistics():
    request = bp.current_request
    policy.require_overview(current_actor(request), "statistics")  # before the parameters: a 403 is not a 400
    params = models.parse_query(models.StatsParams, request.query_params, lang(request))
    moment = now()
    start, end = stats.period(params.from_, params.to, moment)
    return json_response(stats.report(start, end, params.by, lang(request), adapters(), stats.shanghai_day(moment)))


@bp.route("/api/v1/staff/alerts", methods=["GET"], authorizer=staff_token)
@api
def cluster_alerts():
    return json_response(alerts.open_alerts(current_actor(bp.current_request), adapters(), now()))


@bp.route("/api/v1/staff/calendar", methods=["GET"], authorizer=staff_token)
@api
def working_days():
    request = bp.current_request
    current_actor(request)  # before the parameters: a token with no role is a 403, not a 400
    params = models.parse_query(models.CalendarParams, request.query_params, lang(request))
    start, end = params.period(now().astimezone(SHANGHAI).date())
    return json_response(calendar.days(start, end, adapters()))
