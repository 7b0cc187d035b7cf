"""Statistics and cluster alerts over the real cases, counted by hand, kept by the stream."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.stats import SHANGHAI
from tests.api.conftest import module_api
from tests.api.test_workflow_api import act, fire
from tests.real_cases import BLADE, HOTEL_NAPKINS, ODOR, SEAL_OPEN, SHORT_CASE


def record(api, case):
    response = api.call("POST", "/api/v1/complaints", case)
    assert response.status_code == 201, response.body
    return response.data


@pytest.fixture(scope="module")
def api(moto_server):
    with module_api(moto_server) as api:
        yield api


@pytest.fixture(scope="module")
def cases(api):
    """Blade walked to closed; seal-open breached its first contact; the short case contacted; the hotel
    and four odour complaints about one production date waiting."""
    blade = record(api, BLADE)["complaint_id"]
    act(api, blade, "sales_cs", "contact", note="当天联系")
    act(api, blade, "sales_cs", "submit_feedback_form", investigation="断刀片", sample_provided=True,
        certificate_provided=True, customer_request="解释")
    act(api, blade, "quality1", "record_qc_result", investigation_result="刀片断裂", cause_analysis="换刀未检查",
        responsible_department="生产车间", corrective_actions="自查", preventive_actions="换刀责任人",
        company_at_fault=True)
    act(api, blade, "sales_cs", "propose_handling", type="explanation", note="说明")
    act(api, blade, "sales_cs", "notify_customer", via="visit", note="已告知")
    act(api, blade, "sales_cs", "record_satisfaction", rating=5, comment="满意")
    act(api, blade, "service1", "close", note="结案")
    seal = record(api, SEAL_OPEN)
    fire(api, datetime.fromisoformat(seal["first_contact_due"]) + timedelta(minutes=1))
    short = record(api, SHORT_CASE)["complaint_id"]
    act(api, short, "sales_wh", "contact", note="已联系门店")
    hotel = record(api, HOTEL_NAPKINS)["complaint_id"]
    odors = [record(api, ODOR)["complaint_id"] for _ in range(4)]
    api.pump.drain_stream()
    return {"blade": blade, "seal": seal["complaint_id"], "short": short, "hotel": hotel, "odors": odors}


def stats(api, by, user="manager1", headers=None, **params):
    today = datetime.now(SHANGHAI).date().isoformat()
    query = "&".join(f"{k}={v}" for k, v in {"from": today, "to": today, "by": by, **params}.items())
    response = api.call("GET", f"/api/v1/staff/stats?{query}", user=user, headers=headers)
    assert response.status_code == 200, response.body
    return response.data


def rows(report):
    return {g["key"]: (g["count"], g["open"], g["overdue"]) for g in report["groups"]}


def test_counts_open_and_overdue_per_group_match_the_hand_count(cases, api):
    assert rows(stats(api, "category")) == {
        "odor": (4, 4, 0), "foreign_matter": (1, 0, 0), "seal_failure": (1, 1, 1), "count_shortage": (1, 1, 0),
        "print_defect": (1, 1, 0)}
    assert rows(stats(api, "sku")) == {"V2047": (5, 5, 0), "V2131": (1, 0, 0), "V0052": (1, 1, 1),
                                       "N3100": (1, 1, 0)}
    assert rows(stats(api, "assignee")) == {"sales_cs": (6, 5, 0), "sales_wh": (1, 1, 0), "sales_gz": (1, 1, 1)}
    assert rows(stats(api, "responsible_department")) == {"-": (7, 7, 1), "PROD": (1, 0, 0)}
    assert rows(stats(api, "channel")) == {"web": (8, 7, 1)}
    assert rows(stats(api, "batch"))["080520-2"] == (1, 0, 0)


def test_the_figures_match_the_hand_count(cases, api):
    report = stats(api, "category")
    total = report["total"]
    assert (total["count"], total["open"], total["overdue"]) == (8, 7, 1)
    assert total["median_hours_to_customer_told"] == 0  # the blade: told within the hour
    assert total["satisfaction_average"] == 5
    assert total["first_contact_met_pct"] == pytest.approx(66.7)  # blade, short case in time; seal-open breached
    assert total["resolution_met_pct"] == 100
    blade = next(g for g in report["groups"] if g["key"] == "foreign_matter")
    assert blade["label"] == "有异物" and blade["satisfaction_average"] == 5
    english = stats(api, "category", headers={"Accept-Language": "en"})["groups"]
    assert english[0]["key"] == "odor" and english[0]["label"] == "Bad smell"  # most complaints first


def test_a_period_without_complaints_is_empty(cases, api):
    report = stats(api, "category", **{"from": "2025-01-01", "to": "2025-12-31"})
    assert report["groups"] == [] and report["total"]["count"] == 0


def test_replaying_the_stream_changes_no_figure_and_sends_no_second_alert(cases, api):
    from infra.pump import pump_for_app

    before = [stats(api, by) for by in ("category", "assignee")]
    alerts_before = len([m for m in api.outbox() if m["event"] == "cluster_alert"])
    replay = pump_for_app()  # a new reader from the start of the stream: every record again
    assert replay.drain_stream() > 0
    assert [stats(api, by) for by in ("category", "assignee")] == before
    assert len([m for m in api.outbox() if m["event"] == "cluster_alert"]) == alerts_before


def test_stats_and_alerts_are_not_for_salespeople(cases, api):
    for path in ("/api/v1/staff/stats", "/api/v1/staff/alerts"):
        assert api.call("GET", path, user="sales_cs").status_code == 403
        assert api.call("GET", path).status_code == 401


def test_three_complaints_on_one_production_date_alert_quality_and_the_manager_once(cases, api):
    alerts = [(m["recipient"], m["channel"]) for m in api.outbox() if m["event"] == "cluster_alert"]
    assert sorted(alerts) == [("manager1", "email"), ("manager1", "sms"), ("quality1", "email"),
                              ("quality1", "sms")]
    text = next(m for m in api.outbox() if m["event"] == "cluster_alert")["text"]
    assert "V2047" in text and "2008-11-29" in text and "张先生" not in text and "138" not in text
    listed = api.call("GET", "/api/v1/staff/alerts", user="quality1").data["items"]
    assert len(listed) == 1
    alert = listed[0]
    assert (alert["sku"], alert["production_date"], alert["batch"]) == ("V2047", "2008-11-29", None)
    assert alert["shared"] == ["production_date"] and "批次" not in text  # a date is never called a batch
    assert alert["count"] == 4 and sorted(alert["complaint_ids"]) == sorted(cases["odors"])
    assert {c["complaint_id"] for c in alert["complaints"]} == set(cases["odors"])
    assert "customer" not in alert["complaints"][0]


def test_the_trend_has_every_day_of_the_period_with_what_was_received_and_closed_that_day(cases, api):
    today = datetime.now(SHANGHAI).date()
    assert stats(api, "category")["trend"] == [{"day": today.isoformat(), "new": 8, "closed": 1}]  # the blade
    yesterday = (today - timedelta(days=1)).isoformat()
    trend = stats(api, "sku", **{"from": yesterday})["trend"]
    assert trend == [{"day": yesterday, "new": 0, "closed": 0}, {"day": today.isoformat(), "new": 8, "closed": 1}]


def test_the_deadline_percentages_come_with_the_counts_they_are_made_of(cases, api):
    total = stats(api, "channel")["total"]
    assert (total["first_contact_met"], total["first_contact_decided"]) == (2, 3)  # seal-open breached
    assert (total["resolution_met"], total["resolution_decided"]) == (1, 1)
    web = stats(api, "channel")["groups"][0]
    assert (web["first_contact_met"], web["first_contact_decided"], web["first_contact_met_pct"]) == (2, 3, 66.7)


def test_salespeople_and_territories_are_labelled_by_their_names(cases, api):
    assignees = {g["key"]: g["label"] for g in stats(api, "assignee")["groups"]}
    assert assignees == {"sales_cs": "李明", "sales_wh": "王芳", "sales_gz": "陈强"}
    territories = {g["key"]: g["label"] for g in stats(api, "territory")["groups"]}
    assert territories == {"HN-CS": "湖南长沙片区", "HB-WH": "湖北武汉片区", "GD-GZ": "广东广州片区"}


def test_a_complaint_closed_days_later_counts_as_closed_on_its_closing_day_and_a_reopening_takes_it_back(
        cases, api, monkeypatch):
    """Changes the short case: after the hand counts."""
    from infra.pump import pump_for_app

    today = datetime.now(SHANGHAI).date()
    later = today + timedelta(days=2)
    period = {"from": today.isoformat(), "to": later.isoformat()}
    act(api, cases["short"], "sales_wh", "close_unsubstantiated", explanation="门店自行拆箱, 属正常")
    monkeypatch.setattr("chalicelib.handlers.staff.now", lambda: datetime.now(SHANGHAI) + timedelta(days=2))
    act(api, cases["short"], "service1", "close", note="结案")
    api.pump.drain_stream()
    trend = stats(api, "category", **period)["trend"]
    assert [(p["new"], p["closed"]) for p in trend] == [(8, 1), (0, 0), (0, 1)]
    assert stats(api, "category", **{"from": later.isoformat(), "to": later.isoformat()})["total"]["count"] == 0

    act(api, cases["short"], "manager1", "reopen", reason="顾客仍不认可")
    api.pump.drain_stream()
    assert [(p["new"], p["closed"]) for p in stats(api, "category", **period)["trend"]] == [(8, 1), (0, 0), (0, 0)]
    pump_for_app().drain_stream()  # every record again: nothing counted twice
    assert [(p["new"], p["closed"]) for p in stats(api, "category", **period)["trend"]] == [(8, 1), (0, 0), (0, 0)]


def test_a_stats_request_reads_the_same_rows_however_many_complaints(cases, api):
    """Last in the module: it adds complaints."""
    from chalicelib.clients import client

    calls = []
    dynamodb = client("dynamodb")

    def count(**kwargs):
        calls.append(kwargs["event_name"])

    dynamodb.meta.events.register("before-call.dynamodb", count)
    try:
        stats(api, "sku")
        first = list(calls)
        for _ in range(3):
            record(api, ODOR)
        api.pump.drain_stream()
        calls.clear()
        assert stats(api, "sku")["total"]["count"] == 11
        assert calls == first and all(c.endswith(".Query") for c in calls)
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", count)
