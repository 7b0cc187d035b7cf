"""Import from Excel (admin, manager): `POST /api/v1/admin/import?dry_run=true|false` with the file as the
body, and the templates, `GET /api/v1/admin/import/template?kind=&format=`.

The body is the file itself, not JSON: the route takes any media type (api/import_models.py says which
it reads). Through API Gateway a body arrives intact only when its type is one of the app's binary types:
the .xlsx type, application/octet-stream and application/vnd.ms-excel (what Windows calls a .csv) are;
text/csv is passed as text, so a GB18030 CSV is to be sent as one of the others (the console sends
application/octet-stream).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalice import Blueprint, Chalice, Response

from chalicelib.api import import_models, models
from chalicelib.api.errors import error_body
from chalicelib.auth import current_actor
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.wiring import adapters

BINARY_TYPES = (import_models.XLSX, "application/vnd.ms-excel", "application/octet-stream")


class ImportBlueprint(Blueprint):
    """Registers the spreadsheet types as binary, so API Gateway hands their bytes over unchanged."""

    def register(self, app: Chalice, options: dict) -> None:
        super().register(app, options)
        app.api.binary_types.extend(t for t in BINARY_TYPES if t not in app.api.binary_types)


bp = ImportBlueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/api/v1/admin/import", methods=["POST"], authorizer=staff_token, content_types=["*/*"])
@api
def import_file():
    from chalicelib.services import admin, importing

    request, language = bp.current_request, lang(bp.current_request)
    actor = admin.require_maintainer(current_actor(request))  # before the file: 403 whatever was sent
    params = models.parse_query(import_models.ImportParams, request.query_params, language)
    file = import_models.read_file(request.raw_body, request.headers.get("content-type"))
    return _answer(importing.run(file, params.dry_run, actor, adapters(), now()), language)


@bp.route("/api/v1/admin/import/template", methods=["GET"], authorizer=staff_token)
@api
def import_template():
    from chalicelib.services import admin, importing

    request = bp.current_request
    actor = admin.require_maintainer(current_actor(request))
    params = models.parse_query(import_models.TemplateParams, request.query_params, lang(request))
    if params.format == "xlsx" and not import_models.takes_xlsx(request.headers.get("accept")):
        raise import_models.NotAcceptable()
    file = importing.template(params.kind, params.format, actor)
    disposition = f"attachment; filename=\"{file.name}\"; filename*=UTF-8''{quote(file.title)}"
    headers: dict[str, str | list[str]] = {
        "Content-Type": file.content_type,
        "Content-Disposition": disposition,
        "Cache-Control": "no-store",
    }
    return Response(file.body, status_code=200, headers=headers)


def _answer(report: Any, language: str) -> Response:
    """The report; an apply refused for the file's errors is a 422 (nothing written), one stopped part-way
    a 409 (the rows before were written; the same file again finishes it). Both carry the contract's error
    object besides the report."""
    body = report.out(language)
    if report.dry_run or report.applied:
        return json_response(body)
    refused = report.stopped_at is None
    error = import_models.ImportRefused() if refused else import_models.ImportStopped()
    return json_response({**body, **error_body(error, language)}, error.status)
