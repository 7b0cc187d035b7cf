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
