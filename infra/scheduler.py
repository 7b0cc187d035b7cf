"""The local stand-in for EventBridge Scheduler firing its schedules: moto stores them and never fires.

What Scheduler does with a one-time schedule that is due: it hands the target its input (with
`<aws.scheduler.scheduled-time>` filled in), deletes the schedule (ActionAfterCompletion=DELETE),
and retries an invocation that failed. The local pump and `POST /dev/scheduler/fire` do it here.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from chalicelib.adapters.timers import SCHEDULED_TIME
from chalicelib.services import delivery
from chalicelib.wiring import Adapters


_DEFINITION = ("Name", "GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow",
               "Target", "ActionAfterCompletion")


class LocalScheduler:
    def __init__(self, client: Any, group: str):
        self._client = client
        self._group = group

    @classmethod
    def of_app(cls) -> LocalScheduler:
        """The scheduler of the app's own settings (environment already set)."""
        from chalicelib.clients import client
        from chalicelib.config import settings

        return cls(client("scheduler"), settings().schedule_group)

    def due(self, until: datetime) -> list[dict[str, Any]]:
        """Schedules due by `until`, oldest first: name, time and the input Scheduler would deliver."""
        fired = []
        pages = self._client.get_paginator("list_schedules").paginate(GroupName=self._group)
        for name in (s["Name"] for page in pages for s in page["Schedules"]):
            if _named_time(name) > until.timestamp():  # the name says when: read only the schedules due
                continue
            schedule = self._client.get_schedule(Name=name, GroupName=self._group)
            at = _at(schedule["ScheduleExpression"])
            if at and at <= until:
                text = schedule["Target"]["Input"].replace(SCHEDULED_TIME, at.isoformat())
                fired.append({"name": name, "at": at, "input": json.loads(text), "definition": schedule})
        return sorted(fired, key=lambda f: (f["at"], f["name"]))

    def delete(self, name: str) -> None:
        try:
            self._client.delete_schedule(Name=name, GroupName=self._group)
        except self._client.exceptions.ResourceNotFoundException:
            pass  # fired meanwhile by the other firer (the pump, or the dev route)

    def put_back(self, fired: dict[str, Any]) -> None:
        """The schedule again as it was read, after its invocation failed (Scheduler would retry it)."""
        definition = {k: fired["definition"][k] for k in _DEFINITION if fired["definition"].get(k) is not None}
        try:
            self._client.create_schedule(**definition)
        except self._client.exceptions.ConflictException:
            pass  # the handler set the same schedule again before it failed


def fire_due(until: datetime, a: Adapters, now: datetime, invoke: Callable[[dict[str, Any]], Any],
             scheduler: LocalScheduler | None = None, rounds: int = 10) -> list[dict[str, Any]]:
    """Fire every schedule due by `until` through `invoke` (the timer Lambda handler itself).

    A firing may set a later schedule that is also due by `until` (a warning, then the breach),
    so pending outbox items are carried out between rounds until nothing is due.
    """
    scheduler = scheduler or LocalScheduler.of_app()
    fired: list[dict[str, Any]] = []
    horizon = max(until, now) + timedelta(seconds=1)  # firings store items stamped with their own time
    due = scheduler.due(until)
    for _ in range(rounds):
        if not due:
            break
        for schedule in due:
            scheduler.delete(schedule["name"])  # ActionAfterCompletion=DELETE; first, so a reschedule survives
            try:
                result = invoke(schedule["input"])
            except Exception:  # in AWS the invocation is retried (then dead-lettered): keep the firing
                scheduler.put_back(schedule)
                raise
            fired.append({"schedule": schedule["name"], "at": schedule["at"].isoformat(), **result})
        delivery.deliver_pending(a, now, older_than=horizon)  # the firings' reschedules, before looking again
        due = scheduler.due(until)
    return fired


def _at(expression: str) -> datetime | None:
    if not expression.startswith("at("):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=timezone.utc)


def _named_time(name: str) -> float:
    """The firing time a schedule's name carries (chalicelib/adapters/timers.py names them
    `<complaint>.<clock>.<epoch>`); a schedule named otherwise counts as due: it is read."""
    tail = name.rsplit(".", 1)[-1]
    return float(tail) if tail.isdigit() else float("-inf")
