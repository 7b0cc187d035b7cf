"""The columns of the complaint export: one row per complaint, Chinese headers.

A row holds typed values (text, whole numbers, money as Decimal, Shanghai times, dates);
each file format writes them its own way (`services/exports.py`). The columns follow the
paper record: the complaint as received, the customer-opinion feedback form (顾客意见信息反馈表),
the quality department's result, the handling and the customer's satisfaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from chalicelib.domain.labels import (
    CATEGORY,
    CHANNEL,
    CUSTOMER_TYPE,
    HANDLING,
    NOTIFIED_VIA,
    QUANTITY_UNIT,
    SERVICE_DIMENSION,
    SEVERITY,
    STATUS,
)
from chalicelib.domain.model import Complaint, money
from chalicelib.domain.reporting import label, local_time, yes_no

Getter = Callable[[Complaint], Any]


def phone(number: str | None) -> str | None:
    """A Chinese number in national format with spaces (text to a spreadsheet, not a number); others E.164."""
    import phonenumbers  # here: a cold start of the public form loads this module's routes, not the library

    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return number
    if parsed.country_code != 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _part(name: str, key: str) -> Getter:
    """One field of a record of the complaint (`feedback_form`, `qc_result`, ...); None before the record exists."""

    def get(c: Complaint) -> Any:
        record = getattr(c, name)
        return None if record is None else getattr(record, key)

    return get


def _time(name: str) -> Getter:
    at = _part(name, "at")
    return lambda c: local_time(at(c))


def _money(name: str, key: str) -> Getter:
    amount = _part(name, key)

    def get(c: Complaint) -> Any:
        value = amount(c)
        return None if value is None else money(value)

    return get


def _yes_no(name: str, key: str) -> Getter:
    flag = _part(name, key)
    return lambda c: yes_no(flag(c))


def _label(table: dict[str, tuple[str, str]], name: str, key: str) -> Getter:
    value = _part(name, key)
    return lambda c: label(table, value(c))


def _substantiated(c: Complaint) -> str | None:
    if c.handling and c.handling.substantiated is False:
        return yes_no(False)
    return yes_no(True) if c.feedback_form else None


def _approval(c: Complaint) -> str | None:
    if not c.approval:
        return None
    return "同意" if c.approval.approved else "不同意"


def _rating(c: Complaint) -> int | None:
    rating = c.satisfaction.rating if c.satisfaction else None
    return None if rating is None else int(rating)


COLUMNS: tuple[tuple[str, Getter], ...] = (
    ("投诉编号", lambda c: c.id),
    ("受理时间", lambda c: local_time(c.received_at)),
    ("受理渠道", lambda c: label(CHANNEL, c.channel)),
    ("状态", lambda c: label(STATUS, c.status)),
    ("严重程度", lambda c: label(SEVERITY, c.severity)),
    ("投诉类别", lambda c: label(CATEGORY, c.category)),
    ("其他问题", lambda c: "、".join(label(CATEGORY, o) or o for o in c.other_categories) or None),
    ("服务质量维度", lambda c: label(SERVICE_DIMENSION, c.service_dimension)),
    ("片区", lambda c: c.territory),
    ("业务员", lambda c: c.assignee),
    ("已升级", lambda c: yes_no(c.escalated)),
    ("顾客名称", lambda c: c.customer.name),
    ("联系电话", lambda c: phone(c.customer.phone)),
    ("顾客类型", lambda c: label(CUSTOMER_TYPE, c.customer.type)),
    ("省份", lambda c: c.customer.province),
    ("城市", lambda c: c.customer.city),
    ("客户编号", lambda c: c.customer.account_id),
    ("产品编码", lambda c: c.product.sku),
    ("产品名称", lambda c: c.product.name),
    ("生产日期", lambda c: c.product.production_date),
    ("批次", lambda c: c.product.batch),
    ("购买地点", lambda c: c.product.purchase_place),
    ("数量", lambda c: c.product.quantity),  # a number a spreadsheet adds up; what it counts beside it
    ("数量单位", lambda c: label(QUANTITY_UNIT, c.product.unit)),
    ("顾客意见", lambda c: c.description),
    ("顾客期望的处理", lambda c: label(HANDLING, c.desired_resolution)),
    ("投诉属实", _substantiated),
    ("反馈表填报时间", _time("feedback_form")),
    ("反馈表填报人", _part("feedback_form", "by")),
    ("调查情况", _part("feedback_form", "investigation")),
    ("提供样品", _yes_no("feedback_form", "sample_provided")),
    ("提供合格证", _yes_no("feedback_form", "certificate_provided")),
    ("顾客要求", _part("feedback_form", "customer_request")),
    ("要求金额(元)", _money("feedback_form", "requested_amount")),
    ("调查结果", _part("qc_result", "investigation_result")),
    ("原因分析", _part("qc_result", "cause_analysis")),
    ("责任部门", _part("qc_result", "responsible_department")),
    ("纠正措施", _part("qc_result", "corrective_actions")),
    ("预防措施", _part("qc_result", "preventive_actions")),
    ("我方责任", _yes_no("qc_result", "company_at_fault")),
    ("质检人", _part("qc_result", "by")),
    ("质检时间", _time("qc_result")),
    ("处理方式", _label(HANDLING, "handling", "type")),
    ("处理金额(元)", _money("handling", "amount")),
    ("处理意见", _part("handling", "note")),
    ("审批结果", _approval),
    ("审批人", _part("approval", "by")),
    ("告知顾客时间", _time("customer_notified")),
    ("告知方式", _label(NOTIFIED_VIA, "customer_notified", "via")),
    ("满意度(1-5)", _rating),
    ("顾客对处理结果的意见", _part("satisfaction", "comment")),
    ("回访时间", _time("satisfaction")),
    ("结案时间", lambda c: local_time(c.closed_at)),
)
HEADERS = tuple(header for header, _ in COLUMNS)
PEOPLE = frozenset({"业务员", "反馈表填报人", "质检人", "审批人", "责任部门"})  # usernames, department codes: by name


def row(complaint: Complaint, names: Mapping[str, str] | None = None) -> list[Any]:
    """The complaint's values in the columns' order; the staff and departments by their `names` where known."""
    names = names or {}
    return [names.get(value, value) if header in PEOPLE else value for header, value in _values(complaint)]


def _values(complaint: Complaint) -> Iterator[tuple[str, Any]]:
    return ((header, get(complaint)) for header, get in COLUMNS)


def rows(complaints: Iterable[Complaint], names: Mapping[str, str] | None = None) -> Iterator[list[Any]]:
    return (row(c, names) for c in complaints)
