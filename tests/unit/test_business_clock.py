"""Deadline arithmetic with a controllable clock: durations, warnings, breaches, pauses, callbacks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import deadlines
from chalicelib.domain.deadlines import DeadlinePolicy, callback_time, on_timer, pause_clock, resume_clock, start_clock
from chalicelib.domain.model import (
    Category, Channel, Clock, Complaint, Customer, NotificationEvent, Notify, Product, Role, Schedule, Severity,
    Status, Unschedule,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai


def complaint(severity=Severity.NORMAL, assignee="sales_cs") -> Complaint:
    return Complaint(id="C-20261124-AAAAAA", channel=Channel.WEB, status=Status.ASSIGNED, severity=severity,
                     category=Category.ODOR, description="油漆味", customer=Customer("张先生", "+8613800138000"),
                     product=Product(sku="V2047"), received_at=T0, recorded_at=T0, recorded_by="public",
                     access_code_hash="h", assignee=assignee)


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize("clock, severity, expected", [
    (Clock.FIRST_CONTACT, Severity.NORMAL, timedelta(hours=24)),
    (Clock.FIRST_CONTACT, Severity.MAJOR, timedelta(hours=24)),
    (Clock.FIRST_CONTACT, Severity.CRITICAL, timedelta(hours=2)),
    (Clock.RESOLUTION, Severity.NORMAL, timedelta(days=7)),
    (Clock.RESOLUTION, Severity.CRITICAL, timedelta(days=3)),
])
def test_clocks_run_for_the_time_their_severity_allows(clock, severity, expected):
    deadline = start_clock(complaint(severity), clock, T0)
    assert deadline.due_at - T0 == expected


def test_the_first_schedule_fires_when_a_quarter_of_the_time_is_left():
    c = complaint()
    start_clock(c, Clock.FIRST_CONTACT, T0)
    assert c.effects == [Schedule(Clock.FIRST_CONTACT, T0 + timedelta(hours=18))]


def test_a_clock_warns_the_assignee_then_escalates_to_the_manager():
    c = complaint()
    start_clock(c, Clock.FIRST_CONTACT, T0)
    c.effects.clear()
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=18)) == ["sla_warning"]
    assert c.effects[0] == Notify(NotificationEvent.SLA_WARNING, c.effects[0].text, recipient="sales_cs")
    assert c.effects[1] == Schedule(Clock.FIRST_CONTACT, T0 + timedelta(hours=24))
    c.effects.clear()
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=24)) == ["sla_breached"]
    roles = {e.role for e in c.effects if isinstance(e, Notify)}
    assert roles == {None, Role.MANAGER} and c.escalated


def test_a_breached_resolution_clock_also_tells_the_leader():
    c = complaint()
    start_clock(c, Clock.RESOLUTION, T0)
    on_timer(c, Clock.RESOLUTION, T0 + timedelta(days=8))
    assert {e.role for e in c.effects if isinstance(e, Notify)} >= {Role.MANAGER, Role.LEADER}


def test_a_repeated_or_stale_firing_does_nothing():
    c = complaint()
    start_clock(c, Clock.FIRST_CONTACT, T0)
    on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=25))
    c.effects.clear()
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=25)) == []
    assert c.effects == []


def test_a_stopped_clock_never_warns():
    c = complaint()
    start_clock(c, Clock.FIRST_CONTACT, T0)
    deadlines.stop_clock(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=1))
    assert c.effects[-1] == Unschedule(Clock.FIRST_CONTACT)
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=30)) == []


def test_an_early_firing_is_moved_to_the_right_time():
    c = complaint()
    start_clock(c, Clock.FIRST_CONTACT, T0)
    c.effects.clear()
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + timedelta(hours=1)) == []
    assert c.effects == [Schedule(Clock.FIRST_CONTACT, T0 + timedelta(hours=18))]


def test_a_pause_keeps_the_time_used_and_the_resume_gives_the_rest():
    c = complaint()
    start_clock(c, Clock.RESOLUTION, T0)
    pause_clock(c, Clock.RESOLUTION, T0 + timedelta(days=2))
    assert on_timer(c, Clock.RESOLUTION, T0 + timedelta(days=9)) == []  # waiting on the lab: no breach
    resume_clock(c, Clock.RESOLUTION, T0 + timedelta(days=12))
    assert c.deadlines[Clock.RESOLUTION].due_at == T0 + timedelta(days=17)


@pytest.mark.parametrize("told, severity, expected", [
    (shanghai(2026, 11, 20, 17, 30), Severity.NORMAL, shanghai(2026, 11, 23, 17, 30)),  # Fri -> Mon, in hours
    (shanghai(2026, 11, 19, 10, 0), Severity.NORMAL, shanghai(2026, 11, 23, 9, 0)),     # lands Sunday -> Mon 9:00
    (shanghai(2026, 11, 23, 20, 0), Severity.NORMAL, shanghai(2026, 11, 27, 9, 0)),     # lands 20:00 Thu -> Fri 9:00
    (shanghai(2026, 11, 23, 7, 0), Severity.NORMAL, shanghai(2026, 11, 26, 9, 0)),      # lands 07:00 -> 09:00
    (shanghai(2026, 11, 23, 10, 0), Severity.CRITICAL, shanghai(2026, 11, 25, 10, 0)),  # critical: 2 days
])
def test_the_callback_falls_in_business_hours_on_a_working_day(told, severity, expected):
    assert callback_time(told, severity) == expected


def test_holidays_are_skipped():
    policy = DeadlinePolicy(holidays=frozenset({date(2026, 11, 23)}))
    assert callback_time(shanghai(2026, 11, 20, 10, 0), Severity.NORMAL, policy) == shanghai(2026, 11, 24, 9, 0)


def test_the_callback_reminder_tells_the_salesperson_whom_to_call_and_stops_its_clock():
    c = complaint()
    c.handling = {"type": "exchange", "note": "换一箱"}
    start_clock(c, Clock.CALLBACK, T0)
    due = c.deadlines[Clock.CALLBACK].due_at
    assert on_timer(c, Clock.CALLBACK, due) == ["callback_due"]
    [notice] = [e for e in c.effects if isinstance(e, Notify)]
    assert notice.recipient == "sales_cs" and "+8613800138000" in notice.text and "换货" in notice.text
    assert on_timer(c, Clock.CALLBACK, due) == []


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        start_clock(complaint(), Clock.FIRST_CONTACT, datetime(2026, 11, 24, 10, 0))
