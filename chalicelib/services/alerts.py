"""Cluster alerts, raised from the table's stream as complaints naming a lot come in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.adapters.changes import complaint_changes
from chalicelib.domain import clusters, policy
from chalicelib.domain.clusters import ClusterRule, Member
from chalicelib.domain.model import Actor, Complaint
from chalicelib.services.effects import notifications
from chalicelib.services.views import jsonable
from chalicelib.wiring import Adapters

ATTEMPTS = 3  # a lost race re-reads the alerts and decides again


def observe_stream(records: Iterable[dict[str, Any]], a: Adapters, now: datetime) -> int:
    """Note every lot a new (or newly described) complaint names; returns how many alerts were raised."""
    raised = 0
    for change in complaint_changes(records):
        if change.new is None:
            continue
        named = clusters.lots(change.new)
        before = set(clusters.lots(change.old)) if change.old else set()
        new = [lot for lot in named if lot not in before]
        if new:
            member = Member(change.new.id, change.new.received_at, frozenset(named))
            raised += observe(member, new, a, now, recorded=change.old is None)
    return raised


def observe(member: Member, new: list[str], a: Adapters, now: datetime, recorded: bool = False) -> int:
    """Record one complaint about the lots `new` (of those it names: `member.lots`); returns how many new
    clusters it made (each alert went out once, however many lots it covers). `recorded`: a new complaint,
    whose lots' rows were written with it (services/intake.py).

    The first look at the alerts is at their rows as listed a moment ago (ALERTS_TTL); a write that finds a
    row changed since looks again at the rows themselves."""
    rule = a.settings.cluster_rule
    for lot in [] if recorded else new:
        a.clusters.add_member(lot, member)
    raised = 0
    for attempt in range(ATTEMPTS):
        made, settled = _observe_once(member, new, a, now, rule, recent=attempt == 0)
        raised += made
        if settled:
            return raised
    raise RuntimeError(f"cluster alerts for {', '.join(new)} kept changing")  # the stream retries the batch


def _observe_once(
    member: Member, new: list[str], a: Adapters, now: datetime, rule: ClusterRule, recent: bool
) -> tuple[int, bool]:
    """One look at the alerts of every lot the complaint names: (alerts raised, False if a write lost a race)."""
    slots = {lot: a.clusters.slot(lot, recent) for lot in dict.fromkeys([*new, *sorted(member.lots)])}
    live = {lot: s.alert for lot, s in slots.items()}
    undecided = []
    for lot in new:
        alert = live[lot]
        if alert is None or not alert.takes(member, rule):
            undecided.append(lot)
            continue
        grown = clusters.joined(alert, member)  # joining needs no look at the other members
        if grown is alert:
            continue
        if not a.clusters.save_alert(grown, {grown.lot: alert}):
            return 0, False
        live = {k: grown if v is not None and v.same_as(alert) else v for k, v in live.items()}
    if not undecided:
        return 0, True
    span = (member.received_at - rule.window, member.received_at + rule.window)
    nearby = {lot: a.clusters.members(lot, *span) for lot in slots}
    raised = 0
    for step in clusters.plan(member, undecided, nearby, live, rule, now):
        if isinstance(step, clusters.Cover):
            read = {step.alert.lot: step.replacing, step.lot: slots[step.lot].stored}
            if not a.clusters.save_alert(step.alert, read):
                return raised, False
            continue
        new_alert = step.alert
        told = notifications(clusters.notifications(new_alert, rule), a.directory)
        read = {lot: slots[lot].stored for lot in new_alert.lots}
        if not a.clusters.save_alert(new_alert, read, told, now, notified_from=member.complaint_id):
            return raised, False
        raised += 1
    return raised, True


def open_alerts(actor: Actor, a: Adapters, now: datetime) -> dict[str, Any]:
    """The clusters still open (a complaint within the window), newest first, each once with what its
    complaints share (batch, production date or both) and its complaints (NotAllowed for a salesperson
    only: the alerts span every territory)."""
    policy.require_overview(actor, "cluster alerts")
    rule = a.settings.cluster_rule
    items = []
    for alert in a.clusters.alerts():
        if not alert.is_open(now, rule):
            continue
        sku = clusters.describe(alert.lot)[0]
        what = clusters.shared(alert)
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
                "batch": what.get(clusters.BATCH),
                "production_date": what.get(clusters.DATE),
                # what every complaint of the alert shares, batch first: ["batch"], ["production_date"] or both
                "shared": [_SHARED[kind] for kind in what],
            }
        )
    items.sort(key=lambda i: i["last_received_at"], reverse=True)
    return {"items": items, "threshold": rule.threshold, "window_days": rule.window.days}


_SHARED = {clusters.BATCH: "batch", clusters.DATE: "production_date"}


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
