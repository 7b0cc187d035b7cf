"""The clocks of a complaint on China's 2026 working calendar (issue 16's "done when"): first contact over the
National Day holiday, a make-up Saturday, critical on the wall clock, callbacks on working days, pauses that keep
business time, a year the calendar does not know, warnings in business units, and rescaling after set_severity."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import deadlines
from chalicelib.domain.calendar import DayReason
from chalicelib.domain.commands import SetSeverity
from chalicelib.domain.deadlines import DeadlinePolicy
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Clock, Complaint, Customer, Product, Role, Schedule, Severity, Status,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform
from tests.unit.china_2026 import CALENDAR_2026

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = DeadlinePolicy(calendar=CALENDAR_2026)
SERVICE = Actor("service1", frozenset({Role.SERVICE}))


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def received(at: datetime, description="整箱未拆封, 打开后少了两包", policy=POLICY) -> Complaint:
    command = RecordComplaint(channel=Channel.LETTER, category=Category.COUNT_SHORTAGE, description=description,
                              customer=Customer("刘店长", "13907310000"), product=Product(sku="V2047"), received_at=at)
    complaint = open_complaint(command, "C-20260930-AAAAAA", "h", Route("HB-WH", "sales_wh"), "service1", at, policy)
    complaint.effects.clear()
    complaint.new_history.clear()
    return complaint


def due(complaint: Complaint, clock=Clock.FIRST_CONTACT) -> datetime | None:
    return complaint.deadlines[clock].due_at


def test_a_normal_letter_received_the_day_before_national_day_is_due_on_the_first_working_day_after_it():
    complaint = received(shanghai(2026, 9, 30, 17, 0))
    assert complaint.severity is Severity.NORMAL
    assert due(complaint) == shanghai(2026, 10, 8, 17, 0)  # one business hour on the 30th, eight on the 8th
    assert CALENDAR_2026.day(date(2026, 10, 8)).reason is DayReason.WORKDAY


def test_a_complaint_received_on_a_make_up_saturday_counts_that_saturday():
    complaint = received(shanghai(2026, 10, 10, 10, 0))
    assert due(complaint) == shanghai(2026, 10, 12, 10, 0)  # eight hours on Saturday, one on Monday


def test_a_critical_complaint_runs_two_wall_clock_hours_through_a_holiday():
    complaint = received(shanghai(2026, 10, 1, 10, 0), description="面巾纸里有一片断掉的刀片")
    assert complaint.severity is Severity.CRITICAL
    assert due(complaint) == shanghai(2026, 10, 1, 12, 0)


@pytest.mark.parametrize("severity", list(Severity))
def test_a_callback_or_survey_never_lands_on_a_holiday_or_a_weekend_that_is_not_a_make_up_day(severity):
    told = shanghai(2026, 9, 15, 0, 0)
    while told < shanghai(2026, 10, 20):
        for when in (deadlines.callback_time(told, severity, POLICY), deadlines.survey_time(told, severity, POLICY)):
            local = when.astimezone(SHANGHAI)
            assert CALENDAR_2026.working(local.date()) and 9 <= local.hour < 18, (told, local)
        told += timedelta(minutes=30)


def test_a_callback_three_business_days_after_the_30th_of_september_is_on_the_make_up_saturday():
    normal = deadlines.callback_time(shanghai(2026, 9, 30, 10, 0), Severity.NORMAL, POLICY)
    critical = deadlines.callback_time(shanghai(2026, 9, 29, 10, 0), Severity.CRITICAL, POLICY)
    assert (normal, critical) == (shanghai(2026, 10, 10, 10, 0), shanghai(2026, 10, 8, 10, 0))


def test_a_paused_resolution_clock_resumes_with_the_business_time_it_had_left():
    # GIVEN a normal resolution clock started on Monday 28 September (7 business days), paused a business day later
    complaint = received(shanghai(2026, 9, 28, 10, 0))
    deadlines.start_clock(complaint, Clock.RESOLUTION, shanghai(2026, 9, 28, 10, 0), POLICY)
    deadlines.pause_clock(complaint, Clock.RESOLUTION, shanghai(2026, 9, 29, 10, 0), POLICY)
    resolution = complaint.deadlines[Clock.RESOLUTION]
    assert deadlines.left(resolution, complaint, shanghai(2026, 10, 5), POLICY) == 6  # business days, holiday or not
    # WHEN the lab answers on Friday 9 October
    deadlines.resume_clock(complaint, Clock.RESOLUTION, shanghai(2026, 10, 9, 10, 0), POLICY)
    # THEN six working days follow, the make-up Saturday among them
    assert resolution.due_at == shanghai(2026, 10, 16, 10, 0)
    assert CALENDAR_2026.left(shanghai(2026, 10, 9, 10, 0), resolution.due_at, resolution.duration.unit) == 6


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday_and_says_so():
    complaint = received(shanghai(2031, 1, 1, 17, 0))  # New Year's Day, but 2031 is not in the statutory days
    assert due(complaint) == shanghai(2031, 1, 2, 17, 0)
    assert CALENDAR_2026.degraded(date(2031, 1, 1), date(2031, 1, 2)) == "2031 unknown"


def test_the_warning_comes_with_a_quarter_of_the_business_hours_left():
    complaint = received(shanghai(2026, 9, 30, 17, 0))
    warn = shanghai(2026, 10, 8, 14, 45)  # 2.25 of the 9 business hours left
    assert deadlines.next_firing(complaint.deadlines[Clock.FIRST_CONTACT], POLICY.duration(
        Clock.FIRST_CONTACT, Severity.NORMAL), POLICY) == warn
    assert deadlines.on_timer(complaint, Clock.FIRST_CONTACT, shanghai(2026, 10, 1, 10, 0), POLICY) == []
    assert deadlines.on_timer(complaint, Clock.FIRST_CONTACT, warn - timedelta(seconds=1), POLICY) == []
    assert deadlines.on_timer(complaint, Clock.FIRST_CONTACT, warn, POLICY) == ["sla_warning"]


def test_set_severity_to_critical_during_the_holiday_rescales_from_the_start_and_breaches_at_once():
    # GIVEN a normal complaint received 30 September 17:00, due 8 October 17:00
    complaint = received(shanghai(2026, 9, 30, 17, 0))
    complaint.status = Status.ASSIGNED
    now = shanghai(2026, 10, 1, 9, 0)
    # WHEN service raises it to critical on the 1st of October
    raised = SetSeverity(severity="critical", reason="顾客说孩子被划伤")
    perform(complaint, raised, Context(SERVICE, now, policy=POLICY))
    # THEN two wall-clock hours from receipt are long past: it breaches at the next firing, scheduled now
    assert due(complaint) == shanghai(2026, 9, 30, 19, 0)
    assert Schedule(Clock.FIRST_CONTACT, now) in complaint.effects
    assert deadlines.on_timer(complaint, Clock.FIRST_CONTACT, now, POLICY) == ["sla_breached"]


def test_a_paused_clock_rescaled_keeps_what_it_used():
    complaint = received(shanghai(2026, 9, 28, 10, 0))
    deadlines.start_clock(complaint, Clock.RESOLUTION, shanghai(2026, 9, 28, 10, 0), POLICY)
    deadlines.pause_clock(complaint, Clock.RESOLUTION, shanghai(2026, 9, 29, 10, 0), POLICY)  # 1 of 7 used
    resolution = complaint.deadlines[Clock.RESOLUTION]
    complaint.severity = Severity.MAJOR
    deadlines.rescale(complaint, shanghai(2026, 10, 2), POLICY, previous=Severity.NORMAL)
    assert resolution.remaining_seconds == 4 * 9 * 3600 and resolution.due_at is None  # 1 of 5 used
    complaint.severity = Severity.CRITICAL
    deadlines.rescale(complaint, shanghai(2026, 10, 3), POLICY, previous=Severity.MAJOR)
    assert resolution.remaining_seconds == timedelta(hours=48).total_seconds()  # 24 wall hours of 72 used


def test_a_breached_clock_stays_breached_when_the_severity_is_lowered():
    complaint = received(shanghai(2026, 9, 30, 17, 0), description="有刀片")
    deadlines.on_timer(complaint, Clock.FIRST_CONTACT, shanghai(2026, 9, 30, 19, 0), POLICY)
    complaint.effects.clear()
    complaint.severity = Severity.NORMAL
    deadlines.rescale(complaint, shanghai(2026, 10, 1), POLICY, previous=Severity.CRITICAL)
    assert complaint.deadlines[Clock.FIRST_CONTACT].breached and complaint.effects == []


def test_rescaling_moves_the_callback_with_the_severity():
    complaint = received(shanghai(2026, 9, 29, 10, 0))
    deadlines.start_clock(complaint, Clock.CALLBACK, shanghai(2026, 9, 29, 10, 0), POLICY)
    assert due(complaint, Clock.CALLBACK) == shanghai(2026, 10, 9, 10, 0)
    complaint.severity = Severity.CRITICAL
    deadlines.rescale(complaint, shanghai(2026, 9, 29, 11, 0), POLICY, previous=Severity.NORMAL)
    assert due(complaint, Clock.CALLBACK) == shanghai(2026, 10, 8, 10, 0)
    assert Schedule(Clock.CALLBACK, shanghai(2026, 10, 8, 10, 0)) in complaint.effects
    assert due(complaint, Clock.CALLBACK).tzinfo is timezone.utc
