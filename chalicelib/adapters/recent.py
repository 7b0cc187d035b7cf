"""Items read a moment ago, kept in this process for a short time: what nearly every submission reads and
an administrator seldom changes (routing, key accounts, cluster alerts) costs no call per request.

A write through the same adapter forgets them at once; another process (a second Lambda container) sees
the change within `ttl` seconds.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

ROUTING_TTL = 60.0  # seconds: a territory or key account changed elsewhere routes within a minute
ALERTS_TTL = 60.0  # seconds: a lot alerted elsewhere makes new complaints about it major within a minute


class Recent(Generic[K, V]):
    """key -> value (None: known to be absent) as `read` gave them, read again after `ttl` seconds."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._values: dict[K, tuple[float, V | None]] = {}
        self._lock = threading.Lock()
        _EVERY.add(self)

    def get_many(self, keys: Sequence[K], read: Callable[[list[K]], dict[K, V]]) -> dict[K, V | None]:
        """The value of every key: those read less than `ttl` ago as they were, the others by one `read`."""
        now = self._clock()
        with self._lock:
            known = {k: hit[1] for k in keys if (hit := self._values.get(k)) and now - hit[0] < self._ttl}
        missing = [k for k in dict.fromkeys(keys) if k not in known]
        if missing:
            found = read(missing)
            with self._lock:
                for k in missing:
                    self._values[k] = (now, found.get(k))
                    known[k] = found.get(k)
        return known

    def forget(self) -> None:
        with self._lock:
            self._values.clear()


_EVERY: weakref.WeakSet[Recent] = weakref.WeakSet()


def forget_all() -> None:
    """Forget what every adapter of this process keeps, as a new process would start (tests, the local runner)."""
    for recent in list(_EVERY):
        recent.forget()
