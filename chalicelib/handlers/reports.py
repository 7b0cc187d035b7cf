"""Staff reports: the complaint export (CSV, XLSX) and the printable feedback form."""

from __future__ import annotations

from chalice import Blueprint, Chalice, Response

from chalicelib.api import models
from chalicelib.auth import current_actor
from chalicelib.handlers.authorizer import staff_token
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.handlers.submissions import list_query
from chalicelib.services import exports, feedback_form
from chalicelib.services.exports import XLSX, ExportFile
from chalicelib.wiring import adapters

HTML = "text/html; charset=utf-8"
PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class ReportsBlueprint(Blueprint):
    """Registers the XLSX type as binary: Chalice returns bytes (base64 through API Gateway) only for those."""

    def register(self, app: Chalice, options: dict) -> None:
        super().register(app, options)
        if XLSX not in app.api.binary_types:
            app.api.binary_types.append(XLSX)


bp = ReportsBlueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/api/v1/staff/export", methods=["GET"], authorizer=staff_token)
@api
def export():
    request = bp.current_request
    actor = current_actor(request)  # before the parameters: a token with no role is a 403, not a 400
    params = models.parse_query(models.ExportParams, request.query_params, lang(request))
    binary_ok = XLSX in (request.headers.get("accept") or "")
    a = adapters()
    result = exports.export_complaints(
        list_query(params), params.format, actor, a, a.exports, now(), binary_ok=binary_ok
    )
    return _download(result.file) if result.file else json_response(result.link)


@bp.route("/api/v1/staff/complaints/{complaint_id}/feedback-form", methods=["GET"], authorizer=staff_token)
@api
def printable_feedback_form(complaint_id):
    page = feedback_form.printable(complaint_id, current_actor(bp.current_request), adapters(), now())
    return Response(
        page,
        status_code=200,
        headers={
            "Content-Type": HTML,
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            **PRIVATE,
        },
    )


def _download(file: ExportFile) -> Response:
    binary = file.content_type == XLSX
    return Response(
        file.body if binary else file.body.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": file.content_type,
            "Content-Disposition": f'attachment; filename="{file.name}"',
            "X-Export-Rows": str(file.rows),
            **PRIVATE,
        },
    )
