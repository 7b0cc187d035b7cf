"""boto3 clients, built once and lazily: nothing talks to AWS at import time."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.config import settings


@lru_cache(maxsize=None)
def client(service: str) -> Any:
    import boto3  # imported here so cold starts that never touch AWS stay light

    return boto3.session.Session().client(service, region_name=settings().region)


@lru_cache(maxsize=None)
def table() -> Any:
    import boto3

    resource = boto3.session.Session().resource("dynamodb", region_name=settings().region)
    return resource.Table(settings().table_name)


def reset() -> None:
    """Forget built clients and settings (tests and the local runner change the environment)."""
    client.cache_clear()
    table.cache_clear()
    settings.cache_clear()
