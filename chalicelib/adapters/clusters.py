"""ClusterStore: which complaints name which production lot, and the alerts raised.

Rows: pk `LOT#<lot>`, sk `MEMBER#<received>#<id>` (one per complaint naming the lot, with every lot the
complaint names; a lot's partition only grows with complaints about that lot); pk `ALERTS`, sk `<lot>`
(one per alerted lot; few, so one partition lists them all). An alert raised for several lots at once
(their complaints are one set) is kept at its first lot; the row of each other lot points to it
(`cluster_alert_pointer`: the first lot and the alert's opening), so a complaint about any of them
finds the one alert. An alert is opened in one transaction with its pointers and its outbox items, on
the condition that every row it writes is still what was read, so quality and the manager hear about a
cluster exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import from_item, iso, parse_required_time, query_all, to_item
from chalicelib.adapters.outbox import Write, outbox_items
from chalicelib.adapters.recent import ALERTS_TTL, Recent
from chalicelib.domain.clusters import Alert, ClusterRule, Member
from chalicelib.domain.deliveries import Notification

ALERTS = keys.ALERTS
_LAST = "\uffff"
_ALERT, _POINTER = "cluster_alert", "cluster_alert_pointer"


@dataclass(frozen=True)
class Pointer:
    """The row of a lot alerted together with another: the alert kept at `to`, opened at `opened_at`."""

    to: str
    opened_at: datetime


Stored = Alert | Pointer | None  # what one lot's row in ALERTS holds


@dataclass(frozen=True)
class Slot:
    """One lot's row as read (`stored`, to overwrite it on the condition it is unchanged) and the alert
    that covers the lot: its own, or the one its pointer names (None if there is none, or no longer)."""

    lot: str
    stored: Stored
    alert: Alert | None


class ClusterStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name
        self._listed: Recent[str, dict[str, Alert | Pointer]] = Recent(ALERTS_TTL)

    def add_member(self, lot: str, member: Member) -> None:
        self._client.put_item(TableName=self._table, Item=to_item(_member_item(lot, member)))

    def member_writes(self, member: Member) -> list[Write]:
        """The rows of a new complaint in each lot it names, for the transaction that records it (the
        stream then has no row of its own to write)."""
        return [{"Put": {"TableName": self._table, "Item": to_item(_member_item(lot, member))}} for lot in member.lots]

    def members(self, lot: str, start: datetime, end: datetime) -> list[Member]:
        items = self._query(
            {
                "ConsistentRead": True,  # a complaint written a moment ago by another stream batch counts
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lo AND :hi",
                "ExpressionAttributeValues": to_item(
                    {
                        ":pk": keys.lot(lot),
                        ":lo": f"{keys.MEMBER}{iso(start)}",
                        ":hi": f"{keys.MEMBER}{iso(end)}{_LAST}",
                    }
                ),
            }
        )
        return [
            Member(i["complaint_id"], parse_required_time(i["received_at"]), frozenset(i.get("lots") or ()))
            for i in items
        ]

    def slot(self, lot: str, recent: bool = False) -> Slot:
        """The lot's row and the alert that covers it, read now or (`recent`) from the rows as listed less
        than ALERTS_TTL ago (no call: a write over a row changed since fails, and the caller reads again)."""
        read = self._recent_row if recent else self._stored
        stored = read(lot)
        if not isinstance(stored, Pointer):
            return Slot(lot, stored, stored)
        target = read(stored.to)
        live = isinstance(target, Alert) and target.opened_at == stored.opened_at and lot in target.also
        return Slot(lot, stored, target if live and isinstance(target, Alert) else None)

    def alerted(self, lots: Sequence[str], now: datetime, rule: ClusterRule) -> bool:
        """Whether one of these lots has an open alert (a repeated defect), from the alerts' rows as listed
        less than ALERTS_TTL ago (one Query a minute, not a read per submission). A row pointing to an alert
        kept at another lot counts while that alert was opened within the window, if the listing lacks it."""
        if not lots:
            return False
        every = self._every_row()
        stored = {lot: every[lot] for lot in dict.fromkeys(lots) if lot in every}
        stored.update({p.to: every[p.to] for p in list(stored.values()) if isinstance(p, Pointer) and p.to in every})
        for value in stored.values():
            if isinstance(value, Alert) and value.is_open(now, rule):
                return True
            if isinstance(value, Pointer):
                target = stored.get(value.to)
                if isinstance(target, Alert) and target.is_open(now, rule):
                    return True
                if value.to not in stored and value.opened_at >= now - rule.window:
                    return True
        return False

    def alerts(self) -> list[Alert]:
        """Every alert once (the rows pointing to an alert kept at another lot are left out)."""
        return [row for row in self._rows().values() if isinstance(row, Alert)]

    def _every_row(self) -> dict[str, Alert | Pointer]:
        return self._listed.get_many([ALERTS], lambda _: {ALERTS: self._rows()})[ALERTS] or {}

    def _recent_row(self, lot: str) -> Stored:
        return self._every_row().get(lot)

    def _rows(self) -> dict[str, Alert | Pointer]:
        """Every lot's row in ALERTS (few: lots with a cluster, ever)."""
        items = self._query(
            {
                "ConsistentRead": True,  # an alert raised a moment ago counts
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": to_item({":pk": ALERTS}),
            }
        )
        return {i["sk"]: _stored(i) for i in items}

    def save_alert(
        self,
        alert: Alert,
        read: Mapping[str, Stored],
        notifications: Sequence[Notification] = (),
        now: datetime | None = None,
        notified_from: str = "",
    ) -> bool:
        """Store a new, grown or widened alert unless a row it writes changed since it was read; False then.

        `read`: what was read at each lot whose row is written: the alert's own lot, and each other lot
        of it that gets its pointer now (the others of `alert.also` point to it already).
        `notifications` go into the outbox of the complaint `notified_from` (the one that made the cluster),
        tagged with the lot so that two lots alerting at one moment never share an outbox key."""
        writes = [{"Put": self._put(_item(alert), read[alert.lot])}]
        writes += [{"Put": self._put(_pointer(lot, alert), read[lot])} for lot in alert.also if lot in read]
        outbox = (
            outbox_items(keys.complaint(notified_from), notified_from, notifications, now, 0, tag=alert.lot)
            if notifications and now
            else []
        )
        writes += [{"Put": {"TableName": self._table, "Item": to_item(i)}} for i in outbox]
        self._listed.forget()
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException:
            return False
        return True

    def _put(self, item: dict[str, Any], read: Stored) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
        if read is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        elif isinstance(read, Pointer):
            put["ConditionExpression"] = "#type = :pointer AND alert_lot = :to AND opened_at = :opened"
            put["ExpressionAttributeNames"] = {"#type": "type"}
            put["ExpressionAttributeValues"] = to_item(
                {":pointer": _POINTER, ":to": read.to, ":opened": iso(read.opened_at)}
            )
        else:
            also = "size(also_lots) = :also" if read.also else "attribute_not_exists(also_lots)"
            put["ConditionExpression"] = f"opened_at = :opened AND complaint_count = :count AND {also}"
            values: dict[str, Any] = {":opened": iso(read.opened_at), ":count": read.count}
            if read.also:
                values[":also"] = len(read.also)
            put["ExpressionAttributeValues"] = to_item(values)
        return put

    def _stored(self, lot: str) -> Stored:
        response = self._client.get_item(
            TableName=self._table, Key=to_item({"pk": ALERTS, "sk": lot}), ConsistentRead=True
        )
        return _stored(from_item(response["Item"])) if "Item" in response else None

    def _query(self, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        return query_all(self._client, TableName=self._table, **kwargs)


def _member_item(lot: str, member: Member) -> dict[str, Any]:
    return {
        "pk": keys.lot(lot),
        "sk": f"{keys.MEMBER}{iso(member.received_at)}#{member.complaint_id}",
        "type": "lot_member",
        "complaint_id": member.complaint_id,
        "received_at": member.received_at,
        "lots": sorted(member.lots),
    }


def _stored(item: dict[str, Any]) -> Alert | Pointer:
    if item.get("type") == _POINTER:
        return Pointer(item["alert_lot"], parse_required_time(item["opened_at"]))
    return _alert(item)


def _item(alert: Alert) -> dict[str, Any]:
    item = {
        "pk": ALERTS,
        "sk": alert.lot,
        "type": _ALERT,
        "lot": alert.lot,
        "first_received_at": alert.first_received_at,
        "last_received_at": alert.last_received_at,
        "complaint_ids": list(alert.complaint_ids),
        "complaint_count": alert.count,
        "opened_at": alert.opened_at,
    }
    return {**item, "also_lots": list(alert.also)} if alert.also else item


def _pointer(lot: str, alert: Alert) -> dict[str, Any]:
    return {"pk": ALERTS, "sk": lot, "type": _POINTER, "alert_lot": alert.lot, "opened_at": alert.opened_at}


def _alert(item: dict[str, Any]) -> Alert:
    return Alert(
        item["lot"],
        parse_required_time(item["first_received_at"]),
        parse_required_time(item["last_received_at"]),
        tuple(item["complaint_ids"]),
        parse_required_time(item["opened_at"]),
        int(item["complaint_count"]),
        tuple(item.get("also_lots") or ()),
    )
