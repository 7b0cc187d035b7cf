"""Local stage only: what SNS would have sent, read from the local AWS (moto) server."""
from __future__ import annotations

import json
import os
import urllib.request
from typing import Any


def sent_messages(topic_arn: str) -> list[dict[str, Any]]:
    """Every SMS and e-mail the topic's publishes would have produced, oldest first.

    A publish reaches the subscriptions whose `recipient` filter matches, as in AWS.
    """
    data = _moto_state()
    topics = [t for t in data.get("Topic", []) if t["arn"] == topic_arn]
    subscriptions = [s for s in data.get("Subscription", []) if s["topic_arn"] == topic_arn]
    messages = []
    for topic in topics:
        for message_id, body, subject, attributes, _ in topic["sent_notifications"]:
            attrs = {k: v.get("Value") for k, v in (attributes or {}).items()}
            texts = _texts(body)
            for sub in subscriptions:
                if _matches(sub, attrs):
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


def _matches(subscription: dict[str, Any], attributes: dict[str, str]) -> bool:
    policy = json.loads(subscription["attributes"].get("FilterPolicy") or "{}")
    return all(attributes.get(name) in allowed for name, allowed in policy.items())
