"""The working calendar's sources on moto: the package read into StatutoryDays, the settings item with its
revision and history, the settings cache; and the two facts intake reads for severity (a key account, a
lot with an open cluster alert) without an extra round trip."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.adapters.calendar import CalendarSettings, CalendarStore, SettingsChange, statutory_days
from chalicelib.domain.clusters import Alert, ClusterRule
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.wiring import adapters

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def test_the_package_gives_holidays_and_make_up_days_with_their_chinese_names():
    days = statutory_days()
    assert days.holidays[date(2026, 10, 1)] == "国庆节"
    assert days.holidays[date(2026, 10, 3)] == "国庆节"  # a Saturday of the break is part of it
    assert days.makeup_workdays[date(2026, 9, 20)] == "国庆节"  # the Sunday worked for it
    assert days.makeup_workdays[date(2026, 2, 14)] == "春节"
    assert {days.holidays[d] for d in (date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25), date(2026, 1, 1),
                                       date(2026, 5, 1))} == {"清明节", "端午节", "中秋节", "元旦", "劳动节"}
    assert set(days.holidays.values()) | set(days.makeup_workdays.values()) <= {
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "抗战胜利纪念日"}
    assert min(days.known_years) == 2004 and 2026 in days.known_years and 2031 not in days.known_years
    assert statutory_days() is days  # read once per process


def store(stack, clock=lambda: 0.0) -> CalendarStore:
    from chalicelib import clients

    return CalendarStore(clients.client("dynamodb"), stack["TABLE_NAME"], clock=clock)


def change(revision, by="admin1", **what):
    return SettingsChange(revision, NOW + timedelta(minutes=revision), by, what)


def test_no_settings_stored_are_the_defaults_at_revision_zero(stack):
    assert store(stack).stored() == CalendarSettings()


def test_settings_are_stored_over_the_revision_read_with_their_history_newest_first(stack):
    calendar = store(stack)
    first = CalendarSettings(company_closed=frozenset({date(2026, 12, 31)}), revision=1, changed_at=NOW,
                             changed_by="admin1")
    calendar.put(first, change(1, company_closed={"added": ["2026-12-31"], "removed": []}))
    assert calendar.stored() == first
    second = CalendarSettings(company_workdays=frozenset({date(2026, 12, 27)}), revision=2)
    calendar.put(second, change(2, by="admin2"))
    with pytest.raises(ConcurrentChange):
        calendar.put(CalendarSettings(revision=2), change(2))  # read at revision 1, stored since
    assert [(c.revision, c.by) for c in calendar.history()] == [(2, "admin2"), (1, "admin1")]
    assert calendar.history()[1].changes == {"company_closed": {"added": ["2026-12-31"], "removed": []}}
    assert calendar.stored().company_workdays == {date(2026, 12, 27)}


def test_a_process_reads_the_settings_at_most_once_a_minute_and_forgets_them_when_it_changes_them(stack):
    ticks = [0.0]
    mine, other = store(stack, clock=lambda: ticks[0]), store(stack, clock=lambda: ticks[0])
    assert other.current().revision == 0
    mine.put(CalendarSettings(revision=1), change(1))
    assert mine.current().revision == 1  # the process that changed them forgets at once
    assert other.current().revision == 0  # another process, within the minute
    ticks[0] = 61.0
    assert other.current().revision == 1


def test_settings_read_before_serve_on_while_the_table_cannot_be_read(stack, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    ticks = [0.0]
    calendar = store(stack, clock=lambda: ticks[0])
    calendar.put(CalendarSettings(revision=1), change(1))
    assert calendar.current().revision == 1

    def unreachable(**kwargs):
        raise EndpointConnectionError(endpoint_url="http://dynamodb")

    monkeypatch.setattr(calendar._client, "get_item", unreachable)
    ticks[0] = 120.0
    assert calendar.current().revision == 1
    fresh = store(stack)
    monkeypatch.setattr(fresh._client, "get_item", unreachable)
    assert fresh.current_if_readable() is None


def test_the_route_look_up_says_whether_the_account_is_a_key_account(stack):
    directory = adapters().directory
    hotel = {"account": ("account", "HOTEL-CS-001"), "city": ("route", "湖南#长沙")}
    found = directory.find_routing(hotel)
    assert found.key_account is True and found.routes["account"].salesperson == "sales_cs"
    assert directory.find_routing({"account": ("account", "DIST-WH-001")}).key_account is False
    assert directory.find_routing({"city": ("route", "湖南#长沙")}).key_account is False


def test_a_lot_with_an_open_cluster_alert_is_a_repeated_defect(stack):
    clusters = adapters().clusters
    rule = ClusterRule()
    lot, other = "V2047#batch#B1", "V2047#date#2026-11-01"
    alert = Alert(lot, NOW - timedelta(days=3), NOW - timedelta(days=1), ("C-1", "C-2", "C-3"), NOW, 3)
    assert clusters.alerted([lot, other], NOW, rule) is False
    assert clusters.save_alert(alert, {lot: None})
    assert clusters.alerted([other, lot], NOW, rule) is True
    assert clusters.alerted([lot], NOW + timedelta(days=31), rule) is False  # quiet for a window: closed
    assert clusters.alerted([], NOW, rule) is False


def test_a_lot_alerted_together_with_another_counts_through_its_pointer(stack):
    clusters = adapters().clusters
    rule = ClusterRule()
    batch, day = "V2047#batch#B1", "V2047#date#2026-11-01"
    alert = Alert(batch, NOW - timedelta(days=3), NOW - timedelta(days=1), ("C-1", "C-2", "C-3"), NOW, 3, (day,))
    assert clusters.save_alert(alert, {batch: None, day: None})
    assert clusters.alerted([day], NOW, rule) is True  # the pointer alone, opened within the window
    assert clusters.alerted(["V2047#date#2026-11-02", day], NOW + timedelta(days=40), rule) is False
