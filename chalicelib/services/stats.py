"""Statistics: kept up to date from the table's stream, read per period without touching complaints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.adapters.changes import complaint_changes
from chalicelib.adapters.outbox import Write
from chalicelib.domain import stats
from chalicelib.domain.labels import CATEGORY, CHANNEL, word
from chalicelib.domain.model import SHANGHAI
from chalicelib.wiring import Adapters


def apply_stream(records: Iterable[dict[str, Any]], a: Adapters, written: Collection[str] = ()) -> int:
    """Move the sums for every complaint change in a stream batch, in order; returns how many moved them.
    `written`: complaints whose one change of the batch was applied along with their outbox claim.

    The changes of the batch are summed into as few transactions as they fit (the more complaints a
    batch holds, the fewer writes each costs). A failure stops the batch here and is raised, so the
    stream retries it: changes already applied are recognised by their version and skipped, and none
    is applied out of order.
    """
    changes, folded = [], 0
    for change in complaint_changes(records):
        if change.complaint_id in written:
            folded += 1
            continue
        moves = stats.delta(change.old, change.new)
        if moves:
            changes.append((change.complaint_id, change.version, moves))
    return folded + (a.stats.apply_many(changes) if changes else 0)


def writes_along(records: Iterable[dict[str, Any]], a: Adapters) -> dict[str, list[Write]]:
    """The writes of a batch's one change that moves sums, to go with its complaint's outbox claim (one call
    fewer for a complaint on its own). A batch of several such changes sums them (`apply_stream`)."""
    moving = [(c, moves) for c in complaint_changes(records) if (moves := stats.delta(c.old, c.new))]
    if len(moving) != 1:
        return {}
    [(change, moves)] = moving
    return {change.complaint_id: a.stats.writes(change.complaint_id, change.version, moves)}


def report(start: date, end: date, by: str, lang: str, a: Adapters, today: date) -> dict[str, Any]:
    """The figures of the complaints received from `start` to `end` (Shanghai days, inclusive), per group,
    and the series of every day of the period: complaints received (`new`) and closed (`closed`) that day.

    The series is read from the same rows as the figures: it costs no further reads.
    """
    sums = a.stats.sums(*split_period(start, end, today))
    totals = sums.get(stats.ALL, {}).get(stats.ALL, Counter())
    present = {key: group for key, group in sums.get(by, {}).items() if group["count"] > 0}
    names = _names(by, list(present), a)
    rows = [
        {"key": key, "label": names.get(key) or _label(by, key, lang), **vars(stats.Figures.of(group))}
        for key, group in present.items()
    ]
    rows.sort(key=lambda row: (-row["count"], row["key"]))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by": by,
        "total": vars(stats.Figures.of(totals)),
        "groups": rows,
        "trend": trend(start, end, sums.get(stats.TREND, {})),
    }


def trend(start: date, end: date, days: dict[str, Counter]) -> list[dict[str, Any]]:
    """One point per day from `start` to `end`, zeros included, so a chart has every day."""
    points = []
    for n in range((end - start).days + 1):
        day = (start + timedelta(days=n)).isoformat()
        sums = days.get(day, Counter())
        points.append({"day": day, "new": sums["new"], "closed": sums["closed"]})
    return points


def split_period(start: date, end: date, today: date) -> tuple[list[date], list[date]]:
    """Whole months as months (their first day), the ragged edges as days: few rows to read.
    A month counts as whole when the period covers it up to today (nothing is received later)."""
    days: list[date] = []
    months: list[date] = []
    day = start
    while day <= end:
        month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if day.day == 1 and min(month_end, today) <= end:
            months.append(day)
            day = month_end + timedelta(days=1)
        else:
            days.append(day)
            day += timedelta(days=1)
    return days, months


def period(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The days asked for; a missing end is today, a missing start the first of the end's month."""
    today = shanghai_day(now)
    end = end or max(today, start or today)
    return start or end.replace(day=1), end


def shanghai_day(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def _names(by: str, keys: list[str], a: Adapters) -> dict[str, str]:
    """The people's, territories' and departments' names for their codes (a few reads, one per salesperson
    shown)."""
    if by == "assignee":
        members = {key: a.directory.staff(key) for key in keys if key != stats.UNKNOWN}
        return {key: member.name for key, member in members.items() if member and member.name}
    if by == "territory" and keys:
        return {str(t["code"]): str(t["name"]) for t in a.directory.territories() if t.get("name")}
    if by == "responsible_department" and keys:  # the code a QC result stored (older ones: their text)
        return {str(d["code"]): str(d["name"]) for d in a.directory.departments()}
    return {}


def _label(by: str, key: str, lang: str) -> str:
    tables = {"category": CATEGORY, "channel": CHANNEL}
    return word(tables[by], key, lang) if by in tables else key
