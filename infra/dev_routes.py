"""The local stage's own routes: the outbox of what would have been sent, and firing due schedules.

`GET /dev/outbox` answers JSON: `messages` (the staff's, from the topic) and `customer_messages` (SMS to the
customer's phone, e-mails through SES). `?format=html` shows the same as a page, customers' messages apart,
their links clickable, as a customer would read them on their phone.

They are not in the Lambda app (app.py) nor in its package: the local runner and the tests add
them with `local_app()`. Where they are added outside the local stage, they answer 404.
"""
from __future__ import annotations

from datetime import datetime

from chalice import Blueprint, Response

from chalicelib import config
from chalicelib.api import models
from chalicelib.api.errors import NotFound, parse_body
from chalicelib.handlers import events
from chalicelib.handlers.http import endpoint, json_response, lang, now
from chalicelib.handlers.pages import _security_headers as page_security_headers  # the pages' own policy
from chalicelib.services import delivery
from chalicelib.wiring import adapters
from infra import dev_outbox, scheduler

bp = Blueprint(__name__)
api = endpoint(lambda: bp.current_request)


def local_app():
    """app.py's app with these routes: what the local runner serves and the tests call."""
    from app import app

    if "/dev/outbox" not in app.routes:  # once per process: a route is registered only once
        app.register_blueprint(bp)
    return app


def _local_only() -> None:
    if config.stage() != config.LOCAL:  # before any adapter: a deployed stage's settings are not needed to refuse
        raise NotFound()


@bp.route("/dev/outbox", methods=["GET"])
@api
def outbox():
    _local_only()
    s = adapters().settings
    staff = dev_outbox.sent_messages(adapters().notifier, s.topic_arn, s.endpoint_url)
    customers = dev_outbox.customer_messages(s.endpoint_url)
    if (bp.current_request.query_params or {}).get("format") == "html":
        return Response(body=dev_outbox.page(staff, customers), status_code=200,
                        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                                 **page_security_headers()})
    return json_response({"messages": staff, "customer_messages": customers})


@bp.route("/dev/scheduler/fire", methods=["POST"])
@api
def fire_schedules():
    _local_only()
    body = parse_body(models.FireIn, bp.current_request.raw_body, lang(bp.current_request))
    until: datetime = body.until or now()
    delivery.deliver_pending(adapters(), now())  # schedules of changes the stream has not carried out yet
    fired = scheduler.fire_due(until, adapters(), now(), invoke=lambda payload: events.on_timer(payload, None))
    return json_response({"fired": fired})

