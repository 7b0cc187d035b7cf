"""Shared fixtures: one moto server for the session, reset before each test that uses AWS."""
from __future__ import annotations

import logging
import os

import pytest
import requests

from infra.spawn import free_port

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto server request lines


def pytest_configure(config):
    """Chalice's local gateway answers a failed authorizer as API Gateway does (401)."""
    from infra import local_gateway

    local_gateway.apply()


@pytest.fixture(scope="session")
def moto_server():
    """A real moto server on loopback; boto3 reaches it through AWS_ENDPOINT_URL."""
    from moto.server import ThreadedMotoServer

    from infra import moto_patches

    moto_patches.apply()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL"] = url
    yield url
    server.stop()


def reset_moto(url: str) -> None:
    from chalicelib.reset import reset

    requests.post(f"{url}/moto-api/reset", timeout=10)
    reset()


def fresh_stack(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every resource of the local stack with its demo data, and the environment pointing at it."""
    from chalicelib import clients
    from chalicelib.reset import reset
    from infra import local_stack

    reset_moto(url)
    env = local_stack.bootstrap(url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset()
    clients.client("dynamodb").meta.events.register("before-call.dynamodb.Scan", _no_scans)
    return env


@pytest.fixture
def aws(moto_server):
    """A clean moto (every resource gone) for one test."""
    from chalicelib.reset import reset

    reset_moto(moto_server)
    yield moto_server
    reset()


@pytest.fixture
def stack(moto_server, monkeypatch):
    from chalicelib.reset import reset

    yield fresh_stack(moto_server, monkeypatch)
    reset()


def _no_scans(**kwargs):
    """No request path may Scan the table: every access pattern has a key or an index."""
    raise AssertionError("a Scan was attempted")
