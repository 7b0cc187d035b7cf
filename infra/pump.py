"""The local stand-in for DynamoDB Streams -> Lambda and EventBridge Scheduler -> Lambda.

Reads the table's stream in moto and hands each batch to the very stream handler AWS
invokes; fires schedules that are due through the very timer handler; sweeps the outbox.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Any, Callable

log = logging.getLogger("pump")


class EventPump:
    def __init__(self, dynamodb: Any, streams: Any, table_name: str,
                 on_stream: Callable[[dict, Any], Any], fire_due: Callable[[datetime], Any],
                 sweep: Callable[[], Any]):
        self._dynamodb = dynamodb
        self._streams = streams
        self._table = table_name
        self._on_stream = on_stream
        self._fire_due = fire_due
        self._sweep = sweep
        self._iterators: dict[str, str] = {}

    def drain_stream(self) -> int:
        """Hand every new stream record to the stream handler; returns how many there were."""
        count = 0
        for shard_id in self._shards():
            while True:
                page = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=100)
                self._iterators[shard_id] = page.get("NextShardIterator") or self._iterators[shard_id]
                if not page["Records"]:
                    break
                self._invoke_stream(page["Records"])
                count += len(page["Records"])
        return count

    def tick(self) -> None:
        """One round of everything AWS would have done by now."""
        self.drain_stream()
        self._fire_due(datetime.now(timezone.utc))
        self.drain_stream()
        self._sweep()

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception as error:  # keep pumping; AWS would retry too
                log.warning("pump round failed: %s: %s", type(error).__name__, error)
            stop.wait(interval)

    def _invoke_stream(self, records: list[dict[str, Any]]) -> None:
        try:
            self._on_stream({"Records": records}, None)
        except Exception as error:  # the outbox items stay pending; the sweeper retries them
            log.warning("stream batch failed: %s", type(error).__name__)

    def _shards(self) -> list[str]:
        arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return [s["ShardId"] for s in shards]


def pump_for_app() -> EventPump:
    """A pump wired to the app's own handlers and adapters (environment already set)."""
    from chalicelib.clients import client
    from chalicelib.handlers import events
    from chalicelib.services import delivery, timers
    from chalicelib.wiring import adapters

    def now() -> datetime:
        return datetime.now(timezone.utc)

    return EventPump(
        client("dynamodb"), client("dynamodbstreams"), adapters().settings.table_name,
        on_stream=events.on_stream,
        fire_due=lambda until: timers.fire_due(until, adapters(), now(), lambda p: events.on_timer(p, None)),
        sweep=lambda: delivery.sweep(adapters(), now()))
