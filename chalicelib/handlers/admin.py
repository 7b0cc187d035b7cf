"""Admin endpoints: staff members and territories (admin, manager), personal-data erasure (admin)."""
from __future__ import annotations

from types import ModuleType
from typing import Any

from chalice import Blueprint

from chalicelib.api import models
from chalicelib.api.errors import NotFound, parse_body
from chalicelib.auth import current_actor
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _service() -> ModuleType:
    """chalicelib.services.admin, imported by the first admin request: it brings the staff models with it."""
    from chalicelib.services import admin

    return admin


def _found(result: dict[str, Any] | None) -> Any:
    if result is None:
        raise NotFound()
    return json_response(result)


@bp.route("/api/v1/admin/staff", methods=["GET"], authorizer=staff_token)
@api
def list_staff():
    return json_response(_service().list_staff(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/admin/staff/{username}", methods=["GET"], authorizer=staff_token)
@api
def get_staff(username):
    request = bp.current_request
    key = models.parse_query(models.StaffKey, {"username": username}, lang(request))
    return _found(_service().get_staff(key.username, current_actor(request), adapters()))


@bp.route("/api/v1/admin/staff/{username}", methods=["PUT"], authorizer=staff_token)
@api
def put_staff(username):
    request = bp.current_request
    admin = _service()
    actor = admin.require_maintainer(current_actor(request))
    key = models.parse_query(models.StaffKey, {"username": username}, lang(request))
    body = parse_body(models.StaffIn, request.raw_body, lang(request))
    return json_response(admin.put_staff(key.username, body, actor, adapters(), now()))


@bp.route("/api/v1/admin/staff/{username}/deactivate", methods=["POST"], authorizer=staff_token)
@api
def deactivate_staff(username):
    request = bp.current_request
    key = models.parse_query(models.StaffKey, {"username": username}, lang(request))
    return _found(_service().deactivate_staff(key.username, current_actor(request), adapters(), now()))


@bp.route("/api/v1/admin/territories", methods=["GET"], authorizer=staff_token)
@api
def list_territories():
    return json_response(_service().list_territories(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/admin/territories/{code}", methods=["GET"], authorizer=staff_token)
@api
def get_territory(code):
    request = bp.current_request
    key = models.parse_query(models.TerritoryKey, {"code": code}, lang(request))
    return _found(_service().get_territory(key.code, current_actor(request), adapters()))


@bp.route("/api/v1/admin/territories/{code}", methods=["PUT"], authorizer=staff_token)
@api
def put_territory(code):
    request = bp.current_request
    admin = _service()
    actor = admin.require_maintainer(current_actor(request))
    key = models.parse_query(models.TerritoryKey, {"code": code}, lang(request))
    body = parse_body(models.TerritoryIn, request.raw_body, lang(request))
    return json_response(admin.put_territory(key.code, body, actor, adapters()))


@bp.route("/api/v1/admin/complaints/{complaint_id}/erase", methods=["POST"], authorizer=staff_token)
@api
def erase_complaint(complaint_id):
    from chalicelib.adapters.exports import ExportStore
    from chalicelib.clients import client
    from chalicelib.services import erasure  # imported by the first erasure, as _service()

    request = bp.current_request
    actor = _service().require_admin(current_actor(request))
    body = parse_body(models.EraseIn, request.raw_body or b"{}", lang(request))
    files = ExportStore(client("s3"), adapters().settings.bucket_name)
    return json_response(erasure.erase(complaint_id, body.reason, actor, adapters(), files, now()))
