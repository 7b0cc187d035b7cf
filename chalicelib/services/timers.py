"""A clock's schedule fired: ask the domain what is due now, and store what it decides."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from chalicelib.domain import deadlines
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import Clock
from chalicelib.services import delivery
from chalicelib.services.effects import deliveries_for
from chalicelib.wiring import Adapters

ATTEMPTS = 5


def on_timer(payload: dict[str, Any], a: Adapters) -> list[str]:
    """Handle one firing. A stale or repeated firing changes nothing (the domain re-checks the state)."""
    now = datetime.fromisoformat(payload["scheduled_time"].replace("Z", "+00:00"))
    clock = Clock(payload["clock"])
    for _ in range(ATTEMPTS):
        complaint = a.complaints.get(payload["complaint_id"])
        if complaint is None:
            return []
        outcomes = deadlines.on_timer(complaint, clock, now)
        if not outcomes and not complaint.effects:
            return []
        try:
            a.complaints.save(complaint, deliveries_for(complaint, a.directory), now)
            return outcomes
        except ConcurrentChange:
            continue  # a staff action landed in between: decide again on the fresh state
    raise ConcurrentChange(payload["complaint_id"])


def fire_due(until: datetime, a: Adapters, now: datetime, invoke: Callable[[dict[str, Any]], Any],
             rounds: int = 10) -> list[dict[str, Any]]:
    """What EventBridge Scheduler does, for the local stage: fire every schedule due by `until`.

    `invoke` is the timer Lambda handler itself. A firing may set a later schedule that is
    also due by `until` (a warning, then the breach), so pending outbox items are carried
    out between rounds until nothing is due.
    """
    fired: list[dict[str, Any]] = []
    horizon = max(until, now) + timedelta(seconds=1)  # firings store items stamped with their own time
    due = a.timers.due(until)
    for _ in range(rounds):
        if not due:
            break
        for schedule in due:
            a.timers.remove(schedule["name"])  # ActionAfterCompletion=DELETE; first, so a reschedule survives
            try:
                result = invoke(schedule["input"])
            except Exception:  # in AWS the invocation is retried (then dead-lettered): keep the firing
                a.timers.restore(schedule)
                raise
            fired.append({"schedule": schedule["name"], "at": schedule["at"].isoformat(), **result})
        delivery.deliver_pending(a, now, older_than=horizon)  # the firings' reschedules, before looking again
        due = a.timers.due(until)
    return fired
