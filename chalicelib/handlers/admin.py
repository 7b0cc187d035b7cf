"""Admin endpoints: staff members and territories (admin, manager), personal-data erasure (admin)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.errors import NotFound, parse_body
from chalicelib.api.models import EraseIn, StaffIn, StaffKey, TerritoryIn, TerritoryKey, parse_query
from chalicelib.auth import current_actor
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.services import admin
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _found(result: dict[str, Any] | None) -> Any:
    if result is None:
        raise NotFound()
    return json_response(result)


@bp.route("/api/v1/admin/staff", methods=["GET"], authorizer=staff_token)
@api
def list_staff():
    return json_response(admin.list_staff(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/admin/staff/{username}", methods=["GET"], authorizer=staff_token)
@api
def get_staff(username):
    request = bp.current_request
    key = parse_query(StaffKey, {"username": username}, lang(request))
    return _found(admin.get_staff(key.username, current_actor(request), adapters()))


@bp.route("/api/v1/admin/staff/{username}", methods=["PUT"], authorizer=staff_token)
@api
def put_staff(username):
    request = bp.current_request
    actor = admin.require_maintainer(current_actor(request))
    key = parse_query(StaffKey, {"username": username}, lang(request))
    body = parse_body(StaffIn, request.raw_body, lang(request))
    return json_response(admin.put_staff(key.username, body, actor, adapters()))


@bp.route("/api/v1/admin/territories", methods=["GET"], authorizer=staff_token)
@api
def list_territories():
    return json_response(admin.list_territories(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/admin/territories/{code}", methods=["GET"], authorizer=staff_token)
@api
def get_territory(code):
    request = bp.current_request
    key = parse_query(TerritoryKey, {"code": code}, lang(request))
    return _found(admin.get_territory(key.code, current_actor(request), adapters()))


@bp.route("/api/v1/admin/territories/{code}", methods=["PUT"], authorizer=staff_token)
@api
def put_territory(code):
    request = bp.current_request
    actor = admin.require_maintainer(current_actor(request))
    key = parse_query(TerritoryKey, {"code": code}, lang(request))
    body = parse_body(TerritoryIn, request.raw_body, lang(request))
    return json_response(admin.put_territory(key.code, body, actor, adapters()))


@bp.route("/api/v1/admin/complaints/{complaint_id}/erase", methods=["POST"], authorizer=staff_token)
@api
def erase_complaint(complaint_id):
    request = bp.current_request
    actor = admin.require_admin(current_actor(request))
    body = parse_body(EraseIn, request.raw_body or b"{}", lang(request))
    return json_response(admin.erase(complaint_id, body.reason, actor, adapters(), now()))
