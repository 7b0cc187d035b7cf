"""The business clock: deadlines by severity, pauses, warnings, breaches and callback times.

Every clock of a complaint is a `Deadline`. Starting, stopping, pausing or resuming it
records a `Schedule`/`Unschedule` effect; when the schedule fires, `on_timer` looks at
the clock as it is now, so a late, stale or repeated firing does no harm.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.labels import HANDLING, zh
from chalicelib.domain.model import (
    Clock, Complaint, Deadline, NotificationEvent, Notify, Role, Schedule, Severity, Unschedule,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _by_severity(normal: timedelta, critical: timedelta) -> dict[Severity, timedelta]:
    return {Severity.NORMAL: normal, Severity.MAJOR: normal, Severity.CRITICAL: critical}


@dataclass(frozen=True)
class DeadlinePolicy:
    first_contact: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(24 * HOUR, 2 * HOUR))
    resolution: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(7 * DAY, 3 * DAY))
    callback: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(3 * DAY, 2 * DAY))
    warn_before: float = 0.25  # warn when this fraction of the clock's time is left
    timezone: str = "Asia/Shanghai"
    business_start: time = time(9)
    business_end: time = time(18)
    holidays: frozenset[date] = frozenset()

    def duration(self, clock: Clock, severity: Severity) -> timedelta:
        return getattr(self, clock.value)[severity]


DEFAULT_POLICY = DeadlinePolicy()


def start_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> Deadline:
    _aware(now)
    if clock is Clock.CALLBACK:
        due = callback_time(now, complaint.severity, policy)
        deadline = Deadline(clock, due_at=due, warned=True)  # a callback is a reminder, not a race
    else:
        deadline = Deadline(clock, due_at=now + policy.duration(clock, complaint.severity))
    complaint.deadlines[clock] = deadline
    complaint.cause(Schedule(clock, _next_firing(deadline, complaint.severity, policy)))
    return deadline


def stop_clock(complaint: Complaint, clock: Clock, now: datetime) -> None:
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None:
        return
    deadline.stopped_at = _aware(now)
    complaint.cause(Unschedule(clock))


def pause_clock(complaint: Complaint, clock: Clock, now: datetime) -> None:
    """Waiting on the lab or the customer: keep the time left, stop the schedule."""
    deadline = complaint.deadlines.get(clock)
    if deadline is None or not deadline.running:
        return
    deadline.remaining_seconds = (deadline.due_at - _aware(now)).total_seconds()
    deadline.due_at = None
    complaint.cause(Unschedule(clock))


def resume_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is not None:
        return
    deadline.due_at = _aware(now) + timedelta(seconds=deadline.remaining_seconds or 0)
    deadline.remaining_seconds = None
    complaint.cause(Schedule(clock, max(_next_firing(deadline, complaint.severity, policy), now)))


def callback_time(notified_at: datetime, severity: Severity, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The callback is due a few days after the customer was told, within business hours."""
    zone = ZoneInfo(policy.timezone)
    local = (_aware(notified_at) + policy.callback[severity]).astimezone(zone)
    while True:
        if local.time() < policy.business_start:
            local = local.replace(hour=policy.business_start.hour, minute=policy.business_start.minute,
                                  second=0, microsecond=0)
        if local.time() >= policy.business_end or not _working_day(local.date(), policy):
            local = (local + DAY).replace(hour=policy.business_start.hour, minute=policy.business_start.minute,
                                          second=0, microsecond=0)
            continue
        return local.astimezone(ZoneInfo("UTC"))


def on_timer(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> list[str]:
    """The clock's schedule fired: warn, escalate, ask for the callback, or do nothing."""
    deadline = complaint.deadlines.get(clock)
    if deadline is None or not deadline.running or deadline.breached:
        return []
    _aware(now)
    if clock is Clock.CALLBACK:
        if now < deadline.due_at - timedelta(minutes=1):
            return _fired_early(complaint, deadline, policy)
        deadline.stopped_at = now
        complaint.cause(Unschedule(clock), Notify(NotificationEvent.CALLBACK_DUE, _callback_text(complaint), recipient=complaint.assignee)
                        if complaint.assignee else
                        Notify(NotificationEvent.CALLBACK_DUE, _callback_text(complaint), role=Role.SERVICE))
        return _outcome(complaint, clock, now, "callback_due")
    if now < deadline.due_at:
        if deadline.warned or now < _warn_time(deadline, complaint.severity, policy):
            return _fired_early(complaint, deadline, policy)
        deadline.warned = True
        complaint.cause(_to_assignee(complaint, NotificationEvent.SLA_WARNING, _warning_text(complaint, deadline)),
                        Schedule(clock, deadline.due_at))
        return _outcome(complaint, clock, now, "sla_warning")
    deadline.breached = True
    complaint.escalated = True
    text = _breach_text(complaint, deadline)
    complaint.cause(Unschedule(clock), _to_assignee(complaint, NotificationEvent.SLA_BREACHED, text),
                    Notify(NotificationEvent.SLA_BREACHED, text, role=Role.MANAGER))
    if clock is Clock.RESOLUTION:
        complaint.cause(Notify(NotificationEvent.SLA_BREACHED, text, role=Role.LEADER))
    return _outcome(complaint, clock, now, "sla_breached")


def _fired_early(complaint: Complaint, deadline: Deadline, policy: DeadlinePolicy) -> list[str]:
    complaint.cause(Schedule(deadline.clock, _next_firing(deadline, complaint.severity, policy)))
    return []


def _outcome(complaint: Complaint, clock: Clock, now: datetime, outcome: str) -> list[str]:
    complaint.record(now, "system", outcome, clock=clock.value)
    return [outcome]


def _next_firing(deadline: Deadline, severity: Severity, policy: DeadlinePolicy) -> datetime:
    return deadline.due_at if deadline.warned else _warn_time(deadline, severity, policy)


def _warn_time(deadline: Deadline, severity: Severity, policy: DeadlinePolicy) -> datetime:
    return deadline.due_at - policy.duration(deadline.clock, severity) * policy.warn_before


def _working_day(day: date, policy: DeadlinePolicy) -> bool:
    return day.weekday() < 5 and day not in policy.holidays


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need timezone-aware datetimes")
    return moment


def _to_assignee(complaint: Complaint, event: NotificationEvent, text: str) -> Notify:
    if complaint.assignee:
        return Notify(event, text, recipient=complaint.assignee)
    return Notify(event, text, role=Role.SERVICE)


_CLOCK_NAMES = {Clock.FIRST_CONTACT: "首次联系", Clock.RESOLUTION: "处理", Clock.CALLBACK: "回访"}


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo('Asia/Shanghai')):%m-%d %H:%M}"


def _warning_text(c: Complaint, d: Deadline) -> str:
    return f"【投诉处理】投诉 {c.id} {_CLOCK_NAMES[d.clock]}时限将于 {_local(d.due_at)} 到期, 请尽快处理。"


def _breach_text(c: Complaint, d: Deadline) -> str:
    return f"【投诉处理】投诉 {c.id} 已超过{_CLOCK_NAMES[d.clock]}时限（{_local(d.due_at)}）, 已升级。"


def _callback_text(c: Complaint) -> str:
    """The salesperson makes the call, so whom to call and what was agreed are in the text."""
    agreed = zh(HANDLING, (c.handling or {}).get("type")) or "-"
    note = (c.handling or {}).get("note") or ""
    return (f"【投诉处理】请回访投诉 {c.id}: 顾客 {c.customer.name} {c.customer.phone}, "
            f"约定处理: {agreed} {note}".rstrip() + "。请记录顾客满意度。")
