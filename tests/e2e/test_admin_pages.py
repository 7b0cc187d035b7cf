"""The console's admin pages in a real headless Chromium (1366 x 768 and 390 x 844): staff, territories,
accounts, departments, the working calendar and the spreadsheet import, as an admin and as a manager.
What a page saves is read back through the API. One local system for the module; the tests run in order
(the territory of the second test is made for the salesperson it creates)."""

from __future__ import annotations

import pytest
import requests

from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, shoot
from tests.e2e.test_console import login as console_login
from tests.real_cases import SHORT_CASE, body

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
_tokens: dict[tuple[str, str], str] = {}


def headers(system: str, user: str) -> dict[str, str]:
    if (system, user) not in _tokens:
        answer = requests.post(
            f"{system}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD}, timeout=10
        )
        assert answer.status_code == 200, answer.text
        _tokens[system, user] = answer.json()["token"]
    return {"Authorization": f"Bearer {_tokens[system, user]}"}


def api(
    system: str, method: str, path: str, user: str = "admin1", extra: dict | None = None, **options
) -> requests.Response:
    return requests.request(
        method, f"{system}/api/v1/{path}", headers={**headers(system, user), **(extra or {})}, timeout=15, **options
    )


def landed(system: str, method: str, path: str, **options) -> bool:
    """Whether the app has the route: API Gateway (and the local gateway) answer an unknown one with its own 403."""
    answer = api(system, method, path, **options)
    return not (answer.status_code == 403 and "x-amzn-ErrorType" in answer.headers)


def admin_page(open_page, system: str, user: str, name: str, viewport=DESKTOP):
    """Logged in, then to the admin pages by the menu and to `name` by its tab."""
    page = console_login(open_page, system, user, viewport=viewport)
    page.click("#nav a[data-nav=admin]")
    page.locator("#admin-staff #admin-list[aria-busy=false]").wait_for()
    if name != "staff":
        page.click(f"#admin-tab-{name}")
        page.locator(f"#admin-{name}").wait_for()
    if name in ("staff", "territories", "accounts", "departments"):
        page.locator(f"#admin-{name} #admin-list[aria-busy=false]").wait_for()
    return page


def notice(page, text: str) -> str:
    found = page.locator("#admin-notice", has_text=text)
    found.wait_for()
    return found.inner_text()


def tab_to(page, condition: str, most: int = 80, key: str = "Tab") -> None:
    """Tab (or `key`) until `condition` (a script expression on document.activeElement) holds."""
    for _ in range(most):
        if page.evaluate(f"() => {{ const a = document.activeElement; return !!({condition}); }}"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"never reached by Tab: {condition}")


def active(page, what: str = "name"):
    return page.evaluate(f"() => document.activeElement && document.activeElement.{what}")


def focused_row(page) -> str:
    """The key of the list's row that has the focus, once one has it (the list is drawn again after a save)."""
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#admin-list tr')")
    return page.evaluate("() => document.activeElement.closest('tr').dataset.key")


def test_the_pages_offer_a_manager_exactly_the_roles_a_manager_may_grant():
    from chalicelib.domain import labels
    from chalicelib.domain.model import Role
    from chalicelib.services.admin import MANAGED_BY_MANAGERS

    assert set(labels.MANAGER_GRANTS) == set(MANAGED_BY_MANAGERS)
    assert set(labels.ROLE) == set(Role)


def test_an_admin_creates_a_salesperson_and_a_territory_through_the_pages(system, open_page, problems):
    page = admin_page(open_page, system, "admin1", "staff")
    assert page.locator("#admin-list tbody tr").count() == len(api(system, "GET", "admin/staff").json()["items"])
    check_accessibility(page, "the staff list")
    page.click("#admin-new")
    form = page.locator("#staff-form")
    assert active(page) == "username"
    form.locator("[name=username]").fill("sales_nc")
    form.locator("[name=name]").fill("黄磊")
    form.locator("[name=phone]").fill("+8613900000050")
    form.locator("[name=email]").fill("sales_nc@example.com")
    form.locator("input[name=roles][value=sales]").check()
    form.locator("[name=password]").fill("Nanchang-Sales-2026")
    check_accessibility(page, "the new staff member's form")
    shoot(page, "40-admin-staff-form")
    form.locator("button[type=submit]").click()
    assert "黄磊 (sales_nc)" in notice(page, "已新建")
    row = page.locator("#admin-list tr[data-key=sales_nc]")
    assert "黄磊" in row.inner_text() and "业务员" in row.inner_text() and "在职" in row.inner_text()
    member = api(system, "GET", "admin/staff/sales_nc").json()
    assert (member["name"], member["roles"], member["phone"], member["active"]) == (
        "黄磊",
        ["sales"],
        "+8613900000050",
        True,
    )
    assert (
        requests.post(
            f"{system}/api/v1/auth/login", json={"username": "sales_nc", "password": "Nanchang-Sales-2026"}, timeout=10
        ).status_code
        == 200
    )

    page.click("#admin-tab-territories")
    page.locator("#admin-territories #admin-list[aria-busy=false]").wait_for()
    page.click("#admin-new")
    form = page.locator("#territory-form")
    form.locator("[name=code]").fill("jx-nc")
    form.locator("[name=name]").fill("江西南昌片区")
    form.locator("[name=places]").fill("湖南/长沙; 江西/*")  # 湖南/长沙 is HN-CS's
    form.locator("[name=salesperson]").select_option("sales_nc")
    problems.expected.append((400, "/api/v1/admin/territories/"))
    form.locator("button[type=submit]").click()
    form.locator("[data-field=places] .field-error:not([hidden])").wait_for()
    assert form.locator("[name=places]").get_attribute("aria-invalid") == "true"
    form.locator("[name=places]").fill("江西/南昌; 江西/*")
    check_accessibility(page, "the new territory's form")
    form.locator("[name=places]").press("Enter")
    assert "JX-NC 江西南昌片区" in notice(page, "已新建")
    row = page.locator("#admin-list tr[data-key=JX-NC]")
    assert "江西/南昌; 江西/*" in row.inner_text() and "黄磊 (sales_nc)" in row.inner_text()
    page.fill("#admin-search-territories", "江西")
    assert page.locator("#admin-list tbody tr:visible").count() == 1
    assert "显示 1 项" in page.inner_text("#admin-count")
    territory = api(system, "GET", "admin/territories/JX-NC").json()
    assert territory["places"] == [{"province": "江西", "city": "南昌"}, {"province": "江西", "city": None}]
    assert territory["salesperson"] == "sales_nc"
    assert api(system, "GET", "admin/staff/sales_nc").json()["territories"] == ["JX-NC"]

    # a complaint from Nanchang goes to 黄磊; when 王芳 takes the territory over, it goes with it
    complaint = body(SHORT_CASE)
    complaint["customer"].update(province="江西", city="南昌", phone="+8613900000051")
    answer = requests.post(f"{system}/api/v1/complaints", json=complaint, timeout=10)
    assert answer.status_code == 201, answer.text
    complaint_id = answer.json()["complaint_id"]
    assert api(system, "GET", f"staff/complaints/{complaint_id}").json()["assignee"] == "sales_nc"
    row.locator(".admin-edit").click()
    move = page.locator("#territory-form [data-field=move_open]")
    assert move.is_hidden()  # offered only for another salesperson
    page.select_option("#territory-form [name=salesperson]", "sales_wh")
    move.locator("input").check()
    page.click("#territory-form button[type=submit]")
    assert "1 件未结投诉已重新分派" in notice(page, "已保存")
    assert api(system, "GET", f"staff/complaints/{complaint_id}").json()["assignee"] == "sales_wh"
    assert "王芳 (sales_wh)" in row.inner_text()
    page.set_viewport_size(PHONE)
    page.fill("#admin-search-territories", "")
    check_accessibility(page, "the territories at 390 px")
    shoot(page, "41-admin-territories")


def test_a_staff_member_is_created_with_the_keyboard_alone(system, open_page):
    page = console_login(open_page, system, "manager1", viewport=PHONE)
    keys = page.keyboard
    tab_to(page, "a.getAttribute('data-nav') === 'admin'")
    keys.press("Enter")
    page.locator("#admin-staff #admin-list[aria-busy=false]").wait_for()
    tab_to(page, "a.id === 'admin-new'")
    keys.press("Enter")
    assert active(page) == "username"
    keys.type("quality2")
    keys.press("Tab")
    keys.type("钱工")
    keys.press("Tab")
    keys.type("+8613900000060")
    keys.press("Tab")
    keys.type("quality2@example.com")
    keys.press("Tab")
    assert (active(page), active(page, "value")) == ("roles", "service")
    tab_to(page, "a.name === 'roles' && a.value === 'quality'")
    keys.press("Space")
    tab_to(page, "a.name === 'password'")
    keys.type("Quality-Second-2026")
    keys.press("Enter")
    notice(page, "quality2")
    assert focused_row(page) == "quality2"
    assert api(system, "GET", "admin/staff/quality2").json()["roles"] == ["quality"]
    keys.press("Enter")  # the focused row's 编辑
    page.locator("#staff-form").wait_for()
    assert active(page) == "name"
    keys.press("Escape")
    assert page.locator("#staff-form").count() == 0
    assert focused_row(page) == "quality2"
    shoot(page, "42-admin-staff-keyboard")
    tab_to(page, "a.id === 'admin-tab-calendar'", key="Shift+Tab")
    keys.press("Enter")
    page.locator("#calendar-form").wait_for()
    assert active(page, "id") == "admin-tab-calendar"  # the keyboard stays where it was


def test_the_admin_pages_are_in_english_with_lang_en(system, open_page):
    page = open_page(f"{system}/console?lang=en", viewport=PHONE)
    page.fill("input[name=username]", "manager1")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#queue table, #queue .empty").first.wait_for()
    page.click("#nav a[data-nav=admin]")
    page.locator("#admin-list[aria-busy=false]").wait_for()
    assert page.inner_text("#page-title") == "Staff"
    assert "Salesperson" in page.inner_text("#admin-list tr[data-key=sales_cs]")
    assert "Only an administrator may change this" in page.inner_text("#admin-list tr[data-key=leader1]")
    page.click("#admin-tab-calendar")
    page.locator("#calendar-days li").first.wait_for()
    assert "Only an administrator changes the calendar" in page.inner_text("#calendar-readonly")
    page.fill("#calendar-month-input", "2026-10")
    page.locator("#calendar-days li[data-date='2026-10-01'] .day-reason", has_text="Public holiday").wait_for()
    check_accessibility(page, "the calendar in English")


def test_a_member_is_deactivated_from_the_list_after_a_confirmation(system, open_page):
    member = {"name": "冯雪", "roles": ["service"], "password": "Service-Leaving-2026"}
    assert api(system, "PUT", "admin/staff/service_leaving", json=member).status_code == 200
    page = admin_page(open_page, system, "admin1", "staff")
    row = page.locator("#admin-list tr[data-key=service_leaving]")
    row.locator(".admin-remove").click()
    assert "冯雪" in row.locator(".admin-question").inner_text()
    page.keyboard.press("Escape")  # kept
    assert active(page, "className").startswith("small danger admin-remove")
    row.locator(".admin-remove").click()
    row.locator(".admin-confirm").click()
    assert "已停用 冯雪" in notice(page, "已停用")
    assert "已停用" in row.inner_text() and row.locator(".admin-remove").count() == 0
    assert api(system, "GET", "admin/staff/service_leaving").json()["active"] is False


def test_a_manager_gets_no_leader_or_admin_role_to_grant_and_cannot_save_the_calendar(system, open_page):
    page = admin_page(open_page, system, "manager1", "staff")
    for readonly in ("leader1", "admin1", "manager1"):
        row = page.locator(f"#admin-list tr[data-key={readonly}]")
        assert row.locator("button").count() == 0 and "仅系统管理员可修改" in row.inner_text()
    assert page.locator("#admin-list tr[data-key=sales_cs] .admin-edit").count() == 1
    page.click("#admin-new")
    offered = page.locator("#staff-form input[name=roles]")
    assert sorted(offered.evaluate_all("boxes => boxes.map(b => b.value)")) == ["quality", "sales", "service"]
    page.keyboard.press("Escape")
    page.click("#admin-list tr[data-key=service1] .admin-edit")
    assert sorted(offered.evaluate_all("boxes => boxes.map(b => b.value)")) == ["quality", "sales", "service"]
    check_accessibility(page, "a manager's staff form")
    page.keyboard.press("Escape")

    page.click("#admin-tab-calendar")
    page.locator("#calendar-form").wait_for()
    assert page.locator("#calendar-readonly").is_visible()
    assert page.locator("#calendar-save").count() == 0 and page.locator("#days-company_closed-add").count() == 0
    assert page.locator("#calendar-form input:enabled, #calendar-form select:enabled").count() == 0
    assert page.locator("#clock-first_contact-normal-amount").input_value()
    check_accessibility(page, "the calendar, read only")
    shoot(page, "43-admin-calendar-manager")
    stored = api(system, "GET", "admin/calendar", user="manager1").json()
    assert api(system, "PUT", "admin/calendar", user="manager1", json=stored).status_code == 403


def test_the_calendar_shows_national_day_and_a_company_closed_day_added_through_the_form(system, open_page, problems):
    page = admin_page(open_page, system, "admin1", "calendar")
    page.locator("#calendar-days li").first.wait_for()
    page.fill("#calendar-month-input", "2026-10")
    day = page.locator("#calendar-days li[data-date='2026-10-01']")
    day.wait_for()
    assert "法定节假日" in day.inner_text() and "国庆节" in day.inner_text()
    makeup = page.locator("#calendar-days li[data-date='2026-10-10']")
    assert "调休上班" in makeup.inner_text() and makeup.get_attribute("data-reason") == "makeup_workday"
    assert page.locator("#calendar-days li[data-date='2026-10-12']").get_attribute("data-reason") == "workday"

    page.fill("#days-company_closed-add", "2026-10-12")
    page.press("#days-company_closed-add", "Enter")  # adds the day; the form is not sent
    page.locator("#days-company_closed-list li[data-day='2026-10-12']").wait_for()
    page.fill("#clock-first_contact-normal-amount", "8")
    page.fill("[name='business_hours.end']", "08:00")
    problems.expected.append((400, "/api/v1/admin/calendar"))
    page.click("#calendar-save")
    page.locator("[data-field='business_hours.end'] .field-error:not([hidden])").wait_for()
    page.fill("[name='business_hours.end']", "18:00")
    check_accessibility(page, "the calendar")
    page.click("#calendar-save")
    page.locator("#admin-notice", has_text="已保存").wait_for()
    closed = page.locator("#calendar-days li[data-date='2026-10-12']")
    closed.locator(".day-reason", has_text="公司休息日").wait_for()
    stored = api(system, "GET", "admin/calendar").json()
    assert "2026-10-12" in stored["company_closed"]
    assert stored["clocks"]["first_contact"]["normal"] == {"amount": 8, "unit": "business_hours"}
    staff_days = api(system, "GET", "staff/calendar", params={"from": "2026-10-12", "to": "2026-10-12"}).json()["days"]
    assert (staff_days[0]["working"], staff_days[0]["reason"]) == (False, "company_closed")
    shoot(page, "44-admin-calendar")

    page.click("#days-company_closed-list li[data-day='2026-10-12'] button")
    assert page.locator("#days-company_closed-list li[data-day='2026-10-12']").count() == 0
    page.keyboard.press("Escape")  # back to what is stored: the day is still there
    page.locator("#days-company_closed-list li[data-day='2026-10-12']").wait_for()

    page.fill("#calendar-month-input", "2031-03")
    page.locator("#calendar-month-degraded").wait_for()
    assert "2031" in page.inner_text("#calendar-month-degraded")
    page.set_viewport_size(PHONE)
    page.fill("#calendar-month-input", "2026-10")
    page.locator("#calendar-days li[data-date='2026-10-01']").wait_for()
    check_accessibility(page, "the calendar at 390 px")
    shoot(page, "45-admin-calendar")


def test_an_account_is_created_changed_and_deleted_through_the_page(system, open_page, problems):
    if not landed(system, "GET", "admin/accounts"):
        pytest.skip("GET /api/v1/admin/accounts has not landed")
    page = admin_page(open_page, system, "admin1", "accounts")
    page.click("#admin-new")
    form = page.locator("#account-form")
    form.locator("[name=account_id]").fill("hotel-cs-900")
    form.locator("[name=name]").fill("长沙某四星级酒店")
    form.locator("[name=type]").select_option("hotel")
    form.locator("[name=territory]").select_option("HN-CS")
    form.locator("[name=salesperson]").select_option("sales_cs")
    form.locator("[name=key_account]").check()
    check_accessibility(page, "the new account's form")
    form.locator("[name=name]").press("Enter")
    notice(page, "HOTEL-CS-900")
    row = page.locator("#admin-list tr[data-key=HOTEL-CS-900]")
    assert "重点客户" in row.inner_text() and "李明 (sales_cs)" in row.inner_text()
    stored = api(system, "GET", "admin/accounts/HOTEL-CS-900").json()
    assert (stored["type"], stored["territory"], stored["salesperson"], stored["key_account"]) == (
        "hotel",
        "HN-CS",
        "sales_cs",
        True,
    )

    row.locator(".admin-edit").click()
    form.locator("[name=name]").fill("长沙某五星级酒店 (新馆)")
    form.locator("[name=key_account]").uncheck()
    form.locator("button[type=submit]").click()
    notice(page, "已保存")
    changed = api(system, "GET", "admin/accounts/HOTEL-CS-900").json()
    assert (changed["name"], changed["key_account"]) == ("长沙某五星级酒店 (新馆)", False)
    assert changed["revision"] > stored["revision"]

    # another admin changes it meanwhile: the page's edit is over an older revision
    row.locator(".admin-edit").click()
    behind = {k: changed[k] for k in ("name", "type", "territory", "salesperson", "key_account", "revision")}
    assert api(system, "PUT", "admin/accounts/HOTEL-CS-900", json={**behind, "name": "别人改的名字"}).status_code == 200
    problems.expected.append((409, "/api/v1/admin/accounts/"))
    form.locator("[name=name]").fill("我改的名字")
    form.locator("button[type=submit]").click()
    form.locator(".form-message", has_text="别人修改").wait_for()
    page.keyboard.press("Escape")

    page.fill("#admin-search-accounts", "900")
    assert page.locator("#admin-list tbody tr:visible").count() == 1
    row.locator(".admin-remove").click()
    row.locator(".admin-confirm").click()
    notice(page, "已删除")
    page.locator("#admin-list tr[data-key=HOTEL-CS-900]").wait_for(state="detached")
    assert api(system, "GET", "admin/accounts/HOTEL-CS-900").status_code == 404
    page.set_viewport_size(PHONE)
    page.fill("#admin-search-accounts", "")
    check_accessibility(page, "the accounts at 390 px")
    shoot(page, "46-admin-accounts")


def departments(system: str) -> list[dict]:
    return [{"code": d["code"], "name": d["name"]} for d in api(system, "GET", "admin/departments").json()["items"]]


def test_a_department_is_created_renamed_and_deleted_through_the_page(system, open_page):
    if not landed(system, "GET", "admin/departments"):
        pytest.skip("GET /api/v1/admin/departments has not landed")
    page = admin_page(open_page, system, "manager1", "departments")
    page.click("#admin-new")
    form = page.locator("#department-form")
    form.locator("[name=code]").fill("roll-2")
    form.locator("[name=name]").fill("卷纸二车间")
    form.locator("[name=name]").press("Enter")
    notice(page, "ROLL-2 卷纸二车间")
    assert {"code": "ROLL-2", "name": "卷纸二车间"} in departments(system)
    row = page.locator("#admin-list tr[data-key=ROLL-2]")
    row.locator(".admin-edit").click()
    form.locator("[name=name]").fill("卷纸车间 (二)")
    form.locator("[name=name]").press("Enter")
    notice(page, "已保存")
    assert {"code": "ROLL-2", "name": "卷纸车间 (二)"} in departments(system)
    check_accessibility(page, "the departments")
    row.locator(".admin-remove").click()
    page.keyboard.press("Escape")  # kept
    assert row.locator(".admin-edit").count() == 1
    row.locator(".admin-remove").click()
    page.keyboard.press("Enter")  # the confirmation has the focus
    notice(page, "已删除")
    assert "ROLL-2" not in [d["code"] for d in departments(system)]


HEADER = "username,name,phone,email,roles,territories,compensation_limit,password\n"
GOOD_ROW = "service_x1,吴敏,+8613900000071,,service,,,Service-Import-2026\n"
BAD_STAFF = (HEADER + GOOD_ROW + "service_x2,郑洁,not-a-phone,,service,,,Service-Import-2026\n").encode()
GOOD_STAFF = (HEADER + GOOD_ROW).encode()


def test_the_import_previews_a_bad_row_with_its_reason_and_applies_a_good_file(system, open_page):
    if not landed(system, "POST", "admin/import?dry_run=true", data=GOOD_STAFF, extra={"Content-Type": "text/csv"}):
        pytest.skip("POST /api/v1/admin/import has not landed")
    page = admin_page(open_page, system, "admin1", "import")
    assert page.locator("#import-apply").is_disabled()
    page.set_input_files("#import-file", {"name": "staff.csv", "mimeType": "text/csv", "buffer": BAD_STAFF})
    page.click("#import-preview")
    errors = page.locator("#import-errors tbody tr")
    errors.first.wait_for()
    assert errors.count() == 1
    row, column, message = errors.first.locator("td").all_inner_texts()
    assert (row, column) == ("3", "phone (C3)") and message.strip()  # the row as Excel numbers it, its column, why
    assert page.locator("#import-apply").is_disabled()
    check_accessibility(page, "the import's preview with errors")
    shoot(page, "47-admin-import-errors")

    page.set_input_files("#import-file", {"name": "staff.csv", "mimeType": "text/csv", "buffer": GOOD_STAFF})
    page.click("#import-preview")
    page.locator("#import-ok").wait_for()
    assert page.inner_text("#import-create") == "1"
    assert "service_x1" in page.inner_text("#import-rows tr[data-row='2']")
    assert api(system, "GET", "admin/staff/service_x1").status_code == 404  # a dry run
    assert page.locator("#import-apply").is_enabled()
    page.click("#import-apply")
    page.locator("#import-result-title", has_text="导入完成").wait_for()
    assert page.inner_text("#import-create") == "1"
    assert api(system, "GET", "admin/staff/service_x1").json()["name"] == "吴敏"
    assert page.locator("#import-apply").is_disabled()  # the same file again would change nothing
    page.set_viewport_size(PHONE)
    check_accessibility(page, "the import at 390 px")
    shoot(page, "48-admin-import-applied")
    page.set_viewport_size(DESKTOP)
    if landed(
        system,
        "GET",
        "admin/import/template?kind=staff&format=xlsx",
        extra={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ):
        with page.expect_download() as download:
            page.click("#template-staff")
        assert download.value.suggested_filename.endswith(".xlsx")
