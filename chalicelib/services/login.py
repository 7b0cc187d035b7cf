"""Staff log-in: a Cognito ID token and the roles it carries now."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.auth import TokenPredatesChange, authenticate
from chalicelib.wiring import Adapters


def log_in(username: str, password: str, a: Adapters) -> dict[str, Any]:
    """A token that works: one issued in the very second the member's access changed would be refused
    (tokens count whole seconds), so then the log-in waits for the next second and asks again."""
    token, expires_in = a.identity.login(username, password)
    try:
        actor = authenticate(token)
    except TokenPredatesChange as early:
        time.sleep(max(0.0, early.valid_from - time.time()) + 0.05)
        token, expires_in = a.identity.login(username, password)
        actor = authenticate(token)
    return {"token": token, "expires_in": expires_in, "roles": sorted(actor.roles)}
