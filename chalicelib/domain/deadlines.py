"""The business clock: deadlines by severity, counted in hours, business hours or business days; pauses,
warnings, breaches, callback and survey times, and the rescaling after a change of severity.

Every clock of a complaint is a `Deadline`, counted on the policy's `WorkCalendar` in the unit of its
`Duration`. Starting, stopping, pausing, resuming or rescaling it records a `Schedule`/`Unschedule` effect;
when the schedule fires, `on_timer` looks at the clock as it is now, so a late, stale or repeated firing
does no harm. A pause keeps what is left in the clock's unit: business seconds for the business units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from chalicelib.domain.calendar import Duration, Unit, WorkCalendar
from chalicelib.domain.labels import HANDLING, sentence, zh
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

CALLBACK_LEEWAY = timedelta(minutes=1)  # a callback firing this early is on time
REMINDERS = frozenset({Clock.CALLBACK, Clock.SURVEY})  # reminders, not races: no warning, inside business hours


def _by_severity(normal: Duration, major: Duration, critical: Duration) -> Mapping[Severity, Duration]:
    return MappingProxyType({Severity.NORMAL: normal, Severity.MAJOR: major, Severity.CRITICAL: critical})


_H, _BH, _BD = Unit.HOURS, Unit.BUSINESS_HOURS, Unit.BUSINESS_DAYS
DEFAULT_CLOCKS: Mapping[Clock, Mapping[Severity, Duration]] = MappingProxyType(
    {  # shared/domain.md, "Default deadlines": safety does not wait for Monday, so critical runs on the wall clock
        Clock.FIRST_CONTACT: _by_severity(Duration(9, _BH), Duration(4, _BH), Duration(2, _H)),
        Clock.RESOLUTION: _by_severity(Duration(7, _BD), Duration(5, _BD), Duration(72, _H)),
        Clock.SURVEY: _by_severity(Duration(1, _BD), Duration(1, _BD), Duration(1, _BD)),
        Clock.CALLBACK: _by_severity(Duration(3, _BD), Duration(3, _BD), Duration(2, _BD)),
    }
)


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long each clock runs for each severity, when it warns, and the calendar it counts on."""

    clocks: Mapping[Clock, Mapping[Severity, Duration]] = field(default_factory=lambda: DEFAULT_CLOCKS)
    warn_before: float = 0.25  # warn when this fraction of the clock's duration is left, in its unit
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    def duration(self, clock: Clock, severity: Severity) -> Duration:
        """The clock's duration for the severity; one the table leaves out (the administered table has no
        survey) keeps its default."""
        return self.clocks.get(clock, {}).get(severity) or DEFAULT_CLOCKS[clock][severity]


DEFAULT_POLICY = DeadlinePolicy()


def start_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> Deadline:
    now = _utc(now)
    duration = policy.duration(clock, complaint.severity)
    deadline = Deadline(
        clock,
        due_at=_due(clock, now, duration, policy.calendar),
        warned=clock in REMINDERS,  # a reminder has nothing to warn of
        started_at=now,
        duration=duration,
    )
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


def pause_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """Waiting on the lab or the customer: keep what is left in the clock's unit, stop the schedule."""
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is None:  # not running
        return
    unit = duration_of(deadline, complaint, policy).unit
    # negative if already overdue
    deadline.remaining_seconds = policy.calendar.seconds_between(now, deadline.due_at, unit)
    deadline.due_at = None
    complaint.cause(Unschedule(clock))


def resume_clock(complaint: Complaint, clock: Clock, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """Give back what was left, in the clock's unit. A warning or breach already due fires right away."""
    now = _utc(now)
    deadline = complaint.deadlines.get(clock)
    if deadline is None or deadline.stopped_at is not None or deadline.due_at is not None:
        return
    duration, calendar = duration_of(deadline, complaint, policy), policy.calendar
    remaining = deadline.remaining_seconds or 0
    deadline.due_at = calendar.add_seconds(now, remaining, duration.unit)
    deadline.started_at = calendar.add_seconds(now, remaining - calendar.seconds(duration), duration.unit)
    deadline.remaining_seconds = None
    complaint.cause(Schedule(clock, max(_firing(deadline, complaint, policy), now)))


def rescale(
    complaint: Complaint, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY, previous: Severity | None = None
) -> None:
    """After a change of severity: every running or paused clock gets the new severity's duration, counted
    from when it started (a paused one keeps what it had used). A new due time already past breaches at the
    next firing, which is scheduled now; a clock that breached stays breached. `previous` is the severity
    before, for clocks stored without their duration."""
    now = _utc(now)
    calendar = policy.calendar
    for clock, deadline in complaint.deadlines.items():
        if deadline.stopped_at is not None or deadline.breached:
            continue
        old = deadline.duration or policy.duration(clock, previous or complaint.severity)
        new = policy.duration(clock, complaint.severity)
        start = deadline.started_at or _derived_start(deadline, old, calendar, now)
        deadline.started_at, deadline.duration = start, new
        if new == old:
            continue
        if deadline.due_at is None:  # paused: what it used, in the new unit
            used = calendar.seconds(old) - (deadline.remaining_seconds or 0)
            if new.unit is not old.unit:
                used = calendar.seconds_between(start, calendar.add_seconds(start, used, old.unit), new.unit)
            deadline.remaining_seconds = calendar.seconds(new) - used
            continue
        deadline.due_at = _due(clock, start, new, calendar)
        if clock not in REMINDERS:  # a later warning point warns again
            deadline.warned = deadline.warned and now >= _warn_point(deadline.due_at, new, policy)
        complaint.cause(Schedule(clock, max(_firing(deadline, complaint, policy), now)))


def next_firing(deadline: Deadline, duration: Duration, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """When a running clock of `duration` should fire next: its warning point until it warned, then its due time."""
    if deadline.due_at is None:
        raise ValueError(f"the {deadline.clock.value} clock is paused: it has no next firing")
    return deadline.due_at if deadline.warned else _warn_point(deadline.due_at, duration, policy)


def callback_time(notified_at: datetime, severity: Severity, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The callback is due business days after the customer was told (three, two if critical), at the
    business time of day they were told, inside business hours on a working day."""
    return _due(Clock.CALLBACK, _utc(notified_at), policy.duration(Clock.CALLBACK, severity), policy.calendar)


def survey_time(told_at: datetime, severity: Severity, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The survey SMS goes out working days after the customer was told (one, by default), at the time of
    day they were told, moved into business hours: before opening to the opening, after closing to the
    next working day's opening."""
    return _due(Clock.SURVEY, _utc(told_at), policy.duration(Clock.SURVEY, severity), policy.calendar)


def left(deadline: Deadline, complaint: Complaint, now: datetime, policy: DeadlinePolicy = DEFAULT_POLICY) -> float:
    """What the clock has left in its unit (hours, business hours or business days); negative if overdue.
    A paused clock has what it kept; a stopped one what it had when it stopped."""
    duration, calendar = duration_of(deadline, complaint, policy), policy.calendar
    if deadline.due_at is None:
        return (deadline.remaining_seconds or 0) / (calendar.seconds(Duration(1, duration.unit)))
    return calendar.left(deadline.stopped_at or _utc(now), deadline.due_at, duration.unit)


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
            Unschedule(clock), to_assignee(complaint, NotificationEvent.CALLBACK_DUE, _callback_text(complaint))
        )
        return _outcome(complaint, clock, now, "callback_due")
    if clock is Clock.SURVEY:
        if now < due - CALLBACK_LEEWAY:
            return _fired_early(complaint, deadline, policy)
        deadline.stopped_at = now
        complaint.cause(Unschedule(clock), TellCustomer(MessageKind.SURVEY))
        return _outcome(complaint, clock, now, "survey_sent")
    if now < due:
        if deadline.warned or now < _warn_point(due, duration_of(deadline, complaint, policy), policy):
            return _fired_early(complaint, deadline, policy)
        deadline.warned = True
        complaint.cause(
            to_assignee(complaint, NotificationEvent.SLA_WARNING, _warning_text(complaint, deadline.clock, due)),
            Schedule(clock, due),
        )
        return _outcome(complaint, clock, now, "sla_warning")
    deadline.breached = True
    complaint.escalated = True
    text = _breach_text(complaint, deadline.clock, due)
    complaint.cause(
        Unschedule(clock),
        to_assignee(complaint, NotificationEvent.SLA_BREACHED, text),
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
    return next_firing(deadline, duration_of(deadline, complaint, policy), policy)


def duration_of(deadline: Deadline, complaint: Complaint, policy: DeadlinePolicy) -> Duration:
    """The duration the clock runs with: the one it was started with, else the policy's for its severity."""
    return deadline.duration or policy.duration(deadline.clock, complaint.severity)


def _due(clock: Clock, start: datetime, duration: Duration, calendar: WorkCalendar) -> datetime:
    due = calendar.add(start, duration)
    return calendar.next_business_moment(due) if clock in REMINDERS else due


def _warn_point(due: datetime, duration: Duration, policy: DeadlinePolicy) -> datetime:
    """When a clock of `duration` due at `due` warns: with `warn_before` of it left, counted in its unit."""
    return policy.calendar.add(due, Duration(-duration.amount * policy.warn_before, duration.unit))


def _derived_start(deadline: Deadline, duration: Duration, calendar: WorkCalendar, now: datetime) -> datetime:
    """The start of a clock stored without one, from what it has left (exact in business time)."""
    if deadline.due_at is None:
        used = calendar.seconds(duration) - (deadline.remaining_seconds or 0)
        return calendar.add_seconds(now, -used, duration.unit)
    return calendar.add_seconds(deadline.due_at, -calendar.seconds(duration), duration.unit)


def _utc(moment: datetime) -> datetime:
    """Any aware time in, UTC out: what is stored is always UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"deadlines need timezone-aware datetimes, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def to_assignee(complaint: Complaint, event: NotificationEvent, text: str) -> Notify:
    """A word for the assigned salesperson (none assigned: the service queue, which assigns)."""
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
    agreed = " ".join(filter(None, (zh(HANDLING, c.handling.type), c.handling.note))) if c.handling else ""
    said = f"【投诉处理】请回访投诉 {c.id}: 顾客 {c.customer.name} {c.customer.phone}" + (
        f", 约定处理: {agreed}" if agreed else ""
    )
    return sentence(said) + "请记录顾客满意度。"
