"""The staff list over a few hundred complaints: every filter, pagination, who sees what."""
from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import clients
from chalicelib.adapters.complaints import ComplaintRepository
from chalicelib.domain.intake import RecordComplaint
from chalicelib.domain.model import Category, Channel, Customer, CustomerType, Product
from chalicelib.services.intake import Submission, submit
from chalicelib.wiring import adapters
from tests.api.conftest import module_api

NOW = datetime.now(timezone.utc)
PLACES = [("湖南", "长沙"), ("湖北", "武汉"), ("广东", "广州"), ("西藏", "拉萨")]
SKUS = ["V2047", "V2131", "V0052", "N3100"]
PAGE = 12  # small pages, so every walk crosses several


@pytest.fixture(scope="module")
def seeded_stack(moto_server):
    """One stack with 240 complaints over the last 60 days for the whole module (the tests only read)."""
    with module_api(moto_server) as api:
        yield api, seed()


@pytest.fixture
def seeded(seeded_stack):
    return seeded_stack[1]


@pytest.fixture
def api(seeded_stack):
    return seeded_stack[0]


class BatchedWrites:
    """Seeding only: the intake's transaction written as a batch, because moto copies the whole
    table for every transaction and a few hundred of them would take minutes. Same items."""

    def __init__(self, client):
        self._client = client

    def transact_write_items(self, TransactItems, **_):
        by_table = {}
        for entry in TransactItems:
            by_table.setdefault(entry["Put"]["TableName"], []).append({"PutRequest": {"Item": entry["Put"]["Item"]}})
        for table, requests in by_table.items():
            for start in range(0, len(requests), 25):
                self._client.batch_write_item(RequestItems={table: requests[start:start + 25]})

    def __getattr__(self, name):
        return getattr(self._client, name)


def seed():
    rng = random.Random(7)
    shared = adapters()
    a = dataclasses.replace(shared, complaints=ComplaintRepository(
        BatchedWrites(clients.client("dynamodb")), shared.settings.table_name))
    seeded = []
    for n in range(240):
        province, city = rng.choice(PLACES)
        received = NOW - timedelta(days=rng.randint(0, 59), minutes=rng.randint(0, 1000))
        command = RecordComplaint(
            channel=rng.choice([Channel.HOTLINE, Channel.LETTER, Channel.WEB]),
            category=rng.choice([Category.ODOR, Category.SEAL_FAILURE, Category.PRINT_DEFECT]),
            description="发现问题需要处理" + ("刀片" if n % 17 == 0 else ""),
            customer=Customer(name=f"顾客{n}", phone="+8613800138000", province=province, city=city,
                              type=CustomerType.CONSUMER),
            product=Product(sku=rng.choice(SKUS), batch=rng.choice(["B1", "B2"]), quantity=1),
            received_at=received)
        receipt = submit(Submission(command, [], "service1", None), a, received)
        seeded.append(a.complaints.get(receipt["complaint_id"]))
    return seeded


def walk(api, user="manager1", **params):
    """Every page of a list; returns the ids in order and the number of pages."""
    ids, cursor, pages = [], None, 0
    while True:
        query = "&".join(f"{k}={v}" for k, v in {**params, "limit": PAGE, **({"cursor": cursor} if cursor else {})}.items())
        response = api.call("GET", f"/api/v1/staff/complaints?{query}", user=user)
        assert response.status_code == 200, response.body
        ids += [i["complaint_id"] for i in response.data["items"]]
        pages += 1
        cursor = response.data["next_cursor"]
        if not cursor:
            return ids, pages


def newest_first(complaints):
    return [c.id for c in sorted(complaints, key=lambda c: (c.received_at, c.id), reverse=True)]


@pytest.mark.parametrize("name, value, attribute", [
    ("status", "assigned", lambda c: c.status.value),
    ("status", "received", lambda c: c.status.value),
    ("assignee", "sales_wh", lambda c: c.assignee),
    ("territory", "GD-GZ", lambda c: c.territory),
    ("sku", "V2047", lambda c: c.product.sku),
    ("category", "odor", lambda c: c.category.value),
    ("channel", "letter", lambda c: c.channel.value),
    ("severity", "critical", lambda c: c.severity.value),
])
def test_each_filter_pages_through_exactly_the_matching_complaints_newest_first(seeded, api, name, value, attribute):
    expected = newest_first([c for c in seeded if attribute(c) == value])
    ids, pages = walk(api, **{name: value})
    assert ids == expected and len(expected) > PAGE and pages >= 2


def test_filters_combine_and_the_batch_narrows_a_sku(seeded, api):
    expected = newest_first([c for c in seeded if c.product.sku == "V2131" and c.product.batch == "B2"
                             and c.channel.value == "hotline"])
    assert walk(api, sku="V2131", batch="B2", channel="hotline")[0] == expected


def test_without_filters_the_list_is_every_recent_complaint_newest_first(seeded, api):
    assert walk(api)[0] == newest_first(seeded)


def test_a_period_limits_by_receipt_time(seeded, api):
    start, end = NOW - timedelta(days=20), NOW - timedelta(days=10)
    expected = newest_first([c for c in seeded if start <= c.received_at <= end])
    ids, _ = walk(api, received_from=start.isoformat().replace("+00:00", "Z"),
                  received_to=end.isoformat().replace("+00:00", "Z"))
    assert ids == expected


def test_a_salesperson_sees_only_what_is_assigned_to_them(seeded, api):
    ids, _ = walk(api, user="sales_cs")
    assert ids == newest_first([c for c in seeded if c.assignee == "sales_cs"])
    assert walk(api, user="sales_cs", assignee="sales_wh")[0] == ids  # cannot widen it


def test_overdue_lists_complaints_past_a_deadline(seeded, api):
    expected = {c.id for c in seeded if any(d.running and d.due_at <= NOW for d in c.deadlines.values())}
    ids, _ = walk(api, overdue="true")
    assert set(ids) == expected and len(ids) == len(set(ids)) and expected


def test_a_tampered_or_foreign_cursor_is_refused(seeded, api):
    first = api.call("GET", "/api/v1/staff/complaints?limit=5", user="manager1").data
    cursor = first["next_cursor"]
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    for bad, params in ((tampered, ""), (cursor, "&status=assigned")):
        response = api.call("GET", f"/api/v1/staff/complaints?limit=5&cursor={bad}{params}", user="manager1")
        assert response.status_code == 400 and response.data["error"]["fields"][0]["field"] == "cursor"


@pytest.mark.parametrize("query, field", [("limit=101", "limit"), ("status=lost", "status"), ("overdue=maybe",
                                                                                              "overdue")])
def test_bad_parameters_name_the_parameter(api, query, field):
    response = api.call("GET", f"/api/v1/staff/complaints?{query}", user="manager1")
    assert response.status_code == 400 and response.data["error"]["fields"][0]["field"] == field
