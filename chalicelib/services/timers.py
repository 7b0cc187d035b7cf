"""A clock's schedule fired: ask the domain what is due now, and store what it decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain import deadlines
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import Clock
from chalicelib.services import calendar
from chalicelib.services.effects import deliveries_for
from chalicelib.services.ports import TimerNeeds

ATTEMPTS = 5


def on_timer(payload: dict[str, Any], a: TimerNeeds) -> list[str]:
    """Handle one firing. A stale or repeated firing changes nothing (the domain re-checks the state)."""
    now = datetime.fromisoformat(payload["scheduled_time"].replace("Z", "+00:00"))
    clock = Clock(payload["clock"])
    policy = calendar.policy(a)
    for _ in range(ATTEMPTS):
        complaint = a.complaints.get(payload["complaint_id"])
        if complaint is None:
            return []
        outcomes = deadlines.on_timer(complaint, clock, now, policy)
        if not outcomes and not complaint.effects:
            return []
        try:
            a.complaints.save(complaint, deliveries_for(complaint, a.directory, a.settings), now)
            return outcomes
        except ConcurrentChange:
            continue  # a staff action landed in between: decide again on the fresh state
    raise ConcurrentChange(payload["complaint_id"])
