"""The printable feedback form on one A4 sheet, sign-off rows included, however long the case: the layout
rules, without a browser (Chromium's own PDF of these pages: tests/e2e/test_feedback_form_pdf.py)."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain.commands import COMMANDS
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor,
    Category,
    Channel,
    Customer,
    CustomerType,
    DesiredResolution,
    Product,
    Role,
    StaffMember,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform
from chalicelib.services.feedback_form import SIZES, Fit, fields, fit, render
from tests.html_fields import read_form
from tests.real_cases import HOTEL_NAPKINS

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SALES = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), territories=["HN-CS"])
PEOPLE = {"sales_cs": "李明", "quality1": "赵工", "leader1": "孙总"}


def long(text: str, size: int) -> str:
    """The text said again and again up to `size` characters, in paragraphs as people type them."""
    paragraphs, n = [], 0
    while sum(len(p) + 1 for p in paragraphs) < size:
        n += 1
        paragraphs.append(f"{n}. {text}")
    return "\n".join(paragraphs)[:size]


def hotel(size: int = 2000, line: int = 100):
    """Case 2 (the hotel's napkins) with every text as long as the API lets it be, walked to followed up."""
    case, customer, product = HOTEL_NAPKINS, HOTEL_NAPKINS["customer"], HOTEL_NAPKINS["product"]
    command = RecordComplaint(
        channel=Channel.SALESPERSON, category=Category(case["category"]),
        description=long(case["description"], size),
        customer=Customer(name=customer["name"], phone="+8673184561234", type=CustomerType(customer["type"]),
                          province=customer["province"], city=customer["city"], account_id=customer["account_id"]),
        product=Product(sku=product["sku"], name=long(product["name"] + "(酒店专用, 印公司标志)", line),
                        batch=product["batch"], quantity=product["quantity"],
                        purchase_place=long("长沙市芙蓉区五一大道 酒店采购部仓库", line)),
        desired_resolution=DesiredResolution(case["desired_resolution"]))
    c = open_complaint(command, "C-20261124-HOTEL1", "h", Route("HN-CS", "sales_cs"), "service1", NOW)
    walk = (
        ("sales_cs", Role.SALES, "contact", {"note": "已到酒店查看"}),
        ("sales_cs", Role.SALES, "submit_feedback_form", {
            "investigation": long("到酒店仓库查看: 两个订单的餐巾纸印刷颜色浅, 有条纹; 塑料袋上没有公司信息; "
                                  "同一批货有三个生产日期, 酒店要求全部退货", size),
            "sample_provided": True, "certificate_provided": True,
            "customer_request": long("全部退货, 重新按合同标准供货, 并书面说明原因", size),
            "requested_amount": Decimal("12800")}),
        ("quality1", Role.QUALITY, "record_qc_result", {
            "investigation_result": long("留样复检: 印刷墨量不足, 网纹辊磨损; 包装袋用错版本; "
                                         "三个生产日期为拼批发货", size),
            "cause_analysis": long("印刷机网纹辊到期未换; 包装车间领错袋子; 仓库拼批出货未登记", size),
            "responsible_department": long("印刷车间、包装车间、成品仓库", line),
            "corrective_actions": long("更换网纹辊, 重印该批; 包装袋按版本领用; 拼批出货须经品质确认", size),
            "preventive_actions": long("网纹辊按寿命更换并记录; 每班首件检验印刷色差; 仓库出货按批次扫码", size),
            "company_at_fault": True}),
        ("sales_cs", Role.SALES, "propose_handling", {
            "type": "return", "note": long("同意全部退货, 补发合格品, 运费由我方承担", size)}),
        ("leader1", Role.LEADER, "approve", {"note": long("同意退货并补发, 印刷车间写出整改报告", size)}),
        ("sales_cs", Role.SALES, "notify_customer", {"via": "visit", "note": "已上门告知"}),
        ("sales_cs", Role.SALES, "record_satisfaction", {
            "rating": 4, "comment": long("处理及时, 希望以后每批货附检验报告", min(size, 500))}),
    )
    for username, role, action, data in walk:
        perform(c, COMMANDS[action](**data), Context(Actor(username, frozenset({role})), NOW, SALES))
    return c


def page_of(complaint) -> str:
    return render(fields(complaint, PEOPLE), NOW)


def test_the_longest_boxes_get_the_smaller_type_and_short_ones_keep_the_normal_size():
    boxes = fields(hotel(size=2000))
    boxes["customer_feedback"] = "满意度 4/5\n满意"
    fits = fit(boxes)
    assert fits["customer_feedback"] == Fit(size=0, lines=2)  # two lines at the normal size
    assert fits["customer_opinion"].size == len(SIZES) - 1 and fits["customer_opinion"].clipped
    assert fits["sku"].size == 0 and not fits["sku"].clipped


def test_a_short_case_is_not_shortened_anywhere():
    assert not any(f.clipped for f in fit(fields(hotel(size=60, line=20), PEOPLE)).values())


def test_a_shortened_box_is_marked_and_noted_and_the_page_still_holds_every_word():
    complaint = hotel()
    html = page_of(complaint)
    assert "<th>顾客意见*</th>" in html and "内容较长, 打印时只印前几行, 全文见系统中的投诉 C-20261124-HOTEL1" in html
    assert read_form(html)["customer_opinion"] == complaint.description  # clipped when printed, not cut
    assert "-webkit-line-clamp" in html and "break-inside: avoid" in html and "size: A4" in html
