"""China's working calendar (chalicelib/domain/calendar.py): which days are worked, and time counted in hours,
business hours and business days on the statutory calendar of 2026."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.calendar import Day, DayReason, Duration, StatutoryDays, Unit, WorkCalendar
from tests.unit.china_2026 import CALENDAR_2026, CHINA_2026

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize("d, expected", [
    (date(2026, 10, 1), Day(date(2026, 10, 1), False, DayReason.HOLIDAY, "国庆节")),  # a Thursday off
    (date(2026, 10, 3), Day(date(2026, 10, 3), False, DayReason.HOLIDAY, "国庆节")),  # a Saturday in the holiday
    (date(2026, 10, 8), Day(date(2026, 10, 8), True, DayReason.WORKDAY)),
    (date(2026, 10, 10), Day(date(2026, 10, 10), True, DayReason.MAKEUP_WORKDAY, "国庆节")),  # 调休上班
    (date(2026, 10, 11), Day(date(2026, 10, 11), False, DayReason.WEEKEND)),
    (date(2026, 9, 20), Day(date(2026, 9, 20), True, DayReason.MAKEUP_WORKDAY, "国庆节")),  # a Sunday worked
])
def test_a_day_is_worked_as_the_statutory_calendar_says(d, expected):
    assert CALENDAR_2026.day(d) == expected


def test_the_companys_own_days_come_before_the_statutory_calendar():
    calendar = WorkCalendar(CHINA_2026, company_closed=frozenset({date(2026, 10, 10)}),
                            company_workdays=frozenset({date(2026, 10, 7), date(2026, 10, 11)}))
    assert calendar.day(date(2026, 10, 10)) == Day(date(2026, 10, 10), False, DayReason.COMPANY_CLOSED)
    assert calendar.day(date(2026, 10, 7)) == Day(date(2026, 10, 7), True, DayReason.COMPANY_WORKDAY)
    assert calendar.day(date(2026, 10, 11)).reason is DayReason.COMPANY_WORKDAY


def test_a_year_the_statutory_calendar_does_not_know_counts_monday_to_friday_and_says_so():
    # GIVEN statutory days that know 2026 only (and a stray holiday entry for 2031 that is not trusted)
    calendar = WorkCalendar(StatutoryDays({date(2031, 1, 1): "元旦"}, {}, frozenset({2026})))
    # THEN 2031 is worked Monday to Friday
    assert calendar.day(date(2031, 1, 1)) == Day(date(2031, 1, 1), True, DayReason.WORKDAY)  # a Wednesday
    assert calendar.day(date(2031, 1, 4)).reason is DayReason.WEEKEND
    # AND the calendar says which years it guesses
    assert calendar.unknown_years(date(2026, 12, 1), date(2031, 1, 31)) == [2027, 2028, 2029, 2030, 2031]
    assert calendar.degraded(date(2031, 1, 1), date(2031, 12, 31)) == "2031 unknown"
    assert calendar.degraded(date(2031, 12, 1), date(2032, 1, 31)) == "2031, 2032 unknown"
    assert calendar.degraded(date(2026, 1, 1), date(2026, 12, 31)) is None


def test_days_lists_each_day_of_a_range_both_ends_included():
    days = CALENDAR_2026.days(date(2026, 9, 30), date(2026, 10, 10))
    assert [d.date.day for d in days] == [30, *range(1, 11)]
    assert [d.date.day for d in days if d.working] == [30, 8, 9, 10]


@pytest.mark.parametrize("at, expected", [
    (shanghai(2026, 9, 30, 10, 0), shanghai(2026, 9, 30, 10, 0)),  # inside: itself
    (shanghai(2026, 9, 30, 8, 0), shanghai(2026, 9, 30, 9, 0)),  # before opening
    (shanghai(2026, 9, 30, 18, 0), shanghai(2026, 10, 8, 9, 0)),  # closing time is closed; then the holiday
    (shanghai(2026, 10, 10, 12, 0), shanghai(2026, 10, 10, 12, 0)),  # a make-up Saturday is worked
    (shanghai(2026, 10, 11, 12, 0), shanghai(2026, 10, 12, 9, 0)),  # an ordinary Sunday is not
])
def test_the_next_business_moment(at, expected):
    moment = CALENDAR_2026.next_business_moment(at)
    assert moment == expected and moment.tzinfo is timezone.utc


@pytest.mark.parametrize("start, duration, expected", [
    # wall clock: the holiday does not matter
    (shanghai(2026, 10, 1, 10, 0), Duration(2, Unit.HOURS), shanghai(2026, 10, 1, 12, 0)),
    (shanghai(2026, 10, 1, 10, 0), Duration(72, Unit.HOURS), shanghai(2026, 10, 4, 10, 0)),
    # business hours: one hour left on 30 September, eight more after the National Day holiday
    (shanghai(2026, 9, 30, 17, 0), Duration(9, Unit.BUSINESS_HOURS), shanghai(2026, 10, 8, 17, 0)),
    (shanghai(2026, 9, 30, 9, 0), Duration(9, Unit.BUSINESS_HOURS), shanghai(2026, 9, 30, 18, 0)),
    (shanghai(2026, 9, 30, 20, 0), Duration(4, Unit.BUSINESS_HOURS), shanghai(2026, 10, 8, 13, 0)),
    (shanghai(2026, 10, 10, 10, 0), Duration(9, Unit.BUSINESS_HOURS), shanghai(2026, 10, 12, 10, 0)),  # 调休 Sat
    # business days: the same time of day on the n-th working day
    (shanghai(2026, 9, 29, 10, 0), Duration(2, Unit.BUSINESS_DAYS), shanghai(2026, 10, 8, 10, 0)),
    (shanghai(2026, 9, 30, 10, 0), Duration(3, Unit.BUSINESS_DAYS), shanghai(2026, 10, 10, 10, 0)),
    (shanghai(2026, 9, 30, 19, 0), Duration(1, Unit.BUSINESS_DAYS), shanghai(2026, 10, 9, 9, 0)),
    (shanghai(2026, 9, 30, 10, 0), Duration(1.5, Unit.BUSINESS_DAYS), shanghai(2026, 10, 8, 14, 30)),
    # counting back
    (shanghai(2026, 10, 8, 10, 0), Duration(-2, Unit.BUSINESS_HOURS), shanghai(2026, 9, 30, 17, 0)),
    (shanghai(2026, 10, 8, 10, 0), Duration(-1, Unit.BUSINESS_DAYS), shanghai(2026, 9, 30, 10, 0)),
    (shanghai(2026, 10, 8, 8, 0), Duration(-1, Unit.BUSINESS_HOURS), shanghai(2026, 9, 30, 17, 0)),
])
def test_adding_a_duration_counts_in_its_unit(start, duration, expected):
    due = CALENDAR_2026.add(start, duration)
    assert due == expected and due.tzinfo is timezone.utc


def test_business_time_between_two_moments_skips_nights_weekends_and_holidays():
    assert CALENDAR_2026.business_seconds(shanghai(2026, 9, 30, 17, 0), shanghai(2026, 10, 8, 17, 0)) == 9 * 3600
    assert CALENDAR_2026.business_seconds(shanghai(2026, 10, 8, 17, 0), shanghai(2026, 9, 30, 17, 0)) == -9 * 3600
    assert CALENDAR_2026.business_seconds(shanghai(2026, 10, 1, 0, 0), shanghai(2026, 10, 7, 23, 0)) == 0


@pytest.mark.parametrize("unit, expected", [(Unit.HOURS, 192.0), (Unit.BUSINESS_HOURS, 9.0),
                                            (Unit.BUSINESS_DAYS, 1.0)])
def test_what_is_left_is_counted_in_the_clocks_unit(unit, expected):
    now, due = shanghai(2026, 9, 30, 17, 0), shanghai(2026, 10, 8, 17, 0)
    assert CALENDAR_2026.left(now, due, unit) == expected
    assert CALENDAR_2026.left(due, now, unit) == -expected  # overdue


def test_other_business_hours_make_a_business_day_of_their_length():
    calendar = WorkCalendar(CHINA_2026, business_start=time(8, 30), business_end=time(17, 0))
    assert calendar.day_seconds == 8.5 * 3600
    assert calendar.add(shanghai(2026, 9, 30, 8, 0), Duration(1, Unit.BUSINESS_DAYS)) == shanghai(2026, 10, 8, 8, 30)


def test_business_hours_that_end_before_they_start_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar(business_start=time(18), business_end=time(9))


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        CALENDAR_2026.add(datetime(2026, 9, 30, 17, 0), Duration(9, Unit.BUSINESS_HOURS))
