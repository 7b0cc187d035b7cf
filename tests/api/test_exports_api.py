"""The export (CSV, XLSX, through S3 when large) and the printable feedback form over HTTP on moto."""
from __future__ import annotations

import csv
import io
import time
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from openpyxl import load_workbook

from chalicelib.domain.model import SHANGHAI
from chalicelib.services import exports
from tests.real_cases import BLADE, HOTEL_NAPKINS, SEAL_OPEN, SHORT_CASE, body
from tests.html_fields import read_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def seeded_stack(moto_server):
    """One stack for the module (the tests only read, or write export files): six complaints, the short case
    walked to the customer's satisfaction, the blade case carrying markup in what users wrote."""
    from infra.pump import pump_for_app
    from tests.api.conftest import Api, api_client
    from tests.conftest import fresh_stack

    with pytest.MonkeyPatch.context() as monkeypatch:
        fresh_stack(moto_server, monkeypatch)
        with api_client() as client:
            api = Api(client, pump_for_app())
            yield api, seed(api)


@pytest.fixture
def api(seeded_stack):
    return seeded_stack[0]


@pytest.fixture
def seeded(seeded_stack):
    return seeded_stack[1]


def act(api, cid, user, action, **data):
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": action, **data}, user=user)
    assert response.status_code == 200, response.body
    return response.data


def seed(api):
    ids = {}
    for name, case in (("short", SHORT_CASE), ("blade", BLADE), ("hotel", HOTEL_NAPKINS), ("seal", SEAL_OPEN),
                       ("seal2", body(SEAL_OPEN, description="=1+2 侧封口开")), ("odor", body(BLADE, category="odor"))):
        response = api.call("POST", "/api/v1/complaints", case)
        assert response.status_code == 201, response.body
        ids[name] = response.data["complaint_id"]
    short = ids["short"]
    act(api, short, "sales_wh", "contact", note="已联系门店")
    act(api, short, "sales_wh", "submit_feedback_form", investigation="原箱少两包", sample_provided=True,
        certificate_provided=False, customer_request="补偿一箱 V2047", requested_amount="45.00")
    act(api, short, "quality1", "record_qc_result", investigation_result="3 号机 4 班实习生装箱",
        cause_analysis="装箱检查未落实", responsible_department="生产车间", corrective_actions="装箱逐箱检查",
        preventive_actions="责任人处罚; 实习生培训", company_at_fault=True)
    act(api, short, "sales_wh", "propose_handling", type="compensation", amount="45.00", note="补偿一箱 V2047")
    act(api, short, "leader1", "approve", note="同意")
    act(api, short, "sales_wh", "notify_customer", via="phone", note="已告知")
    act(api, short, "sales_wh", "record_satisfaction", rating=4, comment="基本满意, 希望加强检查")
    blade = ids["blade"]
    act(api, blade, "sales_cs", "contact", note="上门取样")
    act(api, blade, "sales_cs", "submit_feedback_form", investigation='<script>alert("x")</script> 断刀片 & 碎屑',
        sample_provided=True, certificate_provided=True, customer_request="要求解释")
    return {name: api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data
            for name, cid in ids.items()}


def export(api, query="", user="manager1", accept=None, period=True):
    """An export of the complaints received since yesterday (without a period: the last 92 days, which on moto
    costs a few seconds: 8 shard queries per day)."""
    since = f"received_from={date.today() - timedelta(days=1)}" if period else ""
    query = "?" + "&".join(q for q in (query.lstrip("?"), since) if q)
    return api.call("GET", f"/api/v1/staff/export{query}", user=user, headers={"Accept": accept} if accept else {})


def csv_rows(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(raw: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(raw)).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in line])) for line in sheet.iter_rows(min_row=2)]


def newest_first(seeded, names=None):
    records = [r for n, r in seeded.items() if names is None or n in names]
    return [r["id"] for r in sorted(records, key=lambda r: (r["received_at"], r["id"]), reverse=True)]


def test_the_csv_export_has_one_row_per_complaint_newest_first_with_chinese_headers(api, seeded):
    response = export(api, "?format=csv", period=False)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="complaints-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response.body)
    assert [r["投诉编号"] for r in rows] == newest_first(seeded)
    assert list(rows[0])[:3] == ["投诉编号", "受理时间", "受理渠道"]


def test_the_csv_row_matches_the_record_of_the_walked_complaint(api, seeded):
    record = seeded["short"]
    row = next(r for r in csv_rows(export(api).body) if r["投诉编号"] == record["id"])
    form, qc, handling = record["feedback_form"], record["qc_result"], record["handling"]
    assert (row["顾客名称"], row["联系电话"], row["产品编码"]) == ("刘店长", "139 0731 0000", "V2047")
    assert (row["调查情况"], row["顾客要求"], row["要求金额(元)"]) == (form["investigation"], form["customer_request"],
                                                                 "45.00")
    assert (row["提供样品"], row["提供合格证"]) == ("是", "否")
    for header, key in (("调查结果", "investigation_result"), ("原因分析", "cause_analysis"),
                        ("纠正措施", "corrective_actions"),
                        ("预防措施", "preventive_actions")):
        assert row[header] == qc[key]
    assert row["责任部门"] == qc["responsible_department_name"] == "生产车间"  # the department's name, not its code
    assert (row["处理方式"], row["处理金额(元)"], row["处理意见"]) == ("赔偿", handling["amount"], handling["note"])
    assert (row["审批结果"], row["审批人"], row["告知方式"]) == ("同意", "孙总", "电话")  # names, not usernames
    assert (row["满意度(1-5)"], row["顾客对处理结果的意见"]) == ("4", record["satisfaction"]["comment"])
    assert row["状态"] == "已回访" and row["片区"] == record["territory"] and row["业务员"] == "王芳"


def test_a_csv_cell_that_looks_like_a_formula_stays_text(api, seeded):
    row = next(r for r in csv_rows(export(api).body) if r["投诉编号"] == seeded["seal2"]["id"])
    assert row["顾客意见"] == "'=1+2 侧封口开"


def test_the_xlsx_export_parses_back_to_the_same_rows_as_the_csv(api, seeded):
    response = export(api, "?format=xlsx", accept=XLSX)
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    rows = xlsx_rows(response.body)
    assert [r["投诉编号"] for r in rows] == newest_first(seeded)
    short = next(r for r in rows if r["投诉编号"] == seeded["short"]["id"])
    assert short["满意度(1-5)"] == 4 and short["处理金额(元)"] == 45 and short["责任部门"] == "生产车间"
    assert short["受理时间"].strftime("%Y-%m-%d %H:%M") == next(
        r for r in csv_rows(export(api).body) if r["投诉编号"] == short["投诉编号"])["受理时间"]
    formula = next(r for r in rows if r["投诉编号"] == seeded["seal2"]["id"])
    assert formula["顾客意见"] == "=1+2 侧封口开"  # a string cell: load_workbook would read a formula the same way,
    sheet = load_workbook(io.BytesIO(response.body)).active  # so check the cell type too
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)


@pytest.mark.parametrize("query, names", [
    ("?sku=V0052", {"seal", "seal2"}),
    ("?category=odor", {"odor"}),
    ("?assignee=sales_wh", {"short"}),
    ("?status=qc_pending", {"blade"}),
    ("?sku=V2131&category=foreign_matter", {"blade"}),
    ("?received_from=2026-01-01&received_to=2026-01-02", set()),
])
def test_the_list_filters_apply_to_the_export(api, seeded, query, names):
    rows = csv_rows(export(api, query + "&format=csv", period="received_from" not in query).body)
    assert [r["投诉编号"] for r in rows] == newest_first(seeded, names)


@pytest.mark.parametrize("user", ["service1", "sales_cs", "sales_wh", "quality1"])
def test_only_managers_leaders_and_admins_may_export(api, user):
    response = export(api, user=user)
    assert response.status_code == 403 and response.data["error"]["code"] == "forbidden"


@pytest.mark.parametrize("user", ["leader1", "admin1"])
def test_leaders_and_admins_export_too(api, seeded, user):
    assert len(csv_rows(export(api, user=user).body)) == len(seeded)


def test_an_export_without_a_token_is_refused(api):
    assert api.call("GET", "/api/v1/staff/export").status_code == 401


def test_an_unknown_format_names_the_parameter(api):
    response = export(api, "?format=pdf")
    assert response.status_code == 400 and response.data["error"]["fields"][0]["field"] == "format"


def link_seconds(query: dict[str, list[str]]) -> float:
    """How long a presigned URL is valid (SigV4 says so, SigV2 names the moment it expires)."""
    if "X-Amz-Expires" in query:
        return int(query["X-Amz-Expires"][0])
    return int(query["Expires"][0]) - time.time()


def test_a_large_export_is_a_link_to_the_file_in_the_bucket_valid_15_minutes(api, seeded, monkeypatch):
    monkeypatch.setattr(exports, "DIRECT_MAX_ROWS", 2)
    response = export(api, "?format=csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    link = response.data
    assert link["rows"] == len(seeded) and link["format"] == "csv" and link["filename"].endswith(".csv")
    url = urlparse(link["download_url"])
    assert url.path.split("/", 2)[2].startswith("exports/")
    assert link_seconds(parse_qs(url.query)) <= 900
    downloaded = requests.get(link["download_url"], timeout=10)
    assert downloaded.status_code == 200 and "attachment" in downloaded.headers["Content-Disposition"]
    assert [r["投诉编号"] for r in csv_rows(downloaded.content)] == newest_first(seeded)


def test_an_xlsx_export_for_a_client_that_cannot_take_binary_is_a_link(api, seeded):
    response = export(api, "?format=xlsx")  # no Accept naming the XLSX type
    assert response.status_code == 200 and response.data["format"] == "xlsx"
    downloaded = requests.get(response.data["download_url"], timeout=10)
    assert [r["投诉编号"] for r in xlsx_rows(downloaded.content)] == newest_first(seeded)


def form(api, cid, user="service1"):
    return api.call("GET", f"/api/v1/staff/complaints/{cid}/feedback-form", user=user)


def test_the_feedback_form_is_a_printable_page_with_every_box(api, seeded):
    record = seeded["short"]
    response = form(api, record["id"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.body.decode()
    assert "@page" in page and "size: A4" in page and "顾客意见信息反馈表" in page
    values = read_form(page)
    reported = datetime.fromisoformat(record["feedback_form"]["at"]).astimezone(SHANGHAI)
    assert values["complaint_id"] == record["id"] and values["report_date"] == reported.date().isoformat()
    assert values["customer_opinion"] == SHORT_CASE["description"] and values["investigation"] == "原箱少两包"
    assert values["investigation_result"] == "3 号机 4 班实习生装箱" and values["cause_analysis"] == "装箱检查未落实"
    assert values["responsible_department"] == "生产车间" and values["corrective_actions"] == "装箱逐箱检查"
    assert values["preventive_actions"] == "责任人处罚; 实习生培训"
    assert values["handling_opinion"].startswith("赔偿 45.00 元\n补偿一箱 V2047")
    assert values["customer_feedback"] == "满意度 4/5\n基本满意, 希望加强检查"
    assert (values["sku"], values["product_name"], values["production_date"]) == ("V2047", "抽取式面巾 150抽",
                                                                                  "2009-06-01")
    assert (values["sample_provided"], values["certificate_provided"]) == ("已提供", "未提供")
    assert values["salesperson"] == "王芳"  # the name from the staff directory


def test_the_feedback_form_escapes_what_users_wrote(api, seeded):
    page = form(api, seeded["blade"]["id"]).body.decode()
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 断刀片 &amp; 碎屑" in page


def test_a_salesperson_sees_only_the_form_of_their_own_complaint(api, seeded):
    assert form(api, seeded["short"]["id"], user="sales_wh").status_code == 200
    response = form(api, seeded["short"]["id"], user="sales_cs")
    assert response.status_code == 404 and response.data["error"]["code"] == "not_found"


def test_the_form_of_an_unknown_complaint_is_not_found_and_needs_a_token(api):
    assert form(api, "C-20990101-ZZZZZZ").status_code == 404
    assert api.call("GET", "/api/v1/staff/complaints/C-20990101-ZZZZZZ/feedback-form").status_code == 401
