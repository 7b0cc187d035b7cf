"""Staff token verification against moto's Cognito: real tokens pass, every forgery is refused.

Forged tokens signed with moto's own private key (shipped inside moto) are validly signed,
so each refusal below is down to the one claim or header that is wrong.
"""
import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from chalice import Chalice
from chalice.test import Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import auth, clients
from chalicelib.adapters.identity import StaffIdentity
from chalicelib.domain.errors import DomainError, NotAllowed, Unauthenticated
from chalicelib.domain.model import Role, StaffMember
from chalicelib.reset import reset
from infra.local_stack import create_pool
from tests.tokens import MOTO_KID, claims_of, forge, moto_signing_key

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def pool(aws, monkeypatch):
    """A pool as the bootstrap makes it, a user in two groups, and settings pointing at the pool."""
    ids = create_pool(clients.client("cognito-idp"), "complaints-staff-test", "complaints-console-test")
    monkeypatch.setenv("USER_POOL_ID", ids["user_pool_id"])
    monkeypatch.setenv("USER_POOL_CLIENT_ID", ids["user_pool_client_id"])
    monkeypatch.setenv("JWKS_URL", f"{aws}/{ids['user_pool_id']}/.well-known/jwks.json")
    monkeypatch.delenv("JWT_ISSUER", raising=False)
    reset()
    monkeypatch.setattr(auth, "_jwks", auth._Jwks())  # no keys cached by an earlier test
    identity = StaffIdentity(clients.client("cognito-idp"), ids["user_pool_id"], ids["user_pool_client_id"])
    identity.create_user("wang.li", PASSWORD, ["service", "sales"], "wang.li@example.com", "王丽")
    return {**ids, "identity": identity}


@pytest.fixture
def token(pool):
    return pool["identity"].login("wang.li", PASSWORD)[0]


@pytest.fixture
def moto_key():
    return moto_signing_key()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused(token):
    with pytest.raises(Unauthenticated):
        auth.verify_token(token)
    with pytest.raises(auth.Unauthorized, match="^Unauthorized$"):  # API Gateway's cue for a 401
        auth.authorize(token)
    return True


# --- accepted -------------------------------------------------------------------------------

def test_a_real_id_token_names_the_user_and_their_roles(token):
    actor = auth.verify_token(f"Bearer {token}")
    assert actor.username == "wang.li"
    assert actor.roles == frozenset({Role.SERVICE, Role.SALES})
    assert auth.verify_token(token) == actor  # the bare token too


NO_PROFILES = auth.StaffRecords(read=lambda username: None)  # accounts made in the pool alone keep their groups


def test_authorize_allows_every_route_and_passes_who_and_which_roles(token):
    response = auth.authorize(f"Bearer {token}", NO_PROFILES)
    assert response.routes == ["*"]
    assert response.principal_id == "wang.li"
    assert response.context == {"username": "wang.li", "roles": "sales,service"}


def test_a_token_signed_with_moto_key_is_genuine_so_the_forgeries_below_test_one_thing(token, moto_key):
    assert auth.verify_token(forge(token, moto_key)).username == "wang.li"


def test_unknown_group_names_are_ignored(token, moto_key):
    actor = auth.verify_token(forge(token, moto_key, **{"cognito:groups": ["quality", "marketing", "root"]}))
    assert actor.roles == frozenset({Role.QUALITY})
    assert auth.verify_token(forge(token, moto_key, drop=("cognito:groups",))).roles == frozenset()


def test_expiry_has_thirty_seconds_of_leeway(token, moto_key):
    assert auth.verify_token(forge(token, moto_key, exp=int(time.time()) - 10)).username == "wang.li"


# --- refused --------------------------------------------------------------------------------

def test_a_tampered_payload_is_refused(token):
    header, payload, signature = token.split(".")
    claims = {**claims_of(token), "cognito:groups": ["admin"]}
    assert refused(".".join([header, b64(json.dumps(claims).encode()), signature]))
    assert refused(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))


def test_a_signature_by_another_key_with_the_same_kid_is_refused(token):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert refused(forge(token, other))


def test_alg_none_is_refused(token):
    unsigned = jwt.encode(claims_of(token), None, algorithm="none", headers={"kid": MOTO_KID})
    assert refused(unsigned)
    assert refused(unsigned + "x")


def test_hs256_signed_with_the_public_key_is_refused(token, moto_key):
    public_pem = moto_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                    serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": MOTO_KID}).encode())
    payload = b64(json.dumps(claims_of(token)).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert refused(f"{header}.{payload}.{b64(signature)}")
    assert refused(forge(token, "a shared secret long enough for HS256 keys", algorithm="HS256"))


def test_an_expired_token_is_refused(token, moto_key):
    now = int(time.time())
    assert refused(forge(token, moto_key, iat=now - 7200, auth_time=now - 7200, exp=now - 60))


@pytest.mark.parametrize("claim", ["exp", "iss", "aud", "token_use", "cognito:username"])
def test_a_token_missing_a_required_claim_is_refused(token, moto_key, claim):
    assert refused(forge(token, moto_key, drop=(claim,)))


def test_a_token_of_another_issuer_is_refused(token, moto_key):
    issuer = claims_of(token)["iss"]
    assert refused(forge(token, moto_key, iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"))
    assert refused(forge(token, moto_key, iss=issuer[:-1]))  # not a prefix match either
    assert refused(forge(token, moto_key, iss=issuer + "x"))


def test_a_token_for_another_app_client_is_refused(token, moto_key):
    assert refused(forge(token, moto_key, aud="another-client"))
    assert refused(forge(token, moto_key, aud=claims_of(token)["aud"][:-1]))


def test_access_tokens_are_refused(pool, token, moto_key):
    assert refused(forge(token, moto_key, token_use="access"))
    real = clients.client("cognito-idp").initiate_auth(
        ClientId=pool["user_pool_client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "wang.li", "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    assert refused(real)


def test_a_token_of_another_pool_is_refused(pool, token, monkeypatch):
    other = create_pool(clients.client("cognito-idp"), "elsewhere", "elsewhere-console")
    identity = StaffIdentity(clients.client("cognito-idp"), other["user_pool_id"], other["user_pool_client_id"])
    identity.create_user("wang.li", PASSWORD, ["admin"], None, None)
    assert refused(identity.login("wang.li", PASSWORD)[0])


@pytest.mark.parametrize("garbage", [
    None, "", "Bearer", "Bearer ", "Basic d2FuZzpsaQ==", "abc", "a.b.c", "....", "Bearer a.b.c",
    "eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9.e30.", "\u4e2d.\u6587.\u5b57", "x" * 10_000,
    b64(b"[1,2]") + ".e30.sig", b64(b'{"alg":"RS256","kid":7}') + ".e30.sig",
    b64(b'{"alg":"RS256"}') + ".e30.sig", b64(b'{"alg":["RS256"],"kid":"dummy"}') + ".e30.sig",
])
def test_garbage_is_refused(pool, garbage):
    assert refused(garbage)


def test_an_unreachable_key_set_refuses_rather_than_fails(token, monkeypatch):
    monkeypatch.setenv("JWKS_URL", "http://127.0.0.1:9/nowhere/.well-known/jwks.json")
    reset()
    assert refused(token)


def test_unknown_kids_refetch_the_key_set_at_most_every_thirty_seconds(token, moto_key, monkeypatch):
    fetches = []
    fetch = auth._fetch
    monkeypatch.setattr(auth, "_fetch", lambda url: fetches.append(url) or fetch(url))
    auth.verify_token(token)
    auth.verify_token(token)
    assert len(fetches) == 1  # cached
    for _ in range(5):
        refused(forge(token, moto_key, kid="forged"))
    assert len(fetches) == 1  # fetched just now: no refetch for a forged kid
    auth._jwks._fetched_at -= auth.REFETCH_AT_MOST_EVERY + 1
    for _ in range(5):
        refused(forge(token, moto_key, kid="forged"))
    assert len(fetches) == 2  # one refetch, then quiet again
    auth._jwks._fetched_at -= auth.KEYS_TTL + 1
    auth.verify_token(token)
    assert len(fetches) == 3  # keys expire after ten minutes


def test_a_rotated_key_is_found_by_the_refetch_on_an_unknown_kid(token, moto_key, monkeypatch):
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_sets = [{MOTO_KID: moto_key.public_key()}, {MOTO_KID: moto_key.public_key(), "new": rotated.public_key()}]
    monkeypatch.setattr(auth, "_fetch", lambda url: key_sets.pop(0) if len(key_sets) > 1 else key_sets[0])
    auth.verify_token(token)
    auth._jwks._fetched_at -= auth.REFETCH_AT_MOST_EVERY + 1
    assert auth.verify_token(forge(token, rotated, kid="new")).username == "wang.li"


def test_unauthenticated_is_a_domain_error():
    assert issubclass(Unauthenticated, DomainError)


def test_the_authorizers_refusal_is_unauthenticated_and_says_exactly_unauthorized():
    assert issubclass(auth.Unauthorized, Unauthenticated) and str(auth.Unauthorized()) == "Unauthorized"


# --- current_actor and a Chalice app with the built-in authorizer ---------------------------

class FakeRequest:
    def __init__(self, context):
        self.context = context


def test_current_actor_reads_the_authorizer_context():
    actor = auth.current_actor(FakeRequest({"authorizer": {"username": "wang.li", "roles": "sales,service,x",
                                                          "principalId": "wang.li"}}))
    assert actor.username == "wang.li" and actor.roles == frozenset({Role.SALES, Role.SERVICE})
    for no_role in ("", "marketing,Admin"):  # none of the six staff roles: refused, not a staff member
        with pytest.raises(NotAllowed):
            auth.current_actor(FakeRequest({"authorizer": {"username": "zhao", "roles": no_role}}))
    for context in [{}, None, {"authorizer": None}, {"authorizer": {"principalId": "x"}}]:
        with pytest.raises(Unauthenticated):
            auth.current_actor(FakeRequest(context))


def staff_app():
    app = Chalice(app_name="auth-test")

    @app.authorizer()
    def staff_auth(auth_request):
        return auth.authorize(auth_request.token, NO_PROFILES)

    @app.route("/whoami", authorizer=staff_auth)
    def whoami():
        actor = auth.current_actor(app.current_request)
        return {"username": actor.username, "roles": sorted(actor.roles)}

    return app


def test_a_chalice_route_behind_the_authorizer_needs_a_valid_token(token, moto_key, tmp_path):
    with Client(staff_app(), project_dir=str(tmp_path)) as client:
        assert client.http.get("/whoami").status_code == 401
        for bad in ["Bearer nonsense", f"Bearer {token[:-3]}abc",
                    f"Bearer {forge(token, moto_key, exp=int(time.time()) - 3600)}"]:
            assert client.http.get("/whoami", headers={"Authorization": bad}).status_code == 401
        response = client.http.get("/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json_body == {"username": "wang.li", "roles": ["sales", "service"]}


# --- the stored profile has the last word ---------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def profiles(**members: StaffMember):
    clock = Clock()
    return auth.StaffRecords(read=lambda username: members.get(username), clock=clock), clock


def member(roles=("service", "sales"), **changes) -> StaffMember:
    return StaffMember("wang.li", "王丽", frozenset(Role(r) for r in roles), **changes)


def test_a_token_with_only_unknown_groups_has_no_role(token, moto_key):
    no_role = forge(token, moto_key, **{"cognito:groups": ["marketing", "Admin", 7]})
    assert auth.authenticate(no_role, NO_PROFILES).roles == frozenset()


def test_the_roles_are_those_of_the_token_that_the_profile_still_grants(token):
    records, _ = profiles(**{"wang.li": member(roles=("sales",))})
    assert auth.authenticate(token, records).roles == {Role.SALES}


def test_a_token_issued_before_the_members_access_changed_is_refused(token):
    issued = claims_of(token)["iat"]
    records, _ = profiles(**{"wang.li": member(tokens_valid_after=issued + 1)})
    with pytest.raises(Unauthenticated):
        auth.authenticate(token, records)
    records, _ = profiles(**{"wang.li": member(tokens_valid_after=issued)})
    assert auth.authenticate(token, records).username == "wang.li"


def test_a_deactivated_members_token_is_refused(token):
    records, _ = profiles(**{"wang.li": member(active=False)})
    with pytest.raises(Unauthenticated):
        auth.authenticate(token, records)


def test_a_change_reaches_a_cached_profile_within_the_cache_time(token):
    stored = {"wang.li": member()}
    clock = Clock()
    records = auth.StaffRecords(read=stored.get, clock=clock)
    assert auth.authenticate(token, records).roles == {Role.SERVICE, Role.SALES}
    stored["wang.li"] = member(roles=("service",), tokens_valid_after=claims_of(token)["iat"] + 1)
    clock.now += auth.STAFF_TTL - 1
    assert auth.authenticate(token, records).username == "wang.li"  # still the cached profile
    clock.now += 1
    with pytest.raises(Unauthenticated):
        auth.authenticate(token, records)
    assert auth.STAFF_TTL <= 60


class FlakyTable:
    """Profiles that can be read until the table goes down."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, username):
        if self.down:
            raise OSError("table unavailable")
        return member() if username == "wang.li" else None


def test_an_unreadable_profile_serves_the_last_known_one_and_refuses_without_one(token):
    table, clock = FlakyTable(), Clock()
    records = auth.StaffRecords(read=table, clock=clock)
    auth.authenticate(token, records)
    table.down = True
    clock.now += auth.STAFF_TTL + 1
    assert auth.authenticate(token, records).username == "wang.li"
    with pytest.raises(OSError):  # the log-in answers 503 (try again), the authorizer 401
        auth.authenticate(token, auth.StaffRecords(read=table, clock=clock))
    with pytest.raises(auth.Unauthorized):
        auth.authorize(token, auth.StaffRecords(read=table, clock=clock))


def test_an_unreadable_table_serves_a_cached_profile_for_a_minute_at_most(token):
    table, clock = FlakyTable(), Clock()
    records = auth.StaffRecords(read=table, clock=clock)
    auth.authenticate(token, records)
    table.down = True
    clock.now += auth.STALE_AT_MOST - 1
    assert auth.authenticate(token, records).username == "wang.li"
    clock.now += 2
    with pytest.raises(OSError):
        auth.authenticate(token, records)
