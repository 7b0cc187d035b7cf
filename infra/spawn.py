"""The local system in a child process, started as `make run` starts it, on free ports.

For the tests and benchmarks that use the system from outside, over HTTP.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

ROOT = Path(__file__).resolve().parents[1]
# what would point the child at another stack than its own
FOREIGN = ("AWS_ENDPOINT_URL", "TABLE_NAME", "STAGE", "TOPIC_ARN", "USER_POOL_ID", "USER_POOL_CLIENT_ID")


@dataclass(frozen=True)
class LocalSystem:
    base_url: str  # the app
    moto_url: str  # its local AWS
    pid: int  # the runner's process (it serves the app; the local AWS and the pump are its children)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_system(log: IO[str] | None = None, wait_seconds: float = 90) -> Iterator[LocalSystem]:
    """`python -m infra.local` until the block ends; its output goes to `log` (default: discarded)."""
    app_port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(HOST="127.0.0.1", PORT=str(app_port), MOTO_PORT=str(moto_port))
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env,
                               stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, text=True)
    system = LocalSystem(f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{moto_port}", process.pid)
    try:
        _wait_until_up(system.base_url, process, wait_seconds)
        yield system
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base_url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local system exited with {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the local system did not come up")
