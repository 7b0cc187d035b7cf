"""Which index serves a list request: the query plan, decided from the filters alone.

The access-pattern table is in chalicelib/resources.py. The most selective key wins;
the remaining filters are applied to what that key returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from chalicelib.resources import SHARDS

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
    index: str
    tiers: tuple[tuple[str, ...], ...]  # partitions; every item of a tier sorts before the next tier's
    residual: dict[str, str]  # filters the index key does not cover
    sort: str = "received"  # "received": newest first; "due": most overdue first
    received_from: datetime | None = None
    received_to: datetime | None = None


def plan(query: ListQuery, now: datetime) -> Plan:
    f = dict(query.filters)
    window = {"received_from": query.received_from, "received_to": query.received_to}
    if query.overdue:
        return Plan("by_due", (_shards("DUE#{n}"),), f, sort="due", **window)
    for name, index, prefix in (("assignee", "by_assignee", "ASSIGNEE#"), ("sku", "by_sku", "SKU#"),
                                ("territory", "by_territory", "TERRITORY#")):
        if name in f:
            return Plan(index, ((prefix + f.pop(name),),), f, **window)
    if "status" in f:
        return Plan("by_status", (_shards(f"STATUS#{f.pop('status')}#{{n}}"),), f, **window)
    start = query.received_from or now - DEFAULT_WINDOW
    end = query.received_to or now
    return Plan("by_month", tuple(_shards(f"MONTH#{m}#{{n}}") for m in _months(start, end)), f,
                received_from=start, received_to=end)


def _shards(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.format(n=n) for n in range(SHARDS))


def _months(start: datetime, end: datetime) -> list[str]:
    """UTC months (yyyy-mm) from the newest back to the oldest (the by_month key uses the UTC month)."""
    first, last = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    months, year, month = [], last.year, last.month
    while (year, month) >= (first.year, first.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
