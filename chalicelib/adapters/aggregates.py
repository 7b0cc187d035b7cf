"""StatsStore: the running sums of the statistics, per receipt day and per month.

Rows: pk `STATS#D#<yyyy-mm-dd>#<shard>` or `STATS#M#<yyyy-mm>#<shard>`, sk `<dimension>#<group>`,
one number attribute per counter. The shard is the changed complaint's, so a busy day's
updates spread over several partitions; a reader sums the shards. A change is applied
exactly once: the sums move in one transaction with the complaint's `STATS` marker, which
only accepts a newer version of the complaint than the last one applied.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import cancellation_codes, query_all, shard, to_item
from chalicelib.adapters.outbox import MAX_TRANSACTION, Write
from chalicelib.domain.stats import Counters, Key
from chalicelib.resources import SHARDS

day_partition = keys.stats_day
month_partition = keys.stats_month


class StatsStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def apply(self, complaint_id: str, version: int, moves: dict[Key, Counters]) -> bool:
        """Move the sums for one version of one complaint; False if that version was applied already."""
        try:
            self._client.transact_write_items(TransactItems=self.writes(complaint_id, version, moves))
        except self._client.exceptions.TransactionCanceledException as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True

    def writes(self, complaint_id: str, version: int, moves: dict[Key, Counters]) -> list[Write]:
        """What `apply` writes, in one transaction: the complaint's marker first, then the sums (for another
        transaction of the same stream batch to carry, `along` the outbox claim: one call fewer)."""
        n = shard(complaint_id)
        rows: dict[tuple[str, str], Counters] = {}
        for (day, dimension, group), change in moves.items():
            for partition in (day_partition(day, n), month_partition(day, n)):
                rows.setdefault((partition, f"{dimension}#{group}"), Counter()).update(change)
        updates = [self._add(pk, sk, change) for (pk, sk), change in rows.items() if any(change.values())]
        marker = {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"pk": keys.complaint(complaint_id), "sk": keys.STATS_MARK}),
                "UpdateExpression": "SET applied_version = :v",
                "ConditionExpression": "attribute_not_exists(applied_version) OR applied_version < :v",
                "ExpressionAttributeValues": to_item({":v": version}),
            }
        }
        if len(updates) + 1 > MAX_TRANSACTION:
            raise ValueError("too many aggregate rows for one transaction")
        return [marker, *updates]

    def sums(self, days: list[date], months: list[date]) -> dict[str, dict[str, Counters]]:
        """Counters per dimension and group, summed over whole days and whole months: one Query per
        shard of each day or month, however many complaints they hold."""
        partitions = [day_partition(d, n) for d in days for n in range(SHARDS)]
        partitions += [month_partition(m, n) for m in months for n in range(SHARDS)]
        totals: dict[str, dict[str, Counters]] = {}
        for partition in partitions:
            for row in self._rows(partition):
                dimension, group = row.pop("sk").split("#", 1)
                totals.setdefault(dimension, {}).setdefault(group, Counter()).update(
                    {k: int(v) for k, v in row.items() if k not in ("pk", "type")}
                )
        return totals

    def _rows(self, partition: str) -> list[dict[str, Any]]:
        return query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_item({":pk": partition}),
        )

    def _add(self, partition: str, sk: str, change: Counters) -> dict[str, Any]:
        change = Counter({name: n for name, n in change.items() if n})
        names = {f"#c{i}": name for i, name in enumerate(change)}
        values = {f":c{i}": n for i, n in enumerate(change.values())}
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"pk": partition, "sk": sk}),
                "UpdateExpression": "SET #t = :t ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(change))),
                "ExpressionAttributeNames": {**names, "#t": "type"},
                "ExpressionAttributeValues": to_item({**values, ":t": "stats"}),
            }
        }
