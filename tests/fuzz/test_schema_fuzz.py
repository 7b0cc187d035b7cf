"""Schemathesis against the OpenAPI document the local system serves: no 5xx, nothing off the spec.

Every operation gets generated requests, valid and invalid (schemathesis' positive and negative
modes), with an admin's token so staff routes are exercised past the gateway. Each response is
checked: not a server error, a documented status code, the documented content type, headers and
body schema.

    .venv/bin/python -m pytest tests/fuzz/test_schema_fuzz.py                      # short run (make test)
    FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/fuzz/test_schema_fuzz.py -s # the long run

`FUZZ_EXAMPLES` is hypothesis' max_examples per operation (default 10, derandomized so CI is
repeatable; set it and the run is random); `FUZZ_USER` the demo user (default admin1);
`FUZZ_REPORT=path.json` writes the figures. The figures are printed at the end (with -s).
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from tests.fuzz.conftest import login

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
USER = os.environ.get("FUZZ_USER", "admin1")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
FIGURES: dict = {"requests": 0, "other_methods_not_sent": 0, "server_errors": 0, "mismatches": 0, "by_status": Counter(),
                 "by_operation": Counter(), "failures": []}


@pytest.fixture(scope="module")
def fuzz_target(local_system):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {login(local_system, USER)}"
    started = time.monotonic()
    yield local_system, session
    FIGURES["seconds"] = round(time.monotonic() - started, 1)
    report = {**FIGURES, "by_status": dict(sorted(FIGURES["by_status"].items())),
              "by_operation": dict(sorted(FIGURES["by_operation"].items())), "examples_per_operation": EXAMPLES,
              "failures": FIGURES["failures"][:50]}
    print("\nschemathesis figures:", json.dumps({k: v for k, v in report.items() if k != "by_operation"},
                                                ensure_ascii=False))
    if os.environ.get("FUZZ_REPORT"):
        with open(os.environ["FUZZ_REPORT"], "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2, ensure_ascii=False)


def served_document() -> dict:
    """The document as the app serves it (in-process: the generator needs it when pytest collects)."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        response = client.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.body)


DOCUMENT = served_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_local_system_serves_this_document(fuzz_target):
    base, session = fuzz_target
    assert session.get(f"{base}/api/v1/openapi.json", timeout=10).json() == DOCUMENT


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, fuzz_target):
    base, session = fuzz_target
    if case.method.upper() != case.operation.method.upper():
        # the coverage phase also tries methods no route has (TRACE...): those never reach the app (API
        # Gateway answers them; locally Python's http.server answers 501), so they are not the app's to answer
        FIGURES["other_methods_not_sent"] += 1
        return
    response = case.call(base_url=base, session=session, timeout=30)
    FIGURES["requests"] += 1
    FIGURES["by_status"][response.status_code] += 1
    FIGURES["by_operation"][f"{case.method} {case.path}"] += 1
    if response.status_code >= 500:
        FIGURES["server_errors"] += 1
    try:
        case.validate_response(response, checks=CHECKS)
    except Exception as failure:
        if response.status_code < 500:
            FIGURES["mismatches"] += 1
        FIGURES["failures"].append({"operation": f"{case.method} {case.path}", "status": response.status_code,
                                    "failure": str(failure)[:600]})
        raise
