"""What the benchmarks share: a moto server with the local stack, request bodies, call counting."""
from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import threading
import uuid
from collections import Counter
from datetime import date, timedelta
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra.spawn import free_port  # noqa: E402 - after the path is set

SUBMISSION_PATH = "/api/v1/complaints"

# The public form's body (the README's curl example): a consumer in Changsha, routed to sales_cs.
WEB_BODY = {
    "customer": {"name": "张先生", "phone": "13800138000", "type": "consumer", "province": "湖南", "city": "长沙"},
    "product": {"sku": "V2047", "name": "抽取式面巾 150抽", "production_date": "2008-11-29", "quantity": 1},
    "category": "odor", "description": "打开后有很大的油漆味, 没办法使用", "desired_resolution": "exchange",
    "consent": True,
}
PLACES = [("湖南", "长沙"), ("湖北", "武汉"), ("广东", "广州"), ("江西", "南昌")]
_PHONES = itertools.count(1)


def web_submission(place: tuple[str, str] = ("湖南", "长沙"), note: str = "") -> dict:
    """The public form's body from a consumer with a phone (and a lot) no earlier submission of this process used:
    as the public sends them, none a repeat of another (a repeated phone finds the earlier complaints
    and marks them, work that a run of one phone would pile up)."""
    province, city = place
    n = next(_PHONES)
    customer = {**WEB_BODY["customer"], "phone": f"139{n:08d}", "province": province, "city": city}
    # and a lot (production date) of its own: ten thousand complaints about one lot would be one cluster
    # alert, every one of them `major` and told to the manager, which is not what a day's complaints are
    made = (date(2026, 11, 1) - timedelta(days=n % 12000)).isoformat()
    product = {**WEB_BODY["product"], "production_date": made}
    return {**WEB_BODY, "customer": customer, "product": product, "description": WEB_BODY["description"] + note}


# A distributor's case in Guangzhou (sales_gz), walked through the workflow for the per-action counts.
SEAL_OPEN = {
    "customer": {"name": "陈先生", "phone": "13512345678", "type": "distributor", "province": "广东", "city": "广州",
                 "account_id": "AFF-GZ-001"},
    "product": {"sku": "V0052", "name": "绿色面巾纸", "production_date": "2009-06-10", "quantity": 20},
    "category": "seal_failure", "description": "侧面封口开了, 货没法卖, 共20箱",
    "desired_resolution": "compensation", "consent": True,
}


def aws_test_credentials() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.pop("AWS_PROFILE", None)


@contextmanager
def moto_stack() -> Iterator[dict[str, str]]:
    """A moto server on loopback (patched as in the local stack) holding the stack and its demo data.

    Yields the app's environment; it is also set in os.environ for this process."""
    import logging

    from moto.server import ThreadedMotoServer

    from infra import moto_patches

    aws_test_credentials()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto_patches.apply()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        from infra import local_stack

        env = local_stack.bootstrap(f"http://127.0.0.1:{port}")
        os.environ.update(env)
        from chalicelib.reset import reset

        reset()
        yield env
    finally:
        server.stop()


def api_gateway_event(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                      query: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event as Lambda hands it to the Chalice app."""
    headers = {"content-type": "application/json", "host": "bench.local", **(headers or {})}
    return {
        "resource": path, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query, "multiValueQueryStringParameters": (
            {k: [v] for k, v in query.items()} if query else None),
        "pathParameters": None, "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": method, "path": f"/api{path}", "stage": "api",
                           "requestId": str(uuid.uuid4()), "identity": {"sourceIp": "127.0.0.1"}},
        "body": json.dumps(body, ensure_ascii=False) if body is not None else None,
        "isBase64Encoded": False,
    }


class LambdaContext:
    function_name = "complaints-bench-api_handler"
    memory_limit_in_mb = 512
    aws_request_id = "bench"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


class CallCounter:
    """Counts AWS calls through botocore's `before-call` event, by phase and by service.operation."""

    SERVICES = ("dynamodb", "dynamodbstreams", "sns", "ses", "scheduler", "s3", "cognito-idp")

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()  # (phase, "service.Operation")
        self._phase = threading.local()
        self.recording: list[tuple[str, str, dict[str, Any]]] | None = None

    def attach(self) -> None:
        """Hook every client the app builds (chalicelib.clients caches one per service)."""
        from chalicelib.clients import client

        for service in self.SERVICES:
            events = client(service).meta.events
            events.register("before-call", self._before_call)
            events.register("provide-client-params", self._params)

    @property
    def phase(self) -> str:
        return getattr(self._phase, "name", "request")

    @contextmanager
    def in_phase(self, name: str) -> Iterator[None]:
        previous = getattr(self._phase, "name", None)
        self._phase.name = name
        try:
            yield
        finally:
            self._phase.name = previous or "request"

    @contextmanager
    def measure(self) -> Iterator[Counter]:
        before = Counter(self.calls)
        found: Counter = Counter()
        yield found
        found.update(self.calls - before)

    @contextmanager
    def record(self) -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
        """Keep the parameters of every call (what a bare boto3 caller would have to send)."""
        self.recording = []
        try:
            yield self.recording
        finally:
            self.recording = None

    def _before_call(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        self.calls[(self.phase, f"{service}.{operation}")] += 1

    def _params(self, event_name: str, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.recording is not None and self.phase == "request":
            service = event_name.split(".")[1]
            self.recording.append((service, model.name, json.loads(json.dumps(params, default=str))))


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
