"""`make bench`: cold start, request overhead, AWS calls per operation, burst; each as a ratio to
bare boto3/moto measured in the same run. See bench/README.md."""
from __future__ import annotations

import json
import os
import platform
import random
import re
import string
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from bench.common import (
    ROOT, SEAL_OPEN, SUBMISSION_PATH, WEB_BODY, CallCounter, LambdaContext, api_gateway_event, median, moto_stack, ms,
)

COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "7"))
OVERHEAD_RUNS = int(os.environ.get("BENCH_OVERHEAD_RUNS", "60"))
TARGETS = {"cold": 1.25, "overhead": 1.5, "burst": 0.5}
_ALPHABET = string.ascii_uppercase + string.digits


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def submit_in_process(app: Any, body: dict, key: str) -> dict:
    response = app(api_gateway_event("POST", SUBMISSION_PATH, body, {"idempotency-key": key}), LambdaContext())
    if response["statusCode"] != 201:
        raise RuntimeError(f"submission answered {response['statusCode']}: {response['body']}")
    return json.loads(response["body"])


class Replay:
    """The bare boto3 calls one submission needs, recorded from the app, replayed for a new complaint."""

    def __init__(self, recorded: list[tuple[str, str, dict]], complaint_id: str, key: str):
        self.calls = recorded
        self.complaint_id = complaint_id
        self.key = key
        self.text = json.dumps([params for _, _, params in recorded], ensure_ascii=False)
        import boto3

        session = boto3.session.Session()
        self.clients = {service: session.client(service, region_name=os.environ["AWS_DEFAULT_REGION"])
                        for service in {s for s, _, _ in recorded}}

    @staticmethod
    def new_id() -> str:
        return f"C-{time.strftime('%Y%m%d')}-" + "".join(random.choice(_ALPHABET) for _ in range(6))

    def params_for_new(self) -> list[dict]:
        text = renew_links(self.text.replace(self.complaint_id, self.new_id()).replace(self.key, uuid.uuid4().hex))
        params = json.loads(text)
        for p in params:
            if "ClientRequestToken" in p:
                p["ClientRequestToken"] = uuid.uuid4().hex
        return params

    def run(self, params: list[dict], clients: dict[str, Any] | None = None) -> None:
        for (service, operation, _), p in zip(self.calls, params):
            client = (clients or self.clients)[service]
            getattr(client, _snake(operation))(**p)

    def describe(self) -> str:
        return ", ".join(f"{op}" for _, op, _ in self.calls)


def renew_links(text: str) -> str:
    """A new status-link token item for each replay (its key is the token's keyed hash, one per complaint)."""
    return re.sub(r"LINK#[0-9a-f]{64}", lambda _: "LINK#" + uuid.uuid4().hex * 2, text)


def _snake(operation: str) -> str:
    out = []
    for n, ch in enumerate(operation):
        if ch.isupper() and n:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


# ---------------------------------------------------------------------------------------------- cold start

def cold_start(sample_write: dict, complaint_id: str, key: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    app_times, boto_times, app_inner, boto_inner = [], [], [], []
    template = json.dumps(sample_write, ensure_ascii=False)
    for n in range(COLD_RUNS + 1):  # the first pair only warms the OS page cache and .pyc files
        event = api_gateway_event("POST", SUBMISSION_PATH, WEB_BODY, {"idempotency-key": f"cold-{uuid.uuid4().hex}"})
        write = json.loads(renew_links(template.replace(complaint_id, Replay.new_id()).replace(key, uuid.uuid4().hex)))
        write["ClientRequestToken"] = uuid.uuid4().hex
        for which in (("app", "boto") if n % 2 else ("boto", "app")):
            if which == "app":
                args = [sys.executable, str(ROOT / "bench" / "cold_app.py"), json.dumps(event, ensure_ascii=False)]
            else:
                args = [sys.executable, str(ROOT / "bench" / "cold_boto.py"), json.dumps(WEB_BODY, ensure_ascii=False),
                        json.dumps(write, ensure_ascii=False)]
            # spawn to answer (what a caller waits for); the process's exit is not on that path
            started = time.perf_counter()
            child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
            line = child.stdout.readline()
            elapsed = time.perf_counter() - started
            _, errors = child.communicate(timeout=120)
            if child.returncode != 0 or not line:
                raise RuntimeError(f"cold {which} failed: {errors[-2000:]}")
            inner = json.loads(line)
            if inner["status"] != 201:
                raise RuntimeError(f"cold {which} answered {inner}")
            if n == 0:
                continue
            (app_times if which == "app" else boto_times).append(elapsed)
            (app_inner if which == "app" else boto_inner).append(inner)
    return {
        "app": median(app_times), "boto": median(boto_times), "ratio": median(app_times) / median(boto_times),
        "app_import": median([i["import_s"] for i in app_inner]), "app_answer": median([i["answer_s"] for i in app_inner]),
        "boto_import": median([i["import_s"] for i in boto_inner]),
        "boto_answer": median([i["answer_s"] for i in boto_inner]),
    }


# -------------------------------------------------------------------------------------------- request overhead

def request_overhead(app: Any, replay: Replay) -> dict[str, Any]:
    app_times, bare_times = [], []
    for n in range(OVERHEAD_RUNS + 5):
        params = replay.params_for_new()
        key = f"overhead-{uuid.uuid4().hex}"
        order = ("app", "bare") if n % 2 else ("bare", "app")
        for which in order:
            started = time.perf_counter()
            if which == "app":
                submit_in_process(app, WEB_BODY, key)
            else:
                replay.run(params)
            elapsed = time.perf_counter() - started
            if n >= 5:  # the first rounds warm connections and caches
                (app_times if which == "app" else bare_times).append(elapsed)
    return {"app": median(app_times), "bare": median(bare_times), "ratio": median(app_times) / median(bare_times)}


# ------------------------------------------------------------------------------------------- calls per operation

def calls_per_operation(counter: CallCounter) -> dict[str, Any]:
    from chalice.test import Client

    from app import app
    from infra.local_stack import DEMO_PASSWORD
    from infra.pump import pump_for_app

    pump = pump_for_app()
    on_stream = pump._on_stream

    def stream_handler(event: dict, context: Any) -> Any:
        with counter.in_phase("stream"):
            return on_stream(event, context)

    pump._on_stream = stream_handler

    def drain() -> None:
        with counter.in_phase("poller"):
            pump.drain_stream()

    drain()  # whatever earlier parts of the run left in the stream
    results: dict[str, Counter] = {}
    with Client(app, stage_name="local") as client:
        tokens: dict[str, str] = {}

        def call(method: str, path: str, body: Any = None, user: str | None = None, headers: dict | None = None):
            headers = {"Content-Type": "application/json", **(headers or {})}
            if user:
                if user not in tokens:
                    with counter.in_phase("login"):
                        login = client.http.post("/api/v1/auth/login", headers={"Content-Type": "application/json"},
                                                 body=json.dumps({"username": user, "password": DEMO_PASSWORD}))
                    tokens[user] = json.loads(login.body)["token"]
                headers["Authorization"] = f"Bearer {tokens[user]}"
            raw = None if body is None else json.dumps(body, ensure_ascii=False)
            response = getattr(client.http, method.lower())(path, headers=headers, body=raw)
            if response.status_code >= 300:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.body[:300]!r}")
            return json.loads(response.body)

        def measured(label: str, operation: Callable[[], Any]) -> Any:
            with counter.measure() as found:
                result = operation()
                drain()
            results[label] = found
            return result

        for user in ("sales_gz", "quality1", "manager1", "sales_cs"):  # log in first: not part of the counts
            call("GET", "/api/v1/staff/complaints?limit=1", user=user)
        drain()
        receipt = measured("submission (web form)", lambda: call(
            "POST", SUBMISSION_PATH, SEAL_OPEN, headers={"Idempotency-Key": f"calls-{uuid.uuid4().hex}"}))
        key = f"calls-{uuid.uuid4().hex}"
        call("POST", SUBMISSION_PATH, WEB_BODY, headers={"Idempotency-Key": key})
        drain()
        measured("submission retried (same Idempotency-Key)", lambda: call(
            "POST", SUBMISSION_PATH, WEB_BODY, headers={"Idempotency-Key": key}))
        cid = receipt["complaint_id"]
        actions = "/api/v1/staff/complaints/" + cid + "/actions"
        steps = [
            ("sales_gz", {"action": "contact", "note": "已联系"}),
            ("sales_gz", {"action": "submit_feedback_form", "investigation": "侧封口开", "sample_provided": True,
                          "certificate_provided": True, "customer_request": "处理库存"}),
            ("quality1", {"action": "record_qc_result", "investigation_result": "原纸偏薄", "cause_analysis": "热封不良",
                          "responsible_department": "生产车间", "corrective_actions": "设定折叠尺寸",
                          "preventive_actions": "换卷检查", "company_at_fault": True}),
            ("sales_gz", {"action": "propose_handling", "type": "rework", "amount": "100.00", "note": "重新封口 20 箱"}),
            ("sales_gz", {"action": "notify_customer", "via": "phone"}),
        ]
        for user, body in steps:
            measured(f"action {body['action']}", lambda: call("POST", actions, body, user=user))
        measured("complaint page (GET one)", lambda: call("GET", f"/api/v1/staff/complaints/{cid}", user="sales_gz"))
        measured("list page (manager, 20)", lambda: call("GET", "/api/v1/staff/complaints?limit=20", user="manager1"))
        measured("list page (salesperson, 20)", lambda: call("GET", "/api/v1/staff/complaints?limit=20",
                                                             user="sales_cs"))
        measured("list page (status filter)", lambda: call(
            "GET", "/api/v1/staff/complaints?limit=20&status=assigned", user="manager1"))
        from urllib.parse import quote

        for label, q in (("number", cid), ("phone", SEAL_OPEN["customer"]["phone"]),
                         ("name", SEAL_OPEN["customer"]["name"][:2]), ("account", SEAL_OPEN["customer"]["account_id"])):
            measured(f"search by {label}", lambda q=q: call("GET", f"/api/v1/staff/search?q={quote(q)}",
                                                             user="manager1"))
        measured("stats request (by category)", lambda: call("GET", "/api/v1/staff/stats?by=category", user="manager1"))
        measured("stats request (by assignee)", lambda: call("GET", "/api/v1/staff/stats?by=assignee", user="manager1"))
    scans = sum(n for (phase, op), n in counter.calls.items() if op.endswith(".Scan"))
    return {"operations": results, "scans": scans}


def format_calls(found: Counter) -> tuple[int, int, str]:
    """(app calls, poller calls, detail) — the poller's reads are what Lambda's stream poller does in AWS."""
    app_calls = sum(n for (phase, _), n in found.items() if phase != "poller")
    poller = sum(n for (phase, _), n in found.items() if phase == "poller")
    by_phase: dict[str, Counter] = {}
    for (phase, op), n in found.items():
        if phase != "poller":
            by_phase.setdefault(phase, Counter())[op.split(".", 1)[1] if op.startswith("dynamodb.") else op] += n
    detail = "; ".join(f"{phase}: " + ", ".join(f"{op}×{n}" for op, n in sorted(ops.items()))
                       for phase, ops in by_phase.items())
    return app_calls, poller, detail


# ------------------------------------------------------------------------------------------------------ main

def main() -> int:
    import logging

    logging.basicConfig(level=logging.ERROR)
    print(f"machine: {machine()}", flush=True)
    missed = []
    with moto_stack():
        counter = CallCounter()
        counter.attach()
        sys.path.insert(0, str(ROOT))
        from app import app

        submit_in_process(app, WEB_BODY, f"warm-{uuid.uuid4().hex}")  # import-time and first-call costs
        key = f"record-{uuid.uuid4().hex}"
        with counter.record() as recorded:
            receipt = submit_in_process(app, WEB_BODY, key)
        replay = Replay(recorded, receipt["complaint_id"], key)
        [write] = [p for s, op, p in recorded if op == "TransactWriteItems"]

        print("\n== cold start (fresh process, spawn to answer: import + one submission, median of "
              f"{COLD_RUNS}, moto on loopback) ==", flush=True)
        cold = cold_start(write, receipt["complaint_id"], key)
        ok = cold["ratio"] <= TARGETS["cold"]
        missed += [] if ok else ["cold start"]
        print(f"  app (import app.py, answer POST {SUBMISSION_PATH}):   {ms(cold['app'])}"
              f"  [import {ms(cold['app_import'])}, answer {ms(cold['app_answer'])}]")
        print(f"  bare (import boto3+pydantic, same TransactWriteItems): {ms(cold['boto'])}"
              f"  [import {ms(cold['boto_import'])}, answer {ms(cold['boto_answer'])}]")
        print(f"  ratio: {cold['ratio']:.2f}x   (target <= {TARGETS['cold']}x: {verdict(ok)})", flush=True)

        print(f"\n== request overhead (in-process, median of {OVERHEAD_RUNS}) ==", flush=True)
        over = request_overhead(app, replay)
        ok = over["ratio"] <= TARGETS["overhead"]
        missed += [] if ok else ["request overhead"]
        print(f"  app submission (Lambda handler, API Gateway event): {ms(over['app'])}")
        print(f"  bare boto3, the {len(replay.calls)} calls it needs ({replay.describe()}): {ms(over['bare'])}")
        print(f"  ratio: {over['ratio']:.2f}x   (target <= {TARGETS['overhead']}x: {verdict(ok)})", flush=True)

        print("\n== AWS calls per operation (botocore before-call hooks) ==", flush=True)
        counts = calls_per_operation(counter)
        width = max(len(label) for label in counts["operations"])
        for label, found in counts["operations"].items():
            app_calls, poller, detail = format_calls(found)
            print(f"  {label:<{width}}  {app_calls:>3} calls  ({detail})" + (
                f"  + {poller} stream-poller reads" if poller else ""))
        ok = counts["scans"] == 0
        missed += [] if ok else ["scans"]
        print(f"  Scans over the whole run: {counts['scans']}   (target 0: {verdict(ok)})", flush=True)

    burst_n = int(os.environ.get("BENCH_BURST", "10000"))
    if burst_n > 0:
        from bench import burst

        print(f"\n== burst ({burst_n} web submissions, {burst.CLIENTS} concurrent clients, local system over HTTP) ==",
              flush=True)
        result = burst.run(burst_n, replay)
        ok = result["ratio"] >= TARGETS["burst"] and result["duplicated"] == 0 and result["lost"] == 0
        missed += [] if ok else ["burst"]
        burst.report(result, TARGETS["burst"])
    print("\nall targets met" if not missed else f"\ntargets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
