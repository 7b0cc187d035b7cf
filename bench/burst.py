"""Burst: web submissions from 32 concurrent clients against the local system (`python -m infra.local`,
loopback only), some retried with the same Idempotency-Key; compared with raw moto PutItem throughput
and with the submission's own calls made by bare boto3, from 32 concurrent clients against the same moto.
Then the effects are waited for (the time until the last is carried out), and the table is read back to
count what was stored, duplicated and lost."""
from __future__ import annotations

import json
import queue
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from typing import Any, Callable

from bench import local
from bench.common import PLACES, WEB_BODY, ms, percentile, web_submission
from bench.cost import Charge, item_size
from bench.local import CLIENTS, Poster, ProcessClock
from infra.spawn import local_system

RETRY_EVERY = 20  # every 20th submission: the client sends it again after its answer (as if lost)
RACE_EVERY = 20   # every 20th submission (offset 10): two clients send it at the same time
DRAIN_CAP = 3  # after the last 201, effects are waited for at most this many times the burst's duration


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

    elapsed = local.in_threads(CLIENTS, worker)
    return {"count": len(jobs), "seconds": elapsed, "rate": len(jobs) / elapsed,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def raw_item(n: int) -> dict[str, Any]:
    """The raw side's item: complaint-sized, the body as one string."""
    return {"pk": {"S": f"ITEM#{n}"}, "sk": {"S": "META"}, "body": {"S": json.dumps(WEB_BODY, ensure_ascii=False)},
            "n": {"N": str(n)}, "received_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%S")}}


def raw_put_throughput(moto_url: str, count: int) -> dict[str, float]:
    """32 clients doing PutItem (one complaint-sized item each) into a table of their own in the same moto."""
    dynamodb = local.dynamodb(moto_url)
    table = f"bench-putitem-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}])
    def put(n: int) -> None:
        dynamodb.put_item(TableName=table, Item=raw_item(n))

    dynamodb.put_item(TableName=table, Item={"pk": {"S": "warm"}, "sk": {"S": "META"}})
    return timed_by_clients(list(range(count)), put)


def bare_submission_throughput(moto_url: str, count: int, replay: Any) -> dict[str, float]:
    """32 clients making, with boto3 alone, the calls one submission makes (recorded from the app, new ids
    each time) against the same moto, into a table of their own defined as the app's (indexes, stream):
    what the app's reads and writes cost without the app."""
    from chalicelib import resources

    dynamodb = local.dynamodb(moto_url)
    ours, theirs = resources.names("local")["table"], f"bench-bare-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(**resources.table_definition(theirs))
    calls = [json.loads(json.dumps(replay.params_for_new(), ensure_ascii=False).replace(f'"{ours}"', f'"{theirs}"'))
             for _ in range(count)]
    return timed_by_clients(calls, lambda params: replay.run(params, {"dynamodb": dynamodb}))


def submissions(app_host: str, count: int, run_id: str) -> dict[str, Any]:
    """`count` web submissions (each from a phone of its own) from `CLIENTS` clients at once."""
    jobs: queue.SimpleQueue[tuple[str, bytes, bool] | None] = queue.SimpleQueue()
    kinds = {"once": 0, "retried": 0, "raced": 0}
    for n in range(count):
        key = f"burst-{run_id}-{n}"
        raw = json.dumps(web_submission(PLACES[n % len(PLACES)], f" (#{n})"), ensure_ascii=False).encode()
        if n % RACE_EVERY == RACE_EVERY // 2:
            kinds["raced"] += 1
            jobs.put((key, raw, False))
            jobs.put((key, raw, False))  # the next free client takes the twin at the same moment
        elif n % RETRY_EVERY == 0:
            kinds["retried"] += 1
            jobs.put((key, raw, True))
        else:
            kinds["once"] += 1
            jobs.put((key, raw, False))
    for _ in range(CLIENTS):
        jobs.put(None)

    lock = threading.Lock()
    answers: dict[str, list[str]] = defaultdict(list)
    answered_at: list[float] = []
    posters: list[Poster] = []

    def worker() -> None:
        poster = Poster(app_host)
        with lock:
            posters.append(poster)
        while (job := jobs.get()) is not None:
            key, raw, again = job
            for _ in range(2 if again else 1):
                answer = poster.post(key, raw)
                if answer:
                    with lock:
                        answers[key].append(answer[0])
                        answered_at.append(answer[1])
        poster.close()

    elapsed = local.in_threads(CLIENTS, worker)
    requests = local.merged(posters)
    return {"count": count, "seconds": elapsed, "rate": count / elapsed, "requests": len(requests["latencies"]),
            "p50": percentile(requests["latencies"], 50), "p99": percentile(requests["latencies"], 99),
            "answers": answers, "statuses": requests["statuses"], "failures": requests["failures"], "kinds": kinds,
            "last_answer": max(answered_at, default=time.time())}


def run(count: int, replay: Any) -> dict[str, Any]:
    from chalicelib import resources

    log = tempfile.NamedTemporaryFile("w+", prefix="bench-local-", suffix=".log", delete=False)
    with log, local_system(log, wait_seconds=120) as system:
        app_host, moto_url = system.base_url.removeprefix("http://"), system.moto_url
        run_id = uuid.uuid4().hex[:8]
        print(f"  local system up (app http://{app_host}, moto {moto_url}); raw PutItem first ...", flush=True)
        clock = ProcessClock(system.pid)
        warm = submissions(app_host, 3, f"warm-{run_id}")  # the app's clients exist before the clock runs, as the raw side's
        local.wait_for_effects(local.dynamodb(moto_url), resources.names("local")["table"], 30)
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
        print(f"  submissions: {count} in {subs['seconds']:.1f} s; waiting for their effects (at most "
              f"{DRAIN_CAP * subs['seconds']:.0f} s) ...", flush=True)
        pending_at_end, pending_left = local.wait_for_effects(
            local.dynamodb(moto_url), resources.names("local")["table"], DRAIN_CAP * subs["seconds"])
        found = local.stored(moto_url)
    complaints = found.complaints - {cid for ids in warm["answers"].values() for cid in ids}
    answers = subs["answers"]
    acked = {cid for ids in answers.values() for cid in ids}
    split = sum(len(set(ids)) - 1 for ids in answers.values())  # one key, several complaints
    ours = {pk.split("#", 2)[-1]: cid for pk, cid in found.idempotency.items() if f"burst-{run_id}-" in pk}
    drained = None if found.pending or found.last_done is None else max(0.0, found.last_done - subs["last_answer"])
    return {
        "puts": puts, "subs": subs, "ratio": subs["rate"] / puts["rate"], "bare": bare,
        "bare_ratio": subs["rate"] / bare["rate"], "bare_calls": replay.describe(),
        "stored": len(complaints), "expected": count, "idempotency_records": len(ours),
        "duplicated": len(complaints - acked) + split,
        "lost": len(acked - complaints),
        "unanswered": count - len(answers), "log": log.name,
        "pending_outbox": pending_at_end, "pending_left": found.pending,
        "drain_seconds": drained, "drain_ratio": None if drained is None else drained / subs["seconds"],
        "cpu_put": ProcessClock.spent(started, after_puts, count),
        "cpu_bare": ProcessClock.spent(after_puts, before_subs, count),
        "cpu_submission": ProcessClock.spent(before_subs, ended, count),
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(result: dict[str, Any], targets: dict[str, float], transaction: Charge | None) -> list[str]:
    """Print the burst's figures; returns the names of the targets missed. `transaction`: the request units
    of the submission's TransactWriteItems, as measured for the cost."""
    missed = []
    puts, subs = result["puts"], result["subs"]
    print(f"  raw moto PutItem ({puts['count']}, {CLIENTS} clients): {puts['rate']:.0f}/s "
          f"(p50 {ms(puts['p50'])}, p99 {ms(puts['p99'])})")
    kinds = subs["kinds"]
    print(f"  submissions: {subs['count']} ({kinds['once']} once, {kinds['retried']} re-sent after the answer, "
          f"{kinds['raced']} sent twice at once; each from a phone of its own), {subs['requests']} HTTP requests "
          f"in {subs['seconds']:.1f} s: {subs['rate']:.0f}/s")
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
    bare = result["bare"]
    ok = result["bare_ratio"] >= targets["burst"]
    missed += [] if ok else ["burst throughput"]
    print(f"  the submission's own calls by bare boto3 ({result['bare_calls']}, {CLIENTS} clients): "
          f"{bare['rate']:.0f}/s (p50 {ms(bare['p50'])}, p99 {ms(bare['p99'])})")
    print(f"  throughput ratio to them: {result['bare_ratio']:.2f}   (target >= {targets['burst']}: {verdict(ok)})")
    print(f"  throughput ratio to raw PutItem: {result['ratio']:.2f}   (no target: {why_not_putitem(transaction)})")
    print(f"  effects pending at the last 201 (outbox items the pump had not carried out yet): "
          f"{result['pending_outbox']}")
    ratio, cap = result["drain_ratio"], DRAIN_CAP * subs["seconds"]
    ok = ratio is not None and ratio <= targets["drain"]
    missed += [] if ok else ["burst drain"]
    if ratio is None:
        print(f"  effects carried out after the last 201: not all within {cap:.0f} s ({result['pending_left']} still "
              f"pending)   (target <= {targets['drain']}x the burst's {subs['seconds']:.1f} s: MISSED)")
    else:
        print(f"  last effect carried out {result['drain_seconds']:.1f} s after the last 201: {ratio:.2f}x the "
              f"burst's {subs['seconds']:.1f} s   (target <= {targets['drain']}x: {verdict(ok)})")
    print(f"  stored complaints: {result['stored']} of {result['expected']} submissions "
          f"(idempotency records: {result['idempotency_records']})")
    for name in ("duplicated", "lost"):
        ok = result[name] == 0
        missed += [] if ok else [f"burst {name}"]
        print(f"  {name}{' (answered 201, not stored)' if name == 'lost' else ''}: {result[name]}   "
              f"(target 0: {verdict(ok)})")
    print(f"  never answered 201 (client gave up or was refused): {result['unanswered']}"
          + (f"  e.g. {subs['failures'][:3]}" if subs["failures"] else ""))
    print(f"  local system log: {result['log']}", flush=True)
    return missed


def why_not_putitem(transaction: Charge | None) -> str:
    """Why a submission cannot be as fast as a PutItem, in what DynamoDB charges for each."""
    put = max(1, -(-item_size(raw_item(0)) // 1024))
    if transaction is None:
        return f"a PutItem writes one item, {put} WRU"
    indexes = sum(w.indexes for w in transaction.writes)
    return (f"a submission is one transaction of {len(transaction.writes)} items, {transaction.wru} WRU "
            f"(2 per KB per item, {indexes} index writes), a PutItem one item of "
            f"{item_size(raw_item(0)) / 1024:.2f} KB, {put} WRU")
