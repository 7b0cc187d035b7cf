"""The HTTP API through Chalice's test client on moto, with the local event pump."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from infra.local_stack import DEMO_PASSWORD


class Api:
    """A caller of the app: JSON in and out, tokens for the demo staff, the pump on demand."""

    def __init__(self, client, pump):
        self.client = client
        self.pump = pump
        self._tokens: dict[str, str] = {}

    def call(self, method: str, path: str, body=None, user: str | None = None, headers=None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        raw = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body, ensure_ascii=False)
        response = getattr(self.client.http, method.lower())(path, headers=headers, body=raw)
        response.data = json.loads(response.body) if response.body and response.headers.get(
            "Content-Type", "").startswith("application/json") else None
        return response

    def token(self, user: str) -> str:
        if user not in self._tokens:
            for _ in range(5):  # a log-in that met a failing AWS call answers 503: try again, as the console does
                response = self.call("POST", "/api/v1/auth/login", {"username": user, "password": DEMO_PASSWORD})
                if response.status_code != 503:
                    break
            assert response.status_code == 200, response.body
            self._tokens[user] = response.data["token"]
        return self._tokens[user]

    def outbox(self) -> list[dict]:
        self.pump.drain_stream()
        return self.call("GET", "/dev/outbox").data["messages"]


def api_client():
    from chalice.test import Client

    from infra.dev_routes import local_app

    return Client(local_app(), stage_name="local")


@pytest.fixture
def api(stack):
    from infra.pump import pump_for_app

    with api_client() as client:
        yield Api(client, pump_for_app())


@contextmanager
def module_api(moto_server):
    """One stack for a whole module whose tests only add to it (building it is the slow part)."""
    from chalicelib.reset import reset
    from infra.pump import pump_for_app
    from tests.conftest import fresh_stack

    with pytest.MonkeyPatch.context() as monkeypatch:
        fresh_stack(moto_server, monkeypatch)
        with api_client() as client:
            yield Api(client, pump_for_app())
    reset()
