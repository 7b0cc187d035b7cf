from datetime import datetime, timedelta, timezone

from chalicelib.wiring import adapters
from infra.scheduler import LocalScheduler

AT = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def test_moving_a_clock_leaves_exactly_one_schedule_at_the_new_time(stack):
    timers = adapters().timers
    timers.move("C-20261124-AAAAAA", "first_contact", AT, None)
    timers.move("C-20261124-AAAAAA", "first_contact", AT + timedelta(hours=1), AT)
    timers.move("C-20261124-AAAAAA", "first_contact", AT + timedelta(hours=1), AT + timedelta(hours=1))
    [schedule] = LocalScheduler.of_app().due(AT + timedelta(days=1))
    assert schedule["at"] == AT + timedelta(hours=1)
    assert schedule["input"] == {"complaint_id": "C-20261124-AAAAAA", "clock": "first_contact",
                                 "scheduled_time": (AT + timedelta(hours=1)).isoformat()}


def test_clearing_a_clock_removes_its_schedule_and_only_due_ones_fire(stack):
    timers = adapters().timers
    timers.move("C-20261124-AAAAAA", "first_contact", AT, None)
    timers.move("C-20261124-BBBBBB", "first_contact", AT + timedelta(days=3), None)
    timers.move("C-20261124-AAAAAA", "first_contact", None, AT)
    assert LocalScheduler.of_app().due(AT + timedelta(days=1)) == []
    assert len(LocalScheduler.of_app().due(AT + timedelta(days=4))) == 1


def test_a_move_whose_old_schedule_already_fired_and_a_repeated_move_leave_one_schedule(stack):
    timers = adapters().timers
    timers.move("C-20261124-CCCCCC", "resolution", AT + timedelta(microseconds=1), None)  # stored to the second up
    timers.move("C-20261124-CCCCCC", "resolution", AT + timedelta(days=2), AT + timedelta(microseconds=1))
    timers.move("C-20261124-CCCCCC", "resolution", AT + timedelta(days=2), AT + timedelta(microseconds=1))
    timers.move("C-20261124-CCCCCC", "callback", AT + timedelta(days=3), AT)  # its old one is gone: nothing to do
    due = LocalScheduler.of_app().due(AT + timedelta(days=4))
    assert sorted((s["input"]["clock"], s["at"]) for s in due) == [
        ("callback", AT + timedelta(days=3)), ("resolution", AT + timedelta(days=2))]
