"""China's working calendar and time counted in its units (standard library only).

A day is a working day when the statutory calendar says so (weekdays that are not public holidays,
plus the make-up working days 调休 on weekends), unless the company closed it; the company may add
working days too. The statutory days come from a maintained package, read by an adapter into
`StatutoryDays`; a year it does not know falls back to Monday-Friday and the calendar says so.
A clock's duration is an amount in a `Unit`: wall-clock `hours`, `business_hours` (time inside
business hours on working days) or `business_days` (working days, at the same business time).

Every moment in is timezone-aware and every moment out is UTC; days and business hours are read in
the calendar's `timezone`. Business time is counted in seconds: a business day is as long as the
business hours (9 hours by default), so `business_days` and `business_hours` convert into each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

HOUR_SECONDS = 3600.0
_ONE_DAY = timedelta(days=1)
_SEARCH_DAYS = 3 * 366  # no working day within this many days: the calendar is broken, not the clock


class Unit(StrEnum):
    HOURS = "hours"
    BUSINESS_HOURS = "business_hours"
    BUSINESS_DAYS = "business_days"


@dataclass(frozen=True)
class Duration:
    amount: float
    unit: Unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", Unit(self.unit))
        if not math.isfinite(self.amount):
            raise ValueError(f"a duration needs a finite amount, got {self.amount}")


class DayReason(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"
    COMPANY_CLOSED = "company_closed"
    COMPANY_WORKDAY = "company_workday"


@dataclass(frozen=True)
class Day:
    date: date
    working: bool
    reason: DayReason
    name: str | None = None  # the holiday's name (国庆节), or the holiday a make-up day belongs to


@dataclass(frozen=True)
class StatutoryDays:
    """What the statutory calendar says, for the years it knows: public holidays (a weekday off) and
    make-up working days (a weekend day worked), each with its holiday's Chinese name."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    makeup_workdays: Mapping[date, str] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WorkCalendar:
    statutory: StatutoryDays = field(default_factory=StatutoryDays)
    company_closed: frozenset[date] = frozenset()
    company_workdays: frozenset[date] = frozenset()
    business_start: time = time(9)
    business_end: time = time(18)
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if self.business_end <= self.business_start:
            raise ValueError(f"business hours must end after they start: {self.business_start}-{self.business_end}")
        ZoneInfo(self.timezone)  # an unknown zone fails here, not at the first clock

    # --- days ----------------------------------------------------------------------------------------

    def day(self, d: date) -> Day:
        """What kind of day `d` is: the company's own days first, then the statutory calendar (for the
        years it knows), then the week (Monday-Friday working)."""
        if d in self.company_closed:
            return Day(d, False, DayReason.COMPANY_CLOSED)
        if d in self.company_workdays:
            return Day(d, True, DayReason.COMPANY_WORKDAY)
        if d.year in self.statutory.known_years:
            if d in self.statutory.holidays:
                return Day(d, False, DayReason.HOLIDAY, self.statutory.holidays[d])
            if d in self.statutory.makeup_workdays:
                return Day(d, True, DayReason.MAKEUP_WORKDAY, self.statutory.makeup_workdays[d])
        if d.weekday() >= 5:
            return Day(d, False, DayReason.WEEKEND)
        return Day(d, True, DayReason.WORKDAY)

    def working(self, d: date) -> bool:
        return self.day(d).working

    def days(self, start: date, end: date) -> list[Day]:
        """Every day from `start` to `end`, both included."""
        return [self.day(start + timedelta(days=n)) for n in range((end - start).days + 1)]

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years from `start` to `end` the statutory calendar does not know: they count Monday-Friday."""
        return [y for y in range(start.year, end.year + 1) if y not in self.statutory.known_years]

    def degraded(self, start: date, end: date) -> str | None:
        """Why days from `start` to `end` may be wrong ("2031 unknown"), or None when every year is known."""
        unknown = self.unknown_years(start, end)
        return f"{', '.join(map(str, unknown))} unknown" if unknown else None

    # --- moments ---------------------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def day_seconds(self) -> float:
        """How long a business day is, in seconds."""
        opening = datetime.combine(date.min, self.business_start)
        return (datetime.combine(date.min, self.business_end) - opening).total_seconds()

    def next_business_moment(self, at: datetime) -> datetime:
        """`at` itself inside business hours on a working day, else the next opening."""
        at = _utc(at)
        local = at.astimezone(self.zone)
        d = local.date()
        if self.working(d) and local.time() < self.business_end:
            return max(at, self._opening(d))
        return self._opening(self._next_working_day(d))

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The moment `duration` after `start` (a negative amount counts back).

        `hours` count the wall clock; `business_hours` only time within business hours on working days,
        from the next opening when `start` is outside them; `business_days` land at the same business
        time of day on the n-th working day after (a fraction of a day is business time on top).
        """
        start = _utc(start)
        if duration.unit is Unit.HOURS:
            return start + timedelta(hours=duration.amount)
        if duration.unit is Unit.BUSINESS_HOURS or duration.amount < 0:
            return self.add_seconds(start, duration.amount * self._unit_seconds(duration.unit), duration.unit)
        whole = int(duration.amount)
        moment = self.next_business_moment(start)
        local = moment.astimezone(self.zone)
        d = local.date()
        for _ in range(whole):
            d = self._next_working_day(d)
        moment = datetime.combine(d, local.time(), self.zone).astimezone(UTC)
        fraction = duration.amount - whole
        return self._forward(moment, fraction * self.day_seconds) if fraction else moment

    def add_seconds(self, start: datetime, seconds: float, unit: Unit) -> datetime:
        """`seconds` after `start`: wall seconds for `hours`, business seconds for the business units."""
        start = _utc(start)
        if unit is Unit.HOURS:
            return start + timedelta(seconds=seconds)
        return self._forward(start, seconds) if seconds >= 0 else self._backward(start, -seconds)

    def seconds_between(self, start: datetime, end: datetime, unit: Unit) -> float:
        """Wall seconds for `hours`, business seconds for the business units; negative if `end` < `start`."""
        if unit is Unit.HOURS:
            return (_utc(end) - _utc(start)).total_seconds()
        return self.business_seconds(start, end)

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Business time from `start` to `end`, in seconds; negative if `end` is before `start`."""
        start, end = _utc(start), _utc(end)
        if end < start:
            return -self.business_seconds(end, start)
        total = 0.0
        for d in _dates(start.astimezone(self.zone).date(), end.astimezone(self.zone).date()):
            if self.working(d):
                lo, hi = max(start, self._opening(d)), min(end, self._closing(d))
                total += max(0.0, (hi - lo).total_seconds())
        return total

    def left(self, now: datetime, due: datetime, unit: Unit) -> float:
        """What is left from `now` to `due` in `unit` (wall hours, business hours or business days);
        negative if overdue."""
        return self.seconds_between(now, due, unit) / self._unit_seconds(unit)

    def seconds(self, duration: Duration) -> float:
        """The duration in seconds of its unit (business seconds for the business units)."""
        return duration.amount * self._unit_seconds(duration.unit)

    # --- helpers ---------------------------------------------------------------------------------------

    def _unit_seconds(self, unit: Unit) -> float:
        return self.day_seconds if unit is Unit.BUSINESS_DAYS else HOUR_SECONDS

    def _opening(self, d: date) -> datetime:
        return datetime.combine(d, self.business_start, self.zone).astimezone(UTC)

    def _closing(self, d: date) -> datetime:
        return datetime.combine(d, self.business_end, self.zone).astimezone(UTC)

    def _next_working_day(self, d: date) -> date:
        return self._working_day_from(d, 1)

    def _previous_working_day(self, d: date) -> date:
        return self._working_day_from(d, -1)

    def _working_day_from(self, d: date, step: int) -> date:
        """The first working day after (`step` 1) or before (-1) `d`."""
        for n in range(1, _SEARCH_DAYS):
            if self.working(day := d + timedelta(days=n * step)):
                return day
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {d}: the company closed them all")

    def _forward(self, start: datetime, seconds: float) -> datetime:
        moment = self.next_business_moment(start)
        while True:
            d = moment.astimezone(self.zone).date()
            available = (self._closing(d) - moment).total_seconds()
            if seconds <= available:
                return moment + timedelta(seconds=seconds)
            seconds -= available
            moment = self._opening(self._next_working_day(d))

    def _backward(self, end: datetime, seconds: float) -> datetime:
        local = end.astimezone(self.zone)
        d = local.date()
        if self.working(d) and local.time() >= self.business_start:
            moment = min(end, self._closing(d))
        else:
            d = self._previous_working_day(d)
            moment = self._closing(d)
        while True:
            available = (moment - self._opening(d)).total_seconds()
            if seconds <= available:
                return moment - timedelta(seconds=seconds)
            seconds -= available
            d = self._previous_working_day(d)
            moment = self._closing(d)


def _dates(first: date, last: date) -> Iterator[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the calendar needs timezone-aware datetimes, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)
