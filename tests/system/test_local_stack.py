"""The local system as a person starts it (`python -m infra.local`, what `make run` runs), over HTTP."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port
from tests.real_cases import ODOR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def local_system():
    app_port, moto_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(app_port), "MOTO_PORT": str(moto_port)}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{app_port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local system exited: {process.stdout.read()}")
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError("local system did not come up")


def _poll(fetch, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.25)
    return fetch()


def test_a_web_complaint_reaches_the_salespersons_phone(local_system):
    receipt = requests.post(f"{local_system}/api/v1/complaints", json=ODOR, timeout=10)
    assert receipt.status_code == 201, receipt.text
    complaint_id = receipt.json()["complaint_id"]

    def sms():
        messages = requests.get(f"{local_system}/dev/outbox", timeout=10).json()["messages"]
        return [m for m in messages if m["complaint_id"] == complaint_id and m["channel"] == "sms"]

    [message] = _poll(sms)
    assert message["to"] == "+8613900000001" and message["event"] == "assigned"
    assert complaint_id in message["text"]


def test_a_demo_specialist_logs_in_and_records_a_hotline_complaint(local_system):
    from infra.local_stack import DEMO_PASSWORD

    login = requests.post(f"{local_system}/api/v1/auth/login",
                          json={"username": "service1", "password": DEMO_PASSWORD}, timeout=10)
    assert login.status_code == 200 and login.json()["roles"] == ["service"]
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    response = requests.post(f"{local_system}/api/v1/staff/complaints", json={**ODOR, "channel": "hotline"},
                             headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    refused = requests.post(f"{local_system}/api/v1/staff/complaints", json={**ODOR, "channel": "hotline"},
                            headers={"Authorization": "Bearer not-a-token"}, timeout=10)
    assert refused.status_code in (401, 403)
