"""Timers: EventBridge Scheduler one-time schedules, one per complaint clock.

A schedule's name carries its firing time (`<complaint>.<clock>.<epoch>`), so moving a
clock creates a new schedule and removes the old one: a schedule that is just firing
(and deletes itself afterwards, ActionAfterCompletion=DELETE) can never take its
successor with it.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


class Timers:
    def __init__(self, client: Any, group: str, target_arn: str, role_arn: str):
        self._client = client
        self._group = group
        self._target = {"Arn": target_arn, "RoleArn": role_arn,
                        "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}}

    def sync(self, complaint_id: str, clock: str, at: datetime | None) -> None:
        """Make the clock's schedules exactly one firing at `at` (none when `at` is None)."""
        prefix = f"{complaint_id}.{clock}."
        at = _whole_second_after(at) if at else None  # at() has whole seconds: never fire before the moment
        wanted = f"{prefix}{int(at.timestamp())}" if at else None
        existing = self._names(prefix)
        if wanted and wanted not in existing:
            self._create(wanted, complaint_id, clock, at)
        for name in existing - {wanted}:
            self.remove(name)

    def remove(self, name: str) -> None:
        try:
            self._client.delete_schedule(Name=name, GroupName=self._group)
        except self._client.exceptions.ResourceNotFoundException:
            pass

    def restore(self, fired: dict[str, Any]) -> None:
        """Put back a schedule from `due` that was removed for firing but whose handler failed."""
        self._create(fired["name"], fired["input"]["complaint_id"], fired["input"]["clock"], fired["at"])

    def due(self, until: datetime) -> list[dict[str, Any]]:
        """Schedules due by `until`, with the input Scheduler would deliver (for the local pump)."""
        fired = []
        for name in self._names(""):
            if _epoch(name) > until.timestamp():  # the name says when: read only the schedules due
                continue
            schedule = self._client.get_schedule(Name=name, GroupName=self._group)
            at = _at(schedule["ScheduleExpression"])
            if at and at <= until:
                text = schedule["Target"]["Input"].replace(SCHEDULED_TIME, at.isoformat())
                fired.append({"name": name, "at": at, "input": json.loads(text)})
        return sorted(fired, key=lambda f: (f["at"], f["name"]))

    def _create(self, name: str, complaint_id: str, clock: str, at: datetime) -> None:
        payload = {"complaint_id": complaint_id, "clock": clock, "scheduled_time": SCHEDULED_TIME}
        try:
            self._client.create_schedule(
                Name=name, GroupName=self._group, FlexibleTimeWindow={"Mode": "OFF"},
                ScheduleExpression=f"at({at.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone="UTC", ActionAfterCompletion="DELETE",
                Target={**self._target, "Input": json.dumps(payload)})
        except self._client.exceptions.ConflictException:
            pass  # created by an earlier, interrupted attempt

    def _names(self, prefix: str) -> set[str]:
        kwargs = {"GroupName": self._group, **({"NamePrefix": prefix} if prefix else {})}
        pages = self._client.get_paginator("list_schedules").paginate(**kwargs)
        return {s["Name"] for page in pages for s in page["Schedules"] if s["Name"].startswith(prefix)}


def _epoch(name: str) -> float:
    """The firing time a schedule's name carries (schedules named otherwise count as due: read them)."""
    tail = name.rsplit(".", 1)[-1]
    return float(tail) if tail.isdigit() else float("-inf")


def _whole_second_after(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _at(expression: str) -> datetime | None:
    if not expression.startswith("at("):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=timezone.utc)
