"""The working calendar as the use cases need it: the clocks' policy, the days for the console, health.

The policy is built from the company's settings (read at most once a minute per process, by the
adapter) and the statutory days of the package (read once per process): every use case that starts,
resumes, rescales or fires a clock asks `policy(a)`, so a change of the settings applies to clocks
started after it. The administration of the settings is in services/admin.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from chalicelib.adapters.calendar import CalendarSettings, SettingsChange
from chalicelib.domain.calendar import Duration, StatutoryDays, WorkCalendar
from chalicelib.domain.deadlines import DeadlinePolicy
from chalicelib.domain.model import SHANGHAI, Clock, Severity
from chalicelib.services.ports import CalendarSource, NeedsCalendar

DECEMBER = 12  # from December on, clocks started now may run into next year: its days must be known too


def policy(a: NeedsCalendar) -> DeadlinePolicy:
    """The deadline policy of clocks started now."""
    return policy_of(a.calendar.current(), a.calendar.statutory())


def policy_of(settings: CalendarSettings, statutory: StatutoryDays) -> DeadlinePolicy:
    return DeadlinePolicy(clocks=settings.clocks, calendar=work_calendar(settings, statutory))


def work_calendar(settings: CalendarSettings, statutory: StatutoryDays) -> WorkCalendar:
    return WorkCalendar(
        statutory=statutory,
        company_closed=settings.company_closed,
        company_workdays=settings.company_workdays,
        business_start=settings.business_start,
        business_end=settings.business_end,
        timezone=settings.timezone,
    )


def days(start: date, end: date, a: NeedsCalendar) -> dict[str, Any]:
    """Each day from `start` to `end` (both included) as working or not, why, and the holiday's name;
    `degraded` says which years fell back to Monday-Friday."""
    calendar = work_calendar(a.calendar.current(), a.calendar.statutory())
    listed = [
        {"date": day.date.isoformat(), "working": day.working, "reason": day.reason.value, "name": day.name}
        for day in calendar.days(start, end)
    ]
    return {"days": listed, "degraded": calendar.degraded(start, end)}


def degraded(calendar: WorkCalendar, now: datetime) -> str | None:
    """Why the calendar falls back for the days clocks started now can reach: this year, and from
    December on next year too (None: every such day is known)."""
    today = now.astimezone(SHANGHAI).date()
    last = date(today.year + 1, 12, 31) if today.month == DECEMBER else date(today.year, 12, 31)
    return calendar.degraded(date(today.year, 1, 1), last)


def health(source: CalendarSource, now: datetime) -> str:
    """`ok`, or `degraded: <why>` (a year the package does not know, or the settings unreadable)."""
    settings = source.current_if_readable()
    if settings is None:
        return "degraded: company calendar unreadable"
    why = degraded(work_calendar(settings, source.statutory()), now)
    return f"degraded: {why}" if why else "ok"


# --- the settings as the API shows them, and what a change changed ---------------------------------


def settings_out(settings: CalendarSettings) -> dict[str, Any]:
    """The settings in the contract's shape (api.md "Calendar and clocks"), with their revision."""
    return {
        "timezone": settings.timezone,
        "business_hours": {"start": f"{settings.business_start:%H:%M}", "end": f"{settings.business_end:%H:%M}"},
        "clocks": {
            clock.value: {sev.value: duration_out(d) for sev, d in _by_severity(by).items()}
            for clock, by in _ordered(settings.clocks).items()
        },
        "company_closed": sorted(d.isoformat() for d in settings.company_closed),
        "company_workdays": sorted(d.isoformat() for d in settings.company_workdays),
        "revision": settings.revision,
        "changed_at": settings.changed_at.isoformat() if settings.changed_at else None,
        "changed_by": settings.changed_by,
    }


def change_out(change: SettingsChange) -> dict[str, Any]:
    return {"revision": change.revision, "at": change.at.isoformat(), "by": change.by, "changes": dict(change.changes)}


def duration_out(d: Duration) -> dict[str, Any]:
    amount = int(d.amount) if float(d.amount).is_integer() else d.amount
    return {"amount": amount, "unit": d.unit.value}


def changes(old: CalendarSettings, new: CalendarSettings) -> dict[str, Any]:
    """What `new` changes of `old`: a value's path -> {"from", "to"}; a list of days -> {"added", "removed"}."""
    before, after = settings_out(old), settings_out(new)
    found: dict[str, Any] = {}
    if before["timezone"] != after["timezone"]:
        found["timezone"] = {"from": before["timezone"], "to": after["timezone"]}
    for end in ("start", "end"):
        if before["business_hours"][end] != after["business_hours"][end]:
            found[f"business_hours.{end}"] = {"from": before["business_hours"][end], "to": after["business_hours"][end]}
    for clock, by in after["clocks"].items():
        for sev, duration in by.items():
            was = before["clocks"].get(clock, {}).get(sev)
            if was != duration:
                found[f"clocks.{clock}.{sev}"] = {"from": was, "to": duration}
    for days_of in ("company_closed", "company_workdays"):
        added = sorted(set(after[days_of]) - set(before[days_of]))
        removed = sorted(set(before[days_of]) - set(after[days_of]))
        if added or removed:
            found[days_of] = {"added": added, "removed": removed}
    return found


def _ordered(clocks: Mapping[Clock, Mapping[Severity, Duration]]) -> dict[Clock, Mapping[Severity, Duration]]:
    return {clock: clocks[clock] for clock in Clock if clock in clocks}


def _by_severity(by: Mapping[Severity, Duration]) -> dict[Severity, Duration]:
    return {sev: by[sev] for sev in (Severity.CRITICAL, Severity.MAJOR, Severity.NORMAL) if sev in by}
