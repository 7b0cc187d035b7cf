"""boto3 clients, built once and lazily: nothing talks to AWS at import time."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.config import settings

_BUILDING = threading.Lock()
POOL_CONNECTIONS = 32  # Lambda asks one at a time; the local server answers many requests at once, in threads
_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """The process's client for `service`. Built under a lock: requests arriving together on a
    threaded server would otherwise each build one (tens of milliseconds each)."""
    found = _clients.get(service)
    if found is None:
        with _BUILDING:
            found = _clients.get(service) or _build(service)
    return found


def _build(service: str) -> Any:
    import boto3  # imported here so cold starts that never touch AWS stay light
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=10,
        max_pool_connections=POOL_CONNECTIONS,
    )
    _clients[service] = boto3.session.Session().client(service, region_name=settings().region, config=config)
    return _clients[service]


class _LazyClient:
    """Stands for client(service) and builds it on first use, so a request builds only the clients it
    talks to (a submission: DynamoDB only); building one costs tens of milliseconds on a cold start."""

    def __init__(self, service: str):
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)

    def __repr__(self) -> str:
        return f"<lazy {self._service} client>"


def lazy_client(service: str) -> Any:
    return _LazyClient(service)


def forget() -> None:
    """Build every client afresh next time (chalicelib/reset.py: the environment changed)."""
    _clients.clear()
