"""Timers: EventBridge Scheduler one-time schedules, one per complaint clock.

A schedule's name carries its firing time (`<complaint>.<clock>.<epoch>`), so moving a
clock creates a new schedule and removes the old one: a schedule that is just firing
(and deletes itself afterwards, ActionAfterCompletion=DELETE) can never take its
successor with it. The old one's name follows from the firing time the complaint stored
before the change, so no schedule is ever listed (a call per move, and a slow one).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


class Timers:
    def __init__(self, client: Any, group: str, target_arn: str, role_arn: str):
        self._client = client
        self._group = group
        self._target = {
            "Arn": target_arn,
            "RoleArn": role_arn,
            "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
        }

    def move(self, complaint_id: str, clock: str, at: datetime | None, previous: datetime | None) -> None:
        """Move the clock's schedule from `previous` to `at` (None: no schedule): create the new one first,
        then remove the old. A schedule left behind by syncs carried out out of order fires once and
        changes nothing (the timer handler decides on the complaint's state, not on the schedule)."""
        wanted = None
        if at:
            at = _whole_second_after(at)  # at() has whole seconds: never fire before the moment
            wanted = _name(complaint_id, clock, at)
            self._create(wanted, complaint_id, clock, at)
        if previous and _name(complaint_id, clock, _whole_second_after(previous)) != wanted:
            self.remove(_name(complaint_id, clock, _whole_second_after(previous)))

    def remove(self, name: str) -> None:
        try:
            self._client.delete_schedule(Name=name, GroupName=self._group)
        except self._client.exceptions.ResourceNotFoundException:
            pass

    def _create(self, name: str, complaint_id: str, clock: str, at: datetime) -> None:
        payload = {"complaint_id": complaint_id, "clock": clock, "scheduled_time": SCHEDULED_TIME}
        try:
            self._client.create_schedule(
                Name=name,
                GroupName=self._group,
                FlexibleTimeWindow={"Mode": "OFF"},
                ScheduleExpression=f"at({at.astimezone(UTC):%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone="UTC",
                ActionAfterCompletion="DELETE",
                Target={**self._target, "Input": json.dumps(payload)},
            )
        except self._client.exceptions.ConflictException:
            pass  # created by an earlier, interrupted attempt


def _name(complaint_id: str, clock: str, at: datetime) -> str:
    return f"{complaint_id}.{clock}.{int(at.timestamp())}"


def _whole_second_after(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)
