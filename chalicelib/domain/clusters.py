"""Cluster alerts: several complaints about one production lot are an early warning.

A lot is a SKU with its batch, or a SKU with its production date. When `threshold`
complaints about one lot were received within `window` of each other, quality and the
manager hear about it once; later complaints about the same lot join that alert while they
come within the window of it, and only a lot that has been quiet for a whole window
can raise a new alert.

One set of complaints is alerted once: when the complaints of a batch are those of its
production date too (or the other way round), one alert covers both lots and is labelled
with both (批次 X / 生产日期 Y). A date whose complaints come from several batches, or a
batch spread over several dates, alerts on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.model import Complaint, NotificationEvent, Notify, Role


@dataclass(frozen=True)
class ClusterRule:
    threshold: int = 3
    window: timedelta = timedelta(days=30)


@dataclass(frozen=True)
class Member:
    complaint_id: str
    received_at: datetime
    # Every lot the complaint names (its row in one lot says which other lots it is about); not part of
    # its identity, rows written before it was kept have none.
    lots: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class Alert:
    lot: str  # the first lot it was raised for: where it is kept
    first_received_at: datetime
    last_received_at: datetime
    complaint_ids: tuple[str, ...]  # the latest LISTED of them: a bad lot can draw thousands
    opened_at: datetime
    count: int  # all of them
    also: tuple[str, ...] = ()  # the other lots whose complaints were the same set: one alert for them all

    @property
    def lots(self) -> tuple[str, ...]:
        return (self.lot, *self.also)

    def is_open(self, now: datetime, rule: ClusterRule) -> bool:
        return self.last_received_at >= now - rule.window

    def takes(self, member: Member, rule: ClusterRule) -> bool:
        """A complaint belongs to this alert's cluster if it came within the window of it."""
        return self.first_received_at - rule.window <= member.received_at <= self.last_received_at + rule.window

    def same_as(self, other: Alert) -> bool:
        """The same alert (perhaps grown since): raised for the same first lot at the same moment."""
        return self.lot == other.lot and self.opened_at == other.opened_at


LISTED = 100
BATCH, DATE = "batch", "date"


class Decision(StrEnum):
    NONE = "none"  # not (yet) a cluster
    OPEN = "open"  # a new cluster: tell quality and the manager
    JOIN = "join"  # one more complaint for an alert already sent


def lots(c: Complaint) -> list[str]:
    """The lots a complaint names: SKU + batch and SKU + production date, where known."""
    sku = (c.product.sku or "").strip().upper()
    if not sku:
        return []
    found = []
    if c.product.batch and c.product.batch.strip():
        found.append(f"{sku}#{BATCH}#{c.product.batch.strip().upper()}")
    if c.product.production_date:
        found.append(f"{sku}#{DATE}#{c.product.production_date.isoformat()}")
    return found


def describe(lot: str) -> tuple[str, str, str]:
    """(sku, 'batch' or 'date', value) of a lot key."""
    sku, kind, value = lot.split("#", 2)
    return sku, kind, value


def shared(alert: Alert) -> dict[str, str]:
    """What the alert's complaints share, batch first: {'batch': value, 'date': value} (one or both)."""
    found = {kind: value for _, kind, value in map(describe, alert.lots)}
    return {kind: found[kind] for kind in (BATCH, DATE) if kind in found}


def decide(newcomer: Member, members: list[Member], alert: Alert | None, rule: ClusterRule) -> Decision:
    """What one more complaint about a lot means, given the lot's complaints near it in time."""
    if alert is not None and alert.takes(newcomer, rule):
        return Decision.JOIN
    return Decision.OPEN if len(cluster_around(newcomer, members, rule)) >= rule.threshold else Decision.NONE


def cluster_around(newcomer: Member, members: list[Member], rule: ClusterRule) -> list[Member]:
    """The largest set of the lot's complaints within one window that includes the newcomer."""
    everyone = sorted({*members, newcomer}, key=lambda m: (m.received_at, m.complaint_id))
    best: list[Member] = []
    for start in everyone:
        if not start.received_at <= newcomer.received_at <= start.received_at + rule.window:
            continue
        inside = [m for m in everyone if start.received_at <= m.received_at <= start.received_at + rule.window]
        if len(inside) > len(best):
            best = inside
    return best


def seen(lot: str, nearby: Mapping[str, Iterable[Member]]) -> list[Member]:
    """The complaints about `lot`: those read from its own rows, and those read from another lot's rows that
    name it too (their row in `lot` is written in the same moment, and may not be there yet when read)."""
    found = {m.complaint_id: m for m in nearby.get(lot, ())}
    for other, members in nearby.items():
        for m in members:
            if other != lot and lot in m.lots:
                found.setdefault(m.complaint_id, m)
    return list(found.values())


def opened(lot: str, cluster: list[Member], now: datetime, also: Sequence[str] = ()) -> Alert:
    return Alert(
        lot,
        min(m.received_at for m in cluster),
        max(m.received_at for m in cluster),
        tuple(m.complaint_id for m in cluster)[-LISTED:],
        now,
        len(cluster),
        tuple(also),
    )


def joined(alert: Alert, newcomer: Member) -> Alert:
    if newcomer.complaint_id in alert.complaint_ids:
        return alert
    ids = (*alert.complaint_ids, newcomer.complaint_id)[-LISTED:]
    return replace(
        alert,
        first_received_at=min(alert.first_received_at, newcomer.received_at),
        last_received_at=max(alert.last_received_at, newcomer.received_at),
        complaint_ids=ids,
        count=alert.count + 1,
    )


@dataclass(frozen=True)
class Open:
    """A new alert (for one lot, or several whose complaints are the same set): tell quality and the manager."""

    alert: Alert


@dataclass(frozen=True)
class Cover:
    """`lot`'s cluster is the set of complaints an alert already sent is about: that alert covers `lot` too
    (it was `replacing`); nobody is told again."""

    alert: Alert
    replacing: Alert
    lot: str


def plan(
    newcomer: Member,
    undecided: Sequence[str],
    nearby: Mapping[str, Iterable[Member]],
    alerts: Mapping[str, Alert | None],
    rule: ClusterRule,
    now: datetime,
) -> list[Open | Cover]:
    """What the newcomer's `undecided` lots (no alert of theirs takes it) call for. `nearby`: the complaints
    read around it in each lot it names; `alerts`: the alert covering each lot it names, if any. Lots
    whose clusters are one set of complaints share one alert; a cluster that is the set of an alert of
    another lot the complaint names is covered by that alert."""
    found = {}
    for lot in undecided:
        cluster = cluster_around(newcomer, seen(lot, nearby), rule)
        if len(cluster) >= rule.threshold:
            found[lot] = cluster
    held = dict(alerts)
    steps: list[Open | Cover] = []
    done: set[str] = set()
    for lot, cluster in found.items():
        if lot in done:
            continue
        ids = {m.complaint_id for m in cluster}
        holder = next((a for a in held.values() if a is not None and lot not in a.lots and _is_set(a, ids)), None)
        if holder is not None:
            covering = replace(holder, also=(*holder.also, lot))
            steps.append(Cover(covering, holder, lot))
            held = {k: covering if a is not None and a.same_as(holder) else a for k, a in held.items()}
            done.add(lot)
            continue
        together = [other for other, c in found.items() if other not in done and {m.complaint_id for m in c} == ids]
        steps.append(Open(opened(together[0], cluster, now, together[1:])))
        done.update(together)
    return steps


def _is_set(alert: Alert, ids: set[str]) -> bool:
    """The alert is about exactly these complaints (those it lists, and no more than it counts)."""
    return alert.count == len(ids) and set(alert.complaint_ids) <= ids


def notifications(alert: Alert, rule: ClusterRule) -> list[Notify]:
    """What quality and the manager are told: the lot and the complaint numbers, no customer data."""
    sku = describe(alert.lot)[0]
    what = shared(alert)
    lot = " / ".join(f"{'批次' if kind == BATCH else '生产日期'} {value}" for kind, value in what.items())
    ids = ", ".join(alert.complaint_ids[:5]) + (" 等" if len(alert.complaint_ids) > 5 else "")
    text = f"【投诉预警】产品 {sku} {lot} 在 {rule.window.days} 天内已有 {alert.count} 起投诉（{ids}），请尽快排查。"
    return [Notify(NotificationEvent.CLUSTER_ALERT, text, role=role) for role in (Role.QUALITY, Role.MANAGER)]
