"""The OpenAPI 3.1 description of the contract, generated from the pydantic models.

Every route of the app is here (tests/fuzz/test_openapi_routes.py checks it), with its parameters,
body, and every status it can answer: the contract's error body for 4xx, `503` with `Retry-After`
where storage is involved, and, on staff routes, the gateway's own 401/403 bodies (API Gateway, or
Chalice's local gateway, answers those before the app runs).
"""

from __future__ import annotations

import copy
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api import models as m
from chalicelib.domain.labels import PUBLIC_STEPS

# --- response bodies described by pydantic models (the handlers build them as plain dicts) ----------


class Receipt(BaseModel):
    complaint_id: str
    access_code: str
    status: str
    severity: str
    received_at: datetime
    first_contact_due: datetime | None
    status_url: str


class UploadOut(BaseModel):
    upload_id: str
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class LoginOut(BaseModel):
    token: str
    expires_in: int
    roles: list[str]


class TimelineEntry(BaseModel):
    at: datetime
    status: str
    note: str


class StatusOut(BaseModel):
    complaint_id: str
    status: Literal[PUBLIC_STEPS]  # type: ignore[valid-type]
    received_at: datetime
    timeline: list[TimelineEntry]
    handling: dict[str, Any] | None


class SurveyOut(BaseModel):
    complaint_id: str
    status: str


class AcceptedOut(BaseModel):
    status: Literal["accepted"]


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS = {
    "400": "invalid fields",
    "401": "not logged in",
    "403": "not allowed",
    "404": "not found",
    "409": "conflict or invalid transition",
    "410": "gone: the link has expired",
    "413": "body too large",
    "415": "not JSON",
    "429": "too many attempts, retry after the given seconds",
    "503": "storage unavailable, retry",
}
SCHEMA_MODELS = (
    m.PublicComplaintIn,
    m.StaffComplaintIn,
    Receipt,
    m.UploadIn,
    UploadOut,
    m.LoginIn,
    LoginOut,
    StatusOut,
    m.SurveyIn,
    SurveyOut,
    m.AccessCodeIn,
    AcceptedOut,
    m.FireIn,
    ErrorBody,
    m.StaffIn,
    m.StaffOut,
    m.TerritoryIn,
    m.TerritoryOut,
    m.EraseIn,
    m.CalendarIn,
    m.AccountIn,
    m.AccountOut,
    m.DepartmentIn,
    m.DepartmentOut,
    *m.ACTION_MODELS,
)
HTML = "text/html"
STATIC_TYPES = ("text/css", "text/javascript", "image/svg+xml", "application/json", "text/plain")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}
EXAMPLE_COMPLAINT = {
    "customer": {"name": "张先生", "phone": "13800138000", "type": "consumer", "province": "湖南", "city": "长沙"},
    "product": {"sku": "V2047", "name": "抽取式面巾 150抽", "production_date": "2008-11-29", "quantity": 1},
    "category": "odor",
    "description": "打开后有很大的油漆味, 没办法使用",
    "desired_resolution": "exchange",
    "consent": True,
}

# --- response bodies that are not pydantic models (built from stored records) -------------------
STRING_OR_NULL = {"type": ["string", "null"]}
OBJECT = {"type": "object"}
GATEWAY_ERROR = {
    "type": "object",
    "description": "API Gateway's (or Chalice local's) own answer, before the app runs",
    "properties": {"message": STRING_OR_NULL, "Message": {"type": "string"}},
}
SUMMARY = {
    "type": "object",
    "required": [
        "complaint_id",
        "status",
        "severity",
        "category",
        "channel",
        "received_at",
        "assignee",
        "territory",
        "customer",
        "product",
        "escalated",
        "deadlines",
        "overdue",
    ],
    "properties": {
        "complaint_id": {"type": "string"},
        "status": {"type": "string"},
        "severity": {"type": "string"},
        "category": {"type": "string"},
        "channel": {"type": "string"},
        "received_at": {"type": "string"},
        "assignee": STRING_OR_NULL,
        "territory": STRING_OR_NULL,
        "customer": OBJECT,
        "product": OBJECT,
        "escalated": {"type": "boolean"},
        "deadlines": {"type": "object", "additionalProperties": {"type": "string"}},
        "overdue": {"type": "boolean"},
    },
}
PAGE = {
    "type": "object",
    "required": ["items", "next_cursor"],
    "properties": {"items": {"type": "array", "items": SUMMARY}, "next_cursor": STRING_OR_NULL},
}
SEARCH = {
    "type": "object",
    "required": ["items", "matched_by"],
    "properties": {
        "items": {"type": "array", "items": SUMMARY},
        "matched_by": {"enum": ["complaint_id", "phone", "name", "account_id"]},
    },
}
RECORD = {
    "type": "object",
    "required": ["id", "status", "customer", "product", "history", "photos", "allowed_actions"],
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string"},
        "customer": OBJECT,
        "product": OBJECT,
        "history": {
            "type": "array",
            "items": {"type": "object", "required": ["at", "actor", "action", "from", "to", "data"]},
        },
        "photos": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "url"],
                "properties": {"key": {"type": "string"}, "url": {"type": "string"}},
            },
        },
        "allowed_actions": {"type": "array", "items": {"type": "string"}},
        "possible_duplicate_of": {"type": "array", "items": {"type": "string"}},
        "merged_into": STRING_OR_NULL,
        "merged": {
            "type": "array",
            "description": "the complaints merged into this one: their words, photos and feedback form",
            "items": {"type": "object", "required": ["complaint_id", "received_at", "channel", "description"]},
        },
        "customer_messages": {
            "type": "array",
            "description": "what was sent to the customer (never its text, code or link)",
            "items": {
                "type": "object",
                "required": ["kind", "at", "channel", "state"],
                "properties": {
                    "kind": {"enum": ["received", "handling_told", "survey"]},
                    "at": {"type": "string"},
                    "channel": {"enum": ["sms", "email"]},
                    "state": {"enum": ["pending", "sent", "failed", "opted_out"]},
                },
            },
        },
    },
}
FIGURES = {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer", "minimum": 0}}}
STATS = {
    "type": "object",
    "required": ["from", "to", "by", "total", "groups"],
    "properties": {
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "by": {"type": "string"},
        "total": FIGURES,
        "groups": {"type": "array", "items": {**FIGURES, "required": ["key", "label", "count"]}},
    },
}
ALERTS = {
    "type": "object",
    "required": ["items", "threshold", "window_days"],
    "properties": {
        "items": {
            "type": "array",
            "items": {"type": "object", "required": ["cluster_id", "sku", "count", "complaint_ids", "complaints"]},
        },
        "threshold": {"type": "integer"},
        "window_days": {"type": "integer"},
    },
}
EXPORT_LINK = {
    "type": "object",
    "required": ["download_url", "filename", "format", "rows", "bytes", "expires_at"],
    "properties": {
        "download_url": {"type": "string"},
        "filename": {"type": "string"},
        "format": {"enum": ["csv", "xlsx"]},
        "rows": {"type": "integer"},
        "bytes": {"type": "integer"},
        "expires_at": {"type": "string"},
    },
}
OUTBOX = {
    "type": "object",
    "required": ["messages"],
    "properties": {
        "messages": {"type": "array", "items": {"type": "object", "required": ["channel", "to", "text"]}},
        "customer_messages": {
            "type": "array",
            "items": {"type": "object", "required": ["channel", "to", "text", "links"]},
        },
    },
}
FIRED = {"type": "object", "required": ["fired"], "properties": {"fired": {"type": "array", "items": OBJECT}}}
IDS = {"type": "array", "items": {"type": "string"}}
MOVES = {  # what a staff change moved (services/staff_changes.py)
    "moved": {
        "type": "array",
        "description": "each open complaint moved, and to whom",
        "items": {
            "type": "object",
            "required": ["complaint_id", "to"],
            "properties": {"complaint_id": {"type": "string"}, "to": {"type": "string"}},
        },
    },
    "queued": {**IDS, "description": "the complaints with no route now: in the service queue, service told"},
    "pending": {**IDS, "description": "left to the outbox: moved within seconds, each once"},
}
DEACTIVATED = {
    "allOf": [
        {"$ref": "#/components/schemas/StaffOut"},
        {"type": "object", "required": list(MOVES), "properties": MOVES},
    ]
}
TERRITORY_PUT = {
    "allOf": [
        {"$ref": "#/components/schemas/TerritoryOut"},
        {
            "type": "object",
            "required": ["open_with_previous"],
            "properties": {
                "open_with_previous": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "open complaints there still with the previous salesperson (move_open moves them)",
                },
                **MOVES,
            },
        },
    ]
}
HEALTH = {
    "type": "object",
    "required": ["status", "calendar"],
    "properties": {
        "status": {"const": "ok"},
        "calendar": {
            "type": "string",
            "pattern": "^(ok|degraded: .+)$",
            "description": "ok, or why the working days of this year (and from December next year) may be wrong",
        },
    },
}
DEGRADED = {**STRING_OR_NULL, "description": "null, or which years count Monday-Friday (2031 unknown)"}
DURATION = {
    "type": "object",
    "required": ["amount", "unit"],
    "properties": {"amount": {"type": "number"}, "unit": {"enum": ["hours", "business_hours", "business_days"]}},
}
BY_SEVERITY = {
    "type": "object",
    "required": ["critical", "major", "normal"],
    "properties": {sev: DURATION for sev in ("critical", "major", "normal")},
}
DATES = {"type": "array", "items": {"type": "string", "format": "date"}}
CALENDAR_SETTINGS = {
    "type": "object",
    "required": [
        "timezone",
        "business_hours",
        "clocks",
        "company_closed",
        "company_workdays",
        "revision",
        "degraded",
        "history",
    ],
    "properties": {
        "timezone": {"const": "Asia/Shanghai"},
        "business_hours": {
            "type": "object",
            "required": ["start", "end"],
            "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
        },
        "clocks": {
            "type": "object",
            "required": ["first_contact", "resolution", "callback"],
            "additionalProperties": BY_SEVERITY,
        },
        "company_closed": DATES,
        "company_workdays": DATES,
        "revision": {"type": "integer", "minimum": 0, "description": "0: the defaults, never changed"},
        "changed_at": STRING_OR_NULL,
        "changed_by": STRING_OR_NULL,
        "degraded": DEGRADED,
        "history": {
            "type": "array",
            "description": "the last changes, newest first",
            "items": {
                "type": "object",
                "required": ["revision", "at", "by", "changes"],
                "properties": {
                    "revision": {"type": "integer"},
                    "at": {"type": "string"},
                    "by": {"type": "string"},
                    "changes": {
                        "type": "object",
                        "description": "a value's path -> {from, to}; company_closed / company_workdays -> "
                        "{added, removed}",
                    },
                },
            },
        },
    },
}
CALENDAR_DAYS = {
    "type": "object",
    "required": ["days", "degraded"],
    "properties": {
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "working", "reason", "name"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "working": {"type": "boolean"},
                    "reason": {
                        "enum": ["workday", "weekend", "holiday", "makeup_workday", "company_closed", "company_workday"]
                    },
                    "name": {
                        **STRING_OR_NULL,
                        "description": "the holiday (国庆节) a holiday or make-up day belongs to",
                    },
                },
            },
        },
        "degraded": DEGRADED,
    },
}


def _ref(model: type[BaseModel] | str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model if isinstance(model, str) else model.__name__}"}


def _items(model: type[BaseModel]) -> dict[str, Any]:
    return {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": _ref(model)}}}


def _page_of(model: type[BaseModel]) -> dict[str, Any]:
    """A page of a list: its items and the cursor of the next page (null: the last)."""
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {"items": {"type": "array", "items": _ref(model)}, "next_cursor": STRING_OR_NULL},
    }


def _json(schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"content": {"application/json": media}}


def _error(code: str, gateway: bool = False) -> dict[str, Any]:
    schema = {"anyOf": [_ref(ErrorBody), GATEWAY_ERROR]} if gateway else _ref(ErrorBody)
    response = {"description": ERRORS[code], **_json(schema)}
    if code in ("429", "503"):
        response["headers"] = RETRY_AFTER
    return response


def _operation(
    summary: str,
    ok: str = "200",
    body: dict | None = None,
    response: dict | None = None,
    staff: bool = False,
    params: list[dict] | None = None,
    errors: tuple[str, ...] = ("400",),
    ok_content: dict | None = None,
    example: Any = None,
    body_required: bool = True,
) -> dict:
    """One operation. JSON operations get the language header and `503` (storage unavailable); a body
    is JSON up to 64 KiB (`413` beyond, `415` for another media type); staff operations need a token."""
    success = {"description": "success", **(ok_content or _json(response or OBJECT))}
    op: dict[str, Any] = {"summary": summary, "responses": {ok: success}}
    codes = errors + (("401", "403") if staff else ()) + (("400", "413", "415") if body is not None else ())
    if ok_content is None and summary != "liveness":
        codes += ("503",)
    for code in sorted(dict.fromkeys(codes)):
        op["responses"][code] = _error(code, gateway=staff and code in ("401", "403"))
    if body is not None:
        op["requestBody"] = {"required": body_required, **_json(body, example)}
    op["parameters"] = [_header("Accept-Language", "zh (default) or en")] + (params or [])
    if staff:
        op["security"] = [{"bearer": []}]
    return op


def _deleted(summary: str, key: dict[str, Any]) -> dict[str, Any]:
    """A DELETE: 204 with no body, 404 when there was nothing to remove."""
    operation = _operation(summary, "204", staff=True, params=[key], errors=("400", "404"))
    operation["responses"]["204"] = {"description": "removed"}
    return operation


def _page(summary: str, params: list[dict] | None = None) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            "200": {
                "description": "the page (zh-CN, or English with lang=en)",
                "content": {HTML: {"schema": {"type": "string"}}},
            }
        },
    }


def _path_param(name: str, schema: dict | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string", "minLength": 1}}


def _header(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def _query_params(model: type[BaseModel], extra: dict[str, dict] | None = None) -> list[dict[str, Any]]:
    """Each field of a query model as an optional query parameter (by its alias), with its schema."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    params = []
    for name, prop in {**schema["properties"], **(extra or {})}.items():
        prop = {k: v for k, v in prop.items() if k not in ("title", "default")}
        if "anyOf" in prop:  # a query parameter is never null: it is absent
            options = [o for o in prop.pop("anyOf") if o.get("type") != "null"]
            prop.update(options[0] if len(options) == 1 else {"anyOf": options})
        if "$ref" in prop:
            prop = copy.deepcopy(schema["$defs"][prop["$ref"].rsplit("/", 1)[1]])
            prop.pop("title", None)
        params.append({"name": name, "in": "query", "required": False, "schema": prop})
    return params


def _outbox_operation() -> dict[str, Any]:
    """The staff's and the customers' messages as JSON, or with `format=html` as a page with clickable links."""
    page = {"name": "format", "in": "query", "required": False, "schema": {"enum": ["json", "html"]}}
    operation = _operation(
        "local stage only: messages that would have been sent", response=OUTBOX, params=[page], errors=("404",)
    )
    operation["responses"]["200"]["content"][HTML] = {"schema": {"type": "string"}}
    return operation


IMPORT_PROBLEM = {
    "type": "object",
    "required": ["row", "column", "message"],
    "properties": {
        "row": {"type": ["integer", "null"], "description": "as Excel numbers it (header: row 1); null: the file"},
        "column": {**STRING_OR_NULL, "description": "the column's header as the file has it"},
        "cell": {"type": "string", "description": "C5"},
        "sheet": {"type": "string", "description": "the worksheet, in an .xlsx"},
        "message": {"type": "string"},
    },
}
IMPORT_REPORT = {
    "type": "object",
    "required": ["dry_run", "applied", "create", "change", "unchanged", "errors", "rows"],
    "properties": {
        "dry_run": {"type": "boolean"},
        "applied": {"type": "boolean"},
        **{n: {"type": "integer", "minimum": 0} for n in ("create", "change", "unchanged", "written")},
        "errors": {"type": "array", "items": IMPORT_PROBLEM},
        "rows": {
            "type": "array",
            "description": "each valid row and what applying it does (the fields a change changes)",
            "items": {
                "type": "object",
                "required": ["row", "kind", "key", "action", "changed"],
                "properties": {
                    "row": {"type": "integer"},
                    "sheet": {"type": "string"},
                    "kind": {"enum": ["staff", "territories", "accounts"]},
                    "key": {"type": "string"},
                    "action": {"enum": ["create", "change", "unchanged"]},
                    "changed": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _import_paths() -> dict[str, Any]:
    """The import: the file itself is the body (no JSON), the answer a report; and its templates."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    types = (XLSX, "text/csv", "application/vnd.ms-excel", "application/octet-stream")
    dry_run = {"name": "dry_run", "in": "query", "required": False, "schema": {"type": "boolean", "default": True}}
    post = _operation(
        "import staff, territories or accounts from an .xlsx or .csv (dry run by default); an apply writes "
        "nothing when the file has errors (422), 409: stopped part-way, the same file again finishes it",
        body=OBJECT,
        response=IMPORT_REPORT,
        staff=True,
        params=[dry_run],
        errors=("409",),
    )
    post["requestBody"] = {"required": True, "content": dict.fromkeys(types, binary)}
    refused = {"allOf": [IMPORT_REPORT, _ref(ErrorBody)]}
    post["responses"]["409"] = {"description": "stopped part-way: the rows before were written", **_json(refused)}
    post["responses"]["413"]["description"] = "more than 2 MB or 2000 rows"
    post["responses"]["415"]["description"] = "not a spreadsheet's media type"
    post["responses"]["422"] = {"description": "the file has errors: nothing written", **_json(refused)}
    kind = {"name": "kind", "in": "query", "required": True, "schema": {"enum": ["staff", "territories", "accounts"]}}
    fmt = {"name": "format", "in": "query", "required": False, "schema": {"enum": ["xlsx", "csv"], "default": "xlsx"}}
    get = _operation(
        "the import template: the Chinese header row and an example row (.xlsx needs Accept naming its type)",
        staff=True,
        params=[kind, fmt],
        ok_content={"content": {XLSX: binary, "text/csv": {"schema": {"type": "string"}}}},
    )
    get["responses"]["406"] = {"description": "an .xlsx without an Accept that takes it", **_json(_ref(ErrorBody))}
    return {"/api/v1/admin/import": {"post": post}, "/api/v1/admin/import/template": {"get": get}}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    _, defs = models_json_schema(
        [(model, "validation") for model in SCHEMA_MODELS], ref_template="#/components/schemas/{model}"
    )
    idem = _header("Idempotency-Key", "1-128 printable characters; a retry with the same key returns the first receipt")
    cid = _path_param("complaint_id")
    action = {"oneOf": [_ref(a) for a in m.ACTION_MODELS], "discriminator": {"propertyName": "action"}}
    list_params = _query_params(m.ListParams)
    export_params = _query_params(m.ListParams, {"format": {"enum": ["csv", "xlsx"]}})
    export_ok = {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string"}},
            "application/json": {"schema": EXPORT_LINK},
        }
    }
    staff_key = _path_param("username")
    territory_key = _path_param("code")
    account_key = _path_param("account_id", {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"})
    department_key = _path_param("code", {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]{0,19}$"})
    lang = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string"}}
    paths = {
        "/": {"get": _page("the public complaint form", [lang])},
        "/status": {"get": _page("the public status page", [lang])},
        "/s/{token}": {
            "get": _page(
                "the status page opened by the status link of the customer's SMS (the page asks with the token)",
                [_path_param("token", {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}), lang],
            )
        },
        "/survey": {
            "get": _page(
                "the customer's satisfaction survey, from the survey link of the SMS",
                [{"name": "t", "in": "query", "required": False, "schema": {"type": "string"}}, lang],
            )
        },
        "/console": {"get": _page("the staff console", [lang])},
        "/static/{name}": {
            "get": {
                "summary": "a static file of the web pages",
                "parameters": [_path_param("name")],
                "responses": {
                    "200": {
                        "description": "the file",
                        "content": {t: {"schema": {"type": "string"}} for t in STATIC_TYPES},
                    },
                    "404": {"description": "no such file", "content": {"text/plain": {"schema": {"type": "string"}}}},
                },
            }
        },
        "/health": {"get": _operation("liveness", response=HEALTH, errors=())},
        "/api/v1/openapi.json": {"get": _operation("this description", errors=())},
        "/api/v1/uploads": {
            "post": _operation("presigned POST for one photo", "201", _ref(m.UploadIn), _ref(UploadOut), errors=())
        },
        "/api/v1/complaints": {
            "post": _operation(
                "submit a complaint (public form)",
                "201",
                _ref(m.PublicComplaintIn),
                _ref(Receipt),
                params=[idem],
                errors=("409",),
                example=EXAMPLE_COMPLAINT,
            )
        },
        "/api/v1/complaints/{complaint_id}/status": {
            "get": _operation(
                "progress of one complaint (429 after a few wrong access codes or status tokens)",
                response=_ref(StatusOut),
                errors=("404", "429"),
                params=[
                    _path_param(
                        "complaint_id",
                        {
                            "type": "string",
                            "description": "the complaint id, or `-` with "
                            "X-Status-Token: the complaint the token names",
                        },
                    ),
                    _header("X-Access-Code", "the code from the receipt"),
                    _header("X-Status-Token", "the token of the status link (/s/<token>), in place of the code"),
                ],
            )
        },
        "/api/v1/complaints/{complaint_id}/access-code": {
            "post": _operation(
                "a new access code by SMS when the digits are those of the phone on file (always 202; 3 a day)",
                "202",
                _ref(m.AccessCodeIn),
                _ref(AcceptedOut),
                params=[cid],
                errors=(),
            )
        },
        "/api/v1/survey": {
            "post": _operation(
                "the customer's answer to the survey link (409 answered already, 410 older than 14 days)",
                body=_ref(m.SurveyIn),
                response=_ref(SurveyOut),
                errors=("404", "409", "410", "429"),
            )
        },
        "/api/v1/auth/login": {
            "post": _operation("staff log-in", body=_ref(m.LoginIn), response=_ref(LoginOut), errors=("401",))
        },
        "/api/v1/staff/complaints": {
            "post": _operation(
                "record a complaint from any channel",
                "201",
                _ref(m.StaffComplaintIn),
                _ref(Receipt),
                staff=True,
                params=[idem],
                errors=("409",),
                example={**EXAMPLE_COMPLAINT, "channel": "hotline"},
            ),
            "get": _operation("list complaints", response=PAGE, staff=True, params=list_params),
        },
        "/api/v1/staff/complaints/{complaint_id}": {
            "get": _operation("the whole record", response=RECORD, staff=True, params=[cid], errors=("404",))
        },
        "/api/v1/staff/complaints/{complaint_id}/actions": {
            "post": _operation(
                "perform a workflow action",
                body=action,
                response=RECORD,
                staff=True,
                params=[
                    cid,
                    _header(
                        "Idempotency-Key",
                        "1-128 printable characters, per staff member; a retry with the same key "
                        "does nothing again and returns the record as it is now",
                    ),
                ],
                errors=("404", "409"),
            )
        },
        "/api/v1/staff/complaints/{complaint_id}/feedback-form": {
            "get": _operation(
                "printable customer-opinion feedback form",
                staff=True,
                params=[cid],
                errors=("404",),
                ok_content={"content": {HTML: {"schema": {"type": "string"}}}},
            )
        },
        "/api/v1/staff/stats": {
            "get": _operation("statistics", response=STATS, staff=True, params=_query_params(m.StatsParams))
        },
        "/api/v1/staff/alerts": {"get": _operation("cluster alerts", response=ALERTS, staff=True, errors=())},
        "/api/v1/staff/search": {
            "get": _operation(
                "find complaints by number, phone, name (or its first characters) or account id",
                response=SEARCH,
                staff=True,
                params=_query_params(m.SearchParams),
            )
        },
        "/api/v1/staff/export": {
            "get": _operation(
                "export CSV or XLSX (or a link to it when large)",
                staff=True,
                params=export_params,
                ok_content=export_ok,
            )
        },
        "/api/v1/admin/staff": {
            "get": _operation("every staff member", response=_items(m.StaffOut), staff=True, errors=())
        },
        "/api/v1/admin/staff/{username}": {
            "get": _operation(
                "one staff member", response=_ref(m.StaffOut), staff=True, params=[staff_key], errors=("400", "404")
            ),
            "put": _operation(
                "create or replace a staff member",
                body=_ref(m.StaffIn),
                response=_ref(m.StaffOut),
                staff=True,
                params=[staff_key],
                errors=("409",),
            ),
        },
        "/api/v1/admin/staff/{username}/deactivate": {
            "post": _operation(
                "disable a member's log-in, end their tokens and subscriptions, move their open complaints",
                response=DEACTIVATED,
                staff=True,
                params=[staff_key],
                errors=("400", "404"),
            )
        },
        "/api/v1/admin/territories": {
            "get": _operation("every territory", response=_items(m.TerritoryOut), staff=True, errors=())
        },
        "/api/v1/admin/territories/{code}": {
            "get": _operation(
                "one territory",
                response=_ref(m.TerritoryOut),
                staff=True,
                params=[territory_key],
                errors=("400", "404"),
            ),
            "put": _operation(
                "create or replace a territory; move_open=true: its open complaints follow its new salesperson",
                body=_ref(m.TerritoryIn),
                response=TERRITORY_PUT,
                staff=True,
                params=[territory_key, *_query_params(m.MoveOpenParams)],
                errors=("409",),
            ),
        },
        "/api/v1/admin/accounts": {
            "get": _operation(
                "the accounts by id, a page at a time; with q those whose id or name begins with it (admin, manager)",
                response=_page_of(m.AccountOut),
                staff=True,
                params=_query_params(m.AccountListParams),
            )
        },
        "/api/v1/admin/accounts/{account_id}": {
            "get": _operation(
                "one account", response=_ref(m.AccountOut), staff=True, params=[account_key], errors=("400", "404")
            ),
            "put": _operation(
                "create or replace an account (409: changed since the revision sent)",
                body=_ref(m.AccountIn),
                response=_ref(m.AccountOut),
                staff=True,
                params=[account_key],
                errors=("409",),
            ),
            "delete": _deleted("remove an account", account_key),
        },
        "/api/v1/admin/departments": {
            "get": _operation(
                "every responsible department (admin, manager)",
                response=_items(m.DepartmentOut),
                staff=True,
                errors=(),
            )
        },
        "/api/v1/admin/departments/{code}": {
            "put": _operation(
                "create or rename a responsible department (409: changed since the revision sent)",
                body=_ref(m.DepartmentIn),
                response=_ref(m.DepartmentOut),
                staff=True,
                params=[department_key],
                errors=("409",),
            ),
            "delete": _deleted("remove a responsible department (complaints keep its code)", department_key),
        },
        "/api/v1/staff/departments": {
            "get": _operation(
                "every responsible department, for any staff member (the QC form's choices)",
                response=_items(m.DepartmentOut),
                staff=True,
                errors=(),
            )
        },
        "/api/v1/staff/calendar": {
            "get": _operation(
                "the working days from `from` to `to` (at most 366 days; this month by default)",
                response=CALENDAR_DAYS,
                staff=True,
                params=_query_params(m.CalendarParams),
            )
        },
        "/api/v1/admin/calendar": {
            "get": _operation(
                "the calendar settings, whether the package knows this year (and next, from December), the last "
                "changes (admin, manager)",
                response=CALENDAR_SETTINGS,
                staff=True,
                errors=(),
            ),
            "put": _operation(
                "replace the calendar settings (admin); clocks started from now on follow them",
                body=_ref(m.CalendarIn),
                response=CALENDAR_SETTINGS,
                staff=True,
                errors=("409",),
            ),
        },
        "/api/v1/admin/complaints/{complaint_id}/erase": {
            "post": _operation(
                "erase the complainant's personal data (admin)",
                body=_ref(m.EraseIn),
                response=RECORD,
                staff=True,
                params=[cid],
                errors=("404", "409"),
                body_required=False,
            )
        },
        **_import_paths(),
        "/dev/outbox": {"get": _outbox_operation()},
        "/dev/scheduler/fire": {
            "post": _operation(
                "local stage only: fire due schedules", body=_ref(m.FireIn), response=FIRED, errors=("404",)
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "投诉处理系统 complaint handling API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": defs["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
