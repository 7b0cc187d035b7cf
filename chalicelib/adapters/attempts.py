"""AttemptCounter: wrong access codes per complaint and time window (items expire by TTL)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamo import to_item


class AttemptCounter:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def failures(self, subject: str, window: str) -> int:
        response = self._client.get_item(TableName=self._table, Key=self._key(subject, window),
                                          ProjectionExpression="failures", ConsistentRead=True)
        return int(response.get("Item", {}).get("failures", {}).get("N", 0))

    def fail(self, subject: str, window: str, window_end: datetime) -> int:
        """Count one more failure; returns the count in this window."""
        response = self._client.update_item(
            TableName=self._table, Key=self._key(subject, window),
            UpdateExpression="ADD failures :one SET expires_at = :expires",
            ExpressionAttributeValues=to_item({":one": 1, ":expires": int((window_end + timedelta(hours=1)).timestamp())}),
            ReturnValues="UPDATED_NEW")
        return int(response["Attributes"]["failures"]["N"])

    @staticmethod
    def _key(subject: str, window: str) -> dict[str, Any]:
        return to_item({"pk": f"ATTEMPTS#{subject}", "sk": f"WINDOW#{window}"})
