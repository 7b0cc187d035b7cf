"""AttemptCounter: access-code attempts per complaint, client and period (items expire by TTL).

An attempt is taken with a conditional `ADD` before the code is checked, so however many requests
arrive at once, no more codes are checked than a quota allows; a right code gives its attempt back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import to_item
from chalicelib.domain.access import Quota


class AttemptCounter:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def take(self, quotas: Sequence[Quota]) -> Quota | None:
        """Take one attempt from each quota, in order.

        Returns
        -------
        Quota | None
            None when every quota had one left; else the first that had none (the attempts already
            taken from the quotas before it are given back).
        """
        taken: list[Quota] = []
        for quota in quotas:
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(quota),
                    UpdateExpression="ADD attempts :one SET expires_at = :expires",
                    ConditionExpression="attribute_not_exists(attempts) OR attempts < :max",
                    ExpressionAttributeValues=to_item(
                        {":one": 1, ":max": quota.limit, ":expires": int((quota.ends + timedelta(hours=1)).timestamp())}
                    ),
                )
            except self._client.exceptions.ConditionalCheckFailedException:
                self.give_back(taken)
                return quota
            taken.append(quota)
        return None

    def give_back(self, quotas: Sequence[Quota]) -> None:
        """Return one attempt to each quota (the code was right: it was no guess)."""
        for quota in quotas:
            self._client.update_item(
                TableName=self._table,
                Key=self._key(quota),
                UpdateExpression="ADD attempts :less",
                ExpressionAttributeValues=to_item({":less": -1}),
            )

    @staticmethod
    def _key(quota: Quota) -> dict[str, Any]:
        client = f"#{keys.CLIENT}{quota.client}" if quota.client else ""
        return to_item({"pk": keys.ATTEMPTS + quota.subject, "sk": f"{keys.WINDOW}{quota.period}{client}"})
