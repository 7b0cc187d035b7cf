"""How serious a complaint is (chalicelib/domain/severity.py), and what intake does with it: the four real cases of
shared/domain.md, safety and health words, key accounts and repeated defects."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Category, Channel, Clock, Customer, CustomerType, NotificationEvent, Notify, Product, Role, Severity,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.severity import judge
from tests.real_cases import BLADE, HOTEL_NAPKINS, SEAL_OPEN, SHORT_CASE

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai


def judged(case: dict, **flags) -> Severity:
    customer = Customer(**{**case["customer"], "type": CustomerType(case["customer"]["type"])})
    product = Product(**{k: v for k, v in case["product"].items() if k != "production_date"})
    return judge(Category(case["category"]), case["description"], customer, product, **flags)


@pytest.mark.parametrize("case, flags, expected", [
    (BLADE, {}, Severity.CRITICAL),  # a broken blade in face tissue
    (HOTEL_NAPKINS, {"key_account": True}, Severity.MAJOR),  # the five-star hotel, a key account
    (HOTEL_NAPKINS, {}, Severity.NORMAL),  # a hotel that is no key account is not serious by itself
    (SHORT_CASE, {}, Severity.NORMAL),  # a store two packs short
    (SEAL_OPEN, {"key_account": True}, Severity.MAJOR),  # distributor AFF-GZ-001, marked as key account
    (SEAL_OPEN, {}, Severity.NORMAL),
], ids=["blade", "hotel-key-account", "hotel", "store-short", "distributor-key-account", "distributor"])
def test_the_four_real_cases_get_their_severity(case, flags, expected):
    assert judged(case, **flags) is expected


@pytest.mark.parametrize("description", [
    "打开后发现里面有一片断掉的刀片", "里面有碎玻璃", "纸里有一根钢针", "用了以后皮肤过敏红肿", "孩子用后腹泻呕吐",
    "餐巾纸上有霉点", "整包纸巾都发霉了", "再不处理我就找记者曝光", "我已经请了律师", "I found glass inside",
    "the napkins are mouldy",
])
def test_safety_health_mould_media_and_legal_words_are_critical(description):
    assert judge(Category.OTHER, description, Customer("张先生", "13800138000"), Product()) is Severity.CRITICAL


@pytest.mark.parametrize("description", [
    "针对这件事我想要个说法, 封口开了", "真倒霉, 买到一箱少两包的", "里面有一只小虫子", "颜色有点浅",
    "the box looked like trash",
])
def test_words_that_only_look_dangerous_and_ordinary_defects_are_normal(description):
    assert judge(Category.OTHER, description, Customer("张先生", "13800138000"), Product()) is Severity.NORMAL


def test_a_repeated_defect_is_major_and_a_dangerous_one_stays_critical():
    customer, product = Customer("张先生", "13800138000"), Product(sku="V2047", batch="090601-3")
    assert judge(Category.SEAL_FAILURE, "封口开了", customer, product, repeated=True) is Severity.MAJOR
    assert judge(Category.FOREIGN_MATTER, "有刀片", customer, product, key_account=True) is Severity.CRITICAL


def record(description: str, customer_type=CustomerType.HOTEL) -> RecordComplaint:
    return RecordComplaint(channel=Channel.HOTLINE, category=Category.PRINT_DEFECT, description=description,
                           customer=Customer("王经理", "0731-84561234", type=customer_type, account_id="HOTEL-CS-001"),
                           product=Product(sku="N3100", production_date=date(2008, 2, 22)))


def manager_notices(complaint) -> list[Notify]:
    return [e for e in complaint.effects if isinstance(e, Notify) and e.role is Role.MANAGER]


def test_a_key_accounts_complaint_is_major_and_the_manager_is_told_once_without_an_escalation():
    complaint = open_complaint(record("印刷颜色太浅并有条纹"), "C-20261124-AAAAAA", "h", Route("HN-CS", "sales_cs"),
                               "service1", NOW, key_account=True)
    assert complaint.severity is Severity.MAJOR and not complaint.escalated
    [notice] = manager_notices(complaint)
    assert notice.event is NotificationEvent.MAJOR_RECEIVED and "0731-84561234" not in notice.text
    assert complaint.deadlines[Clock.FIRST_CONTACT].due_at == datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)


def test_an_unroutable_major_complaint_tells_the_manager_only_through_the_queue():
    complaint = open_complaint(record("印刷颜色太浅并有条纹"), "C-20261124-AAAAAA", "h", None, "service1", NOW,
                               key_account=True)
    assert [n.event for n in manager_notices(complaint)] == [NotificationEvent.ASSIGNED]


def test_a_hotels_ordinary_complaint_tells_the_manager_nothing():
    complaint = open_complaint(record("印刷颜色太浅并有条纹"), "C-20261124-AAAAAA", "h", Route("HN-CS", "sales_cs"),
                               "service1", NOW)
    assert complaint.severity is Severity.NORMAL and manager_notices(complaint) == []


def test_a_repeated_defect_on_intake_is_major():
    complaint = open_complaint(record("印刷颜色太浅", CustomerType.CONSUMER), "C-20261124-AAAAAA", "h",
                               Route("HN-CS", "sales_cs"), "service1", NOW, repeated=True)
    assert complaint.severity is Severity.MAJOR
