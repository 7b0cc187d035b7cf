from datetime import date, datetime, timezone

import pytest

from chalicelib.domain import access
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Category, Channel, Clock, Customer, NotificationEvent, Notify, Product, Role, Severity, Status,
)
from chalicelib.domain.routing import Route, choose_route, place, route_lookups

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def consumer(**changes) -> Customer:
    fields = {"name": "张先生", "phone": "+8613800138000", "province": "湖南", "city": "长沙"}
    return Customer(**{**fields, **changes})


@pytest.mark.parametrize("raw, expected", [("湖南省", "湖南"), ("长沙市", "长沙"), (" 湖北 ", "湖北"),
                                           ("广西壮族自治区", "广西"), ("市", "市"), (None, None)])
def test_place_names_are_compared_without_their_administrative_suffix(raw, expected):
    assert place(raw) == expected


def test_route_lookups_name_account_city_and_province():
    lookups = route_lookups(consumer(province="湖南省", city="长沙市", account_id="HOTEL-CS-001"))
    assert lookups == {"account": ("account", "HOTEL-CS-001"), "city": ("route", "湖南#长沙"),
                       "province": ("route", "湖南#*")}


def test_an_accounts_salesperson_wins_over_the_territory():
    found = {"account": Route("HN-CS", "key_account_rep"), "city": Route("HN-CS", "sales_cs")}
    assert choose_route(found).salesperson == "key_account_rep"


def test_the_province_route_serves_cities_without_their_own():
    assert choose_route({"province": Route("HN-CS", "sales_cs")}) == Route("HN-CS", "sales_cs")


def test_nothing_found_is_unroutable():
    assert choose_route({}) is None
    assert choose_route({"city": Route("X", None)}) is None


def test_complaint_ids_carry_the_shanghai_day_and_six_random_characters():
    late_evening_utc = datetime(2026, 11, 24, 17, 30, tzinfo=timezone.utc)  # already the 25th in Shanghai
    ids = {access.new_complaint_id(late_evening_utc) for _ in range(50)}
    assert all(i.startswith("C-20261125-") and len(i) == 17 for i in ids)
    assert len(ids) == 50


def test_access_code_is_derived_from_the_idempotency_key_and_checked_by_hash():
    first = access.new_access_code("secret", "C-20261124-7KQ3XZ", "key-1")
    assert first == access.new_access_code("secret", "C-20261124-7KQ3XZ", "key-1")
    assert first != access.new_access_code("secret", "C-20261124-7KQ3XZ", "key-2")
    stored = access.hash_access_code("secret", "C-20261124-7KQ3XZ", first)
    assert first not in stored
    assert access.access_code_matches("secret", "C-20261124-7KQ3XZ", first, stored)
    assert not access.access_code_matches("secret", "C-20261124-7KQ3XZ", "000000" if first != "000000" else "1",
                                          stored)
    assert not access.access_code_matches("secret", "C-20261124-7KQ3XZ", None, stored)


def record(description="打开后有很大的油漆味", customer=None, category=Category.ODOR) -> RecordComplaint:
    return RecordComplaint(channel=Channel.WEB, category=category, description=description,
                           customer=customer or consumer(), product=Product(sku="V2047", production_date=date(2008, 11, 29)))


def test_a_routed_complaint_is_assigned_and_the_salesperson_is_told_with_the_customers_phone():
    complaint = open_complaint(record(), "C-20261124-AAAAAA", "hash", Route("HN-CS", "sales_cs"), "public", NOW)
    assert complaint.status is Status.ASSIGNED
    assert (complaint.assignee, complaint.territory) == ("sales_cs", "HN-CS")
    [notice] = [e for e in complaint.effects if isinstance(e, Notify)]
    assert notice.event is NotificationEvent.ASSIGNED and notice.recipient == "sales_cs"
    assert "+8613800138000" in notice.text and "C-20261124-AAAAAA" in notice.text
    assert [h.action for h in complaint.new_history] == ["received", "assign"]


def test_an_unroutable_complaint_waits_in_the_service_queue_and_the_manager_hears_of_it():
    complaint = open_complaint(record(customer=consumer(province="西藏", city="拉萨")), "C-20261124-BBBBBB", "h",
                               None, "public", NOW)
    assert complaint.status is Status.RECEIVED and complaint.assignee is None
    roles = {e.role for e in complaint.effects if isinstance(e, Notify)}
    assert roles == {Role.SERVICE, Role.MANAGER}


def test_a_critical_complaint_escalates_to_the_manager_at_once_without_the_customers_phone():
    complaint = open_complaint(record("面巾纸里有一片断掉的刀片", category=Category.FOREIGN_MATTER),
                               "C-20261124-CCCCCC", "h", Route("HN-CS", "sales_cs"), "public", NOW)
    assert complaint.severity is Severity.CRITICAL and complaint.escalated
    [escalation] = [e for e in complaint.effects if isinstance(e, Notify) and e.event is NotificationEvent.ESCALATED]
    assert escalation.role is Role.MANAGER and "+8613800138000" not in escalation.text


@pytest.mark.parametrize("description, category, hours", [
    ("打开后有很大的油漆味", Category.ODOR, 24), ("面巾纸里有一片断掉的刀片", Category.FOREIGN_MATTER, 2)])
def test_the_first_contact_clock_follows_severity(description, category, hours):
    complaint = open_complaint(record(description, category=category), "C-20261124-DDDDDD", "h",
                               Route("HN-CS", "sales_cs"), "public", NOW)
    deadline = complaint.deadlines[Clock.FIRST_CONTACT]
    assert (deadline.due_at - NOW).total_seconds() == hours * 3600
