"""Which index serves a list request: the query plan, decided from the filters alone.

The most selective key wins; the remaining filters are applied to what that key returns.
Which index and partitions serve each key is the storage adapter's business (adapters/search.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

DEFAULT_WINDOW = timedelta(days=92)
FILTERS = ("status", "assignee", "territory", "sku", "batch", "category", "channel", "severity")


@dataclass(frozen=True)
class ListQuery:
    filters: dict[str, str] = field(default_factory=dict)
    overdue: bool = False
    received_from: datetime | None = None
    received_to: datetime | None = None
    limit: int = 25


@dataclass(frozen=True)
class Plan:
    """How to read a list: `by` which key (one of BY), `tiers` of its values, every item of a tier
    sorting before the next tier's (months, newest first); the storage adapter maps each to its index."""

    by: str
    tiers: tuple[tuple[str, ...], ...]  # the key values per tier (a month, a status, an assignee, ...)
    residual: dict[str, str]  # filters the key does not cover
    sort: str = "received"  # "received": newest first; "due": most overdue first
    received_from: datetime | None = None
    received_to: datetime | None = None


BY = ("due", "assignee", "sku", "territory", "status", "month")


def plan(query: ListQuery, now: datetime) -> Plan:
    f = dict(query.filters)
    window_from, window_to = query.received_from, query.received_to
    if query.overdue:
        return Plan("due", ((),), f, sort="due", received_from=window_from, received_to=window_to)
    for name in ("assignee", "sku", "territory", "status"):  # the most selective first
        if name in f:
            return Plan(name, ((f.pop(name),),), f, received_from=window_from, received_to=window_to)
    start = query.received_from or now - DEFAULT_WINDOW
    end = query.received_to or now
    return Plan("month", tuple((m,) for m in _months(start, end)), f, received_from=start, received_to=end)


def _months(start: datetime, end: datetime) -> list[str]:
    """UTC months (yyyy-mm) from the newest back to the oldest (complaints are filed by their UTC month)."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    months, year, month = [], last.year, last.month
    while (year, month) >= (first.year, first.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
