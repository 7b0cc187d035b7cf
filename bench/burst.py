"""Burst: web submissions from 32 concurrent clients against the local system (`python -m infra.local`,
loopback only), some retried with the same Idempotency-Key; compared with raw moto PutItem throughput
from 32 concurrent clients against the same moto. Then the table is read back to count what was
stored, duplicated and lost."""
from __future__ import annotations

import http.client
import json
import os
import queue
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from typing import Any, Callable

from bench.common import SUBMISSION_PATH, WEB_BODY, ms, percentile
from infra.spawn import local_system

CLIENTS = 32
MAX_ATTEMPTS = 8  # a client retries 5xx, 429 and broken connections with the same Idempotency-Key
RETRY_EVERY = 20  # every 20th submission: the client sends it again after its answer (as if lost)
RACE_EVERY = 20   # every 20th submission (offset 10): two clients send it at the same time
PLACES = [("湖南", "长沙"), ("湖北", "武汉"), ("广东", "广州"), ("江西", "南昌")]


def _dynamodb(moto_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "dynamodb", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=CLIENTS, retries={"mode": "standard", "max_attempts": 5}))


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


def seconds_in_clients(worker: Callable[[], None]) -> float:
    """Run `worker` in `CLIENTS` threads at once; the seconds until the last one is done."""
    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def timed_by_clients(jobs: list[Any], do: Callable[[Any], Any]) -> dict[str, float]:
    """`do(job)` for every job, from `CLIENTS` threads at once: rate and latency percentiles."""
    queued: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for job in jobs:
        queued.put((job,))
    for _ in range(CLIENTS):
        queued.put(None)
    latencies: list[float] = []

    def worker() -> None:
        while (job := queued.get()) is not None:
            started = time.perf_counter()
            do(job[0])
            latencies.append(time.perf_counter() - started)

    elapsed = seconds_in_clients(worker)
    return {"count": len(jobs), "seconds": elapsed, "rate": len(jobs) / elapsed,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def raw_put_throughput(moto_url: str, count: int) -> dict[str, float]:
    """32 clients doing PutItem (one complaint-sized item each) into a table of their own in the same moto."""
    dynamodb = _dynamodb(moto_url)
    table = f"bench-putitem-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}])
    payload = json.dumps(WEB_BODY, ensure_ascii=False)

    def put(n: int) -> None:
        dynamodb.put_item(TableName=table, Item={
            "pk": {"S": f"ITEM#{n}"}, "sk": {"S": "META"}, "body": {"S": payload}, "n": {"N": str(n)},
            "received_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%S")}})

    dynamodb.put_item(TableName=table, Item={"pk": {"S": "warm"}, "sk": {"S": "META"}})
    return timed_by_clients(list(range(count)), put)


def bare_submission_throughput(moto_url: str, count: int, replay: Any) -> dict[str, float]:
    """32 clients making, with boto3 alone, the calls one submission makes (recorded from the app, new ids
    each time) against the same moto, into a table of their own defined as the app's (indexes, stream):
    what the app's reads and writes cost without the app."""
    from chalicelib import resources

    dynamodb = _dynamodb(moto_url)
    ours, theirs = resources.names("local")["table"], f"bench-bare-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(**resources.table_definition(theirs))
    calls = [json.loads(json.dumps(replay.params_for_new(), ensure_ascii=False).replace(f'"{ours}"', f'"{theirs}"'))
             for _ in range(count)]
    return timed_by_clients(calls, lambda params: replay.run(params, {"dynamodb": dynamodb}))


def submissions(app_host: str, count: int, run_id: str) -> dict[str, Any]:
    jobs: queue.SimpleQueue[tuple[str, str, dict, bool] | None] = queue.SimpleQueue()
    kinds = {"once": 0, "retried": 0, "raced": 0}
    for n in range(count):
        province, city = PLACES[n % len(PLACES)]
        body = {**WEB_BODY, "customer": {**WEB_BODY["customer"], "province": province, "city": city},
                "description": f"{WEB_BODY['description']} (#{n})"}
        key = f"burst-{run_id}-{n}"
        raw = json.dumps(body, ensure_ascii=False).encode()
        if n % RACE_EVERY == RACE_EVERY // 2:
            kinds["raced"] += 1
            jobs.put((key, "race", raw, False))
            jobs.put((key, "race", raw, False))  # the next free client takes the twin at the same moment
        elif n % RETRY_EVERY == 0:
            kinds["retried"] += 1
            jobs.put((key, "retry", raw, True))
        else:
            kinds["once"] += 1
            jobs.put((key, "once", raw, False))
    for _ in range(CLIENTS):
        jobs.put(None)

    lock = threading.Lock()
    answers: dict[str, list[str]] = defaultdict(list)
    latencies: list[float] = []
    statuses: dict[int, int] = defaultdict(int)
    failures: list[str] = []
    host, port = app_host.split(":")

    def worker() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)

        def post(key: str, raw: bytes) -> str | None:
            nonlocal connection
            for attempt in range(MAX_ATTEMPTS):
                started = time.perf_counter()
                try:
                    connection.request("POST", SUBMISSION_PATH, body=raw, headers={
                        "Content-Type": "application/json", "Idempotency-Key": key})
                    response = connection.getresponse()
                    data = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(host, int(port), timeout=60)
                    status, data = 0, b""
                latencies.append(time.perf_counter() - started)
                with lock:
                    statuses[status] += 1
                if status == 201:
                    return json.loads(data)["complaint_id"]
                if status and status < 500 and status != 429:
                    with lock:
                        failures.append(f"{status} {data[:200]!r}")
                    return None
                time.sleep(min(2.0, 0.1 * 2 ** attempt))
            with lock:
                failures.append(f"gave up after {MAX_ATTEMPTS} attempts")
            return None

        while (job := jobs.get()) is not None:
            key, _, raw, again = job
            for _ in range(2 if again else 1):
                complaint_id = post(key, raw)
                if complaint_id:
                    with lock:
                        answers[key].append(complaint_id)
        connection.close()

    elapsed = seconds_in_clients(worker)
    return {"count": count, "seconds": elapsed, "rate": count / elapsed, "requests": len(latencies),
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "answers": answers,
            "statuses": dict(statuses), "failures": failures, "kinds": kinds}


def stored(moto_url: str) -> tuple[set[str], dict[str, str], int]:
    """Every complaint's META item, every idempotency record and the number of outbox items still
    pending in the table (the bench's own Scan)."""
    from chalicelib import resources

    dynamodb = _dynamodb(moto_url)
    table = resources.names("local")["table"]
    complaints: set[str] = set()
    idempotency: dict[str, str] = {}
    pending = 0
    kwargs: dict[str, Any] = {
        "TableName": table, "ProjectionExpression": "pk, sk, complaint_id, #s",
        "FilterExpression": "sk = :meta OR sk = :idem OR (begins_with(sk, :outbox) AND #s = :pending)",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":meta": {"S": "META"}, ":idem": {"S": "IDEMPOTENCY"},
                                      ":outbox": {"S": "OUTBOX#"}, ":pending": {"S": "pending"}}}
    while True:
        page = dynamodb.scan(**kwargs)
        for item in page["Items"]:
            pk = item["pk"]["S"]
            if item["sk"]["S"] == "META" and pk.startswith("COMPLAINT#"):
                complaints.add(pk.removeprefix("COMPLAINT#"))
            elif item["sk"]["S"] == "IDEMPOTENCY":
                idempotency[pk] = item["complaint_id"]["S"]
            else:
                pending += 1
        if "LastEvaluatedKey" not in page:
            return complaints, idempotency, pending
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(count: int, replay: Any) -> dict[str, Any]:
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-local-", suffix=".log", delete=False)
    with log, local_system(log, wait_seconds=120) as system:
        app_host, moto_url = system.base_url.removeprefix("http://"), system.moto_url
        run_id = uuid.uuid4().hex[:8]
        print(f"  local system up (app http://{app_host}, moto {moto_url}); raw PutItem first ...", flush=True)
        clock = ProcessClock(system.pid)
        warm = submissions(app_host, 3, f"warm-{run_id}")  # the app's clients exist before the clock runs, as the raw side's
        started = clock.read()
        puts = raw_put_throughput(moto_url, count)
        after_puts = clock.read()
        print(f"  raw PutItem: {puts['count']} in {puts['seconds']:.1f} s; the submission's calls by bare boto3 ...",
              flush=True)
        bare = bare_submission_throughput(moto_url, count, replay)
        before_subs = clock.read()
        print(f"  bare: {bare['count']} in {bare['seconds']:.1f} s; now {count} submissions ...", flush=True)
        subs = submissions(app_host, count, run_id)
        ended = clock.read()
        complaints, idempotency, pending = stored(moto_url)
    complaints -= {cid for ids in warm["answers"].values() for cid in ids}
    answers = subs["answers"]
    acked = {cid for ids in answers.values() for cid in ids}
    split = sum(len(set(ids)) - 1 for ids in answers.values())  # one key, several complaints
    ours = {pk.split("#", 2)[-1]: cid for pk, cid in idempotency.items() if f"burst-{run_id}-" in pk}
    return {
        "puts": puts, "subs": subs, "ratio": subs["rate"] / puts["rate"], "bare": bare,
        "bare_ratio": subs["rate"] / bare["rate"], "bare_calls": replay.describe(),
        "stored": len(complaints), "expected": count, "idempotency_records": len(ours),
        "duplicated": len(complaints - acked) + split,
        "lost": len(acked - complaints),
        "unanswered": count - len(answers), "log": log.name, "pending_outbox": pending,
        "cpu_put": ProcessClock.spent(started, after_puts, count),
        "cpu_bare": ProcessClock.spent(after_puts, before_subs, count),
        "cpu_submission": ProcessClock.spent(before_subs, ended, count),
    }


def report(result: dict[str, Any], target: float) -> None:
    puts, subs = result["puts"], result["subs"]
    print(f"  raw moto PutItem ({puts['count']}, {CLIENTS} clients): {puts['rate']:.0f}/s "
          f"(p50 {ms(puts['p50'])}, p99 {ms(puts['p99'])})")
    kinds = subs["kinds"]
    print(f"  submissions: {subs['count']} ({kinds['once']} once, {kinds['retried']} re-sent after the answer, "
          f"{kinds['raced']} sent twice at once), {subs['requests']} HTTP requests in {subs['seconds']:.1f} s: "
          f"{subs['rate']:.0f}/s")
    print(f"  latency per request: p50 {ms(subs['p50'])}, p99 {ms(subs['p99'])};  statuses {subs['statuses']}")
    put_cpu, sub_cpu = result["cpu_put"], result["cpu_submission"]
    if put_cpu:
        print("  CPU per item, by process: raw PutItem: moto {:.2f} ms;  bare submission calls: moto {:.2f} ms;  "
              "submission: {}".format(
                  put_cpu.get("moto", float("nan")), result["cpu_bare"].get("moto", float("nan")),
                  ", ".join(f"{name} {sub_cpu[name]:.2f} ms" for name in ("app", "moto", "pump") if name in sub_cpu)))
        if put_cpu.get("moto") and sub_cpu.get("moto"):
            print(f"  moto CPU per PutItem / per submission: {put_cpu['moto'] / sub_cpu['moto']:.2f} "
                  "(the pump's calls during the burst included)")
    print(f"  effects still pending when the burst ended (outbox items the pump had not carried out yet): "
          f"{result['pending_outbox']}")
    ok = result["ratio"] >= target
    print(f"  throughput ratio to raw PutItem: {result['ratio']:.2f}   (target >= {target}: "
          f"{'ok' if ok else 'MISSED'})")
    bare = result["bare"]
    print(f"  the submission's own calls by bare boto3 ({result['bare_calls']}, {CLIENTS} clients): "
          f"{bare['rate']:.0f}/s (p50 {ms(bare['p50'])}, p99 {ms(bare['p99'])});  ratio to it: {result['bare_ratio']:.2f}")
    print(f"  stored complaints: {result['stored']} of {result['expected']} submissions "
          f"(idempotency records: {result['idempotency_records']})")
    print(f"  duplicated: {result['duplicated']}   (target 0: {'ok' if result['duplicated'] == 0 else 'MISSED'})")
    print(f"  lost (answered 201, not stored): {result['lost']}   (target 0: {'ok' if result['lost'] == 0 else 'MISSED'})")
    print(f"  never answered 201 (client gave up or was refused): {result['unanswered']}"
          + (f"  e.g. {subs['failures'][:3]}" if subs["failures"] else ""))
    print(f"  local system log: {result['log']}", flush=True)
