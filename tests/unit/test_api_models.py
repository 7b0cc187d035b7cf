"""The HTTP bodies: decoding limits, field errors in both languages, phones to E.164, actions."""
from __future__ import annotations

import json

import pytest
from pydantic_core import PydanticCustomError

from chalicelib.api import errors, fields, models
from chalicelib.api.models import (
    ListParams, PublicComplaintIn, StaffComplaintIn, StatsParams, parse_action, parse_query,
)
from tests.real_cases import BLADE, HOTEL_NAPKINS, SHORT_CASE, body


def fields_of(model, raw, lang="zh"):
    with pytest.raises(errors.ValidationFailed) as refused:
        errors.parse_body(model, raw, lang)
    return {f["field"]: f["message"] for f in refused.value.fields}


def encoded(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


@pytest.mark.parametrize("written, stored", [
    ("13800138000", "+8613800138000"), ("+86 139 0731 0000", "+8613907310000"),
    ("0731-84561234", "+8673184561234"), ("+44 20 7946 0958", "+442079460958"),
])
def test_phones_are_parsed_and_stored_as_e164(written, stored):
    complaint = errors.parse_body(PublicComplaintIn, encoded(
        body(BLADE, customer={**BLADE["customer"], "phone": written})), "zh")
    assert complaint.customer.phone == stored


def test_plain_chinese_mobile_numbers_are_stored_as_libphonenumber_would():
    """Plain mobile numbers are checked by their ranges, without phonenumbers: for every prefix, what the
    check accepts (and how it stores it) or refuses must be what libphonenumber says."""
    import phonenumbers

    def libphonenumber(number: str) -> str | None:
        parsed = phonenumbers.parse(number, "CN")
        if not phonenumbers.is_valid_number(parsed):
            return None
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def checked(number: str) -> str | None:
        try:
            return fields._phone(number)
        except PydanticCustomError:
            return None

    numbers = [f"1{prefix:03d}{rest}" for prefix in range(1000) for rest in ("0000000", "5550123", "9999999")]
    numbers += ["１３８００１３８０００", "1380013800", "138001380000", "+8613800138000", "013800138000"]
    assert {n: checked(n) for n in numbers} == {n: libphonenumber(n) for n in numbers}


@pytest.mark.parametrize("phone", ["12", "1380013800", "+86 123", "电话", "13800138000 ext"])
def test_a_phone_that_is_not_a_number_names_the_field_in_both_languages(phone):
    raw = encoded(body(BLADE, customer={**BLADE["customer"], "phone": phone}))
    chinese = fields_of(PublicComplaintIn, raw)["customer.phone"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    english = fields_of(PublicComplaintIn, raw, "en")["customer.phone"]
    assert english and all(ord(ch) < 128 for ch in english)


def test_every_missing_field_is_named_with_its_path():
    raw = encoded({"customer": {"phone": "13800138000"}, "product": {}, "consent": True})
    named = fields_of(PublicComplaintIn, raw, "en")
    assert {"customer.name", "category", "description"} <= set(named)
    assert named["customer.name"] == "is required" and fields_of(PublicComplaintIn, raw)["customer.name"] == "必填"


def test_unknown_fields_and_wrong_types_are_refused_not_ignored():
    named = fields_of(PublicComplaintIn, encoded({**BLADE, "priority": "vip", "upload_ids": "x"}), "en")
    assert {"priority", "upload_ids"} <= set(named)


def test_control_characters_and_multiline_names_are_refused():
    raw = encoded(body(BLADE, customer={**BLADE["customer"], "name": "张\n先生"}, description="有\x00刀片"))
    assert {"customer.name", "description"} <= set(fields_of(PublicComplaintIn, raw))


@pytest.mark.parametrize("raw, kind", [
    (b"\xff\xfe{}", "invalid_utf8"), (b"{", "invalid_json"), (b"[1, 2]", "not_an_object"),
    (b"", "invalid_json"), (("{\"a\":" * 30 + "1" + "}" * 30).encode(), "too_deep"),
])
def test_undecodable_bodies_name_the_body(raw, kind):
    with pytest.raises(errors.ValidationFailed) as refused:
        errors.decode_json(raw, "en")
    assert refused.value.fields == [{"field": "body", "message": errors.translate(kind, "en")}]


def test_a_body_over_the_limit_is_413_before_it_is_parsed():
    with pytest.raises(errors.TooLarge) as refused:
        errors.decode_json(b"{" + b" " * errors.MAX_BODY_BYTES + b"}", "zh")
    assert refused.value.status == 413


def test_staff_bodies_need_a_channel_and_may_carry_the_letters_date():
    named = fields_of(StaffComplaintIn, encoded(HOTEL_NAPKINS), "en")
    assert "channel" in named
    letter = errors.parse_body(StaffComplaintIn, encoded({**SHORT_CASE, "channel": "letter",
                                                          "received_at": "2009-06-05T09:00:00+08:00"}), "en")
    assert letter.received_at.isoformat() == "2009-06-05T09:00:00+08:00"


def test_a_handling_with_money_needs_an_amount_and_the_error_names_amount():
    with pytest.raises(errors.ValidationFailed) as refused:
        parse_action(encoded({"action": "propose_handling", "type": "compensation"}), "en")
    assert [f["field"] for f in refused.value.fields] == ["amount"]
    assert parse_action(encoded({"action": "propose_handling", "type": "explanation"}), "en").amount is None


def test_an_unknown_action_names_the_action_field():
    with pytest.raises(errors.ValidationFailed) as refused:
        parse_action(encoded({"action": "delete_everything"}), "en")
    assert refused.value.fields[0]["field"] == "action"


def test_query_parameters_are_validated_and_named():
    assert parse_query(ListParams, {"sku": "v2047", "limit": "100"}, "en").sku == "V2047"
    for params, field in (({"limit": "0"}, "limit"), ({"overdue": "perhaps"}, "overdue"),
                          ({"from": "2026-11-02", "to": "2026-11-01"}, "to")):
        model = StatsParams if "from" in params else ListParams
        with pytest.raises(errors.ValidationFailed) as refused:
            parse_query(model, params, "en")
        assert refused.value.fields[0]["field"] == field
