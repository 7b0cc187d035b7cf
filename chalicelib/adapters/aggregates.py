"""StatsStore: the running sums of the statistics, per receipt day and per month.

Rows: pk `STATS#D#<yyyy-mm-dd>#<shard>` or `STATS#M#<yyyy-mm>#<shard>`, sk `<dimension>#<group>`,
one number attribute per counter. The shard is the changed complaint's, so a busy day's
updates spread over several partitions; a reader sums the shards. A change is applied
exactly once: the sums move in one transaction with the complaint's `STATS` marker, which
only accepts a newer version of the complaint than the last one applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
        updates = self._sums(shard(complaint_id), [moves])
        if len(updates) + 1 > MAX_TRANSACTION:
            raise ValueError("too many aggregate rows for one transaction")
        return [self._marker(complaint_id, version), *updates]

    def apply_many(self, changes: Sequence[tuple[str, int, dict[Key, Counters]]]) -> int:
        """`apply` for several changes (complaint id, version, moves, in stream order) at once: the sums of
        as many as fit summed into one transaction with their markers (in one shard's rows, the first
        complaint's: a reader sums the shards), one change of a complaint per transaction, in order. A
        change applied already (its marker says so) is left out and the rest written. Returns how many
        changes moved the sums now."""
        pending, applied = list(changes), 0
        while pending:
            chunk: list[tuple[str, int, dict[Key, Counters]]] = []
            later: list[tuple[str, int, dict[Key, Counters]]] = []
            held: set[str] = set()  # complaints with a change in this chunk or left for a later one
            rows: set[tuple[date, str, str]] = set()  # the rows the chunk moves (each a day and a month row)
            for change in pending:
                grown = rows | set(change[2])
                if change[0] in held or len(chunk) + 1 + 2 * len(grown) > MAX_TRANSACTION:
                    later.append(change)
                else:
                    chunk.append(change)
                    rows = grown
                held.add(change[0])
            if not chunk:
                raise ValueError("too many aggregate rows for one transaction")
            while chunk:
                markers = [self._marker(cid, version) for cid, version, _ in chunk]
                sums = self._sums(shard(chunk[0][0]), [moves for _, _, moves in chunk])
                try:
                    self._client.transact_write_items(TransactItems=[*markers, *sums])
                except self._client.exceptions.TransactionCanceledException as error:
                    done = {n for n, code in enumerate(cancellation_codes(error)[: len(chunk)]) if code != "None"}
                    if not done or any(
                        c != "ConditionalCheckFailed" for c in cancellation_codes(error)[: len(chunk)] if c != "None"
                    ):
                        raise
                    chunk = [c for n, c in enumerate(chunk) if n not in done]  # applied by an earlier attempt
                    continue
                applied += len(chunk)
                break
            pending = later
        return applied

    def _marker(self, complaint_id: str, version: int) -> Write:
        """The complaint's `STATS` marker moved to `version`, only over an older one: once per change."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"pk": keys.complaint(complaint_id), "sk": keys.STATS_MARK}),
                "UpdateExpression": "SET applied_version = :v",
                "ConditionExpression": "attribute_not_exists(applied_version) OR applied_version < :v",
                "ExpressionAttributeValues": to_item({":v": version}),
            }
        }

    def _sums(self, n: int, moves: Sequence[dict[Key, Counters]]) -> list[Write]:
        """The row updates of shard `n` that add up `moves`."""
        rows: dict[tuple[str, str], Counters] = {}
        for one in moves:
            for (day, dimension, group), change in one.items():
                for partition in (day_partition(day, n), month_partition(day, n)):
                    rows.setdefault((partition, f"{dimension}#{group}"), Counter()).update(change)
        return [self._add(pk, sk, change) for (pk, sk), change in rows.items() if any(change.values())]

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
