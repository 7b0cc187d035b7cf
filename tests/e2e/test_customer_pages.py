"""The complainant's side of the loop in a real headless Chromium on a phone (390 x 844): the SMS's status
link, the forward-only steps, the wait after too many wrong codes, a new access code, the survey; and what the
specialist sees of it in the console. Links are taken as a person takes them: from the customer's SMS in the
local outbox (/dev/outbox?format=html), by tapping them. One local system for the module."""
from __future__ import annotations

import re
import secrets
import time

import pytest
import requests

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, shoot
from tests.real_cases import SEAL_OPEN
from tests.real_cases import body as case_body

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,}$")  # URL-safe base64 of at least 128 bits


def a_mobile() -> tuple[str, str]:
    """A mobile number no other test uses: as typed, and as stored (E.164). Never ending in 99: moto's SNS
    takes such a number as opted out of SMS."""
    number = "13999"
    while number.endswith("99"):
        number = "139" + "".join(secrets.choice("0123456789") for _ in range(8))
    return number, "+86" + number


def case_4(phone: str, **changes) -> dict:
    body = case_body(SEAL_OPEN, **changes)
    body["customer"]["phone"] = phone
    return body


def complain(system, phone: str) -> dict:
    """Case 4 (a distributor in Guangzhou, sales_gz's territory) from the public form, with this phone."""
    response = requests.post(f"{system}/api/v1/complaints", json=case_4(phone), timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


_tokens: dict[str, str] = {}


def staff(system, user: str) -> dict[str, str]:
    if user not in _tokens:
        _tokens[user] = requests.post(f"{system}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD},
                                      timeout=10).json()["token"]
    return {"Authorization": f"Bearer {_tokens[user]}"}


def act(system, complaint_id: str, user: str, action: str, **data) -> dict:
    response = requests.post(f"{system}/api/v1/staff/complaints/{complaint_id}/actions",
                             json={"action": action, **data}, headers=staff(system, user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def sms_to(system, e164: str, having: str, count: int = 1, seconds: float = 30) -> list[dict]:
    """The customer SMS to this phone whose text holds `having`, once there are `count` of them (the outbox is
    delivered a moment after the change, by the stream)."""
    deadline = time.monotonic() + seconds
    while True:
        outbox = requests.get(f"{system}/dev/outbox", timeout=30).json()
        found = [m for m in outbox.get("customer_messages", [])
                 if m["channel"] == "sms" and m["to"] == e164 and having in m["text"]]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"no {count} SMS to {e164} with {having!r}: {found}"
        time.sleep(0.5)


def tap_link_in_sms(open_page, system, e164: str, having: str):
    """On the phone: the outbox page, the newest SMS to this number, its link tapped."""
    page = open_page(f"{system}/dev/outbox?format=html", viewport=PHONE)
    link = f"a[href*='{having}']"
    message = page.locator("#customer-messages li.message", has_text=e164).filter(has=page.locator(link))
    message.first.locator(link).click()
    return page


def link_token(message: dict, having: str) -> str:
    [link] = [link for link in message["links"] if having in link]
    return re.split(r"/s/|\?t=", link)[-1]


def shown_after_reloads(page, selector: str, count: int = 1, seconds: float = 30):
    """Reload the console's complaint page until `count` elements match (what the stream delivers, a moment later)."""
    deadline = time.monotonic() + seconds
    while page.locator(selector).count() < count:
        assert time.monotonic() < deadline, f"not {count} of {selector}"
        time.sleep(0.5)
        page.reload()
        page.locator("#sec-customer-messages").wait_for()
    return page.locator(selector)


def login_to_complaint(open_page, system, complaint_id: str, user: str = "service1", **where):
    page = open_page(f"{system}/console#/c/{complaint_id}", **where)
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#sec-customer-messages").wait_for()
    return page


def step_names(page) -> list[str]:
    return [name.strip() for name in page.locator("#timeline li strong").all_inner_texts()]


def test_the_status_link_of_the_receipt_sms_opens_the_progress_and_its_steps_only_move_forward(system, open_page):
    typed, e164 = a_mobile()
    receipt = complain(system, typed)
    complaint_id, code = receipt["complaint_id"], receipt["access_code"]
    [sms] = sms_to(system, e164, "/s/")
    assert sms["text"].startswith("【") and complaint_id in sms["text"] and code in sms["text"]
    token = link_token(sms, "/s/")
    assert TOKEN.match(token) and code not in token

    # the complaint goes to the lab and comes back: "investigating" again, internally
    act(system, complaint_id, "sales_gz", "contact", note="已电话联系陈先生")
    act(system, complaint_id, "sales_gz", "submit_feedback_form", investigation="侧封口开", sample_provided=True,
        certificate_provided=True, customer_request="处理库存")
    act(system, complaint_id, "quality1", "record_qc_result", investigation_result="原纸偏薄",
        cause_analysis="热封不良", responsible_department="生产车间", corrective_actions="设定折叠尺寸",
        preventive_actions="换卷检查", company_at_fault=True)

    page = tap_link_in_sms(open_page, system, e164, "/s/")
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]+$"))
    page.locator("#status-result").wait_for()
    assert complaint_id in page.inner_text("#status-result-title")
    assert page.locator("#status-form").is_hidden(), "the link needs nothing typed"
    steps = step_names(page)
    assert steps == ["已受理", "调查中", "质量检测中", "已告知处理结果", "已结案"], f"twice or out of order: {steps}"
    current = page.locator("#timeline li.step-current").inner_text()
    assert current.startswith("质量检测中"), f"the page shows a step going back: {current}"
    assert page.locator("#timeline li.step-done").count() == 2
    assert "质量检测中" in page.inner_text("#status-now")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    check_accessibility(page, "the status page from the status link")
    shoot(page, "30-status-link")

    # in English, the same link
    page.click("a[data-other-lang]")
    page.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]+\?lang=en$"))
    page.locator("#status-result").wait_for()
    assert page.get_attribute("html", "lang") == "en" and "Quality testing" in page.inner_text("#status-now")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_after_too_many_wrong_codes_the_page_says_how_many_minutes_to_wait(system, open_page, problems, viewport):
    typed, _ = a_mobile()
    complaint_id = complain(system, typed)["complaint_id"]
    problems.expected += [(404, "/status"), (429, "/status")]
    page = open_page(f"{system}/status?id={complaint_id}", viewport=viewport)
    message = page.locator("#status-message")
    for attempt in range(10):
        page.fill("#access-code", f"{attempt:06d}")
        page.click("#status-submit")
        page.wait_for_function("() => !document.getElementById('status-submit').disabled")
        if "分钟后再试" in message.inner_text():
            break
        assert "没有找到" in message.inner_text()
    wait = re.search(r"请 (\d+) 分钟后再试", message.inner_text())
    assert wait and 1 <= int(wait.group(1)) <= 15, message.inner_text()
    assert attempt >= 3, "refused before a customer could mistype a few times"
    shoot(page, "31-status-wait")


def test_forgot_code_gives_the_same_answer_and_only_the_right_digits_bring_a_new_code(system, open_page):
    typed, e164 = a_mobile()
    receipt = complain(system, typed)
    complaint_id = receipt["complaint_id"]
    sms_to(system, e164, receipt["access_code"])
    page = open_page(f"{system}/status?id={complaint_id}", viewport=PHONE)
    page.click("#forgot summary")
    assert page.input_value("#forgot-id") == complaint_id, "the number typed above is taken along"
    answers = []
    for digits in ("0000" if typed[-4:] != "0000" else "1111", typed[-4:]):
        page.fill("#forgot-last4", digits)
        page.click("#forgot-submit")
        page.locator("#forgot-message", has_text="如信息相符").wait_for()
        answers.append(page.inner_text("#forgot-message").strip())
        page.evaluate("document.getElementById('forgot-message').textContent = ''")
    assert answers == ["如信息相符, 新的查询码将以短信发送到您的手机"] * 2, "the answer tells whether the digits match"
    check_accessibility(page, "the forgot-code form")
    shoot(page, "32-status-forgot-code")

    # only the right digits sent a new code: one more SMS, with another code
    first, again = sms_to(system, e164, "", count=2)
    words = again["text"].replace(complaint_id, "")
    for link in again["links"]:
        words = words.replace(link, "")
    new_code = re.search(r"(?<!\d)(\d{6})(?!\d)", words)
    assert new_code and new_code.group(1) != receipt["access_code"], again["text"]
    time.sleep(2)
    assert len(sms_to(system, e164, "")) == 2, "the wrong digits sent a code too"


def test_the_survey_link_asks_for_stars_by_keyboard_and_a_second_answer_is_thanked_not_counted(system, open_page,
                                                                                                  problems):
    typed, e164 = a_mobile()
    complaint_id = complain(system, typed)["complaint_id"]
    act(system, complaint_id, "sales_gz", "contact", note="已联系")
    told = act(system, complaint_id, "sales_gz", "close_unsubstantiated", explanation="封口为运输挤压所致, 已说明")
    assert told["status"] == "customer_notified"
    sms_to(system, e164, "/s/", count=2)  # the receipt, then the decision told
    in_ten_days = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 10 * 86400))
    fired = requests.post(f"{system}/dev/scheduler/fire", json={"until": in_ten_days}, timeout=30)
    assert fired.status_code == 200, fired.text
    [survey_sms] = sms_to(system, e164, "/survey?t=")
    assert TOKEN.match(link_token(survey_sms, "?t="))

    page = tap_link_in_sms(open_page, system, e164, "/survey?t=")
    page.wait_for_url(re.compile(r"/survey\?t=[A-Za-z0-9_-]+$"))
    assert page.inner_text("legend").strip() == "对处理结果满意吗"
    assert page.locator("input[type=radio][name=rating]").count() == 5
    for stars in range(1, 6):
        assert page.get_by_label(re.compile(rf"^{stars} ")).get_attribute("type") == "radio"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(page, "the survey")
    shoot(page, "33-survey")

    # by keyboard: Tab to the stars, arrows to four, Tab to the comment
    page.locator("h1").click()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "rating":
            break
    assert page.evaluate("document.activeElement.id") == "rating-1"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("input[name=rating]:checked").get_attribute("value") == "4"
    assert page.inner_text("#rating-word") == "4 满意"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment"
    page.keyboard.type("解释清楚了, 谢谢")
    assert page.inner_text("#comment-count") == "还可输入 491 字", "9 characters of 500, counted as the API does"
    page.keyboard.type(" 👍 ")  # an emoji is one character (two UTF-16 units); the spaces at the end do not count
    assert page.inner_text("#comment-count") == "还可输入 489 字"
    page.fill("#comment", "长" * 600)
    assert len(page.input_value("#comment")) == 500 and page.inner_text("#comment-count") == "还可输入 0 字"
    page.fill("#comment", "解释清楚了, 谢谢")
    shoot(page, "34-survey-filled")
    page.click("#survey-submit")
    page.locator("#survey-done").wait_for()
    assert page.inner_text("#survey-done-title") == "谢谢您的评价"
    assert page.locator("#survey-form").is_hidden()
    check_accessibility(page, "the survey answered")
    shoot(page, "35-survey-thanks")

    record = requests.get(f"{system}/api/v1/staff/complaints/{complaint_id}", headers=staff(system, "service1"),
                          timeout=10).json()
    assert record["status"] == "followed_up"
    assert record["satisfaction"]["by"] == "customer" and record["satisfaction"]["rating"] == 4
    assert record["satisfaction"]["comment"] == "解释清楚了, 谢谢"

    # the same link again: thanked, not counted
    problems.expected.append((409, "/api/v1/survey"))
    page.reload()
    page.get_by_label("1 很不满意").check()
    page.click("#survey-submit")
    page.locator("#survey-done").wait_for()
    assert page.inner_text("#survey-done-title") == "您已评价过, 谢谢"
    again = requests.get(f"{system}/api/v1/staff/complaints/{complaint_id}", headers=staff(system, "service1"),
                         timeout=10).json()
    assert again["satisfaction"]["rating"] == 4

    # what the specialist sees: every message sent and the customer's own answer, never a link or a code
    console = login_to_complaint(open_page, system, complaint_id, phone=False)
    section = console.locator("#sec-customer-messages")
    assert console.locator("#sec-customer-messages h2").inner_text() == "客户消息"
    shown_after_reloads(console, "#sec-customer-messages li.customer-message[data-state=sent]", 3)
    kinds = [k.get_attribute("data-kind") for k in section.locator("li.customer-message").all()]
    assert kinds == ["received", "handling_told", "survey"], kinds
    text = section.inner_text()
    assert "受理回执" in text and "处理结果告知" in text and "满意度问卷" in text and "短信" in text
    assert "4 满意" in console.inner_text("#survey-answer") and "解释清楚了" in console.inner_text("#survey-answer")
    assert link_token(survey_sms, "?t=") not in console.content()
    shoot(console, "36-console-customer-messages")


def test_survey_links_that_no_longer_work_say_so_in_either_language(system, open_page, problems):
    page = open_page(f"{system}/survey", viewport=PHONE)
    assert page.inner_text("#survey-done-title") == "链接无效" and page.locator("#survey-form").is_hidden()

    problems.expected.append((404, "/api/v1/survey"))
    page = open_page(f"{system}/survey?t={secrets.token_urlsafe(16)}&lang=en", viewport=PHONE)
    assert page.inner_text("h1") == "How did we do?"
    page.get_by_label("3 neutral").check()
    page.click("#survey-submit")
    page.locator("#survey-done").wait_for()
    assert page.inner_text("#survey-done-title") == "This link is not valid"

    # older than 14 days: what the API answers then (410) is made up here, the page's words are what is tested
    page = open_page(f"{system}/survey?t={secrets.token_urlsafe(16)}", viewport=PHONE)
    page.route("**/api/v1/survey", lambda route: route.fulfill(
        status=410, content_type="application/json", body='{"error": {"code": "gone", "message": "gone"}}'))
    problems.expected.append((410, "/api/v1/survey"))
    page.get_by_label("5 很满意").check()
    page.click("#survey-submit")
    page.locator("#survey-done").wait_for()
    assert page.inner_text("#survey-done-title") == "链接已过期"
    shoot(page, "37-survey-expired")


def test_the_specialist_sees_the_receipt_sms_resends_it_and_is_told_a_landline_gets_no_sms(system, open_page):
    typed, e164 = a_mobile()
    recorded = requests.post(f"{system}/api/v1/staff/complaints", json=case_4(typed, channel="hotline"),
                             headers=staff(system, "service1"), timeout=10)
    assert recorded.status_code == 201, recorded.text
    complaint_id, code = recorded.json()["complaint_id"], recorded.json()["access_code"]
    sms_to(system, e164, code)

    console = login_to_complaint(open_page, system, complaint_id, viewport=PHONE)
    shown_after_reloads(console, "#sec-customer-messages li.customer-message[data-state=sent]")
    received = console.locator("#sec-customer-messages li.customer-message")
    assert received.count() == 1 and "受理回执" in received.inner_text() and "已发送" in received.inner_text()

    console.click("#action-resend_receipt > summary")
    form = console.locator("form[data-action=resend_receipt]")
    assert form.locator("input, select, textarea").count() == 0, "resending asks for nothing"
    assert form.locator("button[type=submit]").inner_text().startswith("重发回执")
    form.locator("button[type=submit]").click()
    console.locator("#detail-notice", has_text="重发回执").wait_for()
    first, again = sms_to(system, e164, complaint_id, count=2)
    shown_after_reloads(console, "#sec-customer-messages li.customer-message[data-kind=received]", 2)
    assert code not in again["text"], "the receipt sent again carries a new code"
    check_accessibility(console, "the customer messages")
    shoot(console, "38-console-resend-receipt")

    # the hotline entry: a landline number gets a word under the phone field
    console.evaluate("location.hash = '#/new'")
    phone = console.locator("#entry-form [name='customer.phone']")
    phone.wait_for()
    hint = console.locator("#entry-form .hint.landline")
    phone.fill("0731-84561234")
    assert hint.inner_text() == "固定电话不能接收短信, 请告知顾客投诉编号和查询码"
    assert hint.get_attribute("id") in phone.get_attribute("aria-describedby")
    shoot(console, "39-console-landline-hint", full_page=False)
    phone.fill("+86 139 0731 0000")
    assert hint.inner_text() == ""


def test_a_merged_complaints_status_link_shows_the_complaint_it_was_merged_into(system, open_page):
    """The customer complained twice (web, then hotline); the second was merged into the first: the second's
    receipt link now shows the first one's progress, saying so, on the phone and in English."""
    typed, e164 = a_mobile()
    first = complain(system, typed)["complaint_id"]
    second = requests.post(f"{system}/api/v1/staff/complaints", json={**case_4(typed), "channel": "hotline"},
                           headers=staff(system, "service1"), timeout=10).json()["complaint_id"]
    sms_to(system, e164, second)
    act(system, second, "service1", "merge", into=first, note="同一件事")
    act(system, first, "sales_gz", "contact", note="已电话联系陈先生")

    page = open_page(f"{system}/dev/outbox?format=html", viewport=PHONE)
    message = page.locator("#customer-messages li.message", has_text=second).filter(has=page.locator("a[href*='/s/']"))
    message.first.locator("a[href*='/s/']").click()
    page.locator("#status-result").wait_for()
    assert second in page.inner_text("#status-result-title")
    merged = page.locator("#status-merged")
    assert merged.is_visible() and first in merged.inner_text() and "合并" in merged.inner_text()
    assert "调查中" in page.inner_text("#status-now"), "the first complaint's step, not the second's 已结案"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    check_accessibility(page, "a merged complaint's status page")
    shoot(page, "33-status-merged")
    page.click("a[data-other-lang]")
    page.locator("#status-result").wait_for()
    assert "same matter" in page.inner_text("#status-merged") and first in page.inner_text("#status-merged")
