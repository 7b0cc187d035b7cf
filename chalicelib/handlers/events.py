"""Lambda entry points that are not HTTP: the stream consumer, the timer target, the sweeper.

In AWS, DynamoDB Streams and EventBridge Scheduler invoke these; on the local stack the
runner's pump invokes the very same functions with events of the same shape.
"""

from __future__ import annotations

import logging

from chalice import Blueprint, Rate

from chalicelib.handlers.http import now
from chalicelib.services import alerts, delivery, stats, timers
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


@bp.lambda_function(name="on_stream")
def on_stream(event, context):
    """Each consumer of the batch runs even if another fails; any failure makes the stream retry it
    (every consumer recognises what it already did)."""
    records, a, moment = event.get("Records", []), adapters(), now()
    outcome, failures = {}, []
    for name, consume in (
        ("delivered", lambda: delivery.deliver_stream(records, a, moment)),
        ("stats_applied", lambda: stats.apply_stream(records, a)),
        ("alerts_raised", lambda: alerts.observe_stream(records, a, moment)),
    ):
        try:
            outcome[name] = consume()
        except Exception as error:  # noqa: BLE001 - re-raised below, after the other consumers ran
            log.warning("stream consumer %s failed: %s", name, type(error).__name__)
            failures.append(error)
    if failures:
        raise failures[0]
    return outcome


@bp.lambda_function(name="on_timer")
def on_timer(event, context):
    return {"outcomes": timers.on_timer(event, adapters())}


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="sweep_outbox")
def sweep_outbox(event):
    return {"delivered": delivery.sweep(adapters(), now())}
