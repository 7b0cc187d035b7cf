"""Which index serves a list request: the query plan, decided from the filters alone.

The access-pattern table is in chalicelib/resources.py. The most selective key wins;
the remaining filters are applied to what that key returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.resources import SHARDS

SHANGHAI = ZoneInfo("Asia/Shanghai")
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
    days = _days(start, end)
    return Plan("by_day", tuple(_shards(f"DAY#{d.isoformat()}#{{n}}") for d in days), f,
                received_from=start, received_to=end)


def _shards(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.format(n=n) for n in range(SHARDS))


def _days(start: datetime, end: datetime) -> list[date]:
    """UTC days from the newest back to the oldest (the by_day key uses the UTC day)."""
    first, last = start.astimezone(ZoneInfo("UTC")).date(), end.astimezone(ZoneInfo("UTC")).date()
    return [last - timedelta(days=i) for i in range((last - first).days + 1)]
