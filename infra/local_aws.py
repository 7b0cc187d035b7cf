"""The local AWS: moto in server mode, in a process of its own (`python -m infra.local_aws HOST PORT`).

Apart from the app as AWS is: moto's work (every DynamoDB, SNS, Scheduler call) does not
share one interpreter with the app's requests. Besides moto's API it answers
`GET /_local/sns/sent?topic=<arn>`: what the topic's publishes were (the dev outbox reads
it; moto keeps them in memory only).
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Callable
from urllib.parse import parse_qs

SENT_PATH = "/_local/sns/sent"


def sent_notifications(topic_arn: str) -> list[list[Any]] | None:
    """The topic's publishes as moto recorded them (id, body, subject, attributes, group); None if
    this process holds no such topic."""
    from moto.sns.models import sns_backends

    _, _, _, region, account, _ = topic_arn.split(":", 5)
    try:
        topic = sns_backends[account][region].topics.get(topic_arn)
    except KeyError:
        return None
    return None if topic is None else [list(sent) for sent in topic.sent_notifications]


def with_sent_messages(moto_app: Callable) -> Callable:
    """moto's WSGI app, plus the one local route."""
    def app(environ: dict[str, Any], start_response: Callable) -> Any:
        if environ.get("PATH_INFO") != SENT_PATH:
            return moto_app(environ, start_response)
        topic = parse_qs(environ.get("QUERY_STRING", "")).get("topic", [""])[0]
        sent = sent_notifications(topic) if topic.count(":") >= 5 else None
        status = "200 OK" if sent is not None else "404 Not Found"
        body = json.dumps({"sent": sent or []}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app


def serve(host: str, port: int) -> None:
    """Serve until the parent process goes away (it may be killed without a word)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from infra import moto_patches

    moto_patches.apply()
    server = make_server(host, port, with_sent_messages(DomainDispatcherApplication(create_backend_app)),
                         threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    server.shutdown()


if __name__ == "__main__":
    import logging
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group; the runner stops this process
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    serve(sys.argv[1], int(sys.argv[2]))
