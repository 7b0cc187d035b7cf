"""The local stand-in for DynamoDB Streams -> Lambda and EventBridge Scheduler -> Lambda.

Reads the table's stream in moto and hands each batch to the very stream handler AWS
invokes; fires schedules that are due through the very timer handler; sweeps the outbox.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable

from chalicelib.resources import STREAM_PARALLELISM

log = logging.getLogger("pump")
FIRE_EVERY_SECONDS = 5  # EventBridge Scheduler itself fires within about a minute of the time
SWEEP_EVERY_SECONDS = 30  # AWS runs the sweeper every 5 minutes; locally a failure shows up sooner
MAX_ATTEMPTS = 10  # then the batch is skipped, as an on-failure destination would take it


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
        self._positions: dict[str, str] = {}  # shard -> last sequence number handled
        self._next_sweep = 0.0
        self._next_fire = 0.0
        self._arn: str | None = None
        self._failures: dict[str, int] = {}
        self._workers = ThreadPoolExecutor(STREAM_PARALLELISM, thread_name_prefix="stream")

    def drain_stream(self) -> int:
        """Hand every new stream record to the stream handler; returns how many were handled.

        Like Lambda's stream poller, a batch whose handler fails is handed over again (next
        round) before anything after it, until it succeeds or has failed `MAX_ATTEMPTS` times.
        Each batch is read with a fresh iterator after the last handled sequence number: moto
        replaces a table's stream shard when it rolls back a failed transaction, which strands
        any iterator kept from before.
        """
        count = 0
        arn = self._stream_arn()
        for shard in self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            while True:
                page = self._streams.get_records(ShardIterator=self._iterator(arn, shard_id), Limit=100)
                records = page["Records"]
                if not records or not self._invoke_stream(shard_id, records):
                    break  # nothing new, or the same batch again next round
                self._positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                count += len(records)
        return count

    def tick(self) -> None:
        """One round of everything AWS would have done by now. Schedules are looked at every
        `FIRE_EVERY_SECONDS` (moto lists every schedule to find the due ones) and the sweeper runs
        every `SWEEP_EVERY_SECONDS`, as on its schedule in AWS (its index query reads the whole table)."""
        self.drain_stream()
        if time.monotonic() >= self._next_fire:
            self._fire_due(datetime.now(timezone.utc))
            self._next_fire = time.monotonic() + FIRE_EVERY_SECONDS
            self.drain_stream()
        if time.monotonic() >= self._next_sweep:
            self._sweep()
            self._next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception as error:  # keep pumping; AWS would retry too
                log.warning("pump round failed: %s: %s", type(error).__name__, error)
            stop.wait(interval)

    def _invoke_stream(self, shard_id: str, records: list[dict[str, Any]]) -> bool:
        """True when the batch is done with: handled, or given up after too many failures.

        As Lambda's ParallelizationFactor does, the records are handed over in up to STREAM_PARALLELISM
        batches at once, those of one partition key (one complaint) in one batch, in order. If one fails,
        all are handed over again (the handler recognises what it already did)."""
        try:
            parts = _by_partition(records, STREAM_PARALLELISM)
            if len(parts) == 1:
                self._on_stream({"Records": parts[0]}, None)
            else:
                futures = [self._workers.submit(self._on_stream, {"Records": part}, None) for part in parts]
                errors = [e for e in (f.exception() for f in futures) if e is not None]  # waits for all
                if errors:
                    raise errors[0]
        except Exception as error:
            self._failures[shard_id] = self._failures.get(shard_id, 0) + 1
            if self._failures[shard_id] < MAX_ATTEMPTS:
                log.warning("stream batch failed (will retry): %s", type(error).__name__)
                return False
            log.error("stream batch failed %d times, skipped: %s", MAX_ATTEMPTS, type(error).__name__)
        self._failures.pop(shard_id, None)
        return True

    def _stream_arn(self) -> str:
        """Asked once: moto's DescribeTable sums the size of every item, which grows with the table."""
        if self._arn is None:
            self._arn = self._dynamodb.describe_table(TableName=self._table)["Table"]["LatestStreamArn"]
        return self._arn

    def _iterator(self, arn: str, shard_id: str) -> str:
        after = self._positions.get(shard_id)
        where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after else {
            "ShardIteratorType": "TRIM_HORIZON"}
        return self._streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **where)["ShardIterator"]


def _by_partition(records: list[dict[str, Any]], parts: int) -> list[list[dict[str, Any]]]:
    """The records in at most `parts` lists, each partition key's in one list, stream order kept."""
    lists: dict[int, list[dict[str, Any]]] = {}
    for record in records:
        pk = record.get("dynamodb", {}).get("Keys", {}).get("pk", {}).get("S", "")
        lists.setdefault(zlib.crc32(pk.encode()) % parts, []).append(record)
    return list(lists.values()) or [records]


def pump_for_app() -> EventPump:
    """A pump wired to the app's own handlers and adapters (environment already set)."""
    from chalicelib.clients import client
    from chalicelib.handlers import events
    from chalicelib.services import delivery
    from chalicelib.wiring import adapters
    from infra import scheduler

    def now() -> datetime:
        return datetime.now(timezone.utc)

    return EventPump(
        client("dynamodb"), client("dynamodbstreams"), adapters().settings.table_name,
        on_stream=events.on_stream,
        fire_due=lambda until: scheduler.fire_due(until, adapters(), now(), lambda p: events.on_timer(p, None)),
        sweep=lambda: delivery.sweep(adapters(), now()))


PRIORITY = 10  # `nice` increment: what AWS runs apart from the API waits while requests are answered


def main() -> None:
    """`python -m infra.pump` (the local runner starts it, environment set): pump until the parent goes.

    A process of its own, at lower priority, as the stream and timer functions run apart from
    the API's in AWS: a burst of submissions is answered first, its effects follow."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.nice(PRIORITY)
    stop = threading.Event()
    parent = os.getppid()

    def watch_parent() -> None:
        while not stop.wait(1):
            if os.getppid() != parent:
                stop.set()

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group; the runner stops this process
    threading.Thread(target=watch_parent, daemon=True).start()
    pump_for_app().run(stop)


if __name__ == "__main__":
    main()
