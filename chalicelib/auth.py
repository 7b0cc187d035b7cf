"""Staff token verification for the Chalice built-in authorizer.

Checks the Cognito ID token's RS256 signature against the pool's JWKS, its issuer,
audience (the app client), expiry and use, locally (moto's pool) and in AWS alike.
Roles are the token's `cognito:groups` that the member's stored profile still grants.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.errors import NotAllowed, Unauthenticated
from chalicelib.domain.model import Actor, Role, StaffMember

log = logging.getLogger(__name__)
KEYS_TTL = 600
REFETCH_AT_MOST_EVERY = 30
LEEWAY = 30
STAFF_TTL = 30  # seconds a staff profile is trusted by the authorizer (the bound is 60)
STALE_AT_MOST = 60  # while the table cannot be read, a cached profile serves this long at most
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
        return {
            k["kid"]: jwt.PyJWK.from_dict(k).key
            for k in keys
            if isinstance(k, dict) and k.get("kty") == "RSA" and isinstance(k.get("kid"), str)
        }
    except (OSError, ValueError, LookupError, TypeError, jwt.PyJWTError) as unusable:
        raise Unauthenticated("signing keys unavailable") from unusable


_jwks = _Jwks()


def verify_token(token: str) -> Actor:
    """The staff member a valid ID token names, with the token's roles; Unauthenticated for anything else."""
    claims = _verified_claims(token)
    return Actor(username=claims["cognito:username"], roles=_roles(claims.get("cognito:groups", [])))


def _verified_claims(token: str) -> dict[str, Any]:
    import jwt  # with cryptography: imported when a token is checked, not on every cold start

    token = (token or "").removeprefix("Bearer ").strip()
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise Unauthenticated("unsupported token")
        claims = jwt.decode(
            token,
            _jwks.key(header["kid"]),
            algorithms=["RS256"],
            leeway=LEEWAY,
            audience=settings().user_pool_client_id,
            issuer=settings().jwt_issuer,
            options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as invalid:
        raise Unauthenticated("invalid token") from invalid
    if (
        claims.get("token_use") != "id"
        or not isinstance(claims.get("cognito:username"), str)
        or not claims["cognito:username"]
        or not isinstance(claims.get("cognito:groups", []), list)
    ):
        raise Unauthenticated("not an ID token")
    return claims


def _roles(names: Any) -> frozenset[Role]:
    """The staff roles among `names`; unknown names (and anything not a string) are no role."""
    return frozenset(_ROLES[n] for n in names if isinstance(n, str) and n in _ROLES)


StaffLookup = Callable[[str], "StaffMember | None"]


class StaffRecords:
    """Staff profiles as the authorizer reads them: cached for `ttl` seconds, so a change of roles, a
    deactivation or a password reset reaches tokens issued before it within that time (the process that
    made the change forgets at once). A failed read serves the last one known, else raises."""

    def __init__(
        self, read: StaffLookup | None = None, ttl: float = STAFF_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._read = read
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, StaffMember | None]] = {}

    def get(self, username: str) -> StaffMember | None:
        now = self._clock()
        with self._lock:
            cached = self._cached.get(username)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            member = (self._read or _directory_staff)(username)
        except Exception:
            if cached and now - cached[0] < STALE_AT_MOST:
                return cached[1]
            raise
        with self._lock:
            self._cached[username] = (now, member)
        return member

    def forget(self, username: str | None = None) -> None:
        """Read `username`'s profile (everyone's, without one) afresh next time."""
        with self._lock:
            if username is None:
                self._cached.clear()
            else:
                self._cached.pop(username, None)


def _directory_staff(username: str) -> StaffMember | None:
    from chalicelib.wiring import adapters

    return adapters().directory.staff(username)


staff_records = StaffRecords()


def authenticate(token: str, records: StaffRecords | None = None) -> Actor:
    """Who a token names and the roles they have now: the token's groups that their stored profile
    still grants. A token issued before their access last changed, or of a deactivated member, is
    refused. An account with no profile yet (the first admin, made in the user pool) keeps its groups."""
    claims = _verified_claims(token)
    # the user pool ignores case, and so does the directory: profiles are stored under the lower-case name
    username = claims["cognito:username"].lower()
    actor = Actor(username=username, roles=_roles(claims.get("cognito:groups", [])))
    member = (records or staff_records).get(actor.username)
    if member is None:
        return actor
    if not member.active:
        raise Unauthenticated("the member is deactivated")
    if int(claims["iat"]) < member.tokens_valid_after:
        raise TokenPredatesChange(member.tokens_valid_after)
    return Actor(username=actor.username, roles=actor.roles & member.roles)


class TokenPredatesChange(Unauthenticated):
    """The token was issued before the member's roles, password or activation last changed."""

    def __init__(self, valid_from: int) -> None:
        super().__init__("the member's access changed after this token was issued")
        self.valid_from = valid_from


def tokens_valid_from(moment: float) -> int:
    """The first second whose tokens survive a change made at `moment`: the next whole one, since a
    token's `iat` counts whole seconds and one issued earlier in the same second must not pass."""
    return int(moment) + 1


class Unauthorized(Unauthenticated):
    """The authorizer's refusal: failing with exactly this message makes API Gateway answer 401 (a deny
    would be 403)."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


def authorize(token: str, records: StaffRecords | None = None) -> Any:
    """The authorizer's answer: every route for a valid token (with who and which roles); 401 otherwise.
    A token with no role gets in as far as the routes, which refuse it (403, see `current_actor`)."""
    from chalice.app import AuthResponse

    try:
        actor = authenticate(token, records)
    except Unauthenticated:
        raise Unauthorized() from None
    except Exception as unreadable:  # noqa: BLE001 - the profile could not be read: refuse rather than fail
        log.warning("staff profile unavailable to the authorizer: %s", type(unreadable).__name__)
        raise Unauthorized() from None
    return AuthResponse(
        routes=["*"],
        principal_id=actor.username,
        context={"username": actor.username, "roles": ",".join(sorted(actor.roles))},
    )


def current_actor(request: Any) -> Actor:
    """Who sent this request, from the authorizer context API Gateway (or Chalice local) attached.
    Every staff route asks this first, so a member with none of the staff roles is refused everywhere."""
    context = (request.context or {}).get("authorizer") or {}
    username = context.get("username")
    if not username:
        raise Unauthenticated("no staff identity")
    roles = _roles(str(context.get("roles", "")).split(","))
    if not roles:
        raise NotAllowed("no staff role")
    return Actor(username=username, roles=roles)
