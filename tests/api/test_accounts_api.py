"""Key accounts through the HTTP API: who may, what is checked, two admins at once, and the routing they feed
(a complaint naming an account goes to its salesperson; an unknown id is routed by place and shown)."""
from __future__ import annotations

import os

import pytest

from tests.api.conftest import module_api
from tests.real_cases import ODOR

DISTRIBUTOR = {"name": "长沙某经销商", "type": "distributor", "territory": "HN-CS", "salesperson": "sales_wh",
               "key_account": False}


@pytest.fixture(scope="module")
def api(moto_server):
    with module_api(moto_server) as api:
        yield api


@pytest.fixture(scope="module")
def no_role(api):
    """A token of a pool account in no staff group."""
    from chalicelib import clients
    from chalicelib.adapters.identity import StaffIdentity

    identity = StaffIdentity(clients.client("cognito-idp"), os.environ["USER_POOL_ID"],
                             os.environ["USER_POOL_CLIENT_ID"])
    identity.create_user("nobody.accounts", "In-No-Group-2026", [])
    return {"Authorization": f"Bearer {identity.login('nobody.accounts', 'In-No-Group-2026')[0]}"}


def account(api, account_id, data=None, user="admin1", method="PUT", headers=None):
    path = f"/api/v1/admin/accounts/{account_id}"
    return api.call(method, path, data, user=None if headers else user, headers=headers)


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def fields(response):
    assert response.status_code == 400, response.body
    return {f["field"]: f["message"] for f in response.data["error"]["fields"]}


def staff_complaint(api, customer, channel="distributor", user="service1"):
    data = {**ODOR, "customer": {**ODOR["customer"], **customer}, "channel": channel}
    receipt = ok(api.call("POST", "/api/v1/staff/complaints", data, user=user), 201)
    return receipt, ok(api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="manager1"))


def history(record, action):
    return [h for h in record["history"] if h["action"] == action]


# --- who may -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["service1", "sales_cs", "quality1", "leader1"])
def test_only_managers_and_admins_may_list_read_change_or_remove_accounts(api, user):
    assert api.call("GET", "/api/v1/admin/accounts", user=user).status_code == 403
    assert account(api, "HOTEL-CS-001", user=user, method="GET").status_code == 403
    assert account(api, "NEW-001", DISTRIBUTOR, user=user).status_code == 403
    assert account(api, "HOTEL-CS-001", user=user, method="DELETE").status_code == 403
    assert ok(account(api, "HOTEL-CS-001", method="GET"))["name"] == "长沙某五星级酒店"


def test_a_token_with_no_role_is_refused_everywhere(api, no_role):
    assert api.call("GET", "/api/v1/admin/accounts", headers=no_role).status_code == 403
    for method, data in (("GET", None), ("PUT", DISTRIBUTOR), ("DELETE", None)):
        assert account(api, "HOTEL-CS-001", data, method=method, headers=no_role).status_code == 403


def test_a_non_maintainer_is_refused_before_the_body_or_the_id_is_read(api):
    assert account(api, "NOT AN ID!", {"name": ""}, user="sales_cs").status_code == 403


def test_without_a_token_the_accounts_are_closed(api):
    assert api.call("GET", "/api/v1/admin/accounts").status_code == 401


def test_a_manager_creates_changes_and_removes_an_account(api):
    created = ok(account(api, "MGR-001", DISTRIBUTOR, user="manager1"))
    assert created["revision"] == 1 and created["open_with_previous"] == 0
    changed = ok(account(api, "MGR-001", {**DISTRIBUTOR, "key_account": True, "revision": 1}, user="manager1"))
    assert changed["key_account"] is True and changed["revision"] == 2
    assert account(api, "MGR-001", user="manager1", method="DELETE").status_code == 204


# --- what is checked ---------------------------------------------------------------------------------------

def test_an_account_id_is_upper_cased_and_the_same_in_any_case(api):
    created = ok(account(api, "dist-cs-002", DISTRIBUTOR))
    assert created["account_id"] == "DIST-CS-002"
    assert ok(account(api, "Dist-Cs-002", method="GET"))["name"] == "长沙某经销商"


@pytest.mark.parametrize("bad", ["-LEADING-DASH", "A" * 41, "有中文", "A+B"])
def test_an_account_id_names_its_form_and_its_limit_of_40(api, bad):
    assert fields(account(api, bad, DISTRIBUTOR)) == {"account_id": "应为 1-40 个字母、数字或 _ . -, 以字母或数字开头"}


def test_forty_characters_are_an_account_id(api):
    assert ok(account(api, "A" * 40, DISTRIBUTOR))["account_id"] == "A" * 40


def test_each_field_is_checked_with_its_real_limit(api):
    refused = fields(account(api, "BAD-001", {"name": "长" * 101, "type": "consumer", "territory": "HN CS",
                                              "salesperson": "sales cs", "key_account": "maybe"}))
    assert refused["name"] == "太长, 最多 100 个字"
    assert refused["type"].startswith("应为以下之一") and "distributor" in refused["type"]
    assert "consumer" not in refused["type"]  # a consumer is no account
    assert set(refused) == {"name", "type", "territory", "salesperson", "key_account"}


def test_the_fields_are_required(api):
    assert set(fields(account(api, "BAD-002", {}))) == {"name", "type", "territory", "salesperson"}
    refused = fields(account(api, "BAD-002", {**DISTRIBUTOR, "territory": None, "salesperson": ""}))
    assert refused == {"territory": "必填", "salesperson": "必填"}


def test_a_territory_that_does_not_exist_is_refused_by_name(api):
    assert fields(account(api, "BAD-003", {**DISTRIBUTOR, "territory": "XX-YY"})) == {"territory": "没有这个片区"}


@pytest.mark.parametrize("who", ["service1", "quality1", "no.such.person"])
def test_the_salesperson_must_be_an_active_member_with_the_sales_role(api, who):
    assert fields(account(api, "BAD-004", {**DISTRIBUTOR, "salesperson": who})) == {
        "salesperson": "应为在职的业务员 (有销售角色)"}


def test_english_messages_for_english_callers(api):
    response = api.call("PUT", "/api/v1/admin/accounts/BAD-005", {**DISTRIBUTOR, "territory": "XX-YY"},
                        user="admin1", headers={"Accept-Language": "en"})
    assert fields(response) == {"territory": "is not a known territory"}


# --- two admins at once ------------------------------------------------------------------------------------

def test_a_put_over_a_stale_revision_is_a_conflict(api):
    first = ok(account(api, "RACE-001", {**DISTRIBUTOR, "revision": 0}))
    mine = ok(account(api, "RACE-001", {**DISTRIBUTOR, "name": "我改的", "revision": first["revision"]}))
    theirs = account(api, "RACE-001", {**DISTRIBUTOR, "name": "他改的", "revision": first["revision"]})
    assert theirs.status_code == 409 and theirs.data["error"]["code"] == "conflict"
    assert ok(account(api, "RACE-001", method="GET")) == {k: v for k, v in mine.items() if k != "open_with_previous"}


def test_creating_with_revision_0_what_someone_created_meanwhile_is_a_conflict(api):
    ok(account(api, "RACE-002", {**DISTRIBUTOR, "revision": 0}))
    assert account(api, "RACE-002", {**DISTRIBUTOR, "revision": 0}, user="manager1").status_code == 409


def test_a_put_without_a_revision_replaces_the_account(api):
    ok(account(api, "RACE-003", DISTRIBUTOR))
    assert ok(account(api, "RACE-003", {**DISTRIBUTOR, "name": "新名字"}))["revision"] == 2


# --- get, delete, list -------------------------------------------------------------------------------------

def test_an_unknown_account_is_not_found_to_read_or_to_remove(api):
    assert account(api, "NO-SUCH-ACCOUNT", method="GET").status_code == 404
    assert account(api, "NO-SUCH-ACCOUNT", method="DELETE").status_code == 404


def test_a_removed_account_is_gone_from_the_list_and_from_reading(api):
    ok(account(api, "GONE-001", {**DISTRIBUTOR, "name": "将删除的经销商"}))
    assert account(api, "gone-001", method="DELETE").status_code == 204
    assert account(api, "GONE-001", method="GET").status_code == 404
    assert account(api, "GONE-001", method="DELETE").status_code == 404
    listed = ok(api.call("GET", "/api/v1/admin/accounts?q=将删除", user="admin1"))["items"]
    assert listed == []


def test_the_list_holds_the_demo_accounts_by_id(api):
    items = ok(api.call("GET", "/api/v1/admin/accounts?limit=100", user="manager1"))["items"]
    ids = [a["account_id"] for a in items]
    assert {"AFF-GZ-001", "DIST-WH-001", "HOTEL-CS-001"} <= set(ids) and ids == sorted(ids)
    hotel = next(a for a in items if a["account_id"] == "HOTEL-CS-001")
    assert hotel == {"account_id": "HOTEL-CS-001", "name": "长沙某五星级酒店", "type": "hotel", "territory": "HN-CS",
                     "salesperson": "sales_cs", "key_account": True, "revision": 1}


def test_the_list_comes_a_page_at_a_time(api):
    for n in range(3):
        ok(account(api, f"PAGE-{n}", DISTRIBUTOR))
    seen, cursor = [], None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = ok(api.call("GET", f"/api/v1/admin/accounts?{query}", user="admin1"))
        assert len(page["items"]) <= 2
        seen += [a["account_id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and {"PAGE-0", "PAGE-1", "PAGE-2", "HOTEL-CS-001"} <= set(seen)
    assert len(seen) == len(set(seen))


def test_a_search_finds_accounts_by_the_beginning_of_the_id_or_the_name(api):
    by_id = ok(api.call("GET", "/api/v1/admin/accounts?q=hotel-cs", user="admin1"))
    assert [a["account_id"] for a in by_id["items"]] == ["HOTEL-CS-001"] and by_id["next_cursor"] is None
    by_name = ok(api.call("GET", "/api/v1/admin/accounts?q=武汉", user="admin1"))["items"]
    assert [a["account_id"] for a in by_name] == ["DIST-WH-001"]
    assert ok(api.call("GET", "/api/v1/admin/accounts?q=武汉某 经销", user="admin1"))["items"] == by_name


def test_a_renamed_account_is_found_by_its_new_name_only(api):
    ok(account(api, "RENAME-001", {**DISTRIBUTOR, "name": "旧名称酒店"}))
    ok(account(api, "RENAME-001", {**DISTRIBUTOR, "name": "新名称酒店"}))
    assert ok(api.call("GET", "/api/v1/admin/accounts?q=旧名称", user="admin1"))["items"] == []
    found = ok(api.call("GET", "/api/v1/admin/accounts?q=新名称", user="admin1"))["items"]
    assert [a["account_id"] for a in found] == ["RENAME-001"]


def test_the_list_parameters_are_checked(api):
    assert set(fields(api.call("GET", "/api/v1/admin/accounts?limit=101", user="admin1"))) == {"limit"}
    assert fields(api.call("GET", "/api/v1/admin/accounts?limit=0", user="admin1")) == {"limit": "应不小于 1"}
    assert set(fields(api.call("GET", "/api/v1/admin/accounts?cursor=%23x", user="admin1"))) == {"cursor"}


# --- the routing it feeds ----------------------------------------------------------------------------------

def test_a_distributor_complaint_naming_an_account_made_through_the_api_goes_to_its_salesperson(api):
    # GIVEN a distributor in Changsha (sales_cs's territory) served by sales_wh, made through the API
    ok(account(api, "DIST-CS-100", {**DISTRIBUTOR, "name": "长沙新经销商"}, user="manager1"))
    # WHEN it complains, naming its account in lower case
    receipt, record = staff_complaint(api, {"type": "distributor", "name": "赵经理", "phone": "13700000100",
                                            "account_id": "dist-cs-100"})
    # THEN its salesperson has it, nobody is told of an unknown account, and the id is kept as given
    assert record["assignee"] == "sales_wh" and record["territory"] == "HN-CS"
    assert receipt["severity"] == "normal" and history(record, "unknown_account") == []
    assert record["customer"]["account_id"] == "dist-cs-100"
    assignment = next(m for m in api.outbox() if m["complaint_id"] == receipt["complaint_id"]
                      and m["event"] == "assigned" and m["channel"] == "sms")
    assert assignment["recipient"] == "sales_wh"


def test_a_key_account_made_through_the_api_makes_its_complaints_major(api):
    ok(account(api, "HOTEL-CS-200", {**DISTRIBUTOR, "type": "hotel", "name": "长沙新酒店", "key_account": True,
                                     "salesperson": "sales_cs"}))
    receipt, record = staff_complaint(api, {"type": "hotel", "name": "钱经理", "phone": "13700000200",
                                            "account_id": "HOTEL-CS-200"}, channel="salesperson", user="sales_cs")
    assert receipt["severity"] == "major" and record["assignee"] == "sales_cs"


def test_an_unknown_account_is_kept_routed_by_place_and_shown_to_the_manager(api):
    # GIVEN no account DIST-XX-404; WHEN a distributor in Wuhan names it
    _, record = staff_complaint(api, {"type": "distributor", "name": "孙经理", "phone": "13700000404",
                                      "province": "湖北", "city": "武汉", "account_id": "dist-xx-404"})
    # THEN the territory's salesperson has it, and its history says the id is not registered
    assert record["assignee"] == "sales_wh" and record["territory"] == "HB-WH"
    assert record["customer"]["account_id"] == "dist-xx-404"
    [entry] = history(record, "unknown_account")
    assert entry["actor"] == "system" and entry["data"] == {"account_id": "DIST-XX-404"}
    from chalicelib.domain.labels import ACTION
    assert ACTION["unknown_account"][0] == "未登记的客户编号"


def test_a_removed_accounts_complaints_go_by_place_and_say_so(api):
    ok(account(api, "DIST-CS-300", {**DISTRIBUTOR, "name": "将停用的经销商"}))
    assert account(api, "DIST-CS-300", method="DELETE").status_code == 204
    _, record = staff_complaint(api, {"type": "distributor", "name": "周经理", "phone": "13700000300",
                                      "account_id": "DIST-CS-300"})
    assert record["assignee"] == "sales_cs" and len(history(record, "unknown_account")) == 1


def test_a_consumers_loyalty_card_number_is_no_unknown_account(api):
    _, record = staff_complaint(api, {"account_id": "VIP-88012345"}, channel="hotline")
    assert record["assignee"] == "sales_cs" and history(record, "unknown_account") == []


def test_a_new_salesperson_is_offered_the_accounts_open_complaints_and_gets_them_when_asked(api):
    # GIVEN an account served by sales_wh with an open complaint
    ok(account(api, "DIST-CS-400", {**DISTRIBUTOR, "name": "换人的经销商"}))
    receipt, record = staff_complaint(api, {"type": "distributor", "name": "吴经理", "phone": "13700000400",
                                            "account_id": "DIST-CS-400"})
    assert record["assignee"] == "sales_wh"
    # WHEN sales_cs takes the account over, first without moving, then moving its open complaints
    stayed = ok(account(api, "DIST-CS-400", {**DISTRIBUTOR, "name": "换人的经销商", "salesperson": "sales_cs"}))
    assert stayed["open_with_previous"] == 1
    ok(account(api, "DIST-CS-400", {**DISTRIBUTOR, "name": "换人的经销商"}))  # back to sales_wh
    path = "/api/v1/admin/accounts/DIST-CS-400?move_open=true"
    moved = ok(api.call("PUT", path, {**DISTRIBUTOR, "name": "换人的经销商", "salesperson": "sales_cs"},
                        user="admin1"))
    # THEN the complaint is sales_cs's
    assert moved["moved"] == [{"complaint_id": receipt["complaint_id"], "to": "sales_cs"}]
    detail = ok(api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="manager1"))
    assert detail["assignee"] == "sales_cs"
