"""The business clock: deadlines by severity, pauses, warnings, breaches and callback times.

Every clock of a complaint is a `Deadline`. Starting, stopping, pausing or resuming it
records a `Schedule`/`Unschedule` effect; when the schedule fires, `on_timer` looks at
the clock as it is now, so a late, stale or repeated firing does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.labels import HANDLING, zh
from chalicelib.domain.model import (
    SHANGHAI,
    Clock,
    Complaint,
    Deadline,
    MessageKind,
    NotificationEvent,
    Notify,
    Role,
    Schedule,
    Severity,
    TellCustomer,
    Unschedule,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
CALLBACK_LEEWAY = timedelta(minutes=1)  # a callback firing this early is on time


def _by_severity(normal: timedelta, critical: timedelta) -> dict[Severity, timedelta]:
    return {Severity.NORMAL: normal, Severity.MAJOR: normal, Severity.CRITICAL: critical}


@dataclass(frozen=True)
class DeadlinePolicy:
    first_contact: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(24 * HOUR, 2 * HOUR))
    resolution: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(7 * DAY, 3 * DAY))
    callback: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(3 * DAY, 2 * DAY))
    survey: dict[Severity, timedelta] = field(default_factory=lambda: _by_severity(DAY, DAY))  # whole working days
    warn_before: float = 0.25  # warn when this fraction of the clock's time is left
    timezone: str = "Asia/Shanghai"
    business_start: time = time(9)
    business_end: time = time(18)
    holidays: frozenset[date] = frozenset()

    def duration(self, clock: Clock, severity: Severity) -> timedelta:
        return getattr(self, clock.value)[severity]


DEFAULT_POLICY = DeadlinePolicy()


def start_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> Deadline:
    now = _utc(now)
    if clock in (Clock.CALLBACK, Clock.SURVEY):
        due = (callback_time if clock is Clock.CALLBACK else survey_time)(now, complaint.severity, policy)
        deadline = Deadline(clock, due_at=due, warned=True)  # a reminder, not a race
    else:
        deadline = Deadline(clock, due_at=now + policy.duration(clock, complaint.severity))
    complaint.deadlines[clock] = deadline
    complaint.cause(Schedule(clock, _firing(deadline, complaint, policy)))
    return deadline


def stop_clock(complaint: Complaint, clock: Clock, now: datetime) -> None:
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None:
        return
    deadline.stopped_at = now
    complaint.cause(Unschedule(clock))


def pause_clock(complaint: Complaint, clock: Clock, now: datetime) -> None:
    """Waiting on the lab or the customer: keep the time left, stop the schedule."""
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is None:  # not running
        return
    deadline.remaining_seconds = (deadline.due_at - now).total_seconds()  # negative if already overdue
    deadline.due_at = None
    complaint.cause(Unschedule(clock))


def resume_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """Give back the time that was left. A warning or breach already due fires right away."""
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is not None:
        return
    deadline.due_at = now + timedelta(seconds=deadline.remaining_seconds or 0)
    deadline.remaining_seconds = None
    complaint.cause(Schedule(clock, max(_firing(deadline, complaint, policy), now)))


def next_firing(deadline: Deadline, duration: timedelta, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """When a running clock of `duration` should fire next: its warning point until it warned, then its due time."""
    if deadline.due_at is None:
        raise ValueError(f"the {deadline.clock.value} clock is paused: it has no next firing")
    return deadline.due_at if deadline.warned else _warn_point(deadline.due_at, duration, policy)


def callback_time(notified_at: datetime, severity: Severity, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The callback is due a few days after the customer was told, within business hours."""
    zone = ZoneInfo(policy.timezone)
    local = (_utc(notified_at) + policy.callback[severity]).astimezone(zone)
    if local.time() < policy.business_start:
        local = datetime.combine(local.date(), policy.business_start, zone)
    while local.time() >= policy.business_end or not _working_day(local.date(), policy):
        local = datetime.combine(local.date() + DAY, policy.business_start, zone)
    return local.astimezone(UTC)


def survey_time(told_at: datetime, severity: Severity, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The survey SMS goes out working days after the customer was told (one, by default), at the time of
    day they were told, moved into business hours: before opening to the opening, after closing to the
    next working day's opening."""
    zone = ZoneInfo(policy.timezone)
    local = _utc(told_at).astimezone(zone)
    day = local.date()
    for _ in range(max(1, policy.survey[severity].days)):
        day += DAY
        while not _working_day(day, policy):
            day += DAY
    moment = datetime.combine(day, max(local.time(), policy.business_start), zone)
    while moment.time() >= policy.business_end or not _working_day(moment.date(), policy):
        moment = datetime.combine(moment.date() + DAY, policy.business_start, zone)
    return moment.astimezone(UTC)


def on_timer(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> list[str]:
    """The clock's schedule fired: warn, escalate, ask for the callback, send the survey, or do nothing."""
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is None or deadline.breached:
        return []  # no clock, or not running (stopped or paused), or already breached
    due = deadline.due_at
    if clock is Clock.CALLBACK:
        if now < due - CALLBACK_LEEWAY:
            return _fired_early(complaint, deadline, policy)
        deadline.stopped_at = now
        complaint.cause(
            Unschedule(clock), _to_assignee(complaint, NotificationEvent.CALLBACK_DUE, _callback_text(complaint))
        )
        return _outcome(complaint, clock, now, "callback_due")
    if clock is Clock.SURVEY:
        if now < due - CALLBACK_LEEWAY:
            return _fired_early(complaint, deadline, policy)
        deadline.stopped_at = now
        complaint.cause(Unschedule(clock), TellCustomer(MessageKind.SURVEY))
        return _outcome(complaint, clock, now, "survey_sent")
    if now < due:
        if deadline.warned or now < _warn_point(due, policy.duration(deadline.clock, complaint.severity), policy):
            return _fired_early(complaint, deadline, policy)
        deadline.warned = True
        complaint.cause(
            _to_assignee(complaint, NotificationEvent.SLA_WARNING, _warning_text(complaint, deadline.clock, due)),
            Schedule(clock, due),
        )
        return _outcome(complaint, clock, now, "sla_warning")
    deadline.breached = True
    complaint.escalated = True
    text = _breach_text(complaint, deadline.clock, due)
    complaint.cause(
        Unschedule(clock),
        _to_assignee(complaint, NotificationEvent.SLA_BREACHED, text),
        Notify(NotificationEvent.SLA_BREACHED, text, role=Role.MANAGER),
    )
    if clock is Clock.RESOLUTION:
        complaint.cause(Notify(NotificationEvent.SLA_BREACHED, text, role=Role.LEADER))
    return _outcome(complaint, clock, now, "sla_breached")


def _fired_early(complaint: Complaint, deadline: Deadline, policy: DeadlinePolicy) -> list[str]:
    """Nothing due yet (early or repeated firing): set the schedule again; the same Schedule twice is harmless."""
    complaint.cause(Schedule(deadline.clock, _firing(deadline, complaint, policy)))
    return []


def _outcome(complaint: Complaint, clock: Clock, now: datetime, outcome: str) -> list[str]:
    complaint.record(now, "system", outcome, clock=clock.value)
    return [outcome]


def _firing(deadline: Deadline, complaint: Complaint, policy: DeadlinePolicy) -> datetime:
    return next_firing(deadline, policy.duration(deadline.clock, complaint.severity), policy)


def _warn_point(due: datetime, duration: timedelta, policy: DeadlinePolicy) -> datetime:
    """When a clock of `duration` due at `due` warns."""
    return due - duration * policy.warn_before


def _working_day(day: date, policy: DeadlinePolicy) -> bool:
    return day.weekday() < 5 and day not in policy.holidays


def _utc(moment: datetime) -> datetime:
    """Any aware time in, UTC out: what is stored is always UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"deadlines need timezone-aware datetimes, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _to_assignee(complaint: Complaint, event: NotificationEvent, text: str) -> Notify:
    if complaint.assignee:
        return Notify(event, text, recipient=complaint.assignee)
    return Notify(event, text, role=Role.SERVICE)


_CLOCK_NAMES = {
    Clock.FIRST_CONTACT: "首次联系",
    Clock.RESOLUTION: "处理",
    Clock.CALLBACK: "回访",
    Clock.SURVEY: "满意度短信",
}
_ASK = {Clock.FIRST_CONTACT: "请尽快联系顾客", Clock.RESOLUTION: "请尽快确定处理方案并告知顾客"}


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%m-%d %H:%M}"


def _warning_text(c: Complaint, clock: Clock, due: datetime) -> str:
    return f"【投诉处理】投诉 {c.id} {_CLOCK_NAMES[clock]}时限将于 {_local(due)} 到期, {_ASK[clock]}。"


def _breach_text(c: Complaint, clock: Clock, due: datetime) -> str:
    return f"【投诉处理】投诉 {c.id} 已超过{_CLOCK_NAMES[clock]}时限（{_local(due)}）, 已升级。"


def _callback_text(c: Complaint) -> str:
    """The salesperson makes the call, so whom to call and what was agreed are in the text."""
    agreed = zh(HANDLING, c.handling.type if c.handling else None) or "-"
    note = (c.handling.note if c.handling else None) or ""
    return (
        f"【投诉处理】请回访投诉 {c.id}: 顾客 {c.customer.name} {c.customer.phone}, 约定处理: {agreed} {note}".rstrip()
        + "。请记录顾客满意度。"
    )
