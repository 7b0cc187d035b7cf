"""The console's complaint entry and the queue as the hotline specialist uses them on a laptop and the
salesperson on a phone (issue 18.9 and 18.10), in a real headless Chromium: the hotel's call (domain.md
case 2) recorded with its quantity in cases, three problems of which printing is the main one and a photo
from the letter; the queue's filters folded on a phone; the customer's phone a tel: link; the entry named
for who uses it; keyboard hints only on a wide screen."""
from __future__ import annotations

import pytest

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, png_bytes, shoot
from tests.e2e.test_console import login
from tests.e2e.test_console_search import DESKTOP, PHONE, detail

SIZES = {"1366": (DESKTOP, "service1", "电话登记"), "390": (PHONE, "sales_cs", "登记投诉")}


def record_the_hotels_call(page):
    """The hotel's napkins: 30 cases, printed too light (the main problem), no maker on the bags, three
    production dates in one delivery; a photo from the hotel's letter."""
    page.locator("nav a[data-nav=new]").click()
    form = page.locator("#entry-form")
    form.wait_for()
    page.fill("[name='customer.phone']", "0731-84561234")
    page.fill("[name='customer.name']", "王经理")
    page.select_option("[name='customer.type']", "hotel")
    page.fill("[name='customer.account_id']", "HOTEL-CS-001")
    page.fill("[name='customer.province']", "湖南")
    page.fill("[name='customer.city']", "长沙")
    page.fill("[name='product.sku']", "N3100")
    page.fill("[name='product.name']", "三层餐巾纸")
    page.fill("[name='product.batch']", "SA82220026")
    page.fill("[name='product.quantity']", "30")
    page.select_option("[name='product.unit']", label="箱")
    page.select_option("[name=category]", "print_defect")
    others = form.locator("[data-field=other_categories]")
    assert others.get_by_label("印刷不良").is_disabled(), "the main problem is not ticked again"
    others.get_by_label("标签有误").check()
    others.get_by_label("其他问题").check()
    page.fill("[name=description]", "餐巾纸印刷颜色太浅并有条纹, 塑料袋上没有公司信息, 一批货有三个生产日期")
    page.set_input_files("#entry-photos", files=[{"name": "letter.png", "mimeType": "image/png", "buffer": png_bytes()}])
    photo = page.locator("#entry-photo-list .photo").first
    photo.locator("img.thumb").wait_for()
    page.locator("#entry-photo-list .photo.done").wait_for()
    return form


@pytest.mark.parametrize("size", SIZES)
def test_the_hotels_call_is_recorded_with_its_unit_three_problems_and_a_photo(system, open_page, problems, size):
    viewport, user, title = SIZES[size]
    page = login(open_page, system, user, viewport=viewport)
    record_the_hotels_call(page)
    assert page.inner_text("#page-title").strip() == title
    check_accessibility(page, f"the complaint entry with a photo at {size}")
    shoot(page, f"45-console-entry-{user}")
    page.click("#entry-save")
    page.locator("#entry-receipt").wait_for()
    complaint_id = page.inner_text("#entry-id").strip()

    record = detail(system, complaint_id)
    assert record["product"]["quantity"] == 30 and record["product"]["unit"] == "case"
    assert record["category"] == "print_defect" and record["other_categories"] == ["label_error", "other"]
    assert len(record["photos"]) == 1
    assert record["channel"] == ("salesperson" if user == "sales_cs" else "hotline")

    page.locator(f"#entry-receipt a[href='#/c/{complaint_id}']").first.click()
    page.locator("#sec-history").wait_for()
    assert "30 箱" in page.inner_text("#sec-product")
    assert "标签有误、其他问题" in page.inner_text("#sec-complaint")
    assert page.locator("#sec-photos img").count() == 1
    check_accessibility(page, f"the complaint with three problems at {size}")


def test_on_a_phone_the_filters_fold_above_the_list_and_open(system, open_page, problems):
    page = login(open_page, system, "sales_cs", viewport=PHONE)
    panel = page.locator("#filters-panel")
    assert panel.get_attribute("open") is None and page.locator("form.filters").is_hidden()
    assert panel.bounding_box()["y"] < page.locator("#queue").bounding_box()["y"]
    page.click("#filters-toggle")
    assert page.locator("form.filters").is_visible()
    page.select_option("form.filters select[name=category]", "print_defect")
    page.click("form.filters button[type=submit]")
    page.locator("#queue[aria-busy=false]").wait_for()
    assert page.locator("form.filters").is_visible(), "the panel stays as the salesperson left it"
    check_accessibility(page, "the queue with its filters open on a phone")


def test_on_a_laptop_the_filters_are_open(system, open_page, problems):
    page = login(open_page, system, "service1", viewport=DESKTOP)
    assert page.locator("#filters-panel").get_attribute("open") is not None
    assert page.locator("form.filters").is_visible()


def test_the_customers_phone_is_a_tel_link_for_the_salesperson_and_not_for_quality(system, open_page, problems):
    page = login(open_page, system, "sales_cs", viewport=PHONE)
    record_the_hotels_call(page)
    page.click("#entry-save")
    page.locator("#entry-receipt").wait_for()
    complaint_id = page.inner_text("#entry-id").strip()
    page.locator(f"#entry-receipt a[href='#/c/{complaint_id}']").first.click()
    link = page.locator("#sec-customer a#detail-phone")
    assert link.get_attribute("href") == "tel:+8673184561234"

    quality = login(open_page, system, "quality1", viewport=PHONE)
    quality.evaluate(f"location.hash = '#/c/{complaint_id}'")
    quality.locator("#sec-customer .contact-hidden").wait_for()
    assert quality.locator("#sec-customer a[href^='tel:']").count() == 0


@pytest.mark.parametrize("user, zh, en", [("service1", "电话登记", "Hotline entry"),
                                          ("sales_cs", "登记投诉", "Record a complaint")])
def test_the_entry_page_is_named_for_who_uses_it(system, open_page, problems, user, zh, en):
    page = login(open_page, system, user, viewport=DESKTOP)
    assert page.inner_text("nav a[data-nav=new]").strip() == zh
    page.locator("nav a[data-nav=new]").click()
    page.locator("#entry-form").wait_for()
    assert page.inner_text("#page-title").strip() == zh and page.title().startswith(zh)

    english = open_page(f"{page.url.split('#')[0]}?lang=en", viewport=DESKTOP)
    english.fill("input[name=username]", user)
    english.fill("input[name=password]", DEMO_PASSWORD)
    english.keyboard.press("Enter")
    english.locator("nav a[data-nav=new]").click()
    english.locator("#entry-form").wait_for()
    assert english.inner_text("#page-title").strip() == en


def test_keyboard_hints_show_on_a_wide_screen_only(system, open_page, problems):
    page = login(open_page, system, "service1", viewport=DESKTOP)
    page.keyboard.press("Alt+N")
    page.locator("#entry-form").wait_for()
    assert page.locator("#entry-hint").is_visible() and "Ctrl+Enter" in page.inner_text("#entry-hint")

    page.set_viewport_size(PHONE)
    assert page.locator("#entry-hint").is_hidden()
    assert not [t for t in page.locator(".keyboard-hint").all() if t.is_visible()]
    assert "Alt+" not in page.inner_text("body") and "Ctrl+" not in page.inner_text("body")
