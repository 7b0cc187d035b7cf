"""Forget what this process built from its environment: clients, settings, adapters, staff profiles and
the items the adapters keep for a short time.

For the tests and the local runner, which change the environment; a Lambda process never does.
"""

from __future__ import annotations

from chalicelib import auth, clients, config, wiring
from chalicelib.adapters import recent
from chalicelib.services import people


def reset() -> None:
    clients.forget()
    config.settings.cache_clear()
    wiring.adapters.cache_clear()
    auth.staff_records.forget()
    people.forget()
    recent.forget_all()
