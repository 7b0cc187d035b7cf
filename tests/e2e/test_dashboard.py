"""The dashboard in a real headless Chromium, on a laptop (1366x768) and a phone (390x844): the period
presets (Shanghai weeks from Monday), the day-by-day trend of new and closed complaints, the grouping
select and the deadline figures with their counts. Complaints are put on other days as letters that
arrived then (staff entry with `received_at`), and two are closed today, one of them received last week.
One local system for the module."""
from __future__ import annotations

import math
import time
from datetime import date, datetime, timedelta

import pytest
import requests

from chalicelib.domain.model import SHANGHAI
from infra.local_stack import DEMO_PASSWORD
from tests.e2e.conftest import check_accessibility, shoot
from tests.e2e.test_console import login
from tests.real_cases import BLADE, ODOR, SEAL_OPEN, SHORT_CASE, body

VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PRESETS = {"week": "本周", "last_week": "上周", "month": "本月", "last_month": "上月", "year": "今年"}


class Staff:
    """The API as the staff call it, a token per user."""

    def __init__(self, system):
        self.system, self.tokens = system, {}

    def call(self, method, path, user, **kwargs):
        if user not in self.tokens:
            self.tokens[user] = requests.post(f"{self.system}/api/v1/auth/login", timeout=10,
                                              json={"username": user, "password": DEMO_PASSWORD}).json()["token"]
        response = requests.request(method, f"{self.system}{path}", timeout=10,
                                    headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    def act(self, cid, user, action, **data):
        return self.call("POST", f"/api/v1/staff/complaints/{cid}/actions", user, json={"action": action, **data})

    def stats(self, start, end, by="channel"):
        return self.call("GET", "/api/v1/staff/stats", "manager1", params={"from": start, "to": end, "by": by})


def preset_period(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    return {"week": (monday, today), "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
            "month": (first, today), "last_month": (last_month_end.replace(day=1), last_month_end),
            "year": (date(today.year, 1, 1), today)}[name]


def letter(case, day: date, n: int) -> dict:
    customer = {**case["customer"], "phone": f"1360000{n:04d}"}
    return body(case, customer=customer, channel="letter", received_at=f"{day.isoformat()}T10:00:00+08:00")


@pytest.fixture(scope="module")
def seeded(system):
    """Three complaints today (web, web, hotline), letters of last week, last month and early this year;
    the hotline one and last week's letter closed today."""
    staff = Staff(system)
    today = datetime.now(SHANGHAI).date()
    monday = today - timedelta(days=today.weekday())
    days = [monday - timedelta(days=5), today.replace(day=1) - timedelta(days=20), date(today.year, 1, 2)]
    days = [d for d in days if d < today]
    for case in (BLADE, SEAL_OPEN):
        assert requests.post(f"{system}/api/v1/complaints", json=case, timeout=10).status_code == 201
    hotline = staff.call("POST", "/api/v1/staff/complaints", "service1", json=body(SHORT_CASE, channel="hotline"))
    letters = [staff.call("POST", "/api/v1/staff/complaints", "service1", json=letter(ODOR, day, n))["complaint_id"]
               for n, day in enumerate(days)]
    for cid, sales in ((hotline["complaint_id"], "sales_wh"), (letters[0], "sales_cs")):
        staff.act(cid, sales, "contact", note="已联系顾客")
        staff.act(cid, sales, "close_unsubstantiated", explanation="属正常现象, 已向顾客说明")
        staff.act(cid, "service1", "close", note="顾客认可, 结案")
    received = [today] * 3 + days
    closed = [today, today]
    deadline = time.monotonic() + 40
    while True:  # the stream handler keeps the sums a moment after each change
        report = staff.stats(min(received).isoformat(), today.isoformat())
        if (report["total"]["count"], sum(p["closed"] for p in report["trend"])) == (len(received), 2):
            break
        assert time.monotonic() < deadline, report["total"]
        time.sleep(0.5)
    return {"staff": staff, "today": today, "received": received, "closed": closed}


@pytest.fixture(params=list(VIEWPORTS))
def dashboard(request, system, open_page, seeded):
    page = login(open_page, system, "manager1", viewport=VIEWPORTS[request.param])
    page.evaluate("location.hash = '#/dashboard'")
    page.locator("#chart-trend svg").wait_for()
    return page


def shown_period(page, start: date, end: date) -> None:
    page.wait_for_function("text => { const n = document.querySelector('#dash-range'); "
                           "return n && n.textContent === text; }",
                           arg=f"{start.isoformat()} 至 {end.isoformat()}")


def kpi(page, name: str) -> int:
    return int(page.inner_text(f"#kpi-{name} .kpi-value"))


def test_each_preset_sets_its_period_and_the_figures_and_the_trend_follow(dashboard, seeded):
    page, today = dashboard, seeded["today"]
    assert page.get_attribute("[data-preset=month]", "aria-pressed") == "true"  # this month until today at first
    for name, label in PRESETS.items():
        page.get_by_role("button", name=label, exact=True).click()
        start, end = preset_period(name, today)
        shown_period(page, start, end)
        assert page.get_attribute(f"[data-preset={name}]", "aria-pressed") == "true"
        assert (page.input_value("[name=from]"), page.input_value("[name=to]")) == (start.isoformat(), end.isoformat())
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        expected = [(d.isoformat(), seeded["received"].count(d), seeded["closed"].count(d)) for d in days]
        totals = (sum(e[1] for e in expected), sum(e[2] for e in expected))
        assert (kpi(page, "total"), kpi(page, "closed")) == totals, name
        # a bar (received) and a point (closed) for every day of the period, and the numbers behind them
        assert page.locator("#chart-trend rect.bar-new").count() == len(days), name
        assert page.locator("#chart-trend circle.point-closed").count() == len(days), name
        rows = page.eval_on_selector_all("#chart-trend .chart-data tbody tr",
                                         "rows => rows.map(r => Array.from(r.cells, c => c.textContent))")
        assert [(d, int(n), int(c)) for d, n, c in rows] == expected, name
        tall = page.eval_on_selector_all("#chart-trend rect.bar-new", "bars => bars.filter("
                                         "b => +b.getAttribute('height') > 0).map(b => b.dataset.day)")
        assert tall == [d for d, n, _ in expected if n], name
        if name == "week":
            shoot(page, "21-console-dashboard-week")
    assert kpi(page, "total") == len(seeded["received"])  # the year holds them all
    check_accessibility(page, f"the dashboard ({page.viewport_size['width']} wide)")
    shoot(page, "21-console-dashboard-trend")


def test_a_period_typed_by_hand_releases_the_presets(dashboard, seeded):
    page, day = dashboard, seeded["received"][3]  # last week's letter
    page.fill("[name=from]", day.isoformat())
    page.fill("[name=to]", day.isoformat())
    page.get_by_role("button", name="查询", exact=True).click()
    shown_period(page, day, day)
    assert page.locator("[data-preset][aria-pressed=true]").count() == 0
    assert (kpi(page, "total"), kpi(page, "closed")) == (1, 0)  # closed today, not on its receipt day
    assert page.locator("#chart-trend rect.bar-new").count() == 1


def test_the_grouping_select_changes_the_chart(dashboard, seeded):
    page, staff, today = dashboard, seeded["staff"], seeded["today"]
    page.get_by_role("button", name="今年", exact=True).click()
    shown_period(page, date(today.year, 1, 1), today)
    chooser = page.get_by_label("分组方式")
    assert chooser.input_value() == "territory"
    seen = {}
    for by, heading in (("territory", "片区"), ("assignee", "业务员"), ("channel", "受理渠道"),
                        ("responsible_department", "责任部门")):
        if chooser.input_value() != by:
            before = page.inner_text("#chart-group .group-chart")
            chooser.select_option(by)
            page.wait_for_function("before => { const n = document.querySelector('#chart-group .group-chart'); "
                                   "return n.getAttribute('aria-busy') === 'false' && n.innerText !== before; }",
                                   arg=before)
        labels = page.eval_on_selector_all("#chart-group svg text", "ts => ts.map(t => t.textContent)")
        expected = [g["label"] for g in staff.stats(f"{today.year}-01-01", today.isoformat(), by)["groups"]]
        assert page.eval_on_selector("#chart-group .chart-data th", "th => th.textContent") == heading
        assert page.locator("#chart-group svg rect.bar").count() == len(expected), by
        seen[by] = labels
        for label in expected:
            assert any(label.startswith(text.rstrip("…")) for text in labels) or label == "-", (by, label, labels)
    assert "李明" in seen["assignee"] and "sales_cs" not in seen["assignee"]  # the staff name, not the username
    assert "湖南长沙片区" in seen["territory"] and "(未定)" in seen["responsible_department"]
    assert len({tuple(v) for v in seen.values()}) == 4, "each grouping draws its own chart"
    check_accessibility(page, "the dashboard grouped")


def test_the_deadline_figures_are_percentages_with_their_counts(dashboard, seeded):
    page, today = dashboard, seeded["today"]
    page.get_by_role("button", name="今年", exact=True).click()
    shown_period(page, date(today.year, 1, 1), today)
    total = seeded["staff"].stats(f"{today.year}-01-01", today.isoformat())["total"]
    gauges = page.eval_on_selector_all("#chart-deadlines svg text", "ts => ts.map(t => t.textContent)")
    for label, clock in (("首次联系按时", "first_contact"), ("按时处理完成", "resolution")):
        met, decided = total[f"{clock}_met"], total[f"{clock}_decided"]
        shown = f"{_percent(met, decided)}%（{met}/{decided}）" if decided else "—"
        assert f"{label}: {shown}" in gauges, (gauges, total)
    assert total["first_contact_decided"] >= 2, "something to show"
    cells = page.eval_on_selector_all("#chart-group .chart-data td", "tds => tds.map(t => t.textContent)")
    assert any(cell.endswith("）") and "%（" in cell for cell in cells), cells


def _percent(met: int, decided: int) -> int:
    shown = math.floor(met / decided * 100 + 0.5)  # as the page rounds: half up
    return 99 if shown == 100 and met < decided else 1 if shown == 0 and met else shown


def test_quality_and_the_leader_see_the_dashboard_too(system, open_page, seeded):
    for user in ("quality1", "leader1"):
        page = login(open_page, system, user, viewport=VIEWPORTS["phone"])
        page.click("a[data-nav=dashboard]")
        page.locator("#chart-trend svg").wait_for()
        start, end = preset_period("month", seeded["today"])
        assert kpi(page, "total") == sum(1 for d in seeded["received"] if start <= d <= end)
