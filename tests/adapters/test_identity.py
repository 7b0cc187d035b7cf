"""StaffIdentity against moto's Cognito: the pool as the bootstrap creates it, accounts, groups, log-in."""
import jwt
import pytest

from chalicelib import clients, resources
from chalicelib.adapters.identity import StaffIdentity
from chalicelib.domain.errors import DomainError, InvalidCredentials
from infra.local_stack import create_pool

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def cognito(aws):
    return clients.client("cognito-idp")


@pytest.fixture
def pool(cognito):
    return create_pool(cognito, "complaints-staff-test", "complaints-console-test")


@pytest.fixture
def identity(cognito, pool):
    return StaffIdentity(cognito, pool["user_pool_id"], pool["user_pool_client_id"])


def groups_of(cognito, pool, username):
    response = cognito.admin_list_groups_for_user(UserPoolId=pool["user_pool_id"], Username=username)
    return sorted(g["GroupName"] for g in response["Groups"])


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_create_pool_makes_the_pool_its_app_client_and_one_group_per_role(cognito, pool):
    described = cognito.describe_user_pool(UserPoolId=pool["user_pool_id"])["UserPool"]
    assert described["Name"] == "complaints-staff-test"
    app = cognito.describe_user_pool_client(UserPoolId=pool["user_pool_id"],
                                            ClientId=pool["user_pool_client_id"])["UserPoolClient"]
    assert app["ClientName"] == "complaints-console-test"
    assert "ALLOW_USER_PASSWORD_AUTH" in app["ExplicitAuthFlows"]
    groups = cognito.list_groups(UserPoolId=pool["user_pool_id"])["Groups"]
    assert sorted(g["GroupName"] for g in groups) == sorted(resources.STAFF_GROUPS)


def test_a_created_user_logs_in_with_an_id_token_naming_them_and_their_groups(identity, pool):
    identity.create_user("wang.li", PASSWORD, ["service", "sales"], "wang.li@example.com", "王丽")
    token, expires_in = identity.login("wang.li", PASSWORD)
    assert expires_in > 0
    payload = claims(token)
    assert payload["token_use"] == "id"
    assert payload["cognito:username"] == "wang.li"
    assert payload["aud"] == pool["user_pool_client_id"]
    assert sorted(payload["cognito:groups"]) == ["sales", "service"]


def test_user_attributes_are_set_and_no_invitation_is_needed(identity, cognito, pool):
    identity.create_user("zhao.min", PASSWORD, ["quality"], "zhao.min@example.com", "赵敏")
    user = cognito.admin_get_user(UserPoolId=pool["user_pool_id"], Username="zhao.min")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "zhao.min@example.com"
    assert attributes["name"] == "赵敏"
    assert user["UserStatus"] == "CONFIRMED"


def test_a_wrong_password_or_an_unknown_user_is_invalid_credentials(identity):
    identity.create_user("wang.li", PASSWORD, ["service"], None, None)
    with pytest.raises(InvalidCredentials):
        identity.login("wang.li", "Wrong-Horse-42")
    with pytest.raises(InvalidCredentials):
        identity.login("nobody", PASSWORD)
    assert issubclass(InvalidCredentials, DomainError)


def test_an_account_facing_a_challenge_cannot_log_in_and_is_told_why(identity, cognito, pool):
    cognito.admin_create_user(UserPoolId=pool["user_pool_id"], Username="new.hire",
                              TemporaryPassword="Temporary-Pass-1", MessageAction="SUPPRESS")
    with pytest.raises(InvalidCredentials, match="NEW_PASSWORD_REQUIRED"):
        identity.login("new.hire", "Temporary-Pass-1")


def test_creating_an_existing_user_again_syncs_their_groups_and_password(identity, cognito, pool):
    identity.create_user("chen.jie", PASSWORD, ["service", "manager"], None, "陈杰")
    identity.create_user("chen.jie", "Another-Horse-43", ["manager", "leader"], None, "陈杰")
    assert groups_of(cognito, pool, "chen.jie") == ["leader", "manager"]
    with pytest.raises(InvalidCredentials):
        identity.login("chen.jie", PASSWORD)
    token, _ = identity.login("chen.jie", "Another-Horse-43")
    assert sorted(claims(token)["cognito:groups"]) == ["leader", "manager"]


def test_set_groups_adds_and_removes_to_match_exactly(identity, cognito, pool):
    identity.create_user("liu.yang", PASSWORD, ["sales"], None, None)
    identity.set_groups("liu.yang", ["quality", "admin"])
    assert groups_of(cognito, pool, "liu.yang") == ["admin", "quality"]
    identity.set_groups("liu.yang", [])
    assert groups_of(cognito, pool, "liu.yang") == []
    token, _ = identity.login("liu.yang", PASSWORD)
    assert claims(token).get("cognito:groups", []) == []
