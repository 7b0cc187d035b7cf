"""Cluster alerts, raised from the table's stream as complaints naming a lot come in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.adapters.changes import complaint_changes
from chalicelib.domain import clusters, policy
from chalicelib.domain.clusters import Decision, Member
from chalicelib.domain.model import Actor, Complaint
from chalicelib.services.effects import notifications
from chalicelib.services.views import jsonable
from chalicelib.wiring import Adapters

ATTEMPTS = 3  # a lost race re-reads the alert and decides again


def observe_stream(records: Iterable[dict[str, Any]], a: Adapters, now: datetime) -> int:
    """Note every lot a new (or newly described) complaint names; returns how many alerts were raised."""
    raised = 0
    for change in complaint_changes(records):
        if change.new is None:
            continue
        before = set(clusters.lots(change.old)) if change.old else set()
        for lot in clusters.lots(change.new):
            if lot not in before:
                raised += observe(lot, Member(change.new.id, change.new.received_at), a, now)
    return raised


def observe(lot: str, member: Member, a: Adapters, now: datetime) -> bool:
    """Record one complaint about a lot; True if it made a new cluster (and the alert went out)."""
    rule = a.settings.cluster_rule
    a.clusters.add_member(lot, member)
    for _ in range(ATTEMPTS):
        alert = a.clusters.alert(lot)
        if alert is not None and alert.takes(member, rule):  # joining needs no look at the other members
            grown = clusters.joined(alert, member)
            if grown is alert or a.clusters.save_alert(grown, alert, []):
                return False
            continue
        nearby = a.clusters.members(lot, member.received_at - rule.window, member.received_at + rule.window)
        if clusters.decide(member, nearby, alert, rule) is Decision.NONE:
            return False
        new = clusters.opened(lot, clusters.cluster_around(member, nearby, rule), now)
        told = notifications(clusters.notifications(new, rule), a.directory)
        if a.clusters.save_alert(new, alert, told, now, notified_from=member.complaint_id):
            return True
    raise RuntimeError(f"cluster alert for {lot} kept changing")  # the stream retries the batch


def open_alerts(actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    """The clusters still open (a complaint within the window), newest first, with their complaints
    (NotAllowed for a salesperson only: the alerts span every territory)."""
    policy.require_overview(actor, "cluster alerts")
    rule = a.settings.cluster_rule
    items = []
    for alert in a.clusters.alerts():
        if not alert.is_open(now, rule):
            continue
        sku, kind, value = clusters.describe(alert.lot)
        complaints = [_summary(c) for c in a.complaints.get_many(list(alert.complaint_ids))]
        items.append(
            {
                **jsonable(
                    {
                        "cluster_id": alert.lot,
                        "sku": sku,
                        "count": alert.count,
                        "complaint_ids": list(alert.complaint_ids),
                        "first_received_at": alert.first_received_at,
                        "last_received_at": alert.last_received_at,
                        "opened_at": alert.opened_at,
                        "complaints": complaints,
                    }
                ),
                "batch": value if kind == "batch" else None,
                "production_date": value if kind == "date" else None,
            }
        )
    items.sort(key=lambda i: i["last_received_at"], reverse=True)
    return {"items": items, "threshold": rule.threshold, "window_days": rule.window.days}


def _summary(c: Complaint) -> dict[str, Any]:
    """Enough to judge the lot; the customer's details stay on the complaint page."""
    return {
        "complaint_id": c.id,
        "received_at": c.received_at,
        "status": c.status,
        "category": c.category,
        "severity": c.severity,
        "territory": c.territory,
        "assignee": c.assignee,
        "production_date": c.product.production_date,
        "batch": c.product.batch,
    }
