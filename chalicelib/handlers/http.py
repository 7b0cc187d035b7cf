"""The one place where exceptions become HTTP responses of the contract."""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.api import errors as api
from chalicelib.domain import errors as domain

log = logging.getLogger(__name__)
JSON = "application/json; charset=utf-8"
RETRY_AFTER_SECONDS = 2


def now() -> datetime:
    return datetime.now(UTC)


def lang(request: Request) -> str:
    return api.language(request.headers.get("accept-language"))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": JSON, **(headers or {})})


def endpoint(request_of: Callable[[], Request]) -> Callable:
    """Decorate a route: domain and API errors become the contract's error body, in the caller's language."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Response:
            language = lang(request_of())
            try:
                return view(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - the boundary: nothing leaves as a stack trace
                return error_response(to_api_error(error, language), language)

        return wrapped

    return decorate


def error_response(error: api.ApiError, language: str) -> Response:
    headers = {}
    if getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    return json_response(api.error_body(error, language), error.status, headers)


def to_api_error(error: Exception, language: str = "zh") -> api.ApiError:
    if isinstance(error, api.ApiError):
        return error
    if isinstance(error, domain.ComplaintNotFound):
        return api.NotFound()
    if isinstance(error, domain.LinkExpired):
        return api.Gone()
    if isinstance(error, domain.TooManyAttempts):
        return api.TooManyAttempts(retry_after=error.retry_after_seconds)
    if isinstance(error, domain.Unauthenticated):
        return api.Unauthenticated()
    if isinstance(error, domain.InvalidCredentials):
        return api.Unauthenticated(str(error))
    if isinstance(error, domain.NotAllowed):
        return api.Forbidden(str(error))
    if isinstance(error, domain.InvalidTransition):
        return api.InvalidTransition(str(error), allowed=error.allowed)
    if isinstance(error, domain.RuleViolation):
        return api.ValidationFailed(fields=[{"field": error.field, "message": api.translate(str(error), language)}])
    if isinstance(error, domain.ConcurrentChange):
        return api.Conflict("the complaint was changed by someone else; reload and try again")
    if isinstance(error, domain.AlreadyDone):
        return api.Conflict(str(error))
    if isinstance(error, domain.IdempotencyKeyReused):
        return api.Conflict("this Idempotency-Key was already used with a different request body")
    if _is_aws_failure(error):
        log.warning("storage or AWS call failed: %s", type(error).__name__)
        return api.Unavailable(retry_after=RETRY_AFTER_SECONDS)
    log.error("unexpected error: %s at %s", type(error).__name__, _where(error))
    return api.ApiError()


def _where(error: Exception) -> str:
    """Where it went wrong, without the message: messages may quote what a customer typed."""
    frames = traceback.extract_tb(error.__traceback__)[-6:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


def _is_aws_failure(error: Exception) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(error, (BotoCoreError, ClientError))


def contract_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: Chalice's own 415 (a body that is not JSON, before any view runs) in the contract's
    error shape instead of Chalice's {"Code", "Message"}."""
    response = get_response(event)
    if response.status_code == 415 and isinstance(response.body, dict) and "Code" in response.body:
        return error_response(api.UnsupportedMediaType(), lang(event))
    return response
