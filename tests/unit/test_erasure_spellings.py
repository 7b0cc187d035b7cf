"""Erasure finds the complainant however their data is written: NFKC forms, any separators, loyalty cards."""
from datetime import datetime, timezone

import pytest

from chalicelib.domain.erasure import ERASED, Redactor, erase_personal_data
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import Category, Channel, Customer, CustomerType, Product
from chalicelib.domain.routing import Route

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def customer(**changes) -> Customer:
    fields = {"name": "张先生", "phone": "+8613800138000", "email": "zhang@example.com", "province": "湖南"}
    return Customer(**{**fields, **changes})


@pytest.mark.parametrize("text", [
    "138.0013.8000", "１３８００１３８０００", "１３８－００１３－８０００", "(138) 0013 8000", "+86 (138) 0013-8000",
    "+86.138.0013.8000", "（+86）138 0013 8000", "0086-138-0013-8000", "138 . 0013 . 8000", "138/0013/8000",
])
def test_a_mobile_number_is_found_in_full_width_digits_and_with_any_separators(text):
    assert Redactor(customer())(f"请打{text}找我") == f"请打{ERASED}找我"


def test_a_landline_in_parentheses_with_its_area_code_is_found():
    assert Redactor(customer(phone="+8673184561234"))("电话 (0731) 8456-1234。") == f"电话 {ERASED}。"


def test_full_width_digits_that_merely_contain_the_number_are_left_alone():
    assert Redactor(customer())("订单 ９９13800138000") == "订单 ９９13800138000"


def test_text_around_a_full_width_match_keeps_its_own_full_width_characters():
    assert Redactor(customer())("电话：１３８００１３８０００，谢谢！") == f"电话：{ERASED}，谢谢！"


def test_a_name_or_email_written_in_full_width_letters_is_found():
    redact = Redactor(customer(name="Zhang Wei"))
    assert redact("ＺＨＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ／Ｚｈａｎｇ Ｗｅｉ") == f"{ERASED}／{ERASED}"


def complaint(kind: CustomerType, account_id: str):
    command = RecordComplaint(Channel.WEB, Category.ODOR, f"会员卡 {account_id}, 油漆味很大",
                              customer(type=kind, account_id=account_id), Product(sku="V2047"))
    c = open_complaint(command, "C-20261124-7KQ3XZ", "hash", Route("HN-CS", "sales_cs"), "public", NOW)
    c.new_history.clear()
    return c


def test_a_consumers_loyalty_card_number_is_erased_everywhere():
    c = complaint(CustomerType.CONSUMER, "VIP-88012345")
    erase_personal_data(c, "admin1", NOW, None)
    assert c.customer.account_id is None and "account_id" in c.erased["fields"]
    assert c.description == f"会员卡 {ERASED}, 油漆味很大"


def test_a_distributors_account_id_is_the_companys_own_data_and_stays():
    c = complaint(CustomerType.DISTRIBUTOR, "AFF-GZ-001")
    erase_personal_data(c, "admin1", NOW, None)
    assert c.customer.account_id == "AFF-GZ-001" and "account_id" not in c.erased["fields"]
    assert c.description == "会员卡 AFF-GZ-001, 油漆味很大"


def test_the_reason_given_for_the_erasure_does_not_keep_the_name():
    c = complaint(CustomerType.CONSUMER, "VIP-88012345")
    erase_personal_data(c, "admin1", NOW, "张先生来电要求删除")
    assert c.erased["reason"] == f"{ERASED}来电要求删除"
    assert c.new_history[-1].data["reason"] == f"{ERASED}来电要求删除"
