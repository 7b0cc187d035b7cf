"""boto3 clients, built once and lazily: nothing talks to AWS at import time."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.config import settings


@lru_cache(maxsize=None)
def client(service: str) -> Any:
    import boto3  # imported here so cold starts that never touch AWS stay light
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
    return boto3.session.Session().client(service, region_name=settings().region, config=config)


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


def reset() -> None:
    """Forget built clients and settings (tests and the local runner change the environment)."""
    from chalicelib import wiring

    client.cache_clear()
    settings.cache_clear()
    wiring.adapters.cache_clear()
