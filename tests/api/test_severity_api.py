"""Severity through the HTTP API: the four real cases of domain.md as intake judges them, the manager told
once of a major one, and the `set_severity` action (service, manager) rescaling the running clocks."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.real_cases import BLADE, HOTEL_NAPKINS, SEAL_OPEN, SHORT_CASE

SHANGHAI = timezone(timedelta(hours=8))
RECEIVED = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a working Tuesday, 10:00


def at(monkeypatch, handler: str, moment: datetime) -> None:
    monkeypatch.setattr(f"chalicelib.handlers.{handler}.now", lambda: moment.astimezone(timezone.utc))


def submit(api, case):
    response = api.call("POST", "/api/v1/complaints", case)
    assert response.status_code == 201, response.body
    return response.data


def set_severity(api, cid, user, expect=200, **data):
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "set_severity", **data},
                        user=user, headers={"Accept-Language": "en"})
    assert response.status_code == expect, response.body
    return response.data


def due(record, clock="first_contact"):
    return datetime.fromisoformat(record["deadlines"][clock]["due_at"])


@pytest.mark.parametrize("case, severity", [
    (BLADE, "critical"),  # a broken blade: safety
    (HOTEL_NAPKINS, "major"),  # the five-star hotel is a key account
    (SHORT_CASE, "normal"),  # a store two packs short: neither dangerous nor a key account
    (SEAL_OPEN, "major"),  # the Guangzhou affiliate AFF-GZ-001 is a key account
])
def test_the_four_real_cases_get_the_severity_domain_md_gives_them(api, case, severity):
    assert submit(api, case)["severity"] == severity


def test_a_major_complaint_tells_the_manager_once_on_each_channel_and_does_not_escalate(api):
    cid = submit(api, HOTEL_NAPKINS)["complaint_id"]
    to_manager = [(m["channel"], m["event"]) for m in api.outbox()
                  if m["complaint_id"] == cid and m["recipient"] == "manager1"]
    assert sorted(to_manager) == [("email", "major_received"), ("sms", "major_received")]
    record = api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data
    assert record["severity"] == "major" and record["escalated"] is False
    assert "escalate" not in {h["action"] for h in record["history"]}


def test_service_and_a_manager_change_the_severity_and_the_first_contact_clock_follows(api, monkeypatch):
    at(monkeypatch, "public", RECEIVED)
    receipt = submit(api, SHORT_CASE)
    cid = receipt["complaint_id"]
    assert datetime.fromisoformat(receipt["first_contact_due"]) == datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    at(monkeypatch, "staff", RECEIVED + timedelta(hours=1))
    major = set_severity(api, cid, "service1", severity="major", reason="同一门店本月第二次缺包")
    assert major["severity"] == "major"
    assert due(major) == datetime(2026, 11, 24, 14, tzinfo=SHANGHAI)  # 4 business hours from receipt
    at(monkeypatch, "staff", RECEIVED + timedelta(hours=1, minutes=30))
    critical = set_severity(api, cid, "manager1", severity="critical", reason="顾客称要找媒体曝光")
    assert critical["severity"] == "critical" and critical["escalated"] is True
    assert due(critical) == datetime(2026, 11, 24, 12, tzinfo=SHANGHAI)  # 2 hours on the wall clock
    changes = [h["data"] for h in critical["history"] if h["action"] == "set_severity"]
    assert [(c["from_severity"], c["to_severity"]) for c in changes] == [("normal", "major"), ("major", "critical")]
    assert [h["actor"] for h in critical["history"] if h["action"] == "set_severity"] == ["service1", "manager1"]


def test_a_lower_severity_gives_the_running_resolution_clock_its_longer_duration(api, monkeypatch):
    at(monkeypatch, "public", RECEIVED)
    cid = submit(api, BLADE)["complaint_id"]  # critical: resolution 3 days on the wall clock
    at(monkeypatch, "staff", RECEIVED + timedelta(minutes=30))
    contacted = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "contact", "note": "已联系"},
                         user="sales_cs").data
    assert due(contacted, "resolution") == RECEIVED + timedelta(minutes=30, days=3)
    at(monkeypatch, "staff", RECEIVED + timedelta(hours=1))
    normal = set_severity(api, cid, "service1", severity="normal", reason="刀片为顾客自家物品, 与产品无关")
    # 7 business days from the contact on Tuesday 10:30: the next Thursday 10:30 (no holiday in between)
    assert due(normal, "resolution") == datetime(2026, 12, 3, 10, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize("user", ["sales_wh", "quality1", "leader1"])
def test_sales_quality_and_leaders_may_not_change_the_severity(api, user):
    cid = submit(api, SHORT_CASE)["complaint_id"]  # assigned to sales_wh: their own complaint
    refused = set_severity(api, cid, user, expect=403, severity="major", reason="试试")
    assert refused["error"]["code"] == "forbidden"


def test_the_same_severity_again_is_a_conflict(api):
    cid = submit(api, SHORT_CASE)["complaint_id"]
    refused = set_severity(api, cid, "service1", expect=409, severity="normal", reason="再确认一次")
    assert refused["error"]["code"] == "conflict"


def test_a_severity_change_needs_a_reason_and_a_known_severity(api):
    cid = submit(api, SHORT_CASE)["complaint_id"]
    missing = set_severity(api, cid, "service1", expect=400, severity="major")
    assert [f["field"] for f in missing["error"]["fields"]] == ["reason"]
    unknown = set_severity(api, cid, "manager1", expect=400, severity="urgent", reason="x")
    assert [f["field"] for f in unknown["error"]["fields"]] == ["severity"]
    assert "critical" in unknown["error"]["fields"][0]["message"]
