"""The customer-opinion feedback form (顾客意见信息反馈表) as a printable A4 page.

`fields` reads what the paper form asks for out of a complaint (text for every box);
`render` lays it out as HTML with print CSS, escaping every value. A complaint whose form
is not submitted yet prints with empty boxes, to be filled in by hand.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from chalicelib.domain.labels import CATEGORY, CHANNEL, CUSTOMER_TYPE, HANDLING, SEVERITY
from chalicelib.domain.model import Actor, Complaint, money
from chalicelib.domain.reporting import label, local_time, shown
from chalicelib.services.export_columns import phone
from chalicelib.services.workflow import load_visible
from chalicelib.wiring import Adapters

TITLE = "顾客意见信息反馈表"
# boxes two to a line: (field, label), (field, label)
PAIRS = (
    (("customer_name", "顾客名称"), ("customer_phone", "联系电话")),
    (("customer_type", "顾客类型"), ("region", "所在地区")),
    (("account_id", "客户编号"), ("received_at", "受理时间")),
    (("channel", "受理渠道"), ("category", "投诉类别")),
    (("sku", "产品编码"), ("product_name", "产品名称")),
    (("production_date", "生产日期"), ("batch", "批次")),
    (("purchase_place", "购买地点"), ("quantity", "数量")),
    (("sample_provided", "样品"), ("certificate_provided", "合格证")),
)
# boxes across the page, in the order of the paper form
WIDE = (
    ("customer_opinion", "顾客意见"),
    ("customer_request", "顾客要求"),
    ("investigation", "业务员调查情况"),
    ("investigation_result", "调查结果"),
    ("cause_analysis", "原因分析"),
    ("responsible_department", "责任部门"),
    ("corrective_actions", "纠正措施"),
    ("preventive_actions", "预防措施"),
    ("handling_opinion", "处理意见"),
    ("customer_feedback", "顾客对处理结果的意见"),
)
SIGNATURES = (("salesperson", "业务员"), ("quality_staff", "品质管理部"), ("approver", "审批领导"))
STYLE = """
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 10.5pt; color: #000;
       max-width: 186mm; margin: 0 auto; }
h1 { text-align: center; font-size: 18pt; letter-spacing: .3em; margin: 0 0 4mm; }
.meta { display: flex; justify-content: space-between; margin-bottom: 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { width: 28mm; font-weight: normal; background: #f2f2f2; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
tr.wide td { height: 16mm; }
tr.signatures td { height: 14mm; }
tr { break-inside: avoid; page-break-inside: avoid; }
.hint { color: #555; font-size: 9pt; }
@media print { .hint { display: none; } th { background: none; } }
@media screen { body { padding: 10mm 0; } }
"""


def printable(complaint_id: str, actor: Actor, a: Adapters, now: datetime) -> str:
    """The form of one complaint, for those who may read the complaint."""
    complaint = load_visible(complaint_id, actor, a)
    people = {u: _name(u, a) for u in _signers(complaint) if u}
    return render(fields(complaint, people), now)


def fields(c: Complaint, people: dict[str, str] | None = None) -> dict[str, str]:
    """Every box of the form as text ("" where nothing is known yet)."""
    people = people or {}
    form, qc = c.feedback_form, c.qc_result
    salesperson, quality, approver = _signers(c)
    values: dict[str, Any] = {
        "complaint_id": c.id,
        "report_date": _date(_of(form, "at")),
        "received_at": local_time(c.received_at),
        "channel": label(CHANNEL, c.channel),
        "category": label(CATEGORY, c.category),
        "severity": label(SEVERITY, c.severity),
        "customer_name": c.customer.name,
        "customer_phone": phone(c.customer.phone),
        "customer_type": label(CUSTOMER_TYPE, c.customer.type),
        "region": " ".join(p for p in (c.customer.province, c.customer.city) if p),
        "account_id": c.customer.account_id,
        "sku": c.product.sku,
        "product_name": c.product.name,
        "production_date": c.product.production_date,
        "batch": c.product.batch,
        "purchase_place": c.product.purchase_place,
        "quantity": c.product.quantity,
        "sample_provided": _provided(_of(form, "sample_provided"), len(c.photos)),
        "certificate_provided": _provided(_of(form, "certificate_provided")),
        "customer_opinion": c.description,
        "customer_request": _request(c),
        "investigation": _of(form, "investigation"),
        "investigation_result": _of(qc, "investigation_result"),
        "cause_analysis": _of(qc, "cause_analysis"),
        "responsible_department": _of(qc, "responsible_department"),
        "corrective_actions": _of(qc, "corrective_actions"),
        "preventive_actions": _of(qc, "preventive_actions"),
        "handling_opinion": _handling(c),
        "customer_feedback": _feedback(c),
        "salesperson": people.get(salesperson or "", salesperson),
        "quality_staff": people.get(quality or "", quality),
        "approver": people.get(approver or "", approver),
    }
    return {k: shown(v) for k, v in values.items()}


def render(boxes: dict[str, str], printed_at: datetime) -> str:
    """The page: escaped values in `data-field` cells (so tools can read them back)."""

    def cell(name: str, colspan: int = 1) -> str:
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        return f'<td data-field="{name}"{span}>{escape(boxes.get(name, ""))}</td>'

    lines = [f"<tr><th>{escape(l1)}</th>{cell(f1)}<th>{escape(l2)}</th>{cell(f2)}</tr>" for (f1, l1), (f2, l2) in PAIRS]
    lines += [f'<tr class="wide"><th>{escape(text)}</th>{cell(name, 3)}</tr>' for name, text in WIDE]
    signs = "".join(f"<th>{escape(text)}</th>{cell(name)}" for name, text in SIGNATURES[:2])
    lines.append(f'<tr class="signatures">{signs}</tr>')
    lines.append(
        f'<tr class="signatures"><th>{escape(SIGNATURES[2][1])}</th>{cell(SIGNATURES[2][0])}<th>日期</th><td></td></tr>'
    )
    title = f"{TITLE} {boxes.get('complaint_id', '')}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            '<p class="hint">使用浏览器的打印功能 (Ctrl+P) 打印本表, 纸张 A4。</p>',
            f"<h1>{TITLE}</h1>",
            '<div class="meta">'
            f'<span>编号: <span data-field="complaint_id">{escape(boxes.get("complaint_id", ""))}</span></span>'
            f'<span>严重程度: <span data-field="severity">{escape(boxes.get("severity", ""))}</span></span>'
            f'<span>报告日期: <span data-field="report_date">{escape(boxes.get("report_date", ""))}</span></span>'
            "</div>",
            "<table>",
            *lines,
            "</table>",
            f'<p class="hint">打印时间 {escape(shown(printed_at))}</p>',
            "</body>",
            "</html>",
            "",
        ]
    )


def _signers(c: Complaint) -> tuple[str | None, str | None, str | None]:
    return _of(c.feedback_form, "by") or c.assignee, _of(c.qc_result, "by"), _of(c.approval, "by")


def _of(record: Any, name: str) -> Any:
    """A field of one of the complaint's records; None while the record does not exist."""
    return None if record is None else getattr(record, name)


def _name(username: str, a: Adapters) -> str:
    member = a.directory.staff(username)
    return member.name if member and member.name else username


def _date(value: Any) -> Any:
    moment = local_time(value)
    return moment.date() if moment else None


_PROVIDED: dict[bool | None, str] = {True: "已提供", False: "未提供"}


def _provided(given: bool | None, photos: int = 0) -> str:
    parts = [_PROVIDED.get(given), f"照片 {photos} 张" if photos else None]
    return ", ".join(p for p in parts if p)


def _request(c: Complaint) -> str:
    form = c.feedback_form
    parts = [_of(form, "customer_request") or label(HANDLING, c.desired_resolution)]
    if form and form.requested_amount is not None:
        parts.append(f"要求金额 {money(form.requested_amount)} 元")
    return "\n".join(p for p in parts if p)


def _handling(c: Complaint) -> str:
    h = c.handling
    if not h:
        return ""
    first = label(HANDLING, h.type) or ""
    if h.amount is not None:
        first += f" {money(h.amount)} 元"
    if h.substantiated is False:
        first += " (投诉不属实)"
    parts = [first, h.note]
    if c.approval:
        verdict = "同意" if c.approval.approved else "不同意"
        parts.append(f"领导审批: {verdict}" + (f", {c.approval.note}" if c.approval.note else ""))
    return "\n".join(p for p in parts if p)


def _feedback(c: Complaint) -> str:
    s = c.satisfaction
    if not s:
        return ""
    parts = [f"满意度 {int(s.rating)}/5" if s.rating is not None else None, s.comment]
    return "\n".join(p for p in parts if p)
