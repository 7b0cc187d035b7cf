"""Admin endpoints: staff members, territories, accounts and responsible departments (admin, manager; the
departments' list also for any staff member), the calendar settings (admin; manager may read),
personal-data erasure (admin)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from chalice import Blueprint, Response

from chalicelib.api import models
from chalicelib.api.errors import NotFound, parse_body
from chalicelib.auth import current_actor
from chalicelib.domain.model import Actor
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


@dataclass(frozen=True)
class _Records:
    """One kind of maintained record and its list, get and put routes. The models are named, not held:
    `models` imports the staff models when the first admin request asks for one."""

    plural: str  # /api/v1/admin/<plural>
    key: str  # /api/v1/admin/<plural>/{<key>}, the one field of the key model
    key_model: str
    body_model: str
    list: Callable[[ModuleType, Actor], Any]
    get: Callable[[ModuleType, str, Actor], Any]
    put: Callable[[ModuleType, str, Any, Actor], Any]


STAFF = _Records(
    "staff",
    "username",
    "StaffKey",
    "StaffIn",
    list=lambda admin, actor: admin.list_staff(actor, adapters()),
    get=lambda admin, username, actor: admin.get_staff(username, actor, adapters()),
    put=lambda admin, username, body, actor: admin.put_staff(username, body, actor, adapters(), now()),
)
TERRITORIES = _Records(
    "territories",
    "code",
    "TerritoryKey",
    "TerritoryIn",
    list=lambda admin, actor: admin.list_territories(actor, adapters()),
    get=lambda admin, code, actor: admin.get_territory(code, actor, adapters()),
    put=lambda admin, code, body, actor: admin.put_territory(code, body, actor, adapters(), now(), _move_open()),
)


def _key(records: _Records, path: dict[str, str]) -> str:
    parsed = models.parse_query(getattr(models, records.key_model), path, lang(bp.current_request))
    return getattr(parsed, records.key)


def _move_open() -> bool:
    """`?move_open=true`: a territory's (or an account's) open complaints follow its new salesperson."""
    request = bp.current_request
    return models.parse_query(models.MoveOpenParams, request.query_params, lang(request)).move_open


def _routes(records: _Records) -> None:
    collection = f"/api/v1/admin/{records.plural}"
    one = f"{collection}/{{{records.key}}}"

    @bp.route(collection, methods=["GET"], authorizer=staff_token, name=f"list_{records.plural}")
    @api
    def list_records():
        return json_response(records.list(_service(), current_actor(bp.current_request)))

    @bp.route(one, methods=["GET"], authorizer=staff_token, name=f"get_{records.plural}")
    @api
    def get_record(**path):
        actor = current_actor(bp.current_request)  # before the key: a token with no role is a 403, not a 400
        return _found(records.get(_service(), _key(records, path), actor))

    @bp.route(one, methods=["PUT"], authorizer=staff_token, name=f"put_{records.plural}")
    @api
    def put_record(**path):
        request = bp.current_request
        admin = _service()
        actor = admin.require_maintainer(current_actor(request))  # before the body: 403 whatever was sent
        key = _key(records, path)
        body = parse_body(getattr(models, records.body_model), request.raw_body, lang(request))
        return json_response(records.put(admin, key, body, actor))


for _kind in (STAFF, TERRITORIES):
    _routes(_kind)


# --- accounts and responsible departments: a list query and DELETE besides get and put ------------------


def _path_key(model: str, field: str, value: str) -> str:
    return getattr(models.parse_query(getattr(models, model), {field: value}, lang(bp.current_request)), field)


def _gone(removed: bool) -> Any:
    if not removed:
        raise NotFound()
    return Response(body="", status_code=204)


@bp.route("/api/v1/admin/accounts", methods=["GET"], authorizer=staff_token)
@api
def list_accounts():
    request = bp.current_request
    actor = _service().require_maintainer(current_actor(request))  # before the query: 403 whatever was sent
    params = models.parse_query(models.AccountListParams, request.query_params, lang(request))
    return json_response(_service().list_accounts(params, actor, adapters()))


@bp.route("/api/v1/admin/accounts/{account_id}", methods=["GET"], authorizer=staff_token)
@api
def get_account(account_id):
    actor = _service().require_maintainer(current_actor(bp.current_request))
    return _found(_service().get_account(_path_key("AccountKey", "account_id", account_id), actor, adapters()))


@bp.route("/api/v1/admin/accounts/{account_id}", methods=["PUT"], authorizer=staff_token)
@api
def put_account(account_id):
    request = bp.current_request
    actor = _service().require_maintainer(current_actor(request))  # before the body: 403 whatever was sent
    key = _path_key("AccountKey", "account_id", account_id)
    body = parse_body(models.AccountIn, request.raw_body, lang(request))
    return json_response(_service().put_account(key, body, actor, adapters(), now(), _move_open()))


@bp.route("/api/v1/admin/accounts/{account_id}", methods=["DELETE"], authorizer=staff_token)
@api
def delete_account(account_id):
    actor = _service().require_maintainer(current_actor(bp.current_request))
    key = _path_key("AccountKey", "account_id", account_id)
    return _gone(_service().delete_account(key, actor, adapters()))


@bp.route("/api/v1/admin/departments", methods=["GET"], authorizer=staff_token)
@api
def list_departments():
    return json_response(_service().list_departments(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/staff/departments", methods=["GET"], authorizer=staff_token)
@api
def staff_departments():
    """The departments for any staff member: the QC form offers them (here, with the rest of the list's code)."""
    return json_response(_service().department_list(current_actor(bp.current_request), adapters()))


@bp.route("/api/v1/admin/departments/{code}", methods=["PUT"], authorizer=staff_token)
@api
def put_department(code):
    request = bp.current_request
    actor = _service().require_maintainer(current_actor(request))  # before the body: 403 whatever was sent
    key = _path_key("DepartmentKey", "code", code)
    body = parse_body(models.DepartmentIn, request.raw_body, lang(request))
    return json_response(_service().put_department(key, body, actor, adapters()))


@bp.route("/api/v1/admin/departments/{code}", methods=["DELETE"], authorizer=staff_token)
@api
def delete_department(code):
    actor = _service().require_maintainer(current_actor(bp.current_request))
    return _gone(_service().delete_department(_path_key("DepartmentKey", "code", code), actor, adapters()))


@bp.route("/api/v1/admin/staff/{username}/deactivate", methods=["POST"], authorizer=staff_token)
@api
def deactivate_staff(username):
    actor = current_actor(bp.current_request)  # before the key: a token with no role is a 403, not a 400
    return _found(_service().deactivate_staff(_key(STAFF, {"username": username}), actor, adapters(), now()))


@bp.route("/api/v1/admin/calendar", methods=["GET"], authorizer=staff_token)
@api
def get_calendar():
    return json_response(_service().get_calendar(current_actor(bp.current_request), adapters(), now()))


@bp.route("/api/v1/admin/calendar", methods=["PUT"], authorizer=staff_token)
@api
def put_calendar():
    request = bp.current_request
    admin = _service()
    actor = admin.require_admin(current_actor(request))  # before the body: 403 whatever was sent
    body = parse_body(models.CalendarIn, request.raw_body, lang(request))
    return json_response(admin.put_calendar(body, actor, adapters(), now()))


@bp.route("/api/v1/admin/complaints/{complaint_id}/erase", methods=["POST"], authorizer=staff_token)
@api
def erase_complaint(complaint_id):
    from chalicelib.services import erasure  # imported by the first erasure, as _service()

    request = bp.current_request
    actor = _service().require_admin(current_actor(request))
    body = parse_body(models.EraseIn, request.raw_body or b"{}", lang(request))
    a = adapters()
    return json_response(erasure.erase(complaint_id, body.reason, actor, a, a.exports, now()))
