"""The business clock as the complaint aggregate sees it (chalicelib/domain/deadlines.py): due times, warnings,
breaches, pauses, callbacks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.calendar import Duration, StatutoryDays, Unit, WorkCalendar
from chalicelib.domain.deadlines import (
    DEFAULT_CLOCKS, DEFAULT_POLICY, DeadlinePolicy, callback_time, next_firing, on_timer, pause_clock, resume_clock,
    start_clock, stop_clock,
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


def test_the_default_clocks_are_the_domains_table():
    b_h, b_d, h = Unit.BUSINESS_HOURS, Unit.BUSINESS_DAYS, Unit.HOURS
    table = {clock.value: {s.value: (d.amount, d.unit) for s, d in by.items()} for clock, by in DEFAULT_CLOCKS.items()}
    assert table == {
        "first_contact": {"normal": (9, b_h), "major": (4, b_h), "critical": (2, h)},
        "resolution": {"normal": (7, b_d), "major": (5, b_d), "critical": (72, h)},
        "survey": {"normal": (1, b_d), "major": (1, b_d), "critical": (1, b_d)},
        "callback": {"normal": (3, b_d), "major": (3, b_d), "critical": (2, b_d)},
    }


def test_a_clock_the_policys_table_leaves_out_keeps_its_default():
    policy = DeadlinePolicy(clocks={Clock.FIRST_CONTACT: {Severity.NORMAL: Duration(1, Unit.BUSINESS_DAYS)}})
    assert policy.duration(Clock.FIRST_CONTACT, Severity.NORMAL) == Duration(1, Unit.BUSINESS_DAYS)
    assert policy.duration(Clock.FIRST_CONTACT, Severity.CRITICAL) == Duration(2, Unit.HOURS)
    assert policy.duration(Clock.SURVEY, Severity.MAJOR) == Duration(1, Unit.BUSINESS_DAYS)


# T0 is Tuesday 2026-11-24 10:00 in Shanghai; the default calendar counts Monday to Friday, 09:00-18:00.
@pytest.mark.parametrize("clock, severity, due, warned_at", [
    (Clock.FIRST_CONTACT, Severity.NORMAL, shanghai(2026, 11, 25, 10, 0), shanghai(2026, 11, 24, 16, 45)),
    (Clock.FIRST_CONTACT, Severity.MAJOR, shanghai(2026, 11, 24, 14, 0), shanghai(2026, 11, 24, 13, 0)),
    (Clock.FIRST_CONTACT, Severity.CRITICAL, shanghai(2026, 11, 24, 12, 0), shanghai(2026, 11, 24, 11, 30)),
    (Clock.RESOLUTION, Severity.NORMAL, shanghai(2026, 12, 3, 10, 0), shanghai(2026, 12, 1, 12, 15)),
    (Clock.RESOLUTION, Severity.MAJOR, shanghai(2026, 12, 1, 10, 0), shanghai(2026, 11, 27, 16, 45)),
    (Clock.RESOLUTION, Severity.CRITICAL, shanghai(2026, 11, 27, 10, 0), shanghai(2026, 11, 26, 16, 0)),
])
def test_a_clock_is_due_after_its_severitys_duration_and_first_fires_with_a_quarter_of_it_left(
        clock, severity, due, warned_at):
    c = complaint(severity)
    deadline = start_clock(c, clock, T0.astimezone(SHANGHAI))
    assert deadline.due_at == due and deadline.due_at.tzinfo is timezone.utc
    assert c.deadlines[clock] is deadline
    assert (deadline.started_at, deadline.duration) == (T0, DEFAULT_POLICY.duration(clock, severity))
    assert c.effects == [Schedule(clock, warned_at)]


@pytest.mark.parametrize("clock, escalated_to", [
    (Clock.FIRST_CONTACT, [Role.MANAGER]),
    (Clock.RESOLUTION, [Role.MANAGER, Role.LEADER]),
])
def test_a_clock_warns_the_assignee_then_escalates_its_breach(clock, escalated_to):
    c = started(clock)
    deadline = c.deadlines[clock]
    due = deadline.due_at
    assert on_timer(c, clock, next_firing(deadline, deadline.duration)) == ["sla_warning"]
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
    assert c.effects == [Schedule(Clock.FIRST_CONTACT, shanghai(2026, 11, 24, 16, 45))]
    assert not c.deadlines[Clock.FIRST_CONTACT].warned


def test_a_stopped_clock_never_warns_and_stopping_twice_changes_nothing():
    c = started(Clock.FIRST_CONTACT)
    stop_clock(c, Clock.FIRST_CONTACT, T0 + 1 * H)
    stop_clock(c, Clock.FIRST_CONTACT, T0 + 2 * H)
    stop_clock(c, Clock.CALLBACK, T0 + 2 * H)  # never started
    assert c.effects == [Unschedule(Clock.FIRST_CONTACT)]
    assert c.deadlines[Clock.FIRST_CONTACT].stopped_at == T0 + 1 * H
    assert on_timer(c, Clock.FIRST_CONTACT, T0 + 18 * H) == [] == on_timer(c, Clock.FIRST_CONTACT, T0 + 30 * H)


def test_a_pause_keeps_the_business_time_left_and_the_resume_gives_it_back():
    # GIVEN a 7-business-day resolution clock with 2 working days used, then 10 days waiting on the quality lab
    c = started(Clock.RESOLUTION)
    pause_clock(c, Clock.RESOLUTION, T0 + 2 * D)
    assert c.deadlines[Clock.RESOLUTION].remaining_seconds == 5 * 9 * 3600  # five business days of 9 hours
    assert on_timer(c, Clock.RESOLUTION, T0 + 8 * D) == []  # a stale firing while paused: no breach
    # WHEN it resumes on a Sunday
    resume_clock(c, Clock.RESOLUTION, shanghai(2026, 12, 6, 10, 0))
    # THEN the five business days count from Monday's opening, and the warning comes when 1.75 of them remain
    assert c.deadlines[Clock.RESOLUTION].due_at == shanghai(2026, 12, 11, 18, 0)
    assert c.effects == [Unschedule(Clock.RESOLUTION), Schedule(Clock.RESOLUTION, shanghai(2026, 12, 10, 11, 15))]


def test_a_paused_wall_clock_keeps_wall_seconds():
    c = started(Clock.RESOLUTION, severity=Severity.CRITICAL)
    pause_clock(c, Clock.RESOLUTION, T0 + 1 * D)
    assert c.deadlines[Clock.RESOLUTION].remaining_seconds == (2 * D).total_seconds()
    resume_clock(c, Clock.RESOLUTION, T0 + 5 * D)
    assert c.deadlines[Clock.RESOLUTION].due_at == T0 + 7 * D


@pytest.mark.parametrize("paused_at, expected", [
    (shanghai(2026, 12, 2, 10, 0), ["sla_warning"]),  # one business day left: past the warning point
    (shanghai(2026, 12, 4, 10, 0), ["sla_breached"]),  # overdue before its timer fired: the time left is negative
])
def test_a_resumed_clock_already_past_a_point_fires_at_once(paused_at, expected):
    c = started(Clock.RESOLUTION)
    pause_clock(c, Clock.RESOLUTION, paused_at)
    resume_clock(c, Clock.RESOLUTION, T0 + 20 * D)
    assert c.effects[-1] == Schedule(Clock.RESOLUTION, T0 + 20 * D)
    assert on_timer(c, Clock.RESOLUTION, T0 + 20 * D) == expected


@pytest.mark.parametrize("told, severity, expected", [
    (shanghai(2026, 11, 20, 17, 30), Severity.NORMAL, shanghai(2026, 11, 25, 17, 30)),  # Fri -> Wed, in hours
    (shanghai(2026, 11, 18, 12, 0), Severity.NORMAL, shanghai(2026, 11, 23, 12, 0)),  # Wed -> Mon
    (shanghai(2026, 11, 19, 20, 0), Severity.NORMAL, shanghai(2026, 11, 25, 9, 0)),  # after closing: from Fri 09:00
    (shanghai(2026, 11, 23, 18, 0), Severity.NORMAL, shanghai(2026, 11, 27, 9, 0)),  # 18:00 is closed
    (shanghai(2026, 11, 23, 17, 59), Severity.NORMAL, shanghai(2026, 11, 26, 17, 59)),
    (shanghai(2026, 11, 23, 7, 0), Severity.NORMAL, shanghai(2026, 11, 26, 9, 0)),  # before opening
    (shanghai(2026, 11, 21, 11, 0), Severity.NORMAL, shanghai(2026, 11, 26, 9, 0)),  # told on a Saturday
    (shanghai(2026, 11, 24, 10, 0), Severity.CRITICAL, shanghai(2026, 11, 26, 10, 0)),  # critical: 2 days
])
def test_the_callback_falls_business_days_later_in_business_hours(told, severity, expected):
    due = callback_time(told, severity)
    assert due == expected and due.tzinfo is timezone.utc


@pytest.mark.parametrize("told, holidays, expected", [
    (shanghai(2026, 11, 20, 10, 0), {date(2026, 11, 23)}, shanghai(2026, 11, 26, 10, 0)),
    (shanghai(2026, 9, 28, 10, 0), {date(2026, 10, d) for d in range(1, 8)}, shanghai(2026, 10, 8, 10, 0)),
])
def test_holidays_are_skipped(told, holidays, expected):
    calendar = WorkCalendar(StatutoryDays(dict.fromkeys(holidays, "假日"), {}, frozenset({2026})))
    assert callback_time(told, Severity.NORMAL, DeadlinePolicy(calendar=calendar)) == expected


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


@pytest.mark.parametrize("due, duration, warned, expected", [
    (T0 + 4 * H, Duration(4, Unit.HOURS), False, T0 + 3 * H),
    (T0 + 4 * H, Duration(4, Unit.HOURS), True, T0 + 4 * H),
    (shanghai(2026, 11, 25, 9, 30), Duration(4, Unit.BUSINESS_HOURS), False, shanghai(2026, 11, 24, 17, 30)),
    (shanghai(2026, 11, 25, 10, 0), Duration(4, Unit.BUSINESS_DAYS), False, shanghai(2026, 11, 24, 10, 0)),
])
def test_the_next_firing_is_the_warning_point_in_the_clocks_unit_until_warned_then_the_due_time(
        due, duration, warned, expected):
    deadline = Deadline(Clock.FIRST_CONTACT, due_at=due, warned=warned)
    assert next_firing(deadline, duration, DEFAULT_POLICY) == expected


def test_a_clock_stored_without_its_duration_counts_with_the_policys():
    c = complaint()
    c.deadlines[Clock.FIRST_CONTACT] = Deadline(Clock.FIRST_CONTACT, due_at=shanghai(2026, 11, 25, 10, 0))
    assert on_timer(c, Clock.FIRST_CONTACT, shanghai(2026, 11, 24, 16, 44)) == []
    assert on_timer(c, Clock.FIRST_CONTACT, shanghai(2026, 11, 24, 16, 45)) == ["sla_warning"]


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

