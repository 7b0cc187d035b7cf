"""The business clock as the complaint aggregate sees it (chalicelib/domain/deadlines.py): due times, warnings,
breaches, pauses, callbacks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.deadlines import (
    DEFAULT_POLICY, DeadlinePolicy, callback_time, next_firing, on_timer, pause_clock, resume_clock, start_clock,
    stop_clock,
)
from chalicelib.domain.model import (
    Category, Channel, Clock, Complaint, Customer, Deadline, Handling, HandlingType, NotificationEvent, Notify,
    Product, Role, Schedule, Severity, Status, Unschedule,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
H, D = timedelta(hours=1), timedelta(days=1)


def complaint(severity=Severity.NORMAL, assignee: str | None = "sales_cs", handling=None) -> Complaint:
    return Complaint(id="C-20261124-7KQ3XZ", channel=Channel.HOTLINE, status=Status.ASSIGNED, severity=severity,
                     category=Category.COUNT_SHORTAGE, description="整箱未拆封, 打开后少了两包",
                     customer=Customer("刘店长", "13907310000"), product=Product(sku="V2047"), received_at=T0,
                     recorded_at=T0, recorded_by="service_li", access_code_hash="h", assignee=assignee,
                     handling=handling)


def started(clock=Clock.RESOLUTION, **kwargs) -> Complaint:
    c = complaint(**kwargs)
    start_clock(c, clock, T0)
    c.effects.clear()
    return c


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def notices(c: Complaint) -> list[Notify]:
    return [e for e in c.effects if isinstance(e, Notify)]


@pytest.mark.parametrize("clock, severity, allowed, warned_at", [
    (Clock.FIRST_CONTACT, Severity.NORMAL, 24 * H, 18 * H),
    (Clock.FIRST_CONTACT, Severity.MAJOR, 24 * H, 18 * H),
    (Clock.FIRST_CONTACT, Severity.CRITICAL, 2 * H, 1.5 * H),
    (Clock.RESOLUTION, Severity.NORMAL, 7 * D, 5.25 * D),
    (Clock.RESOLUTION, Severity.MAJOR, 7 * D, 5.25 * D),
    (Clock.RESOLUTION, Severity.CRITICAL, 3 * D, 2.25 * D),
])
def test_a_clock_is_due_after_its_severitys_allowance_and_first_fires_with_a_quarter_left(
        clock, severity, allowed, warned_at):
    c = complaint(severity)
    deadline = start_clock(c, clock, T0.astimezone(SHANGHAI))
    assert deadline.due_at == T0 + allowed and deadline.due_at.tzinfo is timezone.utc
    assert c.deadlines[clock] is deadline
    assert c.effects == [Schedule(clock, T0 + warned_at)]


@pytest.mark.parametrize("clock, escalated_to", [
    (Clock.FIRST_CONTACT, [Role.MANAGER]),
    (Clock.RESOLUTION, [Role.MANAGER, Role.LEADER]),
])
def test_a_clock_warns_the_assignee_then_escalates_its_breach(clock, escalated_to):
    c = started(clock)
    due = c.deadlines[clock].due_at
    assert on_timer(c, clock, due - DEFAULT_POLICY.duration(clock, c.severity) / 4) == ["sla_warning"]
    assert [(n.event, n.recipient) for n in notices(c)] == [(NotificationEvent.SLA_WARNING, "sales_cs")]
    assert c.effects[-1] == Schedule(clock, due)
    c.effects.clear()
    assert on_timer(c, clock, due) == ["sla_breached"]
    assert [(n.recipient, n.role) for n in notices(c)] == [("sales_cs", None)] + [(None, r) for r in escalated_to]
    assert c.escalated and c.deadlines[clock].breached
    assert [(h.action, h.data) for h in c.new_history] == [
        ("sla_warning", {"clock": clock.value}), ("sla_breached", {"clock": clock.value})]


def test_texts_show_shanghai_time_and_keep_the_customer_out_of_escalations():
    c = started(Clock.FIRST_CONTACT)
    on_timer(c, Clock.FIRST_CONTACT, T0 + 18 * H)
    assert notices(c)[0].text == "【投诉处理】投诉 C-20261124-7KQ3XZ 首次联系时限将于 11-25 10:00 到期, 请尽快联系顾客。"
    on_timer(c, Clock.FIRST_CONTACT, T0 + 24 * H)
    for notice in notices(c)[1:]:
        assert "刘店长" not in notice.text and "13907310000" not in notice.text


def test_without_an_assignee_the_service_desk_is_warned():
    c = started(Clock.FIRST_CONTACT, assignee=None)
    on_timer(c, Clock.FIRST_CONTACT, T0 + 20 * H)
    assert [(n.recipient, n.role) for n in notices(c)] == [(None, Role.SERVICE)]


def test_a_late_first_firing_after_the_due_time_breaches_without_warning():
    c = started(Clock.FIRST_CONTACT)
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + 30 * H) == ["sla_breached"]
    assert NotificationEvent.SLA_WARNING not in {n.event for n in notices(c)}


@pytest.mark.parametrize("clock, fired_at, allowed_effects", [
    (Clock.FIRST_CONTACT, T0 + 18 * H, [Schedule(Clock.FIRST_CONTACT, T0 + 24 * H)]),  # warning, twice
    (Clock.FIRST_CONTACT, T0 + 25 * H, []),  # breach, twice
    (Clock.CALLBACK, T0 + 10 * D, []),  # callback reminder, twice
])
def test_a_repeated_firing_does_nothing_the_second_time(clock, fired_at, allowed_effects):
    c = started(clock)
    assert on_timer(c, clock, fired_at) != []
    c.effects.clear()
    c.new_history.clear()
    assert on_timer(c, clock, fired_at) == []
    assert c.effects == allowed_effects and c.new_history == []  # at most the same schedule again


def test_an_early_firing_is_put_back_to_the_right_time():
    c = started(Clock.FIRST_CONTACT)
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + 1 * H) == []
    assert c.effects == [Schedule(Clock.FIRST_CONTACT, T0 + 18 * H)] and not c.deadlines[Clock.FIRST_CONTACT].warned


def test_a_stopped_clock_never_warns_and_stopping_twice_changes_nothing():
    c = started(Clock.FIRST_CONTACT)
    stop_clock(c, Clock.FIRST_CONTACT, T0 + 1 * H)
    stop_clock(c, Clock.FIRST_CONTACT, T0 + 2 * H)
    stop_clock(c, Clock.CALLBACK, T0 + 2 * H)  # never started
    assert c.effects == [Unschedule(Clock.FIRST_CONTACT)]
    assert c.deadlines[Clock.FIRST_CONTACT].stopped_at == T0 + 1 * H
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + 18 * H) == [] == on_timer(c, Clock.FIRST_CONTACT, T0 + 30 * H)


def test_a_pause_keeps_the_time_used_and_the_resume_gives_the_rest():
    # GIVEN a 7-day resolution clock with 2 days used, then 10 days waiting on the quality lab
    c = started(Clock.RESOLUTION)
    pause_clock(c, Clock.RESOLUTION, T0 + 2 * D)
    assert c.deadlines[Clock.RESOLUTION].remaining_seconds == (5 * D).total_seconds()
    assert on_timer(c, Clock.RESOLUTION, T0 + 8 * D) == []  # a stale firing while paused: no breach
    # WHEN it resumes
    resume_clock(c, Clock.RESOLUTION, T0 + 12 * D)
    # THEN 5 days are left, and the warning comes when 1.75 of them remain
    assert c.deadlines[Clock.RESOLUTION].due_at == T0 + 17 * D
    assert c.effects == [Unschedule(Clock.RESOLUTION), Schedule(Clock.RESOLUTION, T0 + 15.25 * D)]


@pytest.mark.parametrize("paused_at, expected", [
    (T0 + 6 * D, ["sla_warning"]),  # the warning point passed before the pause: warn at once
    (T0 + 8 * D, ["sla_breached"]),  # overdue before its timer fired: the time left is negative
])
def test_a_resumed_clock_already_past_a_point_fires_at_once(paused_at, expected):
    c = started(Clock.RESOLUTION)
    pause_clock(c, Clock.RESOLUTION, paused_at)
    resume_clock(c, Clock.RESOLUTION, T0 + 20 * D)
    assert c.effects[-1] == Schedule(Clock.RESOLUTION, T0 + 20 * D)
    assert on_timer(c, Clock.RESOLUTION, T0 + 20 * D) == expected


@pytest.mark.parametrize("told, severity, expected", [
    (shanghai(2026, 11, 20, 17, 30), Severity.NORMAL, shanghai(2026, 11, 23, 17, 30)),  # Fri -> Mon, in hours
    (shanghai(2026, 11, 18, 12, 0), Severity.NORMAL, shanghai(2026, 11, 23, 9, 0)),  # lands Saturday
    (shanghai(2026, 11, 19, 10, 0), Severity.NORMAL, shanghai(2026, 11, 23, 9, 0)),  # lands Sunday, in hours
    (shanghai(2026, 11, 19, 20, 0), Severity.NORMAL, shanghai(2026, 11, 23, 9, 0)),  # lands Sunday evening
    (shanghai(2026, 11, 23, 20, 0), Severity.NORMAL, shanghai(2026, 11, 27, 9, 0)),  # lands Thu 20:00
    (shanghai(2026, 11, 23, 18, 0), Severity.NORMAL, shanghai(2026, 11, 27, 9, 0)),  # 18:00 is closed
    (shanghai(2026, 11, 23, 17, 59), Severity.NORMAL, shanghai(2026, 11, 26, 17, 59)),
    (shanghai(2026, 11, 23, 7, 0), Severity.NORMAL, shanghai(2026, 11, 26, 9, 0)),  # before opening
    (shanghai(2026, 11, 24, 10, 0), Severity.CRITICAL, shanghai(2026, 11, 26, 10, 0)),  # critical: 2 days
])
def test_the_callback_falls_in_business_hours_on_a_working_day(told, severity, expected):
    due = callback_time(told, severity)
    assert due == expected and due.tzinfo is timezone.utc


@pytest.mark.parametrize("told, holidays, expected", [
    (shanghai(2026, 11, 20, 10, 0), {date(2026, 11, 23)}, shanghai(2026, 11, 24, 9, 0)),
    (shanghai(2026, 9, 28, 10, 0), {date(2026, 10, d) for d in range(1, 8)}, shanghai(2026, 10, 8, 9, 0)),
])
def test_holidays_are_skipped(told, holidays, expected):
    assert callback_time(told, Severity.NORMAL, DeadlinePolicy(holidays=frozenset(holidays))) == expected


@pytest.mark.parametrize("agreed, note, label", [("compensation", "补发两包", "赔偿"), ("exchange", "换一箱", "换货")])
def test_the_callback_reminder_tells_the_salesperson_whom_to_call_and_what_was_agreed(agreed, note, label):
    c = complaint(handling=Handling(type=HandlingType(agreed), note=note, proposed_by="sales_cs", at=T0))
    deadline = start_clock(c, Clock.CALLBACK, T0)
    assert c.effects == [Schedule(Clock.CALLBACK, callback_time(T0, Severity.NORMAL))]  # at the time, no warning
    assert on_timer(c, Clock.CALLBACK, deadline.due_at - timedelta(minutes=2)) == []  # too early
    assert on_timer(c, Clock.CALLBACK, deadline.due_at - timedelta(seconds=30)) == ["callback_due"]
    [notice] = notices(c)
    assert (notice.event, notice.recipient) == (NotificationEvent.CALLBACK_DUE, "sales_cs")
    assert all(word in notice.text for word in ("C-20261124-7KQ3XZ", "刘店长", "13907310000", label, note))
    assert deadline.stopped_at == deadline.due_at - timedelta(seconds=30)


@pytest.mark.parametrize("duration, warned, expected", [
    (4 * H, False, T0 + 3 * H),
    (4 * H, True, T0 + 4 * H),
])
def test_the_next_firing_is_the_warning_point_until_warned_then_the_due_time(duration, warned, expected):
    deadline = Deadline(Clock.FIRST_CONTACT, due_at=T0 + 4 * H, warned=warned)
    assert next_firing(deadline, duration, DEFAULT_POLICY) == expected


NAIVE = datetime(2026, 11, 24, 10, 0)


@pytest.mark.parametrize("call", [
    lambda c: start_clock(c, Clock.FIRST_CONTACT, NAIVE),
    lambda c: stop_clock(c, Clock.RESOLUTION, NAIVE),
    lambda c: pause_clock(c, Clock.RESOLUTION, NAIVE),
    lambda c: resume_clock(c, Clock.RESOLUTION, NAIVE),
    lambda c: on_timer(c, Clock.RESOLUTION, NAIVE),
    lambda c: callback_time(NAIVE, Severity.NORMAL),
], ids=["start", "stop", "pause", "resume", "on_timer", "callback_time"])
def test_naive_times_are_refused(call):
    with pytest.raises(ValueError):
        call(started(Clock.RESOLUTION))

