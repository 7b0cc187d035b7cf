"""Finding a complaint in the staff console, in a real headless Chromium (1366 x 768 and 390 x 844): the
header's search box (a complaint number opens it, a phone in another spelling lists that customer's
complaints), the queue's product-code filter, the hotline entry that shows the caller's earlier complaints
and adds the call to an open one as a note, and a possible duplicate merged into its original. Complaints
come in through the public API, as from the web form. One local system for the module."""
from __future__ import annotations

import secrets

import pytest
import requests

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, shoot
from tests.e2e.test_console import login as console_login
from tests.real_cases import BLADE, ODOR, SEAL_OPEN
from tests.real_cases import body as case_body

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def a_mobile() -> str:
    """A mobile number no other test uses (never ending in 99: moto's SNS takes such a number as opted out)."""
    number = "13899"
    while number.endswith("99"):
        number = "138" + "".join(secrets.choice("0123456789") for _ in range(8))
    return number


def complain(system, case: dict, phone: str) -> str:
    body = case_body(case)
    body["customer"]["phone"] = phone
    response = requests.post(f"{system}/api/v1/complaints", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["complaint_id"]


_tokens: dict[tuple[str, str], str] = {}


def staff(system, user: str) -> dict[str, str]:
    if (system, user) not in _tokens:
        answer = requests.post(f"{system}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD}, timeout=10)
        _tokens[system, user] = answer.json()["token"]
    return {"Authorization": f"Bearer {_tokens[system, user]}"}


def detail(system, complaint_id: str) -> dict:
    response = requests.get(f"{system}/api/v1/staff/complaints/{complaint_id}", headers=staff(system, "admin1"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def found(system, q: str) -> list[str]:
    response = requests.get(f"{system}/api/v1/staff/search", params={"q": q, "limit": 50},
                            headers=staff(system, "admin1"), timeout=10)
    assert response.status_code == 200, response.text
    return [item["complaint_id"] for item in response.json()["items"]]


def login(open_page, system, user, viewport=DESKTOP):
    return console_login(open_page, system, user, viewport=viewport)


def search(page, q: str) -> None:
    page.fill("#search-q", q)
    page.press("#search-q", "Enter")


@pytest.fixture(scope="module")
def customer(system):
    """张先生 of case 1 (Changsha: sales_cs's territory) with two open complaints: the blade, then the odor."""
    phone = a_mobile()
    blade = complain(system, BLADE, phone)
    odor = complain(system, ODOR, phone)
    return {"phone": phone, "blade": blade, "odor": odor}


def test_a_complaint_number_in_the_header_search_opens_that_complaint(system, open_page, customer):
    page = login(open_page, system, "service1")
    search(page, customer["blade"].lower().removeprefix("c-"))   # as read out on the phone: any case, no C-
    page.locator("#sec-history").wait_for()
    assert page.inner_text("h1").strip() == customer["blade"]
    assert page.evaluate("location.hash") == f"#/c/{customer['blade']}"
    page.go_back()                                              # back goes where the search was made, not to it
    page.locator("#queue table, #queue .empty").first.wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_a_phone_in_another_spelling_lists_that_customers_complaints(system, open_page, customer, viewport):
    phone = customer["phone"]
    page = login(open_page, system, "service1", viewport)
    search(page, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}")
    page.locator("#search-results tbody tr").first.wait_for()
    assert "电话" in page.inner_text("#search-matched")
    assert phone[3:7] not in page.url and phone[3:7] not in page.title(), "the phone stays out of the browser's history"
    ids = [row.get_attribute("data-id") for row in page.locator("#search-results tbody tr").all()]
    assert ids == [customer["odor"], customer["blade"]], "that customer's complaints, newest first"
    row = page.locator(f"#search-results tr[data-id='{customer['blade']}']")
    assert "已分派" in row.inner_text() and "V2131" in row.inner_text()
    assert page.locator("#search-form").is_visible()
    check_accessibility(page, "the search results")
    shoot(page, "21-console-search-phone")
    row.locator("a").click()
    page.locator("#sec-history").wait_for()
    assert page.locator("#search-form").is_visible(), "the search box is on every page"


def test_a_search_that_finds_nothing_says_so_and_a_too_short_one_shows_the_servers_message(system, open_page, problems):
    page = login(open_page, system, "service1")
    search(page, "无此人")
    page.locator("#search-message", has_text="没有找到").wait_for()
    assert page.locator("#search-results tr").count() == 0
    problems.expected.append((400, "/search"))
    search(page, "张")
    page.locator("h1", has_text="搜索: 张").wait_for()
    page.locator("#search-results[aria-busy=false]").wait_for(state="attached")
    message = page.inner_text("#search-message").strip()
    assert "2" in message and "没有找到" not in message, message   # the server says how many characters it needs
    check_accessibility(page, "a search with a message")


def test_the_search_speaks_english_on_the_english_console(system, open_page, customer):
    page = open_page(f"{system}/console?lang=en", viewport=DESKTOP)
    page.fill("input[name=username]", "service1")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#queue table, #queue .empty").first.wait_for()
    assert page.get_by_role("searchbox", name="Search complaints").is_visible()
    search(page, customer["phone"])
    page.locator("#search-matched", has_text="found by phone").wait_for()
    search(page, "Nobody Here")
    page.locator("#search-message", has_text="No complaint found").wait_for()


def test_a_salesperson_finds_only_their_own_complaints(system, open_page, customer):
    page = login(open_page, system, "sales_wh")                # Wuhan: not 张先生's salesperson
    search(page, customer["phone"])
    page.locator("#search-message", has_text="没有找到").wait_for()


def test_the_queue_filters_by_product_code(system, open_page, customer):
    page = login(open_page, system, "service1")
    label = page.locator("form.filters [data-field=sku] label")
    assert label.inner_text().strip() == "产品编号"
    page.get_by_label("产品编号", exact=True).fill("V2131")
    page.click("form.filters button[type=submit]")
    page.locator("#queue[aria-busy=false]").wait_for()
    skus = {cell.inner_text().split()[0] for cell in page.locator("#queue td[data-label='产品']").all()}
    assert skus == {"V2131"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_hotline_entry_shows_the_callers_open_complaints_and_adds_the_call_to_the_same_matter(
        system, open_page, viewport):
    phone = a_mobile()
    blade, odor = complain(system, BLADE, phone), complain(system, ODOR, phone)
    page = login(open_page, system, "service1", viewport)
    page.keyboard.press("Alt+N")
    page.locator("#entry-form").wait_for()
    page.keyboard.type(f"{phone[:3]} {phone[3:7]} {phone[7:]}")   # typed, not left: shown as soon as it is a number
    earlier = page.locator("#entry-earlier")
    earlier.locator(f"li[data-id='{blade}']").wait_for()
    assert [li.get_attribute("data-id") for li in earlier.locator("li.earlier-item").all()] == [odor, blade]
    item = earlier.locator(f"li[data-id='{blade}']")
    assert "已分派" in item.inner_text() and "V2131" in item.inner_text()
    page.fill("[name='customer.name']", "张先生")
    page.fill("[name=description]", "再次来电: 刀片的事什么时候给答复")
    check_accessibility(page, "the hotline entry with earlier complaints")
    shoot(page, "22-console-hotline-earlier")

    item.get_by_role("button", name="这是同一件事").click()
    page.locator("#entry-added").wait_for()
    assert page.inner_text("#entry-added").strip() == blade
    assert "已添加到投诉" in page.inner_text("#entry-receipt")
    assert page.locator("#entry-form").is_hidden()
    notes = [h for h in detail(system, blade)["history"] if h["action"] == "note"]
    assert [n["data"]["note"] for n in notes] == ["再次来电: 刀片的事什么时候给答复"]
    assert sorted(found(system, phone)) == sorted([blade, odor]), "no new complaint was recorded"

    # no description typed: the specialist is asked for the note first
    page.click("#entry-next")
    page.locator("#entry-form").wait_for()
    page.fill("[name='customer.phone']", phone)
    page.locator("[name='customer.phone']").blur()
    item = page.locator(f"#entry-earlier li[data-id='{odor}']")
    item.get_by_role("button", name="这是同一件事").click()
    item.locator("textarea").wait_for()
    assert item.locator("textarea").evaluate("e => e === document.activeElement")
    item.locator("textarea").fill("顾客说气味已散, 不用换了")
    item.get_by_role("button", name="添加为备注").click()
    page.locator("#entry-added").wait_for()
    page.click("#entry-added")
    page.locator("#sec-history", has_text="顾客说气味已散").wait_for()
    assert sorted(found(system, phone)) == sorted([blade, odor])


def test_a_possible_duplicate_is_shown_and_merged_into_its_original(system, open_page):
    phone = a_mobile()
    first = complain(system, SEAL_OPEN, phone)
    second = complain(system, SEAL_OPEN, phone)                 # the same SKU again within 30 days
    assert detail(system, second)["possible_duplicate_of"] == [first]
    page = login(open_page, system, "service1")
    page.goto(f"{system}/console#/c/{second}")
    page.locator("#sec-history").wait_for()
    warning = page.locator("#detail-duplicates")
    assert "可能重复" in warning.inner_text() and warning.locator(f"a[href='#/c/{first}']").count() == 1
    page.click("#action-merge > summary")
    form = page.locator("form[data-action=merge]")
    assert form.locator("[name=into]").input_value() == first
    check_accessibility(page, "a possible duplicate")
    shoot(page, "23-console-possible-duplicate")
    page.set_viewport_size(PHONE)
    assert warning.is_visible() and warning.bounding_box()["width"] <= PHONE["width"]
    shoot(page, "23-console-possible-duplicate")
    page.set_viewport_size(DESKTOP)
    form.locator("[name=note]").fill("同一箱货, 顾客打了两次电话")
    form.locator("button[type=submit]").click()
    page.locator("#detail-merged-into").wait_for()
    assert "已合并到" in page.inner_text("#detail-merged-into")
    page.click(f"#detail-merged-into a[href='#/c/{first}']")
    page.locator(f"#sec-merged li[data-id='{second}']").wait_for()
    assert SEAL_OPEN["description"] in page.inner_text(f"#sec-merged li[data-id='{second}']")
    check_accessibility(page, "the complaint another was merged into")
    shoot(page, "24-console-merged")
    page.set_viewport_size(PHONE)
    shoot(page, "24-console-merged")
