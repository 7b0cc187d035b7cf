"""The local system as `make run` starts it (`python -m infra.local` on free ports), for the fuzzer."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.api.conftest import api  # noqa: F401  (the in-process API fixture, for the hand-written cases)
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def local_system():
    """Base URL of a fresh local system (its own moto server), stopped after the session.

    `FUZZ_BASE_URL=http://127.0.0.1:8000` fuzzes one already running instead (its demo users needed)."""
    if os.environ.get("FUZZ_BASE_URL"):
        yield os.environ["FUZZ_BASE_URL"].rstrip("/")
        return
    app_port, moto_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(app_port), "MOTO_PORT": str(moto_port)}
    env.pop("AWS_ENDPOINT_URL", None)
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{app_port}"
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            tail = log.read()[-4000:]
            if "Traceback" in tail:
                print(f"\n--- local system log (tail) ---\n{tail}")


def _wait_until_up(base: str, process: subprocess.Popen, log, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"local system exited: {log.read()[-4000:]}")
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError("local system did not come up")


def login(base: str, username: str) -> str:
    from infra.local_stack import DEMO_PASSWORD

    response = requests.post(f"{base}/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD},
                             timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]
