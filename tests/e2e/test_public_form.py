"""The public pages in a real headless Chromium at phone width: complain with a photo, read the receipt,
look up the status. One local system for the module."""
from __future__ import annotations

import os
import re
import struct
import zlib

import pytest
import requests

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, png_bytes, shoot, shoot_both

DESCRIPTION = "打开后有很大的油漆味, 没办法使用 (e2e 表单测试)"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
# the phone in Chinese, the laptop in English: both sizes, both languages
LANGUAGE_OF = {"phone": "", "laptop": "?lang=en"}


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
    page.select_option("#quantity-unit", label="包")
    page.fill("#name", "张先生")
    page.fill("#phone", "12345")  # wrong
    page.fill("#province", "湖南")
    page.fill("#city", "长沙")
    page.get_by_label("换货").check()

    # what the page can tell is wrong is shown at once, next to its field, and nothing is sent
    sent = posts(page, lambda url: url.endswith("/api/v1/complaints"))
    page.click("#submit")
    assert page.locator("#phone-error").inner_text().strip()
    assert page.locator("#consent-error").is_visible()
    assert page.get_attribute("#phone", "aria-invalid") == "true"
    assert page.locator("#error-summary").is_visible()
    assert page.input_value("#description") == DESCRIPTION and page.input_value("#sku") == "v2047"
    assert page.locator(".photo.done").count() == 1
    assert not sent, "a form the page knew to be wrong was sent"
    check_accessibility(page, "the form with errors")

    shoot(page, "02-form-errors")

    # the API's errors appear next to their fields too; nothing typed is lost
    page.check("#consent")
    page.fill("#phone", "12345678901")  # digits enough for the page, no number for the API
    problems.expected.append((400, "/api/v1/complaints"))
    page.click("#submit")
    page.locator("#phone-error", has_text=re.compile(r"\S")).wait_for()
    assert len(sent) == 1 and page.get_attribute("#phone", "aria-invalid") == "true"
    assert page.input_value("#description") == DESCRIPTION and page.locator(".photo.done").count() == 1

    page.fill("#phone", "13800138000")
    sent.clear()
    page.locator("#submit").dblclick()
    page.locator("#receipt").wait_for()
    complaint_id = page.inner_text("#receipt-id").strip()
    access_code = page.inner_text("#receipt-code").strip()
    assert re.fullmatch(r"C-\d{8}-[A-Z0-9]{6}", complaint_id)
    assert re.fullmatch(r"\d{6}", access_code)
    assert "联系" in page.inner_text("#receipt-call")
    assert len(sent) == 1, "a double click sent the complaint twice"
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
    assert record["product"]["quantity"] == 1 and record["product"]["unit"] == "pack"
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


def posts(page, wanted) -> list:
    """The POST requests of the page, from now on, whose URL `wanted` takes."""
    found = []
    page.on("request", lambda r: found.append(r) if r.method == "POST" and wanted(r.url) else None)
    return found


def on(system, open_page, device):
    return open_page(f"{system}/{LANGUAGE_OF[device]}", viewport=VIEWPORTS[device])


def code_points(page, selector: str) -> int:
    return page.locator(selector).evaluate("e => Array.from(e.value.trim()).length")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_description_counts_down_near_its_limit_in_characters_and_refuses_more(system, open_page, device):
    page = on(system, open_page, device)
    english = device == "laptop"
    left = (lambda n: f"{n} characters left") if english else (lambda n: f"还可输入 {n} 字")
    count = page.locator("#description-count")

    page.fill("#description", "纸" * 1799)
    assert not count.is_visible()
    page.locator("#description").press_sequentially("巾")
    assert count.is_visible() and count.inner_text() == left(200)

    # an emoji is one character, as the API counts (two UTF-16 units: a maxlength would have cut it short)
    full = "纸" * 1990 + "😀" * 10
    page.fill("#description", full)
    assert count.inner_text() == left(0) and code_points(page, "#description") == 2000
    assert page.locator("#description-limit").inner_text() == ""

    # more is refused where it is typed, with a message; the text there was stays as it was
    page.locator("#description").evaluate("e => e.setSelectionRange(10, 10)")
    page.keyboard.type("多")
    assert page.input_value("#description") == full
    note = page.locator("#description-limit").inner_text()
    assert ("2,000" if english else "2000") in note and "1" in note

    page.fill("#description", "纸" * 1990 + "x" * 50)  # a paste too long: its end is left out
    assert page.input_value("#description") == "纸" * 1990 + "x" * 10
    assert "40" in page.locator("#description-limit").inner_text()
    page.keyboard.press("Backspace")
    assert count.inner_text() == left(1) and page.locator("#description-limit").inner_text() == ""
    check_accessibility(page, f"the description at its limit ({device})")
    shoot(page, "06-description-limit", full_page=False)


@pytest.mark.parametrize("device", VIEWPORTS)
def test_required_fields_carry_a_star_and_say_what_is_missing_when_they_are_left(system, open_page, device):
    page = on(system, open_page, device)
    english = device == "laptop"
    for required in ("#category-group > legend", "label[for=description]", "label[for=sku]", "label[for=product-name]",
                     "label[for=name]", "label[for=phone]", "[data-field=consent] label"):
        star = page.locator(f"{required} .req")
        assert star.is_visible() and star.inner_text() == "*", required
    assert page.locator("label[for=email] .req").count() == 0
    assert ("or give the name" if english else "或填写产品名称") in page.inner_text("label[for=sku]")
    assert ("or give the code" if english else "或填写产品编号") in page.inner_text("label[for=product-name]")

    page.focus("#name")
    page.keyboard.press("Tab")  # left empty
    assert page.locator("#name-error").is_visible()
    assert page.inner_text("#name-error") == ("Tell us your name." if english else "请填写您的称呼。")
    assert page.get_attribute("#name", "aria-invalid") == "true"
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("张")  # corrected: the error goes as it is typed
    assert not page.locator("#name-error").is_visible() and page.get_attribute("#name", "aria-invalid") is None

    page.fill("#description", "霉")
    page.locator("#description").blur()
    assert ("at least 2 characters" if english else "至少 2 个字") in page.inner_text("#description-error")
    page.fill("#description", "纸巾发霉")
    assert not page.locator("#description-error").is_visible()

    page.focus("#phone")
    page.keyboard.press("Tab")
    assert page.locator("#phone-error").is_visible()
    page.fill("#phone", "12345")
    page.locator("#phone").blur()
    assert ("7 to 15 digits" if english else "7 到 15 位数字") in page.inner_text("#phone-error")

    # the product: one of code and name, said when both were passed by
    page.focus("#sku")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "product-name"
    assert not page.locator("#product-error").is_visible()
    page.keyboard.press("Tab")
    assert page.locator("#product-error").is_visible()
    assert ("code or its name" if english else "产品编号或产品名称") in page.inner_text("#product-error")
    page.fill("#product-name", "抽取式面巾")
    assert not page.locator("#product-error").is_visible()
    page.fill("#sku", "V 2047")
    page.locator("#sku").blur()
    assert ("20" in page.inner_text("#sku-error")) and page.get_attribute("#sku", "aria-invalid") == "true"

    check_accessibility(page, f"the form with errors shown as fields are left ({device})")
    shoot(page, "07-errors-when-left")


def fill_the_rest(page, english: bool) -> None:
    page.locator("input[name=category]").first.check()
    page.fill("#description", "纸巾有霉点, 照片附上 (e2e)")
    page.fill("#sku", "V2047")
    page.fill("#name", "Zhang" if english else "张先生")
    page.fill("#phone", "13800138000")
    page.check("#consent")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_file_named_like_a_photo_that_is_not_one_is_marked_failed_by_name_and_never_sent(system, open_page, device):
    page = on(system, open_page, device)
    english = device == "laptop"
    sent = posts(page, lambda url: True)
    page.set_input_files("#photos", files=[{"name": "photo.jpg", "mimeType": "image/jpeg",
                                            "buffer": b"milk, eggs, tissues\n" * 40}])
    row = page.locator(".photo.failed")
    row.wait_for()
    text = row.inner_text()
    assert "photo.jpg" in text and ("not a photo" if english else "不是照片") in text
    assert ("Uploaded" if english else "已上传") not in text
    assert row.locator("img").count() == 0, "a thumbnail of something that is not a photo"
    assert not row.locator("progress").is_visible()
    page.wait_for_timeout(300)
    assert sent == [], f"a file that is not a photo was sent: {[r.url for r in sent]}"

    # the complaint is not sent while the photo is there, and the message says which one
    fill_the_rest(page, english)
    page.click("#submit")
    assert "photo.jpg" in page.inner_text("#form-message")
    assert sent == []
    check_accessibility(page, f"a photo that is not one ({device})")
    shoot(page, "08-not-a-photo")
    row.get_by_role("button").click()
    page.click("#submit")
    page.locator("#receipt").wait_for()
    assert [r.url for r in sent] == [f"{system}/api/v1/complaints"]


def big_png(width: int = 4000, height: int = 3000) -> bytes:
    """A photo-sized PNG of about 4.5 MB: a band of noise (what no compression shortens) beside plain colour."""
    band = width * 3 // 8
    noise = os.urandom(band * height)
    plain = bytes([90, 140, 200]) * (width - band // 3)
    raw = b"".join(b"\x00" + noise[y * band:(y + 1) * band] + plain for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


BIG_JPEG_IN_THE_PAGE = """async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000; canvas.height = 3000;
    const context = canvas.getContext('2d');
    const gradient = context.createLinearGradient(0, 0, 4000, 3000);
    gradient.addColorStop(0, '#c83c28'); gradient.addColorStop(1, '#285ac8');
    context.fillStyle = gradient; context.fillRect(0, 0, 4000, 3000);
    const band = context.createImageData(4000, 500);
    for (let i = 0; i < band.data.length; i++) { band.data[i] = (i % 4 === 3) ? 255 : Math.random() * 256; }
    context.putImageData(band, 0, 1200);
    const blob = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.95));
    const files = new DataTransfer();
    files.items.add(new File([blob], 'IMG_0001.jpg', {type: 'image/jpeg'}));
    const input = document.getElementById('photos');
    input.files = files.files;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    return blob.size;
}"""


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no frame in the JPEG")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_large_photo_is_sent_smaller_as_a_jpeg_and_the_complaint_goes_with_it(system, open_page, device):
    """The phone picks a 4.5 MB PNG of 4000x3000; the laptop a JPEG of that size made in the page."""
    page = on(system, open_page, device)
    grants = posts(page, lambda url: url.endswith("/api/v1/uploads"))
    to_bucket = posts(page, lambda url: not url.startswith(system))
    if device == "phone":
        original = big_png()
        page.set_input_files("#photos", files=[{"name": "IMG_0001.png", "mimeType": "image/png", "buffer": original}])
        original_size = len(original)
    else:
        original_size = page.evaluate(BIG_JPEG_IN_THE_PAGE)
    assert original_size > 1024 * 1024
    page.locator(".photo.done").wait_for(timeout=30000)
    assert page.locator(".photo.done img.thumb").evaluate("i => i.complete && i.naturalWidth") == 2000
    assert ("made smaller" if device == "laptop" else "已压缩为") in page.inner_text(".photo.done .photo-name")
    assert len(grants) == 1 and len(to_bucket) == 1
    grant = grants[0].post_data_json
    assert (grant["content_type"], grant["filename"]) == ("image/jpeg", "IMG_0001.jpg")
    assert grant["size"] < original_size

    fill_the_rest(page, device == "laptop")
    page.click("#submit")
    page.locator("#receipt").wait_for()
    complaint_id = page.inner_text("#receipt-id").strip()
    record = staff_get(system, f"/api/v1/staff/complaints/{complaint_id}").json()
    assert len(record["photos"]) == 1
    stored = requests.get(record["photos"][0]["url"], timeout=10).content  # what the bucket holds
    assert stored[:3] == b"\xff\xd8\xff" and len(stored) == grant["size"]
    assert jpeg_size(stored) == (2000, 1500)


def test_a_small_photo_is_sent_as_it_is(system, open_page):
    page = on(system, open_page, "phone")
    grants = posts(page, lambda url: url.endswith("/api/v1/uploads"))
    small = png_bytes(1200, 900)
    page.set_input_files("#photos", files=[{"name": "small.png", "mimeType": "image/png", "buffer": small}])
    page.locator(".photo.done").wait_for()
    assert [r.post_data_json for r in grants] == [{"filename": "small.png", "content_type": "image/png",
                                                   "size": len(small)}]
