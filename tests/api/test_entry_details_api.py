"""Staff entry of a complaint with its details (issue 18.9): what the quantity counts, and several problems of
the same goods with one of them the main one, which the statistics count."""
from datetime import datetime

import pytest

from chalicelib.domain.model import SHANGHAI

from tests.real_cases import HOTEL_NAPKINS, body

HOTEL_CALL = body(HOTEL_NAPKINS, channel="hotline", product={**HOTEL_NAPKINS["product"], "unit": "case"},
                  other_categories=["label_error", "other"])


def fields_of(response):
    return {f["field"]: f["message"] for f in response.data["error"]["fields"]}


def test_the_hotel_call_keeps_the_unit_and_the_other_problems_and_the_detail_shows_them(api):
    receipt = api.call("POST", "/api/v1/staff/complaints", HOTEL_CALL, user="service1")
    assert receipt.status_code == 201, receipt.body
    detail = api.call("GET", f"/api/v1/staff/complaints/{receipt.data['complaint_id']}", user="service1").data
    assert detail["product"]["quantity"] == 30 and detail["product"]["unit"] == "case"
    assert detail["category"] == "print_defect" and detail["other_categories"] == ["label_error", "other"]


def test_a_complaint_without_other_problems_has_an_empty_list_and_no_unit(api):
    receipt = api.call("POST", "/api/v1/staff/complaints", body(HOTEL_NAPKINS, channel="hotline"), user="service1")
    detail = api.call("GET", f"/api/v1/staff/complaints/{receipt.data['complaint_id']}", user="service1").data
    assert detail["other_categories"] == [] and "unit" not in detail["product"]


@pytest.mark.parametrize("others, message", [
    (["print_defect"], "已是主要问题, 不必再选"),
    (["label_error", "label_error"], "有重复项"),
    (["odor", "dusting", "seal_failure", "weight_short", "label_error", "other"], "项目太多, 最多 5 项"),
])
def test_other_problems_that_repeat_the_main_one_or_each_other_or_are_too_many_are_refused(api, others, message):
    response = api.call("POST", "/api/v1/staff/complaints", body(HOTEL_CALL, other_categories=others), user="service1")
    assert response.status_code == 400 and fields_of(response) == {"other_categories": message}


def test_an_unknown_problem_among_the_others_names_its_place(api):
    response = api.call("POST", "/api/v1/staff/complaints", body(HOTEL_CALL, other_categories=["mould"]), user="service1")
    assert response.status_code == 400 and list(fields_of(response)) == ["other_categories.0"]


def test_a_unit_that_is_not_case_pack_bundle_or_roll_is_refused(api):
    product = {**HOTEL_NAPKINS["product"], "unit": "box"}
    response = api.call("POST", "/api/v1/staff/complaints", body(HOTEL_CALL, product=product), user="service1")
    assert response.status_code == 400 and list(fields_of(response)) == ["product.unit"]


def test_the_statistics_count_the_main_problem_only(api):
    api.call("POST", "/api/v1/staff/complaints", HOTEL_CALL, user="service1")
    api.pump.drain_stream()
    today = datetime.now(SHANGHAI).date().isoformat()
    stats = api.call("GET", f"/api/v1/staff/stats?from={today}&to={today}&by=category", user="manager1")
    assert stats.status_code == 200, stats.body
    groups = {g["key"]: g["count"] for g in stats.data["groups"]}
    assert groups == {"print_defect": 1}


def test_the_public_form_may_say_what_the_quantity_counts_too(api):
    web = body(HOTEL_NAPKINS, product={**HOTEL_NAPKINS["product"], "quantity": 2, "unit": "pack"})
    receipt = api.call("POST", "/api/v1/complaints", web)
    assert receipt.status_code == 201, receipt.body
    detail = api.call("GET", f"/api/v1/staff/complaints/{receipt.data['complaint_id']}", user="service1").data
    assert detail["product"]["unit"] == "pack"
