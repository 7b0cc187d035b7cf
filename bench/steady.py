"""Latency to the SMS: web submissions at a steady rate against the local system (`python -m infra.local`,
a fresh one), and for each the time from its 201 to the publish of its `assigned` staff message (the
outbox item of kind `notify`, event `assigned`, gets `done_at` right after SNS accepted the message; a
complaint whose assignment tells several people counts when the last of them was sent)."""
from __future__ import annotations

import json
import math
import os
import queue
import tempfile
import threading
import time
import uuid
from typing import Any

from bench import local
from bench.common import PLACES, percentile, web_submission
from bench.local import CLIENTS, Poster, ProcessClock
from infra.spawn import local_system

RATE = float(os.environ.get("BENCH_STEADY_RATE", "20"))  # submissions a second (the design load: ~12/s)
SECONDS = float(os.environ.get("BENCH_STEADY_SECONDS", "60"))
WAIT_AFTER = 60.0  # seconds the effects are waited for after the last 201, at most


def paced(app_host: str, rate: float, seconds: float, run_id: str) -> dict[str, Any]:
    """Submissions sent at `rate` a second for `seconds`, each as its moment comes (by whichever client is
    free: a slow answer does not hold the next one back); their 201 times by complaint id."""
    jobs: queue.SimpleQueue[tuple[str, bytes] | None] = queue.SimpleQueue()
    lock = threading.Lock()
    answered: dict[str, float] = {}
    posters: list[Poster] = []

    def worker() -> None:
        poster = Poster(app_host)
        with lock:
            posters.append(poster)
        while (job := jobs.get()) is not None:
            answer = poster.post(*job)
            if answer:
                with lock:
                    answered[answer[0]] = answer[1]
        poster.close()

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    count = int(rate * seconds)
    started = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, started + n / rate - time.monotonic()))
        body = web_submission(PLACES[n % len(PLACES)], f" (steady #{n})")
        jobs.put((f"steady-{run_id}-{n}", json.dumps(body, ensure_ascii=False).encode()))
    sent_for = time.monotonic() - started
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    return {"count": count, "sent_for": sent_for, "answered": answered, **local.merged(posters)}


def run(rate: float = RATE, seconds: float = SECONDS) -> dict[str, Any]:
    from chalicelib import resources

    log = tempfile.NamedTemporaryFile("w+", prefix="bench-steady-", suffix=".log", delete=False)
    with log, local_system(log, wait_seconds=120) as system:
        app_host, moto_url = system.base_url.removeprefix("http://"), system.moto_url
        table = resources.names("local")["table"]
        run_id = uuid.uuid4().hex[:8]
        paced(app_host, 5, 1, f"warm-{run_id}")  # the app's clients and caches exist, as in a warm Lambda
        local.wait_for_effects(local.dynamodb(moto_url), table, WAIT_AFTER)
        print(f"  local system up (app http://{app_host}); {rate:g}/s for {seconds:g} s ...", flush=True)
        clock = ProcessClock(system.pid)
        before = clock.read()
        sent = paced(app_host, rate, seconds, run_id)
        after = clock.read()
        busy = {name: (after[name] - before.get(name, 0.0)) / sent["sent_for"] for name in after}  # of one core
        _, pending = local.wait_for_effects(local.dynamodb(moto_url), table, WAIT_AFTER)
        found = local.stored(moto_url)
    in_order = sorted(sent["answered"].items(), key=lambda answer: answer[1])
    latencies = [found.assigned.get(cid, math.inf) - at for cid, at in in_order]
    tenth = max(1, len(latencies) // 10)
    return {"count": sent["count"], "sent_for": sent["sent_for"], "answered": len(in_order),
            "statuses": sent["statuses"], "failures": sent["failures"], "latencies": latencies, "busy": busy,
            "first_tenth": percentile(latencies[:tenth], 50), "last_tenth": percentile(latencies[-tenth:], 50),
            "unpublished": sum(1 for s in latencies if math.isinf(s)), "pending_left": pending,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "request_p99": percentile(sent["latencies"], 99), "log": log.name}


def report(result: dict[str, Any], target: float) -> bool:
    """Print the latencies; True when the p99 is within `target` seconds."""
    print(f"  sent {result['count']} in {result['sent_for']:.1f} s ({result['count'] / result['sent_for']:.1f}/s), "
          f"answered 201: {result['answered']};  statuses {result['statuses']}, request p99 "
          f"{result['request_p99'] * 1000:.0f} ms" + (f";  e.g. {result['failures'][:3]}" if result["failures"] else ""))
    if result["unpublished"]:
        print(f"  not published within {WAIT_AFTER:.0f} s of the last 201 (counted as never): {result['unpublished']}  "
              f"(outbox items still pending: {result['pending_left']})")
    print(f"  p50 of the first tenth answered: {result['first_tenth']:.2f} s, of the last tenth: "
          f"{result['last_tenth']:.2f} s (growing: the effects fall behind the submissions);  CPU while sending, "
          "share of one core: " + ", ".join(f"{name} {share:.0%}" for name, share in result["busy"].items()))
    ok = result["p99"] <= target
    print(f"  201 to the `assigned` message published: p50 {result['p50']:.2f} s, p99 {result['p99']:.2f} s, "
          f"max {max(result['latencies'], default=math.nan):.2f} s, of {len(result['latencies'])}   "
          f"(target p99 <= {target:g} s: {'ok' if ok else 'MISSED'})")
    print(f"  local system log: {result['log']}", flush=True)
    return ok
