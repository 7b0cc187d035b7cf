"""CustomerMail: e-mail to a customer who gave an e-mail address and no mobile (Amazon SES)."""

from __future__ import annotations

from typing import Any


class CustomerMail:
    def __init__(self, client: Any, sender: str):
        self._client = client
        self._sender = sender

    def send(self, to: str, subject: str, text: str) -> str:
        """One plain-text e-mail from the verified sender identity; returns the SES message id."""
        response = self._client.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
        return response["MessageId"]
