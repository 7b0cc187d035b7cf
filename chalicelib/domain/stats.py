"""Statistics as running sums: what one complaint adds to the aggregates of its receipt day.

A change of a complaint moves the sums by `contribution(new) - contribution(old)`, so the
stream keeps them current and a stats request reads a few aggregate rows however many
complaints there are. Counts, open and overdue are the complaints' current state; the
median comes from an hour histogram, so it is exact to the hour. The day-by-day series (`trend`)
is kept the same way: `new` on the receipt day and `closed` on the closing day, grouped under the
day itself so that a month's rows hold each of its days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.model import OPEN_STATUSES, SHANGHAI, Clock, Complaint, Deadline, Status

DIMENSIONS = ("category", "sku", "batch", "territory", "assignee", "channel", "responsible_department")
ALL = "all"  # the dimension (and group) of the totals
TREND = "day"  # the dimension of the day-by-day series: one group per Shanghai day (yyyy-mm-dd)
UNKNOWN = "-"
MAX_HOURS = 24 * 90  # the last histogram bucket holds everything slower
HOURS_PREFIX = "h"

Counters = Counter  # counter name -> value
Key = tuple[date, str, str]  # (receipt day in Shanghai, dimension, group)


def receipt_day(c: Complaint) -> date:
    return c.received_at.astimezone(SHANGHAI).date()


def closing_day(c: Complaint) -> date | None:
    """The Shanghai day the complaint was closed; None while it is not closed (a reopening undoes it)."""
    closed_at = _moment(c.closed_at) if c.status == Status.CLOSED else None
    return closed_at.astimezone(SHANGHAI).date() if closed_at else None


def groups(c: Complaint) -> dict[str, str]:
    """The group of the complaint in each dimension ('-' where it is not known yet)."""
    department = c.qc_result.responsible_department if c.qc_result else None
    values = {
        "category": c.category.value,
        "sku": c.product.sku,
        "batch": c.product.batch,
        "territory": c.territory,
        "assignee": c.assignee,
        "channel": c.channel.value,
        "responsible_department": department,
    }
    return {ALL: ALL, **{d: str(values[d]) if values[d] else UNKNOWN for d in DIMENSIONS}}


def counters(c: Complaint) -> Counters:
    """What one complaint adds to every group it belongs to."""
    sums: Counters = Counter(count=1)
    if c.status in OPEN_STATUSES:
        sums["open"] = 1
        sums["overdue"] = int(any(d.breached for d in c.deadlines.values()))
    told_at = _moment(c.customer_notified.at) if c.customer_notified else None
    if told_at is not None:
        hours = max(0, int((told_at - c.received_at).total_seconds() // 3600))
        sums["told"] = 1
        sums[f"{HOURS_PREFIX}{min(hours, MAX_HOURS)}"] = 1
    if c.satisfaction and c.satisfaction.rating is not None:
        sums["rated"] = 1
        sums["rating_sum"] = int(c.satisfaction.rating)
    for clock, name in ((Clock.FIRST_CONTACT, "first_contact"), (Clock.RESOLUTION, "resolution")):
        met = deadline_met(c.deadlines.get(clock))
        if met is not None:
            sums[f"{name}_decided"] = 1
            sums[f"{name}_met"] = int(met)
    return +sums


def deadline_met(deadline: Deadline | None) -> bool | None:
    """Whether the clock was stopped in time: False once breached, None while it may still be met."""
    if deadline is None:
        return None
    if deadline.breached:
        return False
    if deadline.stopped_at is None:
        return None
    if deadline.due_at is not None:
        return deadline.stopped_at <= deadline.due_at
    return (deadline.remaining_seconds or 0) >= 0  # stopped while paused


def contribution(c: Complaint | None) -> dict[Key, Counters]:
    """What the complaint adds to the sums: nothing once merged into another (a pair counts once)."""
    if c is None or c.merged_into:
        return {}
    day, sums = receipt_day(c), counters(c)
    return {(day, dimension, group): sums for dimension, group in groups(c).items()}


def trend(c: Complaint | None) -> dict[Key, Counters]:
    """The complaint's points in the day-by-day series: one `new` on its receipt day and, once closed,
    one `closed` on its closing day (which may be in another period than its receipt)."""
    if c is None or c.merged_into:
        return {}
    received = receipt_day(c)
    points = {(received, TREND, received.isoformat()): Counter(new=1)}
    closed = closing_day(c)
    if closed is not None:
        points.setdefault((closed, TREND, closed.isoformat()), Counter())["closed"] += 1
    return points


def delta(old: Complaint | None, new: Complaint | None) -> dict[Key, Counters]:
    """How the aggregates move when a complaint changes from `old` to `new` (only what moves): its
    figures and its points in the series, applied together so both are exactly once."""
    before, after = {**contribution(old), **trend(old)}, {**contribution(new), **trend(new)}
    moves: dict[Key, Counters] = {}
    for key in before.keys() | after.keys():
        change = Counter(after.get(key, {}))
        change.subtract(before.get(key, {}))
        change = Counter({name: n for name, n in change.items() if n})
        if change:
            moves[key] = change
    return moves


@dataclass(frozen=True)
class Figures:
    """The figures a stats row shows, from summed counters."""

    count: int
    open: int
    overdue: int
    median_hours_to_customer_told: float | None
    satisfaction_average: float | None
    first_contact_met_pct: float | None
    resolution_met_pct: float | None
    first_contact_met: int  # the counts behind the percentages: met of decided
    first_contact_decided: int
    resolution_met: int
    resolution_decided: int

    @classmethod
    def of(cls, sums: Counters) -> Figures:
        return cls(
            count=sums["count"],
            open=sums["open"],
            overdue=sums["overdue"],
            median_hours_to_customer_told=median_hours(sums),
            satisfaction_average=_ratio(sums["rating_sum"], sums["rated"], 1, 2),
            first_contact_met_pct=_ratio(sums["first_contact_met"], sums["first_contact_decided"], 100, 1),
            resolution_met_pct=_ratio(sums["resolution_met"], sums["resolution_decided"], 100, 1),
            first_contact_met=sums["first_contact_met"],
            first_contact_decided=sums["first_contact_decided"],
            resolution_met=sums["resolution_met"],
            resolution_decided=sums["resolution_decided"],
        )


def median_hours(sums: Counters) -> float | None:
    """The median of the hour histogram; a bucket h<n> holds the times in [n, n+1) hours."""
    histogram = sorted(
        (int(name[len(HOURS_PREFIX) :]), n)
        for name, n in sums.items()
        if name.startswith(HOURS_PREFIX) and name[len(HOURS_PREFIX) :].isdigit() and n > 0
    )
    total = sum(n for _, n in histogram)
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # the one or two middle positions, from 0
    values, seen = [], 0
    for hour, n in histogram:
        values += [hour for position in middle if seen <= position < seen + n]
        seen += n
    return sum(values) / len(values)


def _ratio(part: int, whole: int, scale: int, places: int) -> float | None:
    return round(scale * part / whole, places) if whole else None


def _moment(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
