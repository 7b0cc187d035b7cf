"""The customer-opinion feedback form (顾客意见信息反馈表) as a printable A4 page.

`fields` reads what the paper form asks for out of a complaint (text for every box);
`render` lays it out as HTML with print CSS, escaping every value. A complaint whose form
is not submitted yet prints with empty boxes, to be filled in by hand.

The sheet is one A4 page however long the texts are, so that the sign-off rows are on the page
that is signed: `fit` estimates each box's lines, sets a smaller type on the longest boxes first
and, when even that is not enough, limits them to the lines the page has left (marked * and
noted under the table; the page keeps the whole text, and so does the record).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from typing import Any

from chalicelib.domain.labels import CATEGORY, CHANNEL, CUSTOMER_TYPE, HANDLING, SEVERITY, quantity
from chalicelib.domain.model import Actor, Complaint, money
from chalicelib.domain.reporting import label, local_time, shown
from chalicelib.services import people as known
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
@page { size: A4; margin: 10mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 10pt; line-height: 1.3;
       color: #000; max-width: 186mm; margin: 0 auto; }
h1 { text-align: center; font-size: 16pt; line-height: 1.2; letter-spacing: .3em; margin: 0 0 2mm; }
.meta { display: flex; justify-content: space-between; margin: 0 0 1.5mm; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
col.label { width: 24mm; }
th, td { border: .3mm solid #000; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { font-weight: normal; background: #f2f2f2; font-size: 9pt; line-height: 1.25; }
td { font-size: 10pt; line-height: 1.3; }
.box { white-space: pre-wrap; overflow-wrap: anywhere; overflow: hidden;
       display: -webkit-box; -webkit-box-orient: vertical; }
tr.wide td { height: 12mm; }
.signoff { break-inside: avoid; page-break-inside: avoid; }
.signoff tr:first-child > * { border-top: 0; }
.signoff td { height: 12mm; }
tr { break-inside: avoid; page-break-inside: avoid; }
.note { font-size: 8pt; margin: 1mm 0 0; }
.hint { color: #555; font-size: 9pt; }
@media print { .hint { display: none; } th { background: none; } }
@media screen { body { padding: 10mm 0; } }
"""


def _categories(c: Complaint) -> str | None:
    """The main problem, then the others the customer named: 印刷不良（主要）; 标签有误、其他问题."""
    main = label(CATEGORY, c.category)
    if not c.other_categories:
        return main
    return f"{main}（主要）; " + "、".join(label(CATEGORY, o) or o for o in c.other_categories)


def printable(complaint_id: str, actor: Actor, a: Adapters, now: datetime) -> str:
    """The form of one complaint, for those who may read the complaint."""
    complaint = load_visible(complaint_id, actor, a).complaint
    names = {**known.department_names(a.directory), **known.names(a.directory)}
    return render(fields(complaint, names), now)


def fields(c: Complaint, people: dict[str, str] | None = None) -> dict[str, str]:
    """Every box of the form as text ("" where nothing is known yet); `people`: the names of the staff and
    the departments by their usernames and codes."""
    people = people or {}
    form, qc = c.feedback_form, c.qc_result
    salesperson, quality, approver = _signers(c)
    values: dict[str, Any] = {
        "complaint_id": c.id,
        "report_date": _date(_of(form, "at")),
        "received_at": local_time(c.received_at),
        "channel": label(CHANNEL, c.channel),
        "category": _categories(c),
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
        "quantity": quantity(c.product.quantity, c.product.unit),
        "sample_provided": _provided(_of(form, "sample_provided"), len(c.photos)),
        "certificate_provided": _provided(_of(form, "certificate_provided")),
        "customer_opinion": c.description,
        "customer_request": _request(c),
        "investigation": _of(form, "investigation"),
        "investigation_result": _of(qc, "investigation_result"),
        "cause_analysis": _of(qc, "cause_analysis"),
        "responsible_department": people.get(_of(qc, "responsible_department"), _of(qc, "responsible_department")),
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
    """The page: escaped values in `data-field` boxes (so tools can read them back), fitted to one A4 sheet."""
    fits = fit(boxes)

    def label(name: str, text: str) -> str:
        return f"<th>{escape(text)}{'*' if fits[name].clipped else ''}</th>"

    def cell(name: str, colspan: int = 1) -> str:
        span = f' colspan="{colspan}"' if colspan > 1 else ""
        return f'<td{span}><div class="box" data-field="{name}">{escape(boxes.get(name, ""))}</div></td>'

    lines = [f"<tr>{label(f1, l1)}{cell(f1)}{label(f2, l2)}{cell(f2)}</tr>" for (f1, l1), (f2, l2) in PAIRS]
    lines += [f'<tr class="wide">{label(name, text)}{cell(name, 3)}</tr>' for name, text in WIDE]
    (sales, sales_label), (quality, quality_label), (approver, approver_label) = SIGNATURES
    signoff = [
        f"<tr><th>{sales_label}</th>{cell(sales)}<th>{quality_label}</th>{cell(quality)}</tr>",
        f"<tr><th>{approver_label}</th>{cell(approver)}<th>日期</th><td></td></tr>",
    ]
    clipped = [text for name, text in (*(box for pair in PAIRS for box in pair), *WIDE) if fits[name].clipped]
    note = (
        f'<p class="note">* {escape("、".join(clipped))}: 内容较长, 打印时只印前几行, 全文见系统中的投诉 '
        f"{escape(boxes.get('complaint_id', ''))}。</p>"
        if clipped
        else ""
    )
    columns = '<colgroup><col class="label"><col><col class="label"><col></colgroup>'
    title = f"{TITLE} {boxes.get('complaint_id', '')}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}{fitted_style(fits)}</style>",
            "</head>",
            "<body>",
            '<p class="hint">使用浏览器的打印功能 (Ctrl+P) 打印本表, 纸张 A4。</p>',
            f"<h1>{TITLE}</h1>",
            '<div class="meta">'
            f'<span>编号: <span data-field="complaint_id">{escape(boxes.get("complaint_id", ""))}</span></span>'
            f'<span>严重程度: <span data-field="severity">{escape(boxes.get("severity", ""))}</span></span>'
            f'<span>报告日期: <span data-field="report_date">{escape(boxes.get("report_date", ""))}</span></span>'
            "</div>",
            f"<table>{columns}",
            *lines,
            "</table>",
            f'<table class="signoff">{columns}',
            *signoff,
            "</table>",
            note,
            f'<p class="hint">打印时间 {escape(shown(printed_at))}</p>',
            "</body>",
            "</html>",
            "",
        ]
    )


# Fitting the sheet. Sizes in millimetres, as STYLE sets them (margins, the 24 mm label column, the
# cells' padding); a CJK character is one em wide, most others about half.
PT = 25.4 / 72
SHEET_HEIGHT = 297 - 2 * 10  # within the @page margins
BOX_WIDTH = {"pair": (186 - 2 * 24) / 2 - 2 * 1.5, "wide": 186 - 24 - 2 * 1.5}
LABEL_WIDTH = 24 - 2 * 1.5
ROW_EXTRA = 2 * 1 + 0.3  # a row's padding and border
FIXED = 16 * 1.2 * PT + 2 + 9.5 * 1.3 * PT + 1.5 + 2 * 12 + 0.3  # title, meta line, the two sign-off rows
NOTE = 2 * 8 * 1.3 * PT + 1  # the note on shortened boxes (two lines at most)
SPARE = 6  # what the estimate may be short of the browser's lines
WIDE_ROW = 12  # the least height of a wide box: room to write in by hand
PAIR_LINES = 2  # a box of a pair never takes more lines


@dataclass(frozen=True)
class Size:
    """A type size of the boxes and its line height."""

    pt: float
    leading: float

    @property
    def line(self) -> float:
        return self.pt * self.leading * PT


SIZES = (Size(10, 1.3), Size(9, 1.3), Size(8, 1.25), Size(7.5, 1.2))
LABEL = Size(9, 1.25)


@dataclass(frozen=True)
class Fit:
    """How one box is printed: its size (an index of SIZES), the lines it takes, whether it is shortened."""

    size: int
    lines: int
    clipped: bool = False


def fit(boxes: dict[str, str]) -> dict[str, Fit]:
    """The size and lines of every box of the table, so that the page is one sheet.

    A pair's box takes one line at the normal size, or two at a size that fits, or two shortened
    at the smallest. Then the wide boxes: while the table is taller than the sheet, the tallest
    of them is set a size smaller, and at the smallest size it loses a line.
    """
    fits = {name: _pair_fit(boxes.get(name, "")) for pair in PAIRS for name, _ in pair}
    pairs_height = sum(max(_height(fits[a], la), _height(fits[b], lb)) for (a, la), (b, lb) in PAIRS)
    wide = {name: Fit(0, _lines(boxes.get(name, ""), "wide", SIZES[0])) for name, _ in WIDE}
    labels = dict(WIDE)

    def over(note: bool) -> float:
        height = sum(max(WIDE_ROW, _height(f, labels[n])) for n, f in wide.items())
        return FIXED + pairs_height + height + (NOTE if note else 0) + SPARE - SHEET_HEIGHT

    pairs_clipped = any(f.clipped for f in fits.values())
    while over(pairs_clipped or any(f.clipped for f in wide.values())) > 0:
        name = max(wide, key=lambda n: (_height(wide[n], labels[n]), wide[n].lines))
        shrunk = _smaller(wide[name], boxes.get(name, ""))
        if shrunk == wide[name]:
            break  # every box at its least: nothing more to take
        wide[name] = shrunk
    return {**fits, **wide}


def fitted_style(fits: dict[str, Fit]) -> str:
    """The boxes' sizes and line limits (generated: a style block is the page's only style)."""
    rules = []
    for name, f in fits.items():
        size = SIZES[f.size]
        rules.append(
            f'.box[data-field="{name}"] {{ font-size: {size.pt}pt; line-height: {size.leading}; '
            f"-webkit-line-clamp: {f.lines}; max-height: {f.lines * size.line:.2f}mm; }}"
        )
    return "\n" + "\n".join(rules) + "\n"


def _pair_fit(text: str) -> Fit:
    for size, type_size in enumerate(SIZES):
        lines = _lines(text, "pair", type_size)
        if lines == 1 or (size > 0 and lines <= PAIR_LINES):
            return Fit(size, lines)
    return Fit(len(SIZES) - 1, PAIR_LINES, clipped=True)


def _smaller(f: Fit, text: str) -> Fit:
    """A size smaller while there is one, then a line fewer (shortened), never under one line."""
    if f.size < len(SIZES) - 1 and not f.clipped:
        return Fit(f.size + 1, _lines(text, "wide", SIZES[f.size + 1]))
    if f.lines > 1:
        return replace(f, lines=f.lines - 1, clipped=True)
    return f


def _height(f: Fit, label: str) -> float:
    """A row's height: its box's lines or its label's (which may take two), with padding and border."""
    label_lines = _lines(label + "*", "label", LABEL)
    return max(f.lines * SIZES[f.size].line, label_lines * LABEL.line) + ROW_EXTRA


def _lines(text: str, kind: str, size: Size) -> int:
    """How many lines the text takes in a box at a size: each paragraph its own, a CJK character one em."""
    width = LABEL_WIDTH if kind == "label" else BOX_WIDTH[kind]
    per_line = math.floor(width / (size.pt * PT) * 0.97)  # a little short: the browser's breaks are not ours
    return sum(max(1, math.ceil(_ems(paragraph) / per_line)) for paragraph in (text or "").split("\n"))


def _ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _signers(c: Complaint) -> tuple[str | None, str | None, str | None]:
    return _of(c.feedback_form, "by") or c.assignee, _of(c.qc_result, "by"), _of(c.approval, "by")


def _of(record: Any, name: str) -> Any:
    """A field of one of the complaint's records; None while the record does not exist."""
    return None if record is None else getattr(record, name)


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
