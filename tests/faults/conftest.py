"""A fresh local stack per test, the app's Chalice test client, and a fault injector on its clients."""
from __future__ import annotations

import pytest

from tests.api.conftest import Api, api_client


@pytest.fixture
def api(stack):
    from infra.pump import pump_for_app

    with api_client() as client:
        yield Api(client, pump_for_app())


@pytest.fixture
def faults(stack, monkeypatch):
    """Injects failures into the app's own clients (chalicelib/clients.py), which the pump shares."""
    from botocore.retries import standard

    from chalicelib.clients import client
    from tests.faults.inject import Injector

    # botocore's retries run for real, only without sleeping between attempts (tests stay fast)
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    injector = Injector(client)
    yield injector
    injector.heal()
