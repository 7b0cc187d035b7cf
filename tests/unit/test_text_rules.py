"""Text the console shows as written: no bidirectional controls in request text, no formulas in CSV cells."""
from __future__ import annotations

import csv
import io
import json

import pytest

from chalicelib.api import errors, models
from chalicelib.services import exports
from tests.real_cases import BLADE, body

RLO = "\u202e"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c"]


def fields_of(model, data, lang="zh"):
    with pytest.raises(errors.ValidationFailed) as refused:
        errors.parse_body(model, json.dumps(data, ensure_ascii=False).encode(), lang)
    return {f["field"]: f["message"] for f in refused.value.fields}


def complaint_with(part: str, name: str, value: str) -> dict:
    return body(BLADE, **{part: {**BLADE[part], name: value}})


@pytest.mark.parametrize("part, name, value", [
    ("customer", "name", "张先生"), ("customer", "phone", "13800138000"), ("customer", "email", "zhang@example.com"),
    ("customer", "province", "湖南"), ("customer", "city", "长沙"), ("customer", "address", "雨花区某路 8 号"),
    ("customer", "account_id", "VIP-8801"), ("product", "name", "面巾纸"), ("product", "sku", "V2131"),
    ("product", "batch", "080520-2"), ("product", "purchase_place", "家润多赤岗冲店"),
])
def test_a_bidi_control_in_a_one_line_field_of_the_complaint_is_refused_naming_the_field(part, name, value):
    spoofed = value[:2] + RLO + value[2:]
    assert set(fields_of(models.PublicComplaintIn, complaint_with(part, name, spoofed))) == {f"{part}.{name}"}


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_every_bidi_control_and_mark_is_refused(char):
    assert set(fields_of(models.PublicComplaintIn, complaint_with("customer", "name", f"张{char}先生"))) == {
        "customer.name"}


def test_the_message_is_chinese_by_default_and_english_on_request():
    spoofed = complaint_with("customer", "name", f"张{RLO}生先")
    assert fields_of(models.PublicComplaintIn, spoofed) == {"customer.name": "含有不允许的文字方向控制字符"}
    assert fields_of(models.PublicComplaintIn, spoofed, "en") == {
        "customer.name": "contains text direction control characters"}


@pytest.mark.parametrize("model, data, field", [
    ("StaffIn", {"name": f"钱{RLO}进", "roles": ["sales"]}, "name"),
    ("TerritoryIn", {"name": f"湖南{RLO}长沙", "places": [{"province": "湖南"}]}, "name"),
    ("TerritoryIn", {"name": "湖南长沙", "places": [{"province": f"湖{RLO}南"}]}, "places.0.province"),
    ("TerritoryIn", {"name": "湖南长沙", "places": [{"province": "湖南", "city": f"长{RLO}沙"}]}, "places.0.city"),
    ("LoginIn", {"username": f"admin{RLO}1", "password": "x"}, "username"),
    ("UploadIn", {"filename": f"photo{RLO}gnp.exe", "content_type": "image/png", "size": 10}, "filename"),
])
def test_a_bidi_control_in_staff_territory_login_or_upload_text_is_refused(model, data, field):
    assert set(fields_of(getattr(models, model), data)) == {field}


def test_a_bidi_control_in_a_workflow_action_names_the_field():
    action = {"action": "record_qc_result", "investigation_result": "x", "cause_analysis": "x",
              "responsible_department": f"生产{RLO}车间", "corrective_actions": "x", "preventive_actions": "x",
              "company_at_fault": True}
    with pytest.raises(errors.ValidationFailed) as refused:
        models.parse_action(json.dumps(action), "en")
    assert [f["field"] for f in refused.value.fields] == ["responsible_department"]


def test_multi_line_text_refuses_bidi_controls_too_and_keeps_its_line_breaks():
    assert set(fields_of(models.PublicComplaintIn, body(BLADE, description=f"刀片{RLO}在纸里, 差点划伤"))) == {
        "description"}
    taken = errors.parse_body(models.PublicComplaintIn, json.dumps(body(BLADE, description="刀片\n在纸里")), "zh")
    assert taken.description == "刀片\n在纸里"


def test_ordinary_text_with_zero_width_joiners_and_full_width_forms_is_taken():
    taken = errors.parse_body(models.PublicComplaintIn, json.dumps(
        complaint_with("customer", "name", "Ｚｈａｎｇ\u200d先生"), ensure_ascii=False).encode(), "zh")
    assert taken.customer.name == "Ｚｈａｎｇ\u200d先生"


def csv_cells(*values) -> list[str]:
    raw = exports.to_csv([list(values)]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(raw)))[1][:len(values)]


@pytest.mark.parametrize("text", ["a;=cmd|' /C calc'!A0", "50;+1", "x; -2+3", "备注;@SUM(A1)", "a;＝1+2"])
def test_a_csv_cell_with_a_formula_after_a_semicolon_is_prefixed(text):
    assert csv_cells(text) == ["'" + text]


def test_a_csv_cell_with_a_formula_after_a_semicolon_is_quoted_so_a_semicolon_locale_keeps_one_cell():
    raw = exports.to_csv([["a;=cmd", "45.50"]]).decode("utf-8-sig")
    assert "\"'a;=cmd\"" in raw.splitlines()[1]


@pytest.mark.parametrize("text", ["＝1+2", "＋86 138", "－整箱", "＠SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_a_csv_cell_starting_with_a_full_width_formula_sign_or_a_tab_or_line_break_is_prefixed(text):
    assert csv_cells(text) == ["'" + text]


@pytest.mark.parametrize("text", ["a;b", "单价 3.5; 数量 2", "V2047-150", "a=b", "1+1"])
def test_ordinary_csv_cells_are_left_as_written(text):
    assert csv_cells(text) == [text]
