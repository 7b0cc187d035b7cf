"""Erasing a complainant's personal data: the pure rules, no AWS."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.erasure import ERASED, Redactor, erase_personal_data
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import Category, Channel, Customer, Product, Status
from chalicelib.domain.routing import Route

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def customer(**changes) -> Customer:
    fields = {"name": "张先生", "phone": "+8613800138000", "email": "zhang@example.com",
              "address": "长沙市雨花区某路 8 号", "province": "湖南", "city": "长沙"}
    return Customer(**{**fields, **changes})


def complaint():
    command = RecordComplaint(Channel.WEB, Category.ODOR, "油漆味很大, 请打 138 0013 8000 找张先生",
                              customer(), Product(sku="V2047"), photos=["uploads/abc"])
    c = open_complaint(command, "C-20261124-7KQ3XZ", "hash", Route("HN-CS", "sales_cs"), "public", NOW)
    c.new_history.clear()
    return c


@pytest.mark.parametrize("text", ["13800138000", "+8613800138000", "+86 138 0013 8000", "138-0013-8000",
                                  "008613800138000"])
def test_a_mobile_number_is_found_however_it_is_written(text):
    assert Redactor(customer())(f"电话{text}。") == f"电话{ERASED}。"


def test_a_landline_is_found_with_its_area_code_and_trunk_zero():
    assert Redactor(customer(phone="+8673184561234"))("酒店电话 0731-84561234") == f"酒店电话 {ERASED}"


def test_digits_that_merely_contain_the_number_are_left_alone():
    assert Redactor(customer())("订单 9913800138000") == "订单 9913800138000"


def test_nested_values_are_redacted_and_other_values_kept():
    redacted = Redactor(customer())({"note": ["致电张先生", 3], "email": "ZHANG@example.com", "at": NOW})
    assert redacted == {"note": [f"致电{ERASED}", 3], "email": ERASED, "at": NOW}


def test_erasure_blanks_the_customer_and_returns_the_photos_to_delete():
    c = complaint()
    photos = erase_personal_data(c, "admin1", NOW + timedelta(days=1), "顾客要求")
    assert photos == ["uploads/abc"] and c.photos == []
    assert (c.customer.name, c.customer.phone, c.customer.email, c.customer.address) == (ERASED, ERASED, None, None)
    assert (c.customer.province, c.customer.city, c.status, c.assignee) == ("湖南", "长沙", Status.ASSIGNED, "sales_cs")
    assert c.description == f"油漆味很大, 请打 {ERASED} 找{ERASED}"
    assert c.erased["by"] == "admin1" and c.erased["fields"] == ["name", "phone", "email", "address"]
    [entry] = c.new_history
    assert (entry.action, entry.actor, entry.from_status, entry.to_status) == (
        "erased", "admin1", Status.ASSIGNED, Status.ASSIGNED)


def test_erasing_again_changes_nothing():
    c = complaint()
    erase_personal_data(c, "admin1", NOW, None)
    first = dict(c.erased)
    assert erase_personal_data(c, "admin2", NOW + timedelta(hours=1), None) == []
    assert c.erased == first and len(c.new_history) == 1
