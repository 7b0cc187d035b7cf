"""What SNS would have sent, read from the local AWS (moto), for `GET /dev/outbox`."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from chalicelib.adapters.notifier import Notifier
from infra.local_aws import SENT_PATH, sent_notifications


def sent_messages(notifier: Notifier, topic_arn: str, endpoint_url: str | None) -> list[dict[str, Any]]:
    """Every SMS and e-mail the topic's publishes would have produced, oldest first.

    moto records each publish; a publish reaches the current subscriptions whose
    `recipient` filter matches, as in AWS.
    """
    subscriptions = notifier.subscriptions()
    messages = []
    for message_id, body, subject, attributes, _ in _published(topic_arn, endpoint_url):
        attrs = {k: v.get("Value") for k, v in (attributes or {}).items()}
        texts = _texts(body)
        for sub in subscriptions:
            if all(attrs.get(name) in allowed for name, allowed in sub["filter"].items()):
                protocol = sub["protocol"]
                messages.append({"channel": protocol, "to": sub["endpoint"], "subject": subject,
                                 "text": texts.get(protocol, texts.get("default")),
                                 "message_id": message_id, **attrs})
    return messages


def _published(topic_arn: str, endpoint_url: str | None) -> list[list[Any]]:
    """The topic's publishes: straight from moto's memory when moto runs in this process (the
    tests), else from the local AWS process (`infra/local_aws.py`, which `make run` starts)."""
    in_process = sent_notifications(topic_arn)
    if in_process is not None or not endpoint_url:
        return in_process or []
    query = urllib.parse.urlencode({"topic": topic_arn})
    try:
        with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}{SENT_PATH}?{query}", timeout=30) as response:
            return json.load(response)["sent"]
    except urllib.error.HTTPError as error:
        if error.code == 404:  # no such topic (yet): nothing was sent
            return []
        raise


def _texts(body: str) -> dict[str, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"default": body}
    return parsed if isinstance(parsed, dict) else {"default": body}
