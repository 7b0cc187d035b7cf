"""Bidirectional controls over HTTP: the contract's 400 naming the field, in the caller's language."""
from __future__ import annotations

from tests.real_cases import ODOR, body


def test_a_name_with_a_right_to_left_override_is_a_400_naming_the_field_in_english_on_request(api):
    sent = body(ODOR, customer={**ODOR["customer"], "name": "张\u202e生先"})
    response = api.call("POST", "/api/v1/complaints", sent, headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.body
    error = response.data["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == [{"field": "customer.name", "message": "contains text direction control characters"}]


def test_a_territory_name_with_an_isolate_is_refused_in_chinese_by_default(api):
    response = api.call("PUT", "/api/v1/admin/territories/HN-CS",
                        {"name": "湖南\u2067长沙", "places": [{"province": "湖南"}]}, user="admin1")
    assert response.status_code == 400, response.body
    assert response.data["error"]["fields"] == [{"field": "name", "message": "含有不允许的文字方向控制字符"}]


def test_a_description_of_two_characters_is_a_complaint_and_each_length_error_says_the_real_limit(api):
    accepted = api.call("POST", "/api/v1/complaints", body(ODOR, description="纸巾发霉"))
    assert accepted.status_code == 201, accepted.body
    assert api.call("POST", "/api/v1/complaints", body(ODOR, description="发霉")).status_code == 201
    for text, limit in (("霉", "至少 2 个字"), ("霉" * 2001, "最多 2000 个字")):
        refused = api.call("POST", "/api/v1/complaints", body(ODOR, description=text))
        assert refused.status_code == 400, refused.body
        [error] = refused.data["error"]["fields"]
        assert error["field"] == "description" and limit in error["message"] and "格式不正确" not in error["message"]
    english = api.call("POST", "/api/v1/complaints", body(ODOR, description="霉"), headers={"Accept-Language": "en"})
    assert english.data["error"]["fields"][0]["message"] == "is too short (at least 2 characters)"


def test_a_name_too_long_says_characters_not_items(api):
    refused = api.call("POST", "/api/v1/complaints", body(ODOR, customer={**ODOR["customer"], "name": "张" * 51}))
    assert refused.data["error"]["fields"] == [{"field": "customer.name", "message": "太长, 最多 50 个字"}]
