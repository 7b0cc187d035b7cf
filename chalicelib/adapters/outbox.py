"""OutboxStore: the effects a change caused, waiting in the table to be carried out.

An item is claimed with a conditional update (a lease: a random token and an end time),
carried out, then marked done and dropped from the sparse `outbox_pending` index. A done
item is never carried out again; a failed one is released and retried by the stream or the
sweeper. Marking done and releasing take the claim's token: once a lease has run out and
another delivery holds the item, the first one can change nothing on it.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamo import from_item, iso, shard, to_item
from chalicelib.resources import SHARDS

LEASE = timedelta(seconds=60)


class OutboxStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def claim(self, pk: str, sk: str, now: datetime) -> dict[str, Any] | None:
        """The item, now leased to the caller until `now` + LEASE under a new `lease_token`; None if it
        is done or leased to someone else. `now` is the moment of the claim, not of the batch."""
        try:
            response = self._client.update_item(
                TableName=self._table, Key=to_item({"pk": pk, "sk": sk}),
                UpdateExpression="SET lease_until = :until, lease_token = :token, "
                                 "attempts = if_not_exists(attempts, :zero) + :one",
                ConditionExpression="#s = :pending AND (attribute_not_exists(lease_until) OR lease_until < :now)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues=to_item({":until": iso(now + LEASE), ":now": iso(now),
                                                   ":token": secrets.token_urlsafe(16),
                                                   ":pending": "pending", ":zero": 0, ":one": 1}),
                ReturnValues="ALL_NEW")
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return from_item(response["Attributes"])

    def complete(self, pk: str, sk: str, token: str, now: datetime, result: str) -> bool:
        """Mark the item done, if the lease `token` still holds it; False if another claim took it over.

        The token stays on the done item, so that a retried call (its first answer lost) succeeds again.
        """
        try:
            self._client.update_item(
                TableName=self._table, Key=to_item({"pk": pk, "sk": sk}),
                UpdateExpression="SET #s = :done, done_at = :now, #r = :result REMOVE lease_until, outbox_pk, outbox_sk",
                ConditionExpression="lease_token = :token",
                ExpressionAttributeNames={"#s": "status", "#r": "result"},
                ExpressionAttributeValues=to_item({":done": "done", ":now": iso(now), ":result": result,
                                                   ":token": token}))
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release(self, pk: str, sk: str, token: str, error: str) -> None:
        """Give the lease back for a retry; nothing if `token` no longer holds it."""
        try:
            self._client.update_item(
                TableName=self._table, Key=to_item({"pk": pk, "sk": sk}),
                UpdateExpression="SET last_error = :e REMOVE lease_until, lease_token",
                ConditionExpression="lease_token = :token",
                ExpressionAttributeValues=to_item({":e": error[:500], ":token": token}))
        except self._client.exceptions.ConditionalCheckFailedException:
            pass  # another delivery holds it now, or has done it

    def pending(self, older_than: datetime, limit: int = 100) -> list[tuple[str, str]]:
        """Keys of items still pending since before `older_than` (the sweeper's work)."""
        keys: list[tuple[str, str]] = []
        for n in range(SHARDS):
            page = self._client.query(
                TableName=self._table, IndexName="outbox_pending", Limit=limit,
                KeyConditionExpression="outbox_pk = :pk AND outbox_sk < :cutoff",
                ExpressionAttributeValues=to_item({":pk": f"OUTBOX#{n}", ":cutoff": iso(older_than)}))
            keys += [(i["pk"], i["sk"]) for i in map(from_item, page["Items"])]
        return keys


def outbox_item(complaint_id: str, n: int, now: datetime, version: int, tag: str = "", **fields: Any) -> dict[str, Any]:
    """A new pending item in the complaint's partition, visible to the sweeper's index. `tag` tells apart
    items that the same complaint causes at the same moment outside its own changes (one per cluster alert)."""
    sk = f"OUTBOX#{iso(now)}#{version:05d}#{n:03d}" + (f"#{tag}" if tag else "")
    return {"pk": f"COMPLAINT#{complaint_id}", "sk": sk, "type": "outbox", "status": "pending",
            "complaint_id": complaint_id, "created_at": now,
            "outbox_pk": f"OUTBOX#{shard(complaint_id + sk)}", "outbox_sk": iso(now), **fields}
