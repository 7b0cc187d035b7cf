from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.idempotency import Retry
from chalicelib.domain.errors import ConcurrentChange, IdempotencyKeyReused
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import Category, Channel, Clock, Customer, Product, Status
from chalicelib.domain.routing import Route
from chalicelib.wiring import adapters

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def new_complaint(complaint_id="C-20261124-AAAAAA"):
    command = RecordComplaint(
        channel=Channel.HOTLINE, category=Category.COUNT_SHORTAGE, description="整箱少了两包",
        customer=Customer(name="刘店长", phone="+8613907310000", province="湖北", city="武汉"),
        product=Product(sku="V2047", production_date=date(2009, 6, 1), quantity=1))
    return open_complaint(command, complaint_id, "hash", Route("HB-WH", "sales_wh"), "service1", NOW)


def test_a_stored_complaint_reads_back_equal_with_its_history(stack):
    repo = adapters().complaints
    complaint = new_complaint()
    repo.add(complaint, [], NOW)
    loaded = repo.get(complaint.id)
    assert loaded.version == 1
    assert (loaded.customer, loaded.product, loaded.status, loaded.assignee) == (
        complaint.customer, complaint.product, Status.ASSIGNED, "sales_wh")
    assert loaded.deadlines[Clock.FIRST_CONTACT].due_at == complaint.deadlines[Clock.FIRST_CONTACT].due_at
    assert [h.action for h in repo.history(complaint.id)] == ["received", "assign"]


def test_a_save_based_on_a_stale_read_is_refused(stack):
    repo = adapters().complaints
    repo.add(new_complaint(), [], NOW)
    first, second = repo.get("C-20261124-AAAAAA"), repo.get("C-20261124-AAAAAA")
    first.record(NOW, "sales_wh", "contact", Status.INVESTIGATING)
    repo.save(first, [], NOW)
    second.record(NOW, "manager1", "assign", Status.ASSIGNED)
    with pytest.raises(ConcurrentChange):
        repo.save(second, [], NOW)
    assert repo.get("C-20261124-AAAAAA").status is Status.INVESTIGATING


def test_a_second_complaint_under_the_same_idempotency_record_is_refused_and_nothing_is_stored(stack):
    repo = adapters().complaints
    repo.add(new_complaint(), [], NOW, Retry("k", "h1").record("C-20261124-AAAAAA", NOW))
    with pytest.raises(IdempotencyKeyReused):
        repo.add(new_complaint("C-20261124-BBBBBB"), [], NOW,
                 Retry("k", "h2").record("C-20261124-BBBBBB", NOW))
    assert repo.get("C-20261124-BBBBBB") is None
    record = repo.idempotency_record("k")
    assert (record.complaint_id, record.request_hash) == ("C-20261124-AAAAAA", "h1")
    assert record.expires_at == NOW + timedelta(days=1)
