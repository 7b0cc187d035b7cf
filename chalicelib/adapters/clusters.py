"""ClusterStore: which complaints name which production lot, and the alerts raised.

Rows: pk `LOT#<lot>`, sk `MEMBER#<received>#<id>` (one per complaint naming the lot; a
lot's partition only grows with complaints about that lot); pk `ALERTS`, sk `<lot>` (one
per alerted lot; few, so one partition lists them all). An alert is opened in one
transaction with its outbox items, on the condition that nobody opened it first, so
quality and the manager hear about a cluster exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import from_item, iso, parse_required_time, query_all, to_item
from chalicelib.adapters.outbox import outbox_items
from chalicelib.domain.clusters import Alert, Member
from chalicelib.domain.deliveries import Notification

ALERTS = keys.ALERTS
_LAST = "\uffff"


class ClusterStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def add_member(self, lot: str, member: Member) -> None:
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "pk": keys.lot(lot),
                    "sk": f"{keys.MEMBER}{iso(member.received_at)}#{member.complaint_id}",
                    "type": "lot_member",
                    "complaint_id": member.complaint_id,
                    "received_at": member.received_at,
                }
            ),
        )

    def members(self, lot: str, start: datetime, end: datetime) -> list[Member]:
        items = self._query(
            {
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
        return [Member(i["complaint_id"], parse_required_time(i["received_at"])) for i in items]

    def alert(self, lot: str) -> Alert | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item({"pk": ALERTS, "sk": lot}), ConsistentRead=True
        )
        return _alert(from_item(response["Item"])) if "Item" in response else None

    def alerts(self) -> list[Alert]:
        return [
            _alert(i)
            for i in self._query(
                {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": to_item({":pk": ALERTS})}
            )
        ]

    def save_alert(
        self,
        alert: Alert,
        replacing: Alert | None,
        notifications: Sequence[Notification] = (),
        now: datetime | None = None,
        notified_from: str = "",
    ) -> bool:
        """Store a new or grown alert unless someone changed it since `replacing` was read; False then.
        `notifications` go into the outbox of the complaint `notified_from` (the one that made the cluster),
        tagged with the lot so that two lots alerting at one moment never share an outbox key."""
        put = {"TableName": self._table, "Item": to_item(_item(alert))}
        if replacing is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "opened_at = :opened AND complaint_count = :count"
            put["ExpressionAttributeValues"] = to_item({":opened": iso(replacing.opened_at), ":count": replacing.count})
        outbox = (
            outbox_items(keys.complaint(notified_from), notified_from, notifications, now, 0, tag=alert.lot)
            if notifications and now
            else []
        )
        writes = [{"Put": put}] + [{"Put": {"TableName": self._table, "Item": to_item(i)}} for i in outbox]
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException:
            return False
        return True

    def _query(self, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        return query_all(self._client, TableName=self._table, **kwargs)


def _item(alert: Alert) -> dict[str, Any]:
    return {
        "pk": ALERTS,
        "sk": alert.lot,
        "type": "cluster_alert",
        "lot": alert.lot,
        "first_received_at": alert.first_received_at,
        "last_received_at": alert.last_received_at,
        "complaint_ids": list(alert.complaint_ids),
        "complaint_count": alert.count,
        "opened_at": alert.opened_at,
    }


def _alert(item: dict[str, Any]) -> Alert:
    return Alert(
        item["lot"],
        parse_required_time(item["first_received_at"]),
        parse_required_time(item["last_received_at"]),
        tuple(item["complaint_ids"]),
        parse_required_time(item["opened_at"]),
        int(item["complaint_count"]),
    )
