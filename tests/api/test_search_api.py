"""Staff search through the HTTP API: each kind of look-up, every spelling, a salesperson's limit, erasure,
and never a Scan (tests/conftest.py fails any Scan); the index keys hold no phone and no name."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from chalicelib import clients
from tests.api.conftest import module_api
from tests.api.test_admin_api import erase, ok
from tests.real_cases import BLADE, HOTEL_NAPKINS, ODOR, SHORT_CASE, body

MOBILE_SPELLINGS = ("13800138000", "138 0013 8000", "138-0013-8000", "+86 13800138000", "+8613800138000",
                    "１３８００１３８０００", "(+86) 138.0013.8000")
LANDLINE_SPELLINGS = ("0731-84561234", "0731 8456 1234", "(0731)84561234", "+86 731 8456 1234")


@pytest.fixture(scope="module")
def found(moto_server):
    """Four complaints: 张先生 twice (web, then a hotline entry), 王经理 (hotel account), 刘店长 (retailer)."""
    with module_api(moto_server) as api:
        ids = {
            "odor": ok(api.call("POST", "/api/v1/complaints", body(ODOR)), 201)["complaint_id"],
            "blade": ok(api.call("POST", "/api/v1/staff/complaints", body(BLADE, channel="hotline"),
                                 user="service1"), 201)["complaint_id"],
            "hotel": ok(api.call("POST", "/api/v1/complaints", body(HOTEL_NAPKINS)), 201)["complaint_id"],
            "short": ok(api.call("POST", "/api/v1/complaints", body(SHORT_CASE)), 201)["complaint_id"],
        }
        api.pump.drain_stream()
        yield api, ids


def search(api, q, user="service1", **params):
    return api.call("GET", "/api/v1/staff/search?" + urlencode({"q": q, **params}), user=user)


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.body
    return [i["complaint_id"] for i in response.data["items"]]


def test_a_complaint_number_in_any_case_with_or_without_its_prefix(found):
    api, ids = found
    number = ids["hotel"]
    for q in (number, number.lower(), number.removeprefix("C-"), number.removeprefix("C-").lower(), f" {number} "):
        response = search(api, q)
        assert ids_of(response) == [number], q
        assert response.data["matched_by"] == "complaint_id"


def test_a_mobile_in_any_spelling_finds_that_customers_complaints_newest_first(found):
    api, ids = found
    for q in MOBILE_SPELLINGS:
        response = search(api, q)
        assert ids_of(response) == [ids["blade"], ids["odor"]], q
        assert response.data["matched_by"] == "phone"


def test_a_landline_with_its_area_code_in_any_spelling(found):
    api, ids = found
    for q in LANDLINE_SPELLINGS:
        response = search(api, q)
        assert ids_of(response) == [ids["hotel"]], q
        assert response.data["matched_by"] == "phone"


def test_a_whole_name_or_its_first_two_or_more_characters(found):
    api, ids = found
    assert ids_of(search(api, "张先生")) == [ids["blade"], ids["odor"]]
    assert ids_of(search(api, "张先")) == [ids["blade"], ids["odor"]]
    assert ids_of(search(api, "王经理")) == [ids["hotel"]]
    assert ids_of(search(api, "刘店")) == [ids["short"]]
    assert search(api, "刘店").data["matched_by"] == "name"
    assert ids_of(search(api, "张太太")) == []  # the same first two characters are not enough
    assert ids_of(search(api, "先生")) == []  # a name is found by its beginning


def test_an_account_id_in_any_case(found):
    api, ids = found
    for q in ("HOTEL-CS-001", "hotel-cs-001"):
        response = search(api, q)
        assert ids_of(response) == [ids["hotel"]], q
        assert response.data["matched_by"] == "account_id"


def test_a_search_row_is_a_queue_row(found):
    api, ids = found
    row = search(api, ids["odor"]).data["items"][0]
    listed = ok(api.call("GET", "/api/v1/staff/complaints?sku=V2047&limit=100", user="service1"))["items"]
    assert row == next(i for i in listed if i["complaint_id"] == ids["odor"])


def test_a_salesperson_finds_only_what_is_assigned_to_them(found):
    api, ids = found
    odor = ok(api.call("GET", f"/api/v1/staff/complaints/{ids['odor']}", user="service1"))
    mine, others = odor["assignee"], "sales_wh" if odor["assignee"] != "sales_wh" else "sales_cs"
    assert ids_of(search(api, "13800138000", user=mine)) == [ids["blade"], ids["odor"]]
    assert ids_of(search(api, "13800138000", user=others)) == []
    assert ids_of(search(api, ids["odor"], user=others)) == []
    assert ids_of(search(api, "张先生", user=others)) == []
    hotel = ok(api.call("GET", f"/api/v1/staff/complaints/{ids['hotel']}", user="service1"))
    if hotel["assignee"] != mine:
        assert ids_of(search(api, "HOTEL-CS-001", user=mine)) == []


def test_every_staff_role_may_search_and_a_token_without_a_role_may_not(found):
    api, ids = found
    for user in ("service1", "quality1", "manager1", "leader1", "admin1"):
        assert ids_of(search(api, ids["short"], user=user)) == [ids["short"]], user
    assert api.call("GET", "/api/v1/staff/search?q=13800138000").status_code == 401


def test_a_query_too_short_or_too_long_names_the_field_and_its_limit(found):
    api, _ = found
    for q, limit in (("张", "2"), ("", "1"), ("x" * 101, "100")):
        response = search(api, q)
        assert response.status_code == 400, q
        fields = {f["field"]: f["message"] for f in response.data["error"]["fields"]}
        assert "q" in fields and limit in fields["q"], fields
    response = search(api, "张先生", limit=51)
    assert response.status_code == 400 and "50" in json.dumps(response.data, ensure_ascii=False)
    assert search(api, "张先生", limit=1).data["items"] == [search(api, "张先生").data["items"][0]]


def test_no_index_key_holds_a_phone_or_a_name(found):
    _, ids = found
    dynamodb = clients.client("dynamodb")
    from chalicelib.config import settings

    table = settings().table_name
    items = dynamodb.query(TableName=table, KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": {"S": f"COMPLAINT#{ids['hotel']}"}})["Items"]
    meta = next(i for i in items if i["sk"]["S"] == "META")
    keys = {k: v["S"] for k, v in meta.items() if k.endswith(("_pk", "_sk"))}
    assert {"by_phone_pk", "by_name_pk", "by_account_pk"} <= set(keys)
    text = json.dumps(keys, ensure_ascii=False)
    for personal in ("84561234", "王经理", "王经", "HOTEL-CS-001"):
        assert personal not in text


def test_erasure_takes_the_complaint_out_of_every_search(found):
    api, ids = found
    assert ids["short"] in ids_of(search(api, "刘店长"))
    ok(erase(api, ids["short"], reason="顾客要求删除"))
    for q in ("刘店长", "刘店", "13907310000", "+86 139 0731 0000"):
        assert ids_of(search(api, q)) == [], q
    assert ids_of(search(api, ids["short"])) == [ids["short"]]  # the number still finds the erased record
