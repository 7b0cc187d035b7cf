"""One batch of the table's stream, handed to each of its consumers: the outbox, the statistics, the
cluster alerts. A complaint's statistics are written in the transaction that claims its outbox items
when it has both in the batch (one call fewer per change); the statistics consumer does the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.services import alerts, delivery, stats
from chalicelib.wiring import Adapters

log = logging.getLogger(__name__)


def consume(records: Iterable[dict[str, Any]], a: Adapters, now: datetime) -> dict[str, int]:
    """Each consumer runs even if another fails; any failure is raised afterwards, so the stream hands the
    batch over again (every consumer recognises what it already did)."""
    batch = list(records)
    outcome, failures = {}, []
    along, written = stats.writes_along(batch, a), set[str]()  # a complaint's sums move with its outbox claim
    for name, consumer in (
        ("delivered", lambda: delivery.deliver_stream(batch, a, now, along, written)),
        ("stats_applied", lambda: stats.apply_stream(batch, a, written)),
        ("alerts_raised", lambda: alerts.observe_stream(batch, a, now)),
    ):
        try:
            outcome[name] = consumer()
        except Exception as error:  # noqa: BLE001 - re-raised below, after the other consumers ran
            log.warning("stream consumer %s failed: %s", name, type(error).__name__)
            failures.append(error)
    if failures:
        raise failures[0]
    return outcome
