"""Notifier: staff notifications through one SNS topic.

Each staff member has an SMS and an e-mail subscription filtered on the message
attribute `recipient`, so one publish reaches exactly that person on both.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.labels import NOTIFICATION_EVENT, zh


class Notifier:
    def __init__(self, client: Any, topic_arn: str):
        self._client = client
        self._topic = topic_arn

    def publish(self, recipient: str, event: str, complaint_id: str, text: str) -> str:
        """Send one notification; returns the SNS message id."""
        attributes = {
            name: {"DataType": "String", "StringValue": value}
            for name, value in (("recipient", recipient), ("event", event), ("complaint_id", complaint_id))
        }
        response = self._client.publish(
            TopicArn=self._topic,
            Subject=f"投诉 {complaint_id}: {zh(NOTIFICATION_EVENT, event)}"[:100],
            Message=json.dumps({"default": text, "sms": text, "email": text}, ensure_ascii=False),
            MessageStructure="json",
            MessageAttributes=attributes,
        )
        return response["MessageId"]

    def subscribe(self, recipient: str, email: str | None, phone: str | None) -> None:
        """Make `recipient`'s subscriptions exactly their current e-mail and phone."""
        wanted = {("email", email), ("sms", phone)} - {("email", None), ("sms", None)}
        have = self._subscriptions_of(recipient)
        for key, arn in have.items():
            if key not in wanted:
                self._client.unsubscribe(SubscriptionArn=arn)
        policy = json.dumps({"recipient": [recipient]})
        for protocol, endpoint in sorted(wanted - have.keys()):
            self._client.subscribe(
                TopicArn=self._topic,
                Protocol=protocol,
                Endpoint=endpoint,
                Attributes={"FilterPolicy": policy},
                ReturnSubscriptionArn=True,
            )

    def subscriptions(self) -> list[dict[str, Any]]:
        """Every confirmed e-mail and SMS subscription of the topic with its filter policy."""
        found = []
        paginator = self._client.get_paginator("list_subscriptions_by_topic")
        for page in paginator.paginate(TopicArn=self._topic):
            for sub in page["Subscriptions"]:
                if sub["Protocol"] not in ("email", "sms") or not sub["SubscriptionArn"].startswith("arn:"):
                    continue
                attributes = self._client.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])
                found.append(
                    {
                        "arn": sub["SubscriptionArn"],
                        "protocol": sub["Protocol"],
                        "endpoint": sub["Endpoint"],
                        "filter": json.loads(attributes["Attributes"].get("FilterPolicy") or "{}"),
                    }
                )
        return found

    def _subscriptions_of(self, recipient: str) -> dict[tuple[str, str], str]:
        return {
            (s["protocol"], s["endpoint"]): s["arn"]
            for s in self.subscriptions()
            if s["filter"].get("recipient") == [recipient]
        }
