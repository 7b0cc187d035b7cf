"""Staff log-in: username and password for a Cognito ID token."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.errors import parse_body
from chalicelib.api.models import LoginIn
from chalicelib.handlers.http import endpoint, json_response, lang
from chalicelib.services.login import log_in
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


@bp.route("/api/v1/auth/login", methods=["POST"])
@api
def login():
    body = parse_body(LoginIn, bp.current_request.raw_body, lang(bp.current_request))
    return json_response(log_in(body.username, body.password, adapters()))
