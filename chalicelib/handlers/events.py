"""Lambda entry points that are not HTTP: the stream consumer, the timer target, the sweeper.

In AWS, DynamoDB Streams and EventBridge Scheduler invoke these; on the local stack the
runner's pump invokes the very same functions with events of the same shape.
"""

from __future__ import annotations

from chalice import Blueprint, Rate

from chalicelib.handlers.http import now
from chalicelib.services import delivery, stream, timers
from chalicelib.wiring import adapters

bp = Blueprint(__name__)


@bp.lambda_function(name="on_stream")
def on_stream(event, context):
    return stream.consume(event.get("Records", []), adapters(), now())


@bp.lambda_function(name="on_timer")
def on_timer(event, context):
    return {"outcomes": timers.on_timer(event, adapters())}


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="sweep_outbox")
def sweep_outbox(event):
    return {"delivered": delivery.sweep(adapters(), now())}
