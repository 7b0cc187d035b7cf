"""Runs against the local system from outside (`python -m infra.local`): a client that submits over HTTP
as the public does, and the bench's own reads of the table afterwards (not the app's calls).

An effect is an outbox item: pending until carried out (SNS accepted the message, the schedule was made),
then `done_at` (the pump's clock, ISO UTC) right after. The client stamps each 201 with time.time() on the
same machine, so the two clocks are one."""
from __future__ import annotations

import http.client
import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.common import SUBMISSION_PATH

MAX_ATTEMPTS = 8  # a client retries 5xx, 429 and broken connections with the same Idempotency-Key
CLIENTS = 32
POLL_SHARE = 0.1  # the outbox is polled so that the bench's reads take at most this share of moto's time


def dynamodb(moto_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "dynamodb", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=CLIENTS, retries={"mode": "standard", "max_attempts": 5}))


class Poster:
    """One client's keep-alive connection to the app: POSTs a submission until it is answered 201 (5xx,
    429 and broken connections retried with the same Idempotency-Key, after a growing pause)."""

    def __init__(self, app_host: str):
        self.host, port = app_host.split(":")
        self.port = int(port)
        self.connection = self._connect()
        self.latencies: list[float] = []  # of every request
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, key: str, raw: bytes) -> tuple[str, float] | None:
        """(complaint id, time.time() of the 201), or None if refused or given up."""
        for attempt in range(MAX_ATTEMPTS):
            started = time.perf_counter()
            try:
                self.connection.request("POST", SUBMISSION_PATH, body=raw, headers={
                    "Content-Type": "application/json", "Idempotency-Key": key})
                response = self.connection.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = self._connect()
                status, data = 0, b""
            self.latencies.append(time.perf_counter() - started)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 201:
                return json.loads(data)["complaint_id"], time.time()
            if status and status < 500 and status != 429:
                self.failures.append(f"{status} {data[:200]!r}")
                return None
            time.sleep(min(2.0, 0.1 * 2 ** attempt))
        self.failures.append(f"gave up after {MAX_ATTEMPTS} attempts")
        return None

    def close(self) -> None:
        self.connection.close()


class ProcessClock:
    """CPU seconds used by each process of the local system (Linux /proc): the runner serving the app,
    the local AWS (moto) and the pump, told apart by their command lines."""

    NAMES = {"infra.local_aws": "moto", "infra.pump": "pump"}

    def __init__(self, runner_pid: int):
        self.pids = {"app": runner_pid}
        try:
            children = open(f"/proc/{runner_pid}/task/{runner_pid}/children").read().split()
        except OSError:
            children = []
        for pid in map(int, children):
            command = open(f"/proc/{pid}/cmdline").read()
            self.pids.update({name: pid for module, name in self.NAMES.items() if module in command})

    def read(self) -> dict[str, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for name, pid in self.pids.items():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[name] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return used

    @staticmethod
    def spent(before: dict[str, float], after: dict[str, float], per: int) -> dict[str, float]:
        """Milliseconds of CPU per item, by process."""
        return {name: (after[name] - before.get(name, 0.0)) * 1000 / per for name in after}


def merged(posters: list[Poster]) -> dict[str, Any]:
    """The requests of several clients together."""
    statuses: dict[int, int] = {}
    for p in posters:
        for status, n in p.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return {"latencies": [s for p in posters for s in p.latencies], "statuses": statuses,
            "failures": [f for p in posters for f in p.failures]}


def in_threads(count: int, worker: Any) -> float:
    """Run `worker` in `count` threads at once; the seconds until the last one is done."""
    threads = [threading.Thread(target=worker) for _ in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------------- the table

def pending_count(client: Any, table: str) -> int:
    """Outbox items not carried out yet: the sparse index `outbox_pending` (chalicelib/resources.py) holds
    those only, one Query per shard."""
    from chalicelib.adapters.keys import OUTBOX_PARTITION
    from chalicelib.resources import SHARDS

    count = 0
    for n in range(SHARDS):
        kwargs: dict[str, Any] = {
            "TableName": table, "IndexName": "outbox_pending", "Select": "COUNT",
            "KeyConditionExpression": "outbox_pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"{OUTBOX_PARTITION}{n}"}}}
        while True:
            page = client.query(**kwargs)
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return count


def wait_for_effects(client: Any, table: str, cap_seconds: float) -> tuple[int, int]:
    """Poll until no effect is pending (twice in a row, a pump round apart: a stream batch still being
    handled may add items) or `cap_seconds` have passed. Returns (pending at the first look, pending at
    the end). moto walks the whole table for an index Query, so polls are spaced to keep the bench's share
    of moto's time under POLL_SHARE; when the work was done comes from the items' `done_at`, not from here."""
    deadline = time.monotonic() + cap_seconds
    first = None
    zeros = 0
    while True:
        started = time.monotonic()
        pending = pending_count(client, table)
        first = pending if first is None else first
        zeros = zeros + 1 if pending == 0 else 0
        if zeros >= 2 or time.monotonic() >= deadline:
            return first, pending
        pause = max(1.0, (time.monotonic() - started) / POLL_SHARE)
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


@dataclass
class Stored:
    """What the bench's Scan found in the app's table."""

    complaints: set[str] = field(default_factory=set)
    idempotency: dict[str, str] = field(default_factory=dict)  # pk -> complaint id
    pending: int = 0  # outbox items not carried out
    last_done: float | None = None  # time.time() of the last outbox item carried out
    assigned: dict[str, float] = field(default_factory=dict)  # complaint id -> its last `assigned` message sent


def stored(moto_url: str) -> Stored:
    """Every complaint's META item, every idempotency record, and the outbox items (the bench's own Scan)."""
    from chalicelib import resources

    client = dynamodb(moto_url)
    found = Stored()
    kwargs: dict[str, Any] = {
        "TableName": resources.names("local")["table"],
        "ProjectionExpression": "pk, sk, complaint_id, #s, done_at, kind, #e",
        "FilterExpression": "sk = :meta OR sk = :idem OR begins_with(sk, :outbox)",
        "ExpressionAttributeNames": {"#s": "status", "#e": "event"},
        "ExpressionAttributeValues": {":meta": {"S": "META"}, ":idem": {"S": "IDEMPOTENCY"},
                                      ":outbox": {"S": "OUTBOX#"}}}
    while True:
        page = client.scan(**kwargs)
        for item in page["Items"]:
            _take(found, {k: next(iter(v.values())) for k, v in item.items()})
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _take(found: Stored, item: dict[str, Any]) -> None:
    pk, sk = item["pk"], item["sk"]
    if sk == "META" and pk.startswith("COMPLAINT#"):
        found.complaints.add(pk.removeprefix("COMPLAINT#"))
    elif sk == "IDEMPOTENCY":
        found.idempotency[pk] = item["complaint_id"]
    elif sk.startswith("OUTBOX#"):
        if item.get("status") != "done":
            found.pending += 1
            return
        done = datetime.fromisoformat(item["done_at"]).timestamp()
        found.last_done = max(found.last_done or done, done)
        if item.get("kind") == "notify" and item.get("event") == "assigned" and "complaint_id" in item:
            cid = item["complaint_id"]
            found.assigned[cid] = max(found.assigned.get(cid, done), done)
