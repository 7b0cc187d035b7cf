"""Staff token verification for the Chalice built-in authorizer.

Checks the Cognito ID token's RS256 signature against the pool's JWKS, its issuer,
audience (the app client), expiry and use, locally (moto's pool) and in AWS alike.
Roles are the token's `cognito:groups`.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.model import Actor, Role

KEYS_TTL = 600
REFETCH_AT_MOST_EVERY = 30
LEEWAY = 30
_ROLES = {r.value: r for r in Role}


class _Jwks:
    """The pool's signing keys by kid, cached; an unknown kid refetches at most every 30 s."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}
        self._url = ""
        self._fetched_at = 0.0

    def key(self, kid: str) -> Any:
        url = settings().jwks_url
        with self._lock:
            now = time.monotonic()
            stale = url != self._url or now - self._fetched_at > KEYS_TTL
            if stale or (kid not in self._keys and now - self._fetched_at > REFETCH_AT_MOST_EVERY):
                self._keys = _fetch(url)
                self._url, self._fetched_at = url, now
            if kid not in self._keys:
                raise Unauthenticated("unknown signing key")
            return self._keys[kid]


def _fetch(url: str) -> dict[str, Any]:
    import urllib.request

    import jwt  # with cryptography: imported when a token is checked, not on every cold start

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            keys = json.load(response)["keys"]
        return {k["kid"]: jwt.PyJWK.from_dict(k).key for k in keys
                if isinstance(k, dict) and k.get("kty") == "RSA" and isinstance(k.get("kid"), str)}
    except (OSError, ValueError, LookupError, TypeError, jwt.PyJWTError) as unusable:
        raise Unauthenticated("signing keys unavailable") from unusable


_jwks = _Jwks()


def verify_token(token: str) -> Actor:
    """The staff member a valid ID token names; Unauthenticated for anything else."""
    import jwt  # with cryptography: imported when a token is checked, not on every cold start

    token = (token or "").removeprefix("Bearer ").strip()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise Unauthenticated("unsupported token")
        claims = jwt.decode(token, _jwks.key(header["kid"]), algorithms=["RS256"], leeway=LEEWAY,
                            audience=settings().user_pool_client_id, issuer=settings().jwt_issuer,
                            options={"require": ["exp", "iss", "aud", "token_use"]})
    except (jwt.PyJWTError, ValueError, TypeError) as invalid:
        raise Unauthenticated("invalid token") from invalid
    if claims.get("token_use") != "id" or not claims.get("cognito:username"):
        raise Unauthenticated("not an ID token")
    roles = frozenset(_ROLES[g] for g in claims.get("cognito:groups", []) if g in _ROLES)
    return Actor(username=claims["cognito:username"], roles=roles)


class Unauthorized(Exception):
    """An authorizer failing with exactly this message makes API Gateway answer 401 (a deny would be 403)."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def authorize(token: str) -> Any:
    """The authorizer's answer: every route for a valid token (with who and which roles); 401 otherwise."""
    from chalice.app import AuthResponse

    try:
        actor = verify_token(token)
    except Unauthenticated:
        raise Unauthorized() from None
    return AuthResponse(routes=["*"], principal_id=actor.username,
                        context={"username": actor.username, "roles": ",".join(sorted(actor.roles))})


def current_actor(request: Any) -> Actor:
    """Who sent this request, from the authorizer context API Gateway (or Chalice local) attached."""
    context = (request.context or {}).get("authorizer") or {}
    username = context.get("username")
    if not username:
        raise Unauthenticated("no staff identity")
    roles = frozenset(_ROLES[r] for r in str(context.get("roles", "")).split(",") if r in _ROLES)
    return Actor(username=username, roles=roles)
