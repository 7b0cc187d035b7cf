"""The OpenAPI 3.1 description of the contract, generated from the pydantic models."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from chalicelib.api import models as m

ERRORS = {"400": "invalid fields", "401": "not logged in", "403": "not allowed", "404": "not found",
          "409": "conflict or invalid transition", "413": "body too large", "415": "not JSON",
          "429": "too many attempts", "503": "storage unavailable, retry"}
LIST_FILTERS = ("status", "assignee", "territory", "sku", "batch", "category", "channel", "severity", "overdue",
                "received_from", "received_to", "limit", "cursor")
SCHEMA_MODELS = (m.PublicComplaintIn, m.StaffComplaintIn, m.Receipt, m.UploadIn, m.UploadOut, m.LoginIn, m.LoginOut,
                 m.StatusOut, m.FireIn, m.ErrorBody, *m.ACTION_MODELS)


def _ref(model: type) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: str = "200", body: dict | None = None, response: dict | None = None,
               staff: bool = False, params: list[dict] | None = None, errors: tuple[str, ...] = ("400",)) -> dict:
    op: dict[str, Any] = {"summary": summary, "responses": {ok: {"description": "success", **_json(response or {
        "type": "object"})}}}
    for code in dict.fromkeys(errors + (("401", "403") if staff else ())):
        op["responses"][code] = {"description": ERRORS[code], **_json(_ref(m.ErrorBody))}
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    op["parameters"] = [_header("Accept-Language", "zh (default) or en")] + (params or [])
    if staff:
        op["security"] = [{"bearer": []}]
    return op


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _header(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "description": description,
            "schema": {"type": "string"}}


def _query(name: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    _, defs = models_json_schema([(model, "validation") for model in SCHEMA_MODELS],
                                 ref_template="#/components/schemas/{model}")
    idem = _header("Idempotency-Key", "a retry with the same key returns the first receipt")
    cid = _path_param("complaint_id")
    action = {"oneOf": [_ref(a) for a in m.ACTION_MODELS], "discriminator": {"propertyName": "action"}}
    paths = {
        "/health": {"get": _operation("liveness", errors=())},
        "/api/v1/uploads": {"post": _operation("presigned POST for one photo", "201", _ref(m.UploadIn),
                                               _ref(m.UploadOut), errors=("400", "413", "415"))},
        "/api/v1/complaints": {"post": _operation("submit a complaint (public form)", "201",
                                                  _ref(m.PublicComplaintIn), _ref(m.Receipt), params=[idem],
                                                  errors=("400", "409", "413", "415", "503"))},
        "/api/v1/complaints/{complaint_id}/status": {"get": _operation(
            "progress of one complaint", response=_ref(m.StatusOut), errors=("404", "429"),
            params=[cid, _header("X-Access-Code", "the code from the receipt", required=True)])},
        "/api/v1/auth/login": {"post": _operation("staff log-in", body=_ref(m.LoginIn), response=_ref(m.LoginOut),
                                                  errors=("400", "401"))},
        "/api/v1/staff/complaints": {
            "post": _operation("record a complaint from any channel", "201", _ref(m.StaffComplaintIn),
                               _ref(m.Receipt), staff=True, params=[idem], errors=("400", "409", "413", "503")),
            "get": _operation("list complaints", staff=True, params=[_query(q) for q in LIST_FILTERS])},
        "/api/v1/staff/complaints/{complaint_id}": {"get": _operation("the whole record", staff=True, params=[cid],
                                                                      errors=("404",))},
        "/api/v1/staff/complaints/{complaint_id}/actions": {"post": _operation(
            "perform a workflow action", body=action, staff=True, params=[cid], errors=("400", "404", "409"))},
        "/api/v1/staff/complaints/{complaint_id}/feedback-form": {"get": _operation(
            "printable customer-opinion feedback form", staff=True, params=[cid], errors=("404",))},
        "/api/v1/staff/stats": {"get": _operation("statistics", staff=True, params=[
            _query(q) for q in ("from", "to", "by")])},
        "/api/v1/staff/alerts": {"get": _operation("cluster alerts", staff=True)},
        "/api/v1/staff/export": {"get": _operation("export CSV or XLSX", staff=True, params=[
            _query(q) for q in ("format",) + LIST_FILTERS])},
        "/api/v1/admin/staff/{username}": {
            verb: _operation(f"{verb} a staff member", staff=True, params=[_path_param("username")])
            for verb in ("get", "put")},
        "/api/v1/admin/territories/{code}": {
            verb: _operation(f"{verb} a territory", staff=True, params=[_path_param("code")]) for verb in ("get", "put")},
        "/dev/outbox": {"get": _operation("local stage only: messages that would have been sent", errors=("404",))},
        "/dev/scheduler/fire": {"post": _operation("local stage only: fire due schedules", body=_ref(m.FireIn),
                                                   errors=("400", "404"))},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "投诉处理系统 complaint handling API", "version": "1"},
        "paths": paths,
        "components": {"schemas": defs["$defs"],
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }
