"""What the complainant hears from us, and how: who can be reached, the texts, their length.

ISO 10002 asks that the complainant be acknowledged and told the decision. A customer who gave
consent and a mobile number gets an SMS (a landline gets none); one who gave an e-mail and no
mobile gets an e-mail. Each SMS starts with the sender signature and fits one segment where it
can (70 characters: Chinese text is sent as UCS-2) and two at most (2 x 67 = 134). Texts carry the
complaint number and the customer's own access code or link, never a staff name or phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from chalicelib.domain.labels import HANDLING, zh
from chalicelib.domain.model import Customer, Handling, HandlingType, MessageKind

SEGMENT = 70  # one UCS-2 SMS
MAX_LENGTH = 134  # two concatenated UCS-2 parts of 67
SURVEY_ANSWERABLE_DAYS = 14
_CN_MOBILE = re.compile(r"^\+861[3-9]\d{9}$")


@dataclass(frozen=True)
class Reach:
    """Where the customer's messages go: `sms` to a mobile (E.164) or `email` to an address."""

    channel: str
    address: str


@dataclass(frozen=True)
class SentMessage:
    """What staff see of one message to the customer: never its text, code or link."""

    kind: MessageKind
    at: datetime
    channel: str
    state: str  # pending, sent, failed, opted_out


@dataclass(frozen=True)
class IssuedLink:
    """A link token as stored, read back by its hash: which complaint it opens, when it was issued, and
    for a survey token whether it was answered."""

    kind: str  # status or survey
    complaint_id: str
    issued_at: datetime
    used_at: datetime | None = None


def reach(customer: Customer, consent: bool, other_mobile: Callable[[str], bool]) -> Reach | None:
    """The customer's SMS number or e-mail address, if they consented; None if they cannot be reached.

    A Chinese number is a mobile when it is +86 1[3-9] and eleven digits; whether a number of another
    country is a mobile, `other_mobile` tells (numbering plans the domain does not hold)."""
    if not consent:
        return None
    phone = customer.phone or ""
    if _CN_MOBILE.match(phone) or (phone.startswith("+") and not phone.startswith("+86") and other_mobile(phone)):
        return Reach("sms", phone)
    if customer.email and "@" in customer.email:
        return Reach("email", customer.email)
    return None


def status_link(base_url: str, token: str) -> str:
    return f"{base_url}/s/{token}"


def survey_link(base_url: str, token: str) -> str:
    return f"{base_url}/survey?t={token}"


def received_texts(signature: str, complaint_id: str, code: str, link: str) -> list[str]:
    """The receipt, fullest first: number, access code, status link."""
    return [
        f"{signature}您的投诉已受理, 编号 {complaint_id}, 查询码 {code}。查看进度: {link}",
        f"{signature}投诉已受理, 编号{complaint_id}, 查询码{code}, 进度{link}",
    ]


def handling_told_texts(signature: str, complaint_id: str, decision: str, link: str) -> list[str]:
    """The decision in plain words and the status link, fullest first."""
    return [
        f"{signature}您的投诉 {complaint_id} 已有处理结果: {decision}。详情: {link}",
        f"{signature}投诉{complaint_id}处理结果: {decision}, 详情{link}",
    ]


def survey_texts(signature: str, complaint_id: str, link: str) -> list[str]:
    """The survey link, fullest first (the shorter ones fit one segment)."""
    return [
        f"{signature}您对投诉 {complaint_id} 的处理满意吗? 请点此评价: {link}",
        f"{signature}请为我们的处理打分: {link}",
        f"{signature}请评价: {link}",
    ]


def fit(texts: Sequence[str]) -> str:
    """The fullest text that fits one segment, else the fullest that fits two; else the shortest (its
    parts are longer than a settings check lets a signature and a base URL make them)."""
    for limit in (SEGMENT, MAX_LENGTH):
        for text in texts:
            if len(text) <= limit:
                return text
    return min(texts, key=len)


def decision_words(handling: Handling | None) -> str:
    """What was decided, as the customer says it: 换货, 赔偿 200 元, 说明原因."""
    if handling is None or handling.type is HandlingType.EXPLANATION:
        return "说明原因"
    words = {HandlingType.REWORK: "返工处理", HandlingType.OTHER: "请查看详情"}.get(handling.type)
    if words:
        return words
    words = zh(HANDLING, handling.type) or str(handling.type)
    if handling.amount is not None and handling.type in (HandlingType.REFUND, HandlingType.COMPENSATION):
        return f"{words} {_yuan(handling.amount)} 元"
    return words


def email_subject(kind: MessageKind, complaint_id: str) -> str:
    return {
        MessageKind.RECEIVED: f"您的投诉 {complaint_id} 已受理",
        MessageKind.HANDLING_TOLD: f"您的投诉 {complaint_id} 已有处理结果",
        MessageKind.SURVEY: f"请评价投诉 {complaint_id} 的处理",
    }[kind]


def _yuan(amount: Decimal) -> str:
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"
