"""The printable feedback form on one A4 sheet, sign-off rows included, however long the case: the layout
rules without a browser, and Chromium's own PDF of the page (page.pdf, A4) counted page by page."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.domain.commands import COMMANDS
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Customer, CustomerType, DesiredResolution, Product, Role, StaffMember,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform
from chalicelib.services.feedback_form import SIZES, Fit, fields, fit, render
from tests.html_fields import read_form
from tests.real_cases import HOTEL_NAPKINS

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
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
            "investigation_result": long("留样复检: 印刷墨量不足, 网纹辊磨损; 包装袋用错版本; 三个生产日期为拼批发货", size),
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


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (infra/ensure_chromium.sh)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def printed(chromium, html: str) -> tuple[bytes, dict]:
    """Chromium's PDF of the page on A4, and where the sign-off table and the boxes are when printed."""
    page = chromium.new_page()
    try:
        page.set_content(html)
        page.emulate_media(media="print")
        layout = page.evaluate("""() => {
            const box = e => e.getBoundingClientRect();
            return {signoff_bottom: box(document.querySelector('.signoff')).bottom,
                    clipped: Array.from(document.querySelectorAll('.box')).filter(b => b.scrollHeight > b.clientHeight + 1)
                                  .map(b => b.dataset.field)};
        }""")
        return page.pdf(format="A4"), layout
    finally:
        page.close()


def pages(pdf: bytes) -> int:
    """The pages of a PDF: its /Type /Page objects (not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_long_hotel_case_prints_on_one_a4_page_with_its_sign_off_rows(chromium):
    pdf, layout = printed(chromium, page_of(hotel()))
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    assert layout["signoff_bottom"] <= (297 - 2 * 10) / 25.4 * 96  # within the sheet's printable height (px)


def test_a_short_case_and_an_empty_form_print_on_one_page_unshortened(chromium):
    pdf, layout = printed(chromium, page_of(hotel(size=60, line=20)))
    assert pages(pdf) == 1 and layout["clipped"] == []
    empty = fields(hotel(size=60, line=20))
    empty.update({name: "" for name in ("investigation", "investigation_result", "cause_analysis", "corrective_actions",
                                        "preventive_actions", "handling_opinion", "customer_feedback")})
    pdf, layout = printed(chromium, render(empty, NOW))
    assert pages(pdf) == 1 and layout["clipped"] == []


def test_only_the_boxes_said_to_be_shortened_are_shortened_in_the_browser(chromium):
    html = page_of(hotel(size=700, line=60))
    _, layout = printed(chromium, html)
    marked = {name for name, f in fit(fields(hotel(size=700, line=60), PEOPLE)).items() if f.clipped}
    assert set(layout["clipped"]) <= marked


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
