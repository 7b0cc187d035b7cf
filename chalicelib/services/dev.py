"""Local stage only: what SNS would have sent, read from the local AWS (moto) server."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from chalicelib.adapters.notifier import Notifier


def sent_messages(notifier: Notifier, topic_arn: str) -> list[dict[str, Any]]:
    """Every SMS and e-mail the topic's publishes would have produced, oldest first.

    moto records each publish; a publish reaches the current subscriptions whose
    `recipient` filter matches, as in AWS.
    """
    subscriptions = notifier.subscriptions()
    messages = []
    for sent in _published(topic_arn):
        for message_id, body, subject, attributes, _ in sent:
            attrs = {k: v.get("Value") for k, v in (attributes or {}).items()}
            texts = _texts(body)
            for sub in subscriptions:
                if all(attrs.get(name) in allowed for name, allowed in sub["filter"].items()):
                    protocol = sub["protocol"]
                    messages.append({"channel": protocol, "to": sub["endpoint"], "subject": subject,
                                     "text": texts.get(protocol, texts.get("default")),
                                     "message_id": message_id, **attrs})
    return messages


def _published(topic_arn: str) -> list[list[Any]]:
    """The topic's publishes: straight from moto's memory when moto runs in this process (the
    tests), else from the local AWS process (`infra/local_aws.py`, which `make run` starts)."""
    in_process = _in_process_topic(topic_arn)
    if in_process is not None:
        return [list(in_process.sent_notifications)]
    endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
    query = urllib.parse.urlencode({"topic": topic_arn})
    try:
        with urllib.request.urlopen(f"{endpoint}/_local/sns/sent?{query}", timeout=30) as response:
            return [json.load(response)["sent"]]
    except urllib.error.HTTPError as error:
        if error.code == 404:  # no such topic (yet): nothing was sent
            return []
        raise


def _in_process_topic(topic_arn: str) -> Any:
    try:
        from moto.sns.models import sns_backends
    except ImportError:  # moto is a development dependency only
        return None
    _, _, _, region, account, _ = topic_arn.split(":", 5)
    try:
        return sns_backends[account][region].topics.get(topic_arn)
    except KeyError:
        return None


def _texts(body: str) -> dict[str, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"default": body}
    return parsed if isinstance(parsed, dict) else {"default": body}
