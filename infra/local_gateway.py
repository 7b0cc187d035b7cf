"""Make Chalice's local gateway answer like API Gateway where the contract relies on it.

API Gateway answers 401 when a token authorizer fails with the message "Unauthorized"
(`chalicelib.auth.Unauthorized`) or the token header is missing, with the body the
template's UNAUTHORIZED gateway response gives; Chalice's local gateway would let the
exception escape, or answer in its own shape. Applied by
the local runner and the test suite (`apply()`).
"""
from __future__ import annotations

import functools
import json

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from chalice.local import LocalGatewayAuthorizer, NotAuthorizedError

    from chalicelib.api.errors import Unauthenticated, error_body
    from chalicelib.auth import Unauthorized

    original = LocalGatewayAuthorizer.authorize

    @functools.wraps(original)
    def authorize(self, raw_path, lambda_event, lambda_context):
        try:
            return original(self, raw_path, lambda_event, lambda_context)
        except (Unauthorized, NotAuthorizedError):  # a refused token, or none at all
            body = json.dumps(error_body(Unauthenticated(), "zh"), ensure_ascii=False).encode()
            raise NotAuthorizedError({"Content-Type": "application/json; charset=utf-8",
                                      "x-amzn-ErrorType": "UnauthorizedException"}, body) from None

    LocalGatewayAuthorizer.authorize = authorize
    _applied = True
