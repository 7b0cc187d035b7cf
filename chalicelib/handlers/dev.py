"""Local stage only (404 elsewhere): the outbox of sent messages and a way to fire due schedules."""
from __future__ import annotations

from datetime import datetime

from chalice import Blueprint

from chalicelib.api import models
from chalicelib.api.errors import NotFound, parse_body
from chalicelib.handlers import events
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.services import delivery, dev, timers
from chalicelib.wiring import adapters

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def _local_only() -> None:
    if not adapters().settings.is_local:
        raise NotFound()


@bp.route("/dev/outbox", methods=["GET"])
@api
def outbox():
    _local_only()
    return json_response({"messages": dev.sent_messages(adapters().notifier, adapters().settings.topic_arn)})


@bp.route("/dev/scheduler/fire", methods=["POST"])
@api
def fire_schedules():
    _local_only()
    body = parse_body(models.FireIn, bp.current_request.raw_body, lang(bp.current_request))
    until: datetime = body.until or now()
    delivery.deliver_pending(adapters(), now())  # schedules of changes the stream has not carried out yet
    fired = timers.fire_due(until, adapters(), now(), invoke=lambda payload: events.on_timer(payload, None))
    return json_response({"fired": fired})
