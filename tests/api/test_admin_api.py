"""Administration through the HTTP API: staff, territories (routing is data) and personal-data erasure."""
from __future__ import annotations

import json

import pytest
import requests

from chalicelib import clients
from tests.real_cases import ODOR, body

PASSWORD = "New-Hire-Password-42"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NEW_SALES = {"name": "钱进", "phone": "13700001111", "email": "qian.jin@example.com", "roles": ["sales"],
             "territories": ["HN-CS"], "compensation_limit": "300", "password": PASSWORD}


def put(api, path, data, user="admin1", headers=None):
    return api.call("PUT", f"/api/v1/admin/{path}", data, user=user, headers=headers)


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def fields(response):
    assert response.status_code == 400, response.body
    return {f["field"]: f["message"] for f in response.data["error"]["fields"]}


def sns_endpoints(stack):
    subs = clients.client("sns").list_subscriptions_by_topic(TopicArn=stack["TOPIC_ARN"])["Subscriptions"]
    return {(s["Protocol"], s["Endpoint"]) for s in subs}


def submit(api, **changes):
    return ok(api.call("POST", "/api/v1/complaints", body(ODOR, **changes)), 201)


def record(api, complaint_id, user="admin1"):
    return ok(api.call("GET", f"/api/v1/staff/complaints/{complaint_id}", user=user))


# --- who may ---------------------------------------------------------------------------------------

def test_only_managers_and_admins_may_see_or_change_staff_and_territories(api):
    for user in ("service1", "sales_cs", "quality1", "leader1"):
        assert put(api, "staff/new.hire", NEW_SALES, user=user).status_code == 403
        territory = {"name": "x", "places": [{"province": "湖南"}]}
        assert put(api, "territories/HN-CS", territory, user=user).status_code == 403
        assert api.call("GET", "/api/v1/admin/staff/sales_cs", user=user).status_code == 403
        assert api.call("GET", "/api/v1/admin/territories", user=user).status_code == 403


def test_a_non_maintainer_is_refused_before_the_body_is_read(api):
    for path in ("staff/new.hire", "territories/HN-CS", "staff/NOT A NAME!"):
        assert put(api, path, {"name": ""}, user="sales_cs").status_code == 403


def test_without_a_token_the_admin_endpoints_are_closed(api):
    assert api.call("GET", "/api/v1/admin/staff").status_code == 401


def test_a_manager_maintains_staff_but_cannot_grant_or_touch_the_admin_role(api):
    ok(put(api, "staff/new.hire", NEW_SALES, user="manager1"))
    assert put(api, "staff/new.hire", {**NEW_SALES, "roles": ["admin"]}, user="manager1").status_code == 403
    assert put(api, "staff/admin1", {"name": "管理员", "roles": ["admin"]}, user="manager1").status_code == 403


def test_only_an_admin_may_erase_personal_data(api):
    cid = submit(api)["complaint_id"]
    for user in ("manager1", "service1", "sales_cs"):
        assert api.call("POST", f"/api/v1/admin/complaints/{cid}/erase", {}, user=user).status_code == 403
    assert record(api, cid)["customer"]["name"] == "张先生"


# --- staff -----------------------------------------------------------------------------------------

def test_a_new_staff_member_gets_an_account_in_their_groups_and_can_log_in(api, stack):
    saved = ok(put(api, "staff/New.Hire", {**NEW_SALES, "roles": ["sales", "quality"]}))
    assert saved == {"username": "new.hire", "name": "钱进", "phone": "+8613700001111",
                     "email": "qian.jin@example.com", "roles": ["quality", "sales"], "territories": ["HN-CS"],
                     "compensation_limit": "300.00", "active": True}
    login = ok(api.call("POST", "/api/v1/auth/login", {"username": "new.hire", "password": PASSWORD}))
    assert login["roles"] == ["quality", "sales"]
    assert ok(api.call("GET", "/api/v1/admin/staff/new.hire", user="manager1")) == saved
    assert {("sms", "+8613700001111"), ("email", "qian.jin@example.com")} <= sns_endpoints(stack)


def test_a_new_staff_member_needs_an_initial_password(api):
    no_password = {k: v for k, v in NEW_SALES.items() if k != "password"}
    assert "password" in fields(put(api, "staff/new.hire", no_password))
    assert "password" in fields(put(api, "staff/new.hire", {**NEW_SALES, "password": "short"}))
    assert api.call("GET", "/api/v1/admin/staff/new.hire", user="admin1").status_code == 404


def test_changing_a_role_changes_the_groups_in_the_next_token(api):
    ok(put(api, "staff/quality1", {"name": "赵工", "roles": ["quality", "leader"], "phone": "+8613900000020",
                                   "email": "quality1@example.com"}))
    login = ok(api.call("POST", "/api/v1/auth/login", {"username": "quality1", "password": _demo_password()}))
    assert login["roles"] == ["leader", "quality"]


def test_a_new_phone_and_email_replace_the_sns_subscriptions_and_messages_follow(api, stack):
    ok(put(api, "staff/sales_cs", {"name": "李明", "roles": ["sales"], "territories": ["HN-CS"],
                                   "phone": "139 1111 2222", "email": "li.ming@example.com"}))
    endpoints = sns_endpoints(stack)
    assert {("sms", "+8613911112222"), ("email", "li.ming@example.com")} <= endpoints
    assert not {("sms", "+8613900000001"), ("email", "sales_cs@example.com")} & endpoints
    account = clients.client("cognito-idp").admin_get_user(UserPoolId=stack["USER_POOL_ID"], Username="sales_cs")
    assert {"Name": "email", "Value": "li.ming@example.com"} in account["UserAttributes"]
    cid = submit(api)["complaint_id"]
    sent = {(m["channel"], m["to"]) for m in api.outbox() if m["complaint_id"] == cid and m["recipient"] == "sales_cs"}
    assert sent == {("sms", "+8613911112222"), ("email", "li.ming@example.com")}


def test_bad_staff_input_names_each_field_in_chinese_by_default_and_english_on_request(api):
    bad = {"name": "", "phone": "12345", "email": "not-an-email", "roles": ["boss"], "compensation_limit": "-1",
           "territories": ["NOWHERE"], "password": PASSWORD, "salary": 1}
    zh = fields(put(api, "staff/new.hire", bad))
    en = fields(put(api, "staff/new.hire", bad, headers={"Accept-Language": "en"}))
    assert set(zh) == set(en) == {"name", "phone", "email", "roles.0", "compensation_limit", "salary"}
    assert zh["phone"] == "手机或电话号码无效" and en["phone"] == "is not a valid phone number"
    assert "territories.0" in fields(put(api, "staff/new.hire", {**NEW_SALES, "territories": ["NOWHERE"]}))
    assert "username" in fields(put(api, "staff/bad%20name!", NEW_SALES))


def test_a_salesperson_who_still_serves_a_territory_keeps_the_sales_role(api):
    response = put(api, "staff/sales_cs", {"name": "李明", "roles": ["service"]})
    assert fields(response) == {"roles": "此人仍是片区业务员, 请先更换片区业务员"}


def test_the_staff_list_holds_every_member(api):
    usernames = [m["username"] for m in ok(api.call("GET", "/api/v1/admin/staff", user="manager1"))["items"]]
    assert usernames == sorted(["admin1", "leader1", "manager1", "quality1", "sales_cs", "sales_gz", "sales_wh",
                                "service1"])


# --- territories -----------------------------------------------------------------------------------

def test_a_new_salesperson_of_a_territory_gets_its_new_complaints(api):
    before = submit(api)["complaint_id"]
    saved = ok(put(api, "territories/hn-cs", {"name": "湖南长沙片区", "salesperson": "sales_wh", "places": [
        {"province": "湖南", "city": "长沙"}, {"province": "湖南"}]}, user="manager1"))
    assert saved["code"] == "HN-CS" and saved["salesperson"] == "sales_wh"
    after = submit(api)["complaint_id"]
    assert record(api, after)["assignee"] == "sales_wh"
    assert record(api, before)["assignee"] == "sales_cs"  # already assigned: stays
    assert "HN-CS" in ok(api.call("GET", "/api/v1/admin/staff/sales_wh", user="admin1"))["territories"]
    assert "HN-CS" not in ok(api.call("GET", "/api/v1/admin/staff/sales_cs", user="admin1"))["territories"]


def test_cities_added_to_or_removed_from_a_territory_change_where_complaints_go(api):
    ok(put(api, "territories/HN-YY", {"name": "湖南岳阳片区", "salesperson": "sales_gz",
                                      "places": [{"province": "湖南省", "city": "岳阳市"}]}))
    ok(put(api, "territories/HN-CS", {"name": "湖南长沙片区", "salesperson": "sales_cs",
                                      "places": [{"province": "湖南", "city": "长沙"}]}))
    yueyang = submit(api, customer={**ODOR["customer"], "city": "岳阳"})["complaint_id"]
    zhuzhou = submit(api, customer={**ODOR["customer"], "city": "株洲"})["complaint_id"]
    assert record(api, yueyang)["assignee"] == "sales_gz"
    assert record(api, zhuzhou).get("assignee") is None  # no longer any route for the rest of Hunan
    codes = [t["code"] for t in ok(api.call("GET", "/api/v1/admin/territories", user="manager1"))["items"]]
    assert codes == ["GD-GZ", "HB-WH", "HN-CS", "HN-YY"]


def test_a_place_served_by_another_territory_is_refused(api):
    response = put(api, "territories/HB-WH", {"name": "湖北武汉片区", "salesperson": "sales_wh", "places": [
        {"province": "湖北", "city": "武汉"}, {"province": "湖南", "city": "长沙市"}]})
    assert set(fields(response)) == {"places.1"}
    assert ok(api.call("GET", "/api/v1/admin/territories/HB-WH", user="admin1"))["places"] == [
        {"province": "湖北", "city": "武汉"}, {"province": "湖北", "city": None}]


def test_bad_territory_input_names_the_field(api):
    assert set(fields(put(api, "territories/HN-CS", {"name": "x", "places": []}))) == {"places"}
    assert set(fields(put(api, "territories/HN-CS", {"name": "x", "places": [{"province": "湖南"}],
                                                     "salesperson": "service1"}))) == {"salesperson"}
    dup = put(api, "territories/HN-CS", {"name": "x", "places": [{"province": "湖南"}, {"province": "湖南省"}]},
              headers={"Accept-Language": "en"})
    assert fields(dup) == {"places": "has duplicate items"}
    assert api.call("GET", "/api/v1/admin/territories/XX-00", user="admin1").status_code == 404


# --- erasure ---------------------------------------------------------------------------------------

def upload_photo(api) -> tuple[str, str]:
    post = ok(api.call("POST", "/api/v1/uploads", {"filename": "p.png", "content_type": "image/png",
                                                   "size": len(PNG)}), 201)
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("p", PNG, "image/png")}, timeout=10)
    assert sent.status_code in (200, 204)
    return post["upload_id"], f"uploads/{post['upload_id']}"


def partition_texts(complaint_id) -> str:
    items = clients.client("dynamodb").query(
        TableName=clients.settings().table_name, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"COMPLAINT#{complaint_id}"}})["Items"]
    return json.dumps(items, ensure_ascii=False)


def erase(api, complaint_id, user="admin1", **data):
    return api.call("POST", f"/api/v1/admin/complaints/{complaint_id}/erase", data, user=user)


@pytest.fixture
def complaint_with_personal_data(api):
    upload_id, key = upload_photo(api)
    customer = {**ODOR["customer"], "email": "zhang@example.com", "address": "长沙市雨花区某路 8 号"}
    receipt = submit(api, customer=customer, upload_ids=[upload_id],
                     description="打开后有很大的油漆味, 请打 138-0013-8000 找张先生")
    cid = receipt["complaint_id"]
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions",
                        {"action": "contact", "note": "已致电张先生 13800138000"}, user="sales_cs")
    assert response.status_code == 200, response.body
    api.outbox()  # deliver the assignment SMS, whose text names the customer
    return receipt, key


def test_erasure_removes_the_complainants_data_and_photos_and_keeps_the_complaint(api, stack,
                                                                                 complaint_with_personal_data):
    receipt, photo_key = complaint_with_personal_data
    cid = receipt["complaint_id"]
    before = record(api, cid)
    assert "13800138000" in partition_texts(cid) and "张先生" in partition_texts(cid)
    erased = ok(erase(api, cid, reason="顾客来电要求删除个人信息"))
    customer = erased["customer"]
    assert customer["name"] == customer["phone"] == "[已删除]"
    assert "email" not in customer and "address" not in customer
    assert (customer["province"], customer["city"]) == ("湖南", "长沙")
    assert erased["photos"] == [] and erased["erased"]["by"] == "admin1"
    assert erased["erased"]["fields"] == ["name", "phone", "email", "address"]
    assert erased["description"] == "打开后有很大的油漆味, 请打 [已删除] 找[已删除]"
    for kept in ("status", "category", "severity", "assignee", "territory", "product", "received_at", "channel"):
        assert erased[kept] == before[kept]
    assert [h["action"] for h in erased["history"]] == [h["action"] for h in before["history"]] + ["erased"]
    assert erased["history"][-1]["actor"] == "admin1"
    pii = ("13800138000", "张先生", "zhang@example.com", "雨花区")
    texts = partition_texts(cid)
    assert not any(p in texts for p in pii)
    listed = ok(api.call("GET", "/api/v1/staff/complaints", user="sales_cs"))["items"]
    shown = json.dumps([record(api, cid, user="sales_cs"), listed], ensure_ascii=False)
    assert cid in shown and not any(p in shown for p in pii)
    assert clients.client("s3").list_objects_v2(Bucket=stack["BUCKET_NAME"]).get("KeyCount", 0) == 0
    assert photo_key not in texts


def test_after_erasure_the_public_status_still_works_and_work_goes_on(api, complaint_with_personal_data):
    receipt, _ = complaint_with_personal_data
    ok(erase(api, receipt["complaint_id"]))
    status = ok(api.call("GET", receipt["status_url"], headers={"X-Access-Code": receipt["access_code"]}))
    assert status["status"] == "investigating"
    response = api.call("POST", f"/api/v1/staff/complaints/{receipt['complaint_id']}/actions",
                        {"action": "escalate", "note": "顾客已要求删除个人信息"}, user="sales_cs")
    assert response.status_code == 200, response.body


def test_erasing_twice_is_harmless_and_recorded_once(api, complaint_with_personal_data):
    cid = complaint_with_personal_data[0]["complaint_id"]
    first = ok(erase(api, cid))
    second = ok(erase(api, cid))
    assert second["erased"] == first["erased"]
    assert [h["action"] for h in second["history"]].count("erased") == 1


def test_erasing_an_unknown_complaint_is_not_found(api):
    assert erase(api, "C-20260101-ZZZZZZ").status_code == 404


def _demo_password():
    from infra.local_stack import DEMO_PASSWORD

    return DEMO_PASSWORD
