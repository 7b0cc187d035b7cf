"""Staff members by name: pages and exports show 李明, not the username `sales_cs`.

The names are read with the whole staff list (a few Queries and one BatchGetItem) at most once every
NAMES_TTL per process: a rename shows within that time, and a page or an export adds no read of its own.
"""

from __future__ import annotations

import time
from typing import Protocol

from chalicelib.domain.model import StaffMember

NAMES_TTL = 300.0  # seconds


class StaffList(Protocol):
    def all_staff(self) -> list[StaffMember]: ...


class _Names:
    def __init__(self) -> None:
        self._read_at = float("-inf")
        self._names: dict[str, str] = {}
        self._directory: StaffList | None = None

    def of(self, directory: StaffList) -> dict[str, str]:
        """The names read from this directory within NAMES_TTL (another directory's are not its)."""
        if directory is not self._directory or time.monotonic() - self._read_at > NAMES_TTL:
            self._names = {m.username: m.name for m in directory.all_staff() if m.name}
            self._read_at, self._directory = time.monotonic(), directory
        return self._names

    def forget(self) -> None:
        self._read_at = float("-inf")


_NAMES = _Names()


def names(directory: StaffList) -> dict[str, str]:
    """username -> name of every staff member (active or not), as read at most NAMES_TTL ago."""
    return _NAMES.of(directory)


def forget() -> None:
    """Read the names afresh next time (a staff change in this process, a test's new stack)."""
    _NAMES.forget()
