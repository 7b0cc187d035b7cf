"""The public pages in a real headless Chromium at phone width: complain with a photo, read the receipt,
look up the status. One local system for the module."""
from __future__ import annotations

import re

import requests

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, png_bytes, shoot, shoot_both

DESCRIPTION = "打开后有很大的油漆味, 没办法使用 (e2e 表单测试)"


def staff_get(base: str, path: str, user: str = "service1"):
    token = requests.post(f"{base}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD},
                          timeout=10).json()["token"]
    return requests.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_a_customer_complains_with_a_photo_on_a_phone_and_follows_the_status(system, open_page, problems):
    page = open_page(f"{system}/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.viewport_size["width"] == 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the form scrolls sideways on a phone"
    check_accessibility(page, "the empty form")
    shoot_both(page, "01-form")

    # a file that is not a photo: a clear message, nothing uploaded
    page.set_input_files("#photos", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    rejected = page.locator(".photo.rejected")
    assert "notes.txt" in rejected.inner_text() and "JPEG" in rejected.inner_text()
    rejected.get_by_role("button").click()
    assert page.locator(".photo.rejected").count() == 0

    # a real photo: progress bar, thumbnail, uploaded straight to the bucket
    page.set_input_files("#photos", files=[{"name": "odor.png", "mimeType": "image/png", "buffer": png_bytes()}])
    photo = page.locator(".photo").first
    photo.locator("img.thumb").wait_for()
    page.locator(".photo.done").wait_for()
    assert photo.locator("progress").get_attribute("value") == "100"

    page.get_by_label("有异味").check()
    page.fill("#description", DESCRIPTION)
    page.fill("#sku", "v2047")
    page.fill("#product-name", "抽取式面巾 150抽")
    page.fill("#production-date", "2008-11-29")
    page.fill("#purchase-place", "家润多赤岗冲店")
    page.fill("#quantity", "1")
    page.fill("#name", "张先生")
    page.fill("#phone", "12345")  # wrong
    page.fill("#province", "湖南")
    page.fill("#city", "长沙")
    page.get_by_label("换货").check()

    # the API's errors appear next to their fields; nothing typed is lost
    problems.expected.append((400, "/api/v1/complaints"))
    page.click("#submit")
    page.locator("#phone-error").wait_for()
    assert page.locator("#phone-error").inner_text().strip()
    assert page.locator("#consent-error").is_visible()
    assert page.get_attribute("#phone", "aria-invalid") == "true"
    assert page.locator("#error-summary").is_visible()
    assert page.input_value("#description") == DESCRIPTION and page.input_value("#sku") == "v2047"
    assert page.locator(".photo.done").count() == 1
    check_accessibility(page, "the form with errors")

    shoot(page, "02-form-errors")

    page.fill("#phone", "13800138000")
    page.check("#consent")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/api/v1/complaints") else None)
    page.locator("#submit").dblclick()
    page.locator("#receipt").wait_for()
    complaint_id = page.inner_text("#receipt-id").strip()
    access_code = page.inner_text("#receipt-code").strip()
    assert re.fullmatch(r"C-\d{8}-[A-Z0-9]{6}", complaint_id)
    assert re.fullmatch(r"\d{6}", access_code)
    assert "联系" in page.inner_text("#receipt-call")
    assert len(posts) == 1, "a double click sent the complaint twice"
    sizes = page.locator("#receipt-id").evaluate("""e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        return [parseFloat(getComputedStyle(e).fontSize), parseFloat(getComputedStyle(document.body).fontSize),
                range.getClientRects().length];
    }""")
    assert sizes[0] >= 1.5 * sizes[1] and sizes[2] == 1, f"the number is not shown large on one line: {sizes}"
    check_accessibility(page, "the receipt")
    shoot_both(page, "03-receipt")

    record = staff_get(system, f"/api/v1/staff/complaints/{complaint_id}").json()
    assert record["description"] == DESCRIPTION and len(record["photos"]) == 1
    assert record["product"]["sku"] == "V2047" and record["customer"]["phone"] == "+8613800138000"
    same = staff_get(system, "/api/v1/staff/complaints?sku=V2047&limit=100").json()["items"]
    assert [i["complaint_id"] for i in same].count(complaint_id) == 1

    # the specialist sees the photo in the console (straight from the bucket, allowed by the page's policy)
    console = open_page(f"{system}/console#/c/{complaint_id}", phone=False)
    console.fill("input[name=username]", "service1")
    console.fill("input[name=password]", DEMO_PASSWORD)
    console.keyboard.press("Enter")
    photo = console.locator("#sec-photos img").first
    photo.wait_for()
    console.wait_for_function("() => { const i = document.querySelector('#sec-photos img'); return i && i.complete; }")
    assert photo.evaluate("i => i.naturalWidth") == 64
    console.close()

    # the status page, reached from the receipt
    page.click("#receipt-status-link")
    page.wait_for_url(re.compile(r"/status\?id="))
    assert page.input_value("#complaint-id") == complaint_id
    problems.expected.append((404, "/status"))
    page.fill("#access-code", "000000" if access_code != "000000" else "111111")
    page.click("#status-submit")
    page.locator("#status-message", has_text="没有找到").wait_for()
    page.fill("#access-code", access_code)
    page.click("#status-submit")
    page.locator("#status-result").wait_for()
    assert complaint_id in page.inner_text("#status-result-title")
    assert "已受理" in page.inner_text("#timeline")
    check_accessibility(page, "the status page")
    shoot_both(page, "04-status")


def test_the_form_in_english_and_by_keyboard(system, open_page):
    page = open_page(f"{system}/?lang=en", phone=False)
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Tell us about a problem"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "category"
    page.keyboard.press("Space")  # a category chosen from the keyboard
    assert page.locator("input[name=category]:checked").count() == 1
    page.keyboard.press("Tab")
    page.keyboard.type("The seal of the pack was open")
    page.reload()  # an accidental reload loses nothing typed
    assert page.input_value("#description") == "The seal of the pack was open"
    assert page.locator("input[name=category]:checked").count() == 1
    check_accessibility(page, "the English form")
    shoot_both(page, "05-form-en")
    phone = open_page(f"{system}/?lang=en")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "the English form scrolls sideways"
    status = open_page(f"{system}/status?lang=en")
    assert status.inner_text("h1") == "Check the progress of a complaint"


def test_pages_and_static_files_are_served_with_their_types_and_a_strict_policy(system):
    for path in ("/", "/status", "/console", "/?lang=en"):
        response = requests.get(f"{system}{path}", timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "http" not in re.sub(r"http://127\.0\.0\.1:\d+", "", policy.split("connect-src")[1].split(";")[0])
    assert requests.get(f"{system}/static/site.css", timeout=10).headers["Content-Type"].startswith("text/css")
    assert requests.get(f"{system}/static/form.js", timeout=10).headers["Content-Type"].startswith("text/javascript")
    assert requests.get(f"{system}/static/nothing.js", timeout=10).status_code == 404
    assert requests.get(f"{system}/static/..%2Fstrings.json", timeout=10).status_code == 404
