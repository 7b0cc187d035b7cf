"""Export rows, CSV and XLSX files, the delivery decision and the feedback form page, without AWS."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chalicelib.adapters.dynamo import plain
from chalicelib.domain.commands import COMMANDS
from chalicelib.domain.errors import NotAllowed
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.listing import ListQuery
from chalicelib.domain.model import (
    Actor, Category, Channel, Customer, CustomerType, Product, Role, StaffMember,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform
from chalicelib.services import exports
from chalicelib.services.export_columns import HEADERS, row
from chalicelib.services.feedback_form import fields, render
from tests.html_fields import read_form
from tests.services.fakes import FakeDirectory

NOW = datetime(2009, 6, 10, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
SALES = StaffMember("sales_wh", "王强", frozenset({Role.SALES}), territories=["HB-WH"])
WALK = (  # case 3 of domain.md: a sealed V2047 case two packs short, compensated one case
    ("sales_wh", Role.SALES, "contact", {"note": "已电话联系"}),
    ("sales_wh", Role.SALES, "submit_feedback_form", {
        "investigation": "整箱未拆封, 少两包", "sample_provided": True, "certificate_provided": False,
        "customer_request": "=HYPERLINK(\"http://x\")赔偿一箱", "requested_amount": Decimal("45.5")}),
    ("quality1", Role.QUALITY, "record_qc_result", {
        "investigation_result": "3号机4班实习生装箱", "cause_analysis": "检查制度未落实",
        "responsible_department": "生产车间", "corrective_actions": "装箱逐箱检查",
        "preventive_actions": "相关责任人处罚", "company_at_fault": True}),
    ("sales_wh", Role.SALES, "propose_handling", {"type": "compensation", "amount": Decimal("45.50"),
                                                  "note": "赔偿一箱 V2047"}),
    ("leader1", Role.LEADER, "approve", {"note": "同意"}),
    ("sales_wh", Role.SALES, "notify_customer", {"via": "visit", "note": "已上门告知"}),
    ("sales_wh", Role.SALES, "record_satisfaction", {"rating": 4, "comment": "<b>满意</b> & 希望改进"}),
)


def short_case(walk=WALK):
    command = RecordComplaint(
        channel=Channel.SALESPERSON, category=Category.COUNT_SHORTAGE, description="-整箱未拆封, 打开后少了两包",
        customer=Customer(name="刘店长", phone="+8613907310000", type=CustomerType.RETAILER, province="湖北",
                          city="武汉"),
        product=Product(sku="V2047", name="抽取式面巾 150抽", production_date=date(2009, 6, 1), quantity=1))
    c = open_complaint(command, "C-20090610-AAAAAA", "h", Route("HB-WH", "sales_wh"), "service1", NOW)
    for username, role, action, data in walk:
        perform(c, COMMANDS[action](**data), Context(Actor(username, frozenset({role})), NOW, SALES))
    return c


def by_header(values):
    return dict(zip(HEADERS, values))


def test_a_row_has_the_form_the_quality_result_the_handling_and_the_satisfaction():
    values = by_header(row(short_case()))
    assert values["投诉编号"] == "C-20090610-AAAAAA" and values["状态"] == "已回访"
    assert values["受理时间"] == datetime(2009, 6, 10, 10, 0, tzinfo=exports.SHANGHAI)
    assert values["联系电话"] == "139 0731 0000" and values["顾客类型"] == "商场、超市"
    assert values["调查情况"] == "整箱未拆封, 少两包" and values["提供样品"] == "是" and values["提供合格证"] == "否"
    assert values["要求金额(元)"] == Decimal("45.50")
    assert values["原因分析"] == "检查制度未落实" and values["责任部门"] == "生产车间" and values["我方责任"] == "是"
    assert values["处理方式"] == "赔偿" and values["处理金额(元)"] == Decimal("45.50") and values["审批结果"] == "同意"
    assert values["告知方式"] == "拜访" and values["满意度(1-5)"] == 4 and values["顾客对处理结果的意见"].startswith("<b>")


def test_a_complaint_just_received_has_empty_later_columns():
    values = by_header(row(short_case(walk=())))
    assert values["调查情况"] is None and values["满意度(1-5)"] is None and values["投诉属实"] is None


def test_csv_is_utf8_with_a_bom_chinese_headers_and_shanghai_times():
    body = exports.to_csv([row(short_case())])
    assert body.startswith(b"\xef\xbb\xbf")
    header, values = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    record = dict(zip(header, values))
    assert header[0] == "投诉编号" and record["受理时间"] == "2009-06-10 10:00" and record["生产日期"] == "2009-06-01"
    assert record["处理金额(元)"] == "45.50" and record["满意度(1-5)"] == "4" and record["数量"] == "1"


def test_csv_cells_that_would_run_as_formulas_stay_text():
    header, values = list(csv.reader(io.StringIO(exports.to_csv([row(short_case())]).decode("utf-8-sig"))))
    record = dict(zip(header, values))
    assert record["顾客要求"] == "'=HYPERLINK(\"http://x\")赔偿一箱" and record["顾客意见"].startswith("'-整箱")


def test_xlsx_has_typed_cells_and_text_never_becomes_a_formula():
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([row(short_case())]))).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2]))
    assert tuple(header) == HEADERS
    assert cells["受理时间"].value == datetime(2009, 6, 10, 10, 0) and cells["处理金额(元)"].value == 45.5
    assert cells["顾客要求"].data_type == "s" and cells["顾客要求"].value.startswith("=HYPERLINK")
    assert cells["满意度(1-5)"].value == 4 and cells["提供样品"].value == "是"


def test_the_feedback_form_shows_every_box_of_the_paper_form():
    page = render(fields(short_case(), {"sales_wh": "王强"}), NOW)
    values = read_form(page)
    assert "@page" in page and "size: A4" in page and "<h1>顾客意见信息反馈表</h1>" in page
    assert values["report_date"] == "2009-06-10" and values["investigation_result"] == "3号机4班实习生装箱"
    assert values["customer_opinion"] == "-整箱未拆封, 打开后少了两包" and values["responsible_department"] == "生产车间"
    assert values["handling_opinion"] == "赔偿 45.50 元\n赔偿一箱 V2047\n领导审批: 同意, 同意"
    assert values["customer_feedback"] == "满意度 4/5\n<b>满意</b> & 希望改进"
    assert values["sample_provided"] == "已提供" and values["certificate_provided"] == "未提供"
    assert values["salesperson"] == "王强" and values["quality_staff"] == "quality1"


def test_the_feedback_form_escapes_what_users_wrote():
    page = render(fields(short_case()), NOW)
    assert "<b>满意</b>" not in page and "&lt;b&gt;满意&lt;/b&gt; &amp; 希望改进" in page


@dataclass
class FakeSearch:
    """Pages over stored items in the order given."""

    items: list

    def page(self, plan, limit, tier=0, after=None, now_key=None):
        start = int(after or 0)
        chunk = self.items[start:start + limit]
        return chunk, ((0, str(start + limit)) if start + limit < len(self.items) else None)


class FakeStore:
    def __init__(self):
        self.files = {}

    def store(self, name, body, content_type, now):
        self.files[f"exports/{name}"] = body
        return f"exports/{name}"

    def download_url(self, key, name, expires_in=900):
        return f"https://bucket/{key}?expires={expires_in}"


@dataclass
class FakeAdapters:
    search: FakeSearch
    directory: FakeDirectory = field(default_factory=lambda: FakeDirectory(
        {"sales_wh": StaffMember("sales_wh", "王强", frozenset({Role.SALES}))}))


def stored(n):
    c = short_case(walk=())
    return [{**plain(c), "id": f"C-20090610-{i:06d}", "version": 1} for i in range(n)]


MANAGER = Actor("manager1", frozenset({Role.MANAGER}))


def test_a_small_export_is_the_file_itself(monkeypatch):
    result = exports.export_complaints(ListQuery(), "csv", MANAGER, FakeAdapters(FakeSearch(stored(3))), FakeStore(),
                                       NOW)
    assert result.link is None and result.file.rows == 3 and result.file.name == "complaints-20090610-100000.csv"
    first = dict(zip(HEADERS, next(csv.reader(io.StringIO(result.file.body.decode("utf-8-sig").split("\n", 1)[1])))))
    assert first["业务员"] == "王强"  # the salesperson's name, not the username sales_wh


def test_a_large_export_goes_through_the_bucket_with_a_link_of_at_most_15_minutes(monkeypatch):
    monkeypatch.setattr(exports, "DIRECT_MAX_ROWS", 2)
    store = FakeStore()
    result = exports.export_complaints(ListQuery(), "xlsx", MANAGER, FakeAdapters(FakeSearch(stored(5))), store, NOW)
    assert result.file is None and result.link["rows"] == 5 and result.link["download_url"].endswith("expires=900")
    assert load_workbook(io.BytesIO(store.files["exports/" + result.link["filename"]])).active.max_row == 6


def test_xlsx_goes_through_the_bucket_when_the_caller_cannot_take_binary():
    result = exports.export_complaints(ListQuery(), "xlsx", MANAGER, FakeAdapters(FakeSearch(stored(1))), FakeStore(),
                                       NOW, binary_ok=False)
    assert result.file is None and result.link["format"] == "xlsx"


def test_too_many_matching_complaints_are_refused(monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 4)
    with pytest.raises(exports.RuleViolation):
        exports.export_complaints(ListQuery(), "csv", MANAGER, FakeAdapters(FakeSearch(stored(5))), FakeStore(), NOW)


@pytest.mark.parametrize("role", [Role.SERVICE, Role.SALES, Role.QUALITY])
def test_only_managers_leaders_and_admins_export(role):
    with pytest.raises(NotAllowed):
        exports.export_complaints(ListQuery(), "csv", Actor("x", frozenset({role})), FakeAdapters(FakeSearch([])),
                                  FakeStore(), NOW)


def test_a_row_says_what_the_quantity_counts_and_the_other_problems_beside_the_main_one():
    c = short_case(walk=())
    c.product.quantity, c.product.unit = 30, "case"
    c.other_categories = [Category.LABEL_ERROR, Category.OTHER]
    values = by_header(row(c))
    assert values["数量"] == 30 and values["数量单位"] == "箱"
    assert values["投诉类别"] == "数量不够" and values["其他问题"] == "标签有误、其他问题"


def test_the_feedback_form_gives_the_quantity_with_its_unit_and_the_main_problem_first():
    c = short_case(walk=())
    c.product.quantity, c.product.unit = 30, "case"
    c.other_categories = [Category.PRINT_DEFECT]
    boxes = fields(c)
    assert boxes["quantity"] == "30 箱" and boxes["category"] == "数量不够（主要）; 印刷不良"
