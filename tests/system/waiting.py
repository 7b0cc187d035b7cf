"""Waiting for what the local system does a moment after a request (the stream, the outbox)."""
from __future__ import annotations

import time


def poll(fetch, seconds: float = 20):
    """What `fetch` finds once it finds something (the stream and the outbox work a moment after a request)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.25)
    return fetch()
