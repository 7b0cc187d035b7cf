"""Local stage only: what SNS would have sent, read from the local AWS (moto) server."""
from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from chalicelib.adapters.notifier import Notifier


def sent_messages(notifier: Notifier, topic_arn: str) -> list[dict[str, Any]]:
    """Every SMS and e-mail the topic's publishes would have produced, oldest first.

    moto records each publish; a publish reaches the current subscriptions whose
    `recipient` filter matches, as in AWS.
    """
    topics = [t for t in _moto_state().get("Topic", []) if t["arn"] == topic_arn]
    subscriptions = notifier.subscriptions()
    messages = []
    for topic in topics:
        for message_id, body, subject, attributes, _ in topic["sent_notifications"]:
            attrs = {k: v.get("Value") for k, v in (attributes or {}).items()}
            texts = _texts(body)
            for sub in subscriptions:
                if all(attrs.get(name) in allowed for name, allowed in sub["filter"].items()):
                    protocol = sub["protocol"]
                    messages.append({"channel": protocol, "to": sub["endpoint"], "subject": subject,
                                     "text": texts.get(protocol, texts.get("default")),
                                     "message_id": message_id, **attrs})
    return messages


def _moto_state() -> dict[str, Any]:
    endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=10) as response:
        return json.load(response).get("sns", {})


def _texts(body: str) -> dict[str, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"default": body}
    return parsed if isinstance(parsed, dict) else {"default": body}
