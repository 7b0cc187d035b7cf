"""Staff access as an attacker would try it: no role, a manager reaching for an approver's account,
tokens outliving a change of powers, and a staff change that must not be half applied."""
from __future__ import annotations

from chalicelib import auth, clients
from infra.local_stack import DEMO_PASSWORD
from tests.real_cases import ODOR

LEADER = {"name": "周领导", "roles": ["leader"], "phone": "13900000001", "email": "leader@example.com",
          "password": "Taken-Over-2026a"}


def put_staff(api, username, data, user):
    return api.call("PUT", f"/api/v1/admin/staff/{username}", data, user=user)


def profile(api, username):
    return api.call("GET", f"/api/v1/admin/staff/{username}", user="admin1").data


def login(api, username, password=DEMO_PASSWORD):
    return api.call("POST", "/api/v1/auth/login", {"username": username, "password": password})


def groups(stack, username):
    cognito = clients.client("cognito-idp")
    found = cognito.admin_list_groups_for_user(UserPoolId=stack["USER_POOL_ID"], Username=username)["Groups"]
    return sorted(g["GroupName"] for g in found)


def with_token(api, token, method, path, body=None):
    return api.call(method, path, body, headers={"Authorization": f"Bearer {token}"})


# --- 2. a manager cannot take over an approver ---------------------------------------------------------

def test_a_manager_can_neither_reset_a_leaders_password_nor_create_a_leader(api):
    assert put_staff(api, "leader1", LEADER, "manager1").status_code == 403
    assert login(api, "leader1").status_code == 200  # the password the manager chose did not take
    assert login(api, "leader1", LEADER["password"]).status_code == 401
    assert put_staff(api, "puppet.leader", LEADER, "manager1").status_code == 403
    assert login(api, "puppet.leader", LEADER["password"]).status_code == 401


def test_a_manager_cannot_grant_leader_or_manager_nor_edit_another_manager(api):
    member = {"name": "钱进", "roles": ["sales"], "password": "New-Hire-Password-42"}
    assert put_staff(api, "new.hire", member, "manager1").status_code == 200
    for roles in (["sales", "leader"], ["manager"], ["admin"]):
        assert put_staff(api, "new.hire", {**member, "roles": roles}, "manager1").status_code == 403
    assert put_staff(api, "manager2", {**member, "roles": ["manager"]}, "manager1").status_code == 403
    assert profile(api, "new.hire")["roles"] == ["sales"]


def test_nobody_changes_their_own_roles_not_even_an_admin(api):
    me = profile(api, "admin1")
    body = {k: me[k] for k in ("name", "phone", "email", "territories", "compensation_limit")}
    assert put_staff(api, "admin1", {**body, "roles": ["admin", "leader"]}, "admin1").status_code == 403
    assert put_staff(api, "admin1", {**body, "roles": ["admin"], "name": "管理员"}, "admin1").status_code == 200


def test_the_admin_manages_leaders(api):
    assert put_staff(api, "leader1", {**LEADER, "name": "周立"}, "admin1").status_code == 200
    assert login(api, "leader1", LEADER["password"]).status_code == 200


# --- 3. old tokens lose old powers ------------------------------------------------------------------

def test_a_demoted_leaders_earlier_token_no_longer_exports(api, stack):
    token = api.token("leader1")
    assert with_token(api, token, "GET", "/api/v1/staff/export?format=csv").status_code == 200
    demoted = {**LEADER, "roles": ["service"]}
    del demoted["password"]
    assert put_staff(api, "leader1", demoted, "admin1").status_code == 200
    assert with_token(api, token, "GET", "/api/v1/staff/export?format=csv").status_code == 401
    fresh = login(api, "leader1")
    assert fresh.status_code == 200 and fresh.data["roles"] == ["service"]
    assert with_token(api, fresh.data["token"], "GET", "/api/v1/staff/export?format=csv").status_code == 403
    assert groups(stack, "leader1") == ["service"]


def test_a_password_reset_ends_the_tokens_issued_before(api):
    token = api.token("service1")
    body = {"name": "客服一", "roles": ["service"], "password": "A-New-Password-2026"}
    assert put_staff(api, "service1", body, "manager1").status_code == 200
    assert with_token(api, token, "GET", "/api/v1/staff/complaints").status_code == 401
    assert login(api, "service1").status_code == 401
    assert login(api, "service1", "A-New-Password-2026").status_code == 200


def test_a_deactivated_member_is_refused_at_log_in_and_their_token_stops(api, stack):
    token = api.token("quality1")
    answer = api.call("POST", "/api/v1/admin/staff/quality1/deactivate", user="manager1")
    assert answer.status_code == 200 and answer.data["active"] is False
    assert login(api, "quality1").status_code == 401
    assert with_token(api, token, "GET", "/api/v1/staff/complaints").status_code == 401
    assert "quality1" not in {m["username"] for m in api.call("GET", "/api/v1/staff/complaints", user="admin1")
                              .data.get("assignees", [])}
    subscribed = clients.client("sns").list_subscriptions_by_topic(TopicArn=stack["TOPIC_ARN"])["Subscriptions"]
    assert all("quality1" not in s.get("Endpoint", "") for s in subscribed)
    assert auth.staff_records.get("quality1").active is False
    staff = {m["username"]: m for m in api.call("GET", "/api/v1/admin/staff", user="admin1").data["items"]}
    assert staff["quality1"]["active"] is False  # still listed, marked


def test_who_may_deactivate_whom(api):
    assert api.call("POST", "/api/v1/admin/staff/leader1/deactivate", user="manager1").status_code == 403
    assert api.call("POST", "/api/v1/admin/staff/manager1/deactivate", user="manager1").status_code == 403
    assert api.call("POST", "/api/v1/admin/staff/quality1/deactivate", user="service1").status_code == 403
    assert api.call("POST", "/api/v1/admin/staff/nobody/deactivate", user="admin1").status_code == 404
    assert api.call("POST", "/api/v1/admin/staff/admin1/deactivate", user="admin1").status_code == 403
    assert login(api, "leader1").status_code == 200


def test_a_reactivated_member_logs_in_again(api):
    api.call("POST", "/api/v1/admin/staff/quality1/deactivate", user="admin1")
    body = {"name": "质检一", "roles": ["quality"]}
    assert put_staff(api, "quality1", body, "admin1").status_code == 200
    assert login(api, "quality1").status_code == 200


# --- 4. a staff update is all or nothing ------------------------------------------------------------

def test_an_update_without_an_email_applies_everywhere(api, stack):
    created = put_staff(api, "new.clerk", {"name": "客服二", "roles": ["service"], "password": "New-Hire-Password-42"},
                        "admin1")
    assert created.status_code == 200, created.body
    answer = put_staff(api, "new.clerk", {"name": "客服二", "roles": ["quality", "service"]}, "admin1")
    assert answer.status_code == 200, answer.body
    assert profile(api, "new.clerk")["roles"] == ["quality", "service"]
    assert groups(stack, "new.clerk") == ["quality", "service"]
    assert sync_states(stack, "new.clerk") == ["done", "done"]  # carried out in the request, nothing left over


def sync_states(stack, username):
    from chalicelib.adapters.dynamo import from_item, to_item

    found = clients.client("dynamodb").query(
        TableName=stack["TABLE_NAME"], KeyConditionExpression="pk = :pk AND begins_with(sk, :outbox)",
        ExpressionAttributeValues=to_item({":pk": f"STAFF#{username}", ":outbox": "OUTBOX#"}))["Items"]
    return [from_item(i)["status"] for i in found]


def test_a_member_without_any_role_reads_nothing(api, stack):
    """An account whose groups were removed (or never added) logs in but gets nothing."""
    cognito = clients.client("cognito-idp")
    cognito.admin_remove_user_from_group(UserPoolId=stack["USER_POOL_ID"], Username="sales_cs", GroupName="sales")
    complaint = api.call("POST", "/api/v1/complaints", ODOR).data["complaint_id"]
    token = login(api, "sales_cs").data["token"]
    for path in ("/api/v1/staff/complaints", f"/api/v1/staff/complaints/{complaint}",
                 f"/api/v1/staff/complaints/{complaint}/feedback-form", "/api/v1/staff/stats",
                 "/api/v1/admin/staff"):
        assert with_token(api, token, "GET", path).status_code == 403, path


# --- found in review --------------------------------------------------------------------------------

def test_a_manager_cannot_take_over_a_pool_account_that_has_no_profile_yet(api, stack):
    from chalicelib.adapters.identity import StaffIdentity

    pool = StaffIdentity(clients.client("cognito-idp"), stack["USER_POOL_ID"], stack["USER_POOL_CLIENT_ID"])
    pool.create_user("root.admin", "First-Admin-Pass-2026", ["admin"])  # the first admin, made in the pool
    takeover = {"name": "接管", "roles": ["sales"], "password": "Taken-Over-2026a"}
    assert put_staff(api, "root.admin", takeover, "manager1").status_code == 403
    assert groups(stack, "root.admin") == ["admin"]
    assert login(api, "root.admin", "Taken-Over-2026a").status_code == 401


def test_a_staff_change_over_a_profile_changed_since_it_was_read_is_a_conflict(api):
    from chalicelib.domain.errors import ConcurrentChange
    from chalicelib.wiring import adapters

    read_before = adapters().directory.staff("quality1")
    assert api.call("POST", "/api/v1/admin/staff/quality1/deactivate", user="admin1").status_code == 200
    read_before.name = "改名"
    try:
        adapters().directory.put_staff(read_before)
        raise AssertionError("a stale write was stored")
    except ConcurrentChange:
        pass
    assert adapters().directory.staff("quality1").active is False


def test_the_profile_is_found_whatever_the_case_of_the_tokens_username(api):
    from tests.tokens import forge, moto_signing_key

    token = api.token("quality1")
    assert api.call("POST", "/api/v1/admin/staff/quality1/deactivate", user="admin1").status_code == 200
    shouting = forge(token, moto_signing_key(), **{"cognito:username": "Quality1"})
    assert with_token(api, shouting, "GET", "/api/v1/staff/complaints").status_code == 401


def test_a_deactivated_salesperson_can_be_given_no_complaint_and_no_territory(api):
    member = {"name": "钱进", "roles": ["sales"], "password": "New-Hire-Password-42"}
    assert put_staff(api, "gone.sales", member, "admin1").status_code == 200
    assert api.call("POST", "/api/v1/admin/staff/gone.sales/deactivate", user="admin1").status_code == 200
    cid = api.call("POST", "/api/v1/complaints", ODOR).data["complaint_id"]
    assigned = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions",
                        {"action": "assign", "assignee": "gone.sales"}, user="service1")
    assert assigned.status_code == 400 and assigned.data["error"]["fields"][0]["field"] == "assignee"
    territory = {"name": "湖南长沙片区", "places": [{"province": "湖南", "city": "长沙"}], "salesperson": "gone.sales"}
    assert api.call("PUT", "/api/v1/admin/territories/HN-CS", territory, user="admin1").status_code == 400


def test_a_member_without_any_role_is_refused_before_any_parameter_is_read(api, stack):
    cognito = clients.client("cognito-idp")
    cognito.admin_remove_user_from_group(UserPoolId=stack["USER_POOL_ID"], Username="sales_cs", GroupName="sales")
    token = login(api, "sales_cs").data["token"]
    for path in ("/api/v1/staff/complaints?limit=999", "/api/v1/staff/export?format=pdf",
                 "/api/v1/admin/staff/Bad%20Name", "/api/v1/staff/stats?by=nothing"):
        assert with_token(api, token, "GET", path).status_code == 403, path
    assert with_token(api, token, "POST", "/api/v1/admin/staff/Bad%20Name/deactivate").status_code == 403
