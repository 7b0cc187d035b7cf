"""Cluster alerts: several complaints about one production lot are an early warning.

A lot is a SKU with its batch, or a SKU with its production date. When `threshold`
complaints about one lot were received within `window` of each other, quality and the
manager hear about it once; later complaints about the same lot join that alert while they
come within the window of it, and only a lot that has been quiet for a whole window
can raise a new alert.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Alert:
    lot: str
    first_received_at: datetime
    last_received_at: datetime
    complaint_ids: tuple[str, ...]  # the latest LISTED of them: a bad lot can draw thousands
    opened_at: datetime
    count: int  # all of them

    def is_open(self, now: datetime, rule: ClusterRule) -> bool:
        return self.last_received_at >= now - rule.window

    def takes(self, member: Member, rule: ClusterRule) -> bool:
        """A complaint belongs to this alert's cluster if it came within the window of it."""
        return self.first_received_at - rule.window <= member.received_at <= self.last_received_at + rule.window


LISTED = 100


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
        found.append(f"{sku}#batch#{c.product.batch.strip().upper()}")
    if c.product.production_date:
        found.append(f"{sku}#date#{c.product.production_date.isoformat()}")
    return found


def describe(lot: str) -> tuple[str, str, str]:
    """(sku, 'batch' or 'date', value) of a lot key."""
    sku, kind, value = lot.split("#", 2)
    return sku, kind, value


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


def opened(lot: str, cluster: list[Member], now: datetime) -> Alert:
    return Alert(
        lot,
        min(m.received_at for m in cluster),
        max(m.received_at for m in cluster),
        tuple(m.complaint_id for m in cluster)[-LISTED:],
        now,
        len(cluster),
    )


def joined(alert: Alert, newcomer: Member) -> Alert:
    if newcomer.complaint_id in alert.complaint_ids:
        return alert
    ids = (*alert.complaint_ids, newcomer.complaint_id)[-LISTED:]
    return Alert(
        alert.lot,
        min(alert.first_received_at, newcomer.received_at),
        max(alert.last_received_at, newcomer.received_at),
        ids,
        alert.opened_at,
        alert.count + 1,
    )


def notifications(alert: Alert, rule: ClusterRule) -> list[Notify]:
    """What quality and the manager are told: the lot and the complaint numbers, no customer data."""
    sku, kind, value = describe(alert.lot)
    lot = f"批次 {value}" if kind == "batch" else f"生产日期 {value}"
    ids = ", ".join(alert.complaint_ids[:5]) + (" 等" if len(alert.complaint_ids) > 5 else "")
    text = f"【投诉预警】产品 {sku} {lot} 在 {rule.window.days} 天内已有 {alert.count} 起投诉（{ids}），请检查该批次。"
    return [Notify(NotificationEvent.CLUSTER_ALERT, text, role=role) for role in (Role.QUALITY, Role.MANAGER)]
