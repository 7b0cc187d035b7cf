"""The built-in authorizer every staff route names: verifies the Cognito ID token itself,
so the check holds in Chalice's local mode as well as behind API Gateway."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import auth

bp = Blueprint(__name__)


@bp.authorizer(ttl_seconds=0)
def staff_token(auth_request):
    return auth.authorize(auth_request.token)
