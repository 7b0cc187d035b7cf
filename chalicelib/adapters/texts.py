"""CustomerTexts: SMS straight to the customer's mobile (SNS `Publish` to a phone number, no topic).

Transactional, so that SNS delivers them even to numbers on a do-not-disturb list and at any hour
(a receipt is expected at once). A number whose owner replied 退订 (STOP) is opted out at SNS; it is
asked before each message, so an opted-out customer gets nothing.
"""

from __future__ import annotations

from typing import Any

SMS_TYPE = "AWS.SNS.SMS.SMSType"


class CustomerTexts:
    def __init__(self, client: Any):
        self._client = client

    def opted_out(self, phone: str) -> bool:
        """Whether the number replied 退订 (SNS keeps the opt-out list)."""
        return bool(self._client.check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"])

    def send(self, phone: str, text: str) -> str:
        """One SMS to an E.164 number; returns the SNS message id."""
        response = self._client.publish(
            PhoneNumber=phone,
            Message=text,
            MessageAttributes={SMS_TYPE: {"DataType": "String", "StringValue": "Transactional"}},
        )
        return response["MessageId"]
