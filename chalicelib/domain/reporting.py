"""Words and values of the printed and exported record (the feedback form and the export files).

Labels are (Chinese, English) pairs like those of `labels.py` (which has category, channel, severity
and handling); times are shown in Asia/Shanghai, where the people reading the paper and the
spreadsheets work. Standard library only.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.model import SHANGHAI

STATUS = {
    "received": ("已受理", "Received"), "assigned": ("已分派", "Assigned"), "investigating": ("调查中", "Investigating"),
    "qc_pending": ("待质检", "Awaiting quality test"), "qc_done": ("质检完成", "Quality tested"),
    "pending_approval": ("待审批", "Awaiting approval"), "handling_agreed": ("处理方案已定", "Handling agreed"),
    "customer_notified": ("已告知顾客", "Customer told"), "followed_up": ("已回访", "Followed up"),
    "closed": ("已结案", "Closed"),
}
CUSTOMER_TYPE = {
    "consumer": ("消费者", "Consumer"), "distributor": ("经销商", "Distributor"),
    "retailer": ("大型超市/卖场", "Retailer"), "hotel": ("酒店/团购", "Hotel"), "affiliate": ("关联公司", "Affiliate"),
    "other": ("其他", "Other"),
}
SERVICE_DIMENSION = {
    "tangibles": ("有形性", "Tangibles"), "empathy": ("移情性", "Empathy"), "assurance": ("保证性", "Assurance"),
    "responsiveness": ("响应性", "Responsiveness"), "reliability": ("可靠性", "Reliability"),
}
NOTIFIED_VIA = {"phone": ("电话", "Phone"), "sms": ("短信", "SMS"), "letter": ("信函", "Letter"),
                "visit": ("上门", "Visit")}


def local_time(value: datetime | str | None) -> datetime | None:
    """A stored moment (aware datetime or ISO text) as Shanghai wall-clock time."""
    if value is None or value == "":
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(SHANGHAI)


def label(table: dict[str, tuple[str, str]], key: Any) -> str | None:
    """The Chinese word for a stored value; None stays empty, an unknown value shows as it is."""
    if key is None or key == "":
        return None
    return table.get(str(key), (str(key),))[0]


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")


def shown(value: Any) -> str:
    """One value as text on paper or in a CSV cell: times to the minute in Shanghai, money with two places."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)
