"""Who and what by name: pages, exports and the printed form show 李明 and 生产车间, not the username
`sales_cs` or the department code `PROD`.

The staff's names are read with the whole staff list (a few Queries and one BatchGetItem), the
departments' with their list (one Query), each at most once every NAMES_TTL per process and directory:
a rename shows within that time, and a page or an export adds no read of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from chalicelib.domain.model import StaffMember

NAMES_TTL = 300.0  # seconds


class StaffList(Protocol):
    def all_staff(self) -> list[StaffMember]: ...


class DepartmentList(Protocol):
    def departments(self) -> list[dict[str, Any]]: ...


class _Names:
    """code -> name as `read` gives them from a directory, read again after NAMES_TTL or for another one."""

    def __init__(self, read: Callable[[Any], dict[str, str]]) -> None:
        self._read = read
        self._read_at = float("-inf")
        self._names: dict[str, str] = {}
        self._directory: object | None = None

    def of(self, directory: object) -> dict[str, str]:
        if directory is not self._directory or time.monotonic() - self._read_at > NAMES_TTL:
            self._names = self._read(directory)
            self._read_at, self._directory = time.monotonic(), directory
        return self._names

    def forget(self) -> None:
        self._read_at = float("-inf")


_STAFF = _Names(lambda d: {m.username: m.name for m in d.all_staff() if m.name})
_DEPARTMENTS = _Names(lambda d: {str(x["code"]): str(x["name"]) for x in d.departments() if x.get("name")})


def names(directory: StaffList) -> dict[str, str]:
    """username -> name of every staff member (active or not)."""
    return _STAFF.of(directory)


def department_names(directory: DepartmentList) -> dict[str, str]:
    """code -> name of every responsible department (a QC result stores the code)."""
    return _DEPARTMENTS.of(directory)


def forget() -> None:
    """Read the names afresh next time (a test's new stack, a change made in this process)."""
    _STAFF.forget()
    _DEPARTMENTS.forget()
