"""Deadlines while EventBridge Scheduler (or the timer's own save) fails: every clock ends up with exactly
the schedule the complaint says, and a firing that could not be handled is not lost."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.faults.checks import FAILED_CALL, act, assert_all_well, settle, submit
from tests.real_cases import BLADE, ODOR


def _schedules_of(cid):
    from infra.scheduler import LocalScheduler

    return [s["input"]["clock"] for s in LocalScheduler.of_app().due(datetime.now().astimezone() + timedelta(days=400))
            if s["input"]["complaint_id"] == cid]


@pytest.mark.parametrize("operation", ["CreateSchedule"])
@pytest.mark.parametrize("kind", ["throttle", "5xx", "timeout"])
def test_a_deadline_scheduled_while_the_scheduler_fails_exists_once_after_it_is_back(api, faults, operation, kind):
    fault = faults.inject("scheduler", operation, kind, times=None, stage="send")
    cid = submit(api, ODOR, "odor-1").data["complaint_id"]
    for _ in range(3):
        api.pump.drain_stream()
    assert fault.hits >= 3 * FAILED_CALL
    if operation == "CreateSchedule":
        assert _schedules_of(cid) == []  # nothing scheduled while the scheduler fails
    faults.heal()
    api.pump.drain_stream()  # the stream's retry
    assert _schedules_of(cid) == ["first_contact"]
    assert_all_well(api, [cid])


def test_a_schedule_created_whose_answer_was_lost_exists_once(api, faults):
    faults.inject("scheduler", "CreateSchedule", "timeout", times=1, stage="lost")
    faults.inject("scheduler", "CreateSchedule", "timeout", times=1, stage="lost_in_transit")
    cids = [submit(api, ODOR, f"odor-{n}").data["complaint_id"] for n in range(2)]
    assert_all_well(api, cids)
    assert [_schedules_of(cid) for cid in cids] == [["first_contact"]] * 2
    assert [f.hits for f in faults.faults] == [1, 1]


@pytest.mark.parametrize("kind", ["throttle", "5xx", "timeout"])
def test_a_stopped_clock_whose_schedule_could_not_be_deleted_loses_it_after_recovery(api, faults, kind):
    cid = submit(api, ODOR, "odor-1").data["complaint_id"]
    settle(api)
    assert _schedules_of(cid) == ["first_contact"]
    faults.inject("scheduler", "DeleteSchedule", kind, times=2 * FAILED_CALL, stage="send")
    act(api, cid, "sales_cs", "contact", note="已联系")  # stops the first-contact clock
    api.pump.drain_stream()
    assert "first_contact" in _schedules_of(cid)  # not deleted yet
    assert_all_well(api, [cid])
    assert _schedules_of(cid) == ["resolution"]  # contact started the resolution clock


def _fire(api, until):
    return api.call("POST", "/dev/scheduler/fire", {"until": until.isoformat()})


def _timer_save(params):
    items = params["TransactItems"]
    return items[0]["Put"]["Item"]["sk"]["S"] == "META" and "version = :read" in items[0]["Put"].get(
        "ConditionExpression", "")


def test_a_firing_whose_save_failed_is_not_lost_and_warns_exactly_once(api, faults):
    cid = submit(api, BLADE, "blade-1").data["complaint_id"]
    settle(api)
    due = datetime.fromisoformat(api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1")
                                 .data["deadlines"]["first_contact"]["due_at"])
    faults.inject("dynamodb", "TransactWriteItems", "throttle", times=1, match=_timer_save)
    failed = _fire(api, due - timedelta(minutes=5))  # the warning is due, its save fails
    assert failed.status_code == 503, failed.body
    assert _schedules_of(cid) == ["first_contact"]  # still there, to fire again
    assert _fire(api, due - timedelta(minutes=5)).status_code == 200
    assert _fire(api, due + timedelta(minutes=1)).status_code == 200
    assert_all_well(api, [cid])
    events = [(m["event"], m["recipient"]) for m in api.outbox() if m["complaint_id"] == cid and m["channel"] == "sms"]
    assert events.count(("sla_warning", "sales_cs")) == 1 and events.count(("sla_breached", "manager1")) == 1
