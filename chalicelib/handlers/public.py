"""Public endpoints: the complaint form's API, photo uploads, status look-up (by access code or the token
of a status link), the survey answer, a new access code, health, OpenAPI."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.errors import parse_body
from chalicelib.api.models import AccessCodeIn, PublicComplaintIn, SurveyIn, UploadIn
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.handlers.submissions import submission
from chalicelib.services import access_code, calendar, intake, public, survey
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/health", methods=["GET"])
def health():
    """Alive; `calendar` says whether the working days clocks started now can reach are all known."""
    return json_response({"status": "ok", "calendar": calendar.health(adapters().calendar, now())})


@bp.route("/api/v1/openapi.json", methods=["GET"])
@api
def openapi():
    from chalicelib.api.openapi import openapi_document  # it defines every model: imported when asked for

    return json_response(openapi_document())


@bp.route("/api/v1/uploads", methods=["POST"], content_types=["application/json"])
@api
def create_upload():
    body = parse_body(UploadIn, bp.current_request.raw_body, lang(bp.current_request))
    return json_response(public.new_upload(body.content_type, adapters(), now()), 201)


@bp.route("/api/v1/complaints", methods=["POST"], content_types=["application/json"])
@api
def submit_complaint():
    request = bp.current_request
    body = parse_body(PublicComplaintIn, request.raw_body, lang(request))
    receipt = intake.submit(submission(body, request, recorded_by="public", scope="public"), adapters(), now())
    return json_response(receipt, 201)


@bp.route("/api/v1/complaints/{complaint_id}/status", methods=["GET"])
@api
def complaint_status(complaint_id):
    request = bp.current_request
    code, token = request.headers.get("x-access-code"), request.headers.get("x-status-token")
    answer = public.status(complaint_id, code, lang(request), adapters(), now(), _client(request), token=token)
    return json_response(answer)


@bp.route("/api/v1/survey", methods=["POST"], content_types=["application/json"])
@api
def answer_survey():
    request = bp.current_request
    body = parse_body(SurveyIn, request.raw_body, lang(request))
    answer = survey.answer(body.token, body.rating, body.comment, adapters(), now(), _client(request))
    return json_response(answer)


@bp.route("/api/v1/complaints/{complaint_id}/access-code", methods=["POST"], content_types=["application/json"])
@api
def new_access_code(complaint_id):
    body = parse_body(AccessCodeIn, bp.current_request.raw_body, lang(bp.current_request))
    return json_response(access_code.request(complaint_id, body.phone_last4, adapters(), now()), 202)


def _client(request) -> str | None:
    """The caller's address as API Gateway saw it (not a header a client could set)."""
    return (request.context.get("identity") or {}).get("sourceIp")
