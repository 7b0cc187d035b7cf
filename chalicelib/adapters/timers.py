"""Timers: EventBridge Scheduler one-time schedules, one per complaint clock.

A schedule's name carries its firing time (`<complaint>.<clock>.<epoch>`), so moving a
clock creates a new schedule and removes the old one: a schedule that is just firing
(and deletes itself afterwards, ActionAfterCompletion=DELETE) can never take its
successor with it.
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

    def sync(self, complaint_id: str, clock: str, at: datetime | None) -> None:
        """Make the clock's schedules exactly one firing at `at` (none when `at` is None)."""
        prefix = f"{complaint_id}.{clock}."
        wanted = None
        existing = self._names(prefix)
        if at:
            at = _whole_second_after(at)  # at() has whole seconds: never fire before the moment
            wanted = f"{prefix}{int(at.timestamp())}"
            if wanted not in existing:
                self._create(wanted, complaint_id, clock, at)
        for name in existing - {wanted}:
            self.remove(name)

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

    def _names(self, prefix: str) -> set[str]:
        kwargs = {"GroupName": self._group, **({"NamePrefix": prefix} if prefix else {})}
        pages = self._client.get_paginator("list_schedules").paginate(**kwargs)
        return {s["Name"] for page in pages for s in page["Schedules"] if s["Name"].startswith(prefix)}


def _whole_second_after(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)
