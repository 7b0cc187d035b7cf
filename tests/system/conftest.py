"""The local system as a person starts it (`python -m infra.local`, what `make run` runs), one per module."""
from __future__ import annotations

import pytest

from infra import spawn


@pytest.fixture(scope="module")
def local_system():
    with spawn.local_system() as system:
        yield system.base_url

