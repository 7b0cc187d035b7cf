"""Import from Excel: POST /api/v1/admin/import (dry run, apply, apply again) and the templates.

The files are built here, with openpyxl and the csv module, as Excel would write them."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF_ZH = ("用户名", "姓名", "手机", "电子邮箱", "角色", "片区", "赔偿权限", "初始密码")
STAFF_EN = ("username", "name", "phone", "email", "roles", "territories", "compensation_limit", "password")
TERRITORIES_ZH = ("片区编号", "片区名称", "地区", "业务员")
ACCOUNTS_ZH = ("客户编号", "客户名称", "类型", "片区", "业务员", "重点客户")
PASSWORD = "Chushi-Mima-2026"
NEW_SALES = ("sales_zz", "王小明", 13800138001, "wang@example.com", "业务员", "HN-ZZ", 300, PASSWORD)
NEW_TERRITORY = ("HN-ZZ", "湖南株洲片区", "湖南/株洲;湖南/湘潭", "sales_zz")
NEW_ACCOUNT = ("DIST-ZZ-001", "株洲某商贸公司", "经销商", "HN-ZZ", "sales_zz", "是")


def workbook(*sheets: tuple[str, list[tuple]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[tuple], encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def post(api, body: bytes, content_type: str = XLSX, dry_run: bool = True, user: str = "admin1", headers=None):
    query = "true" if dry_run else "false"
    return api.call("POST", f"/api/v1/admin/import?dry_run={query}", body, user=user,
                    headers={"Content-Type": content_type, **(headers or {})})


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def errors(response) -> dict[tuple, str]:
    return {(e.get("sheet"), e["row"], e["column"]): e["message"] for e in response.data["errors"]}


def counts(data) -> tuple[int, int, int]:
    return data["create"], data["change"], data["unchanged"]


def staff(api, username, user="admin1"):
    return api.call("GET", f"/api/v1/admin/staff/{username}", user=user)


# --- the dry run -----------------------------------------------------------------------------------

BAD_STAFF = [
    STAFF_ZH,
    NEW_SALES,  # row 2: fine, its territory is defined in the file's other sheet
    ("cook", "厨师甲", "13800138002", "", "厨师", "", "", PASSWORD),  # 3: no such role
    ("phoneless", "乙", "12345", "", "客服专员", "", "", PASSWORD),  # 4: a phone that is no phone
    ("lost", "丙", "", "", "sales", "NOWHERE", "", PASSWORD),  # 5: an unknown territory
    ("sales_zz", "王小明二", "", "", "sales", "", "", PASSWORD),  # 6: the key of row 2 again
    ("nameless", None, "", "", "service", "", "", PASSWORD),  # 7: an empty required cell
    ("Bad Name!", "丁", "", "", "service", "", "", PASSWORD),  # 8: no username
    ("nopass", "戊", "", "", "service", "", "", None),  # 9: a new member with no initial password
]
BAD_TERRITORIES = [
    TERRITORIES_ZH,
    NEW_TERRITORY,  # 2: its salesperson is defined in the file
    ("HN-YY", "益阳片区", "湖南/益阳", "ghost"),  # 3: no such salesperson
    ("HN-XX", "湘西片区", "湖南/长沙", "sales_cs"),  # 4: a place HN-CS serves
    ("HN-WW", "某片区", "湖南/株洲", "sales_cs"),  # 5: a place row 2 names too
    ("HN-VV", "某片区", "湖南/长沙/岳麓", "sales_cs"),  # 6: not province/city
]


def test_a_dry_run_lists_every_bad_row_with_its_row_column_and_reason(api):
    response = api.call("POST", "/api/v1/admin/import", workbook(("员工", BAD_STAFF), ("片区", BAD_TERRITORIES)),
                        user="admin1", headers={"Content-Type": XLSX})  # no dry_run: a dry run
    data = ok(response)
    assert errors(response) == {
        ("员工", 3, "角色"): "不认识的角色「厨师」, 可用: 客服专员、业务员、品质管理、经理、领导、系统管理员",
        ("员工", 4, "手机"): "手机或电话号码无效",
        ("员工", 5, "片区"): "没有片区「NOWHERE」(系统和本文件中都没有)",
        ("员工", 6, "用户名"): "与第 2 行重复",
        ("员工", 7, "姓名"): "必填",
        ("员工", 8, "用户名"): "格式不正确",
        ("员工", 9, "初始密码"): "新员工须设置初始密码",
        ("片区", 3, "业务员"): "「ghost」不是在职的业务员 (系统和本文件中都没有)",
        ("片区", 4, "地区"): "该地区已属于片区 HN-CS, 请先从那个片区移除 (或在本文件中一并修改)",
        ("片区", 5, "地区"): "该地区在第 2 行也出现了",
        ("片区", 6, "地区"): "地区「湖南/长沙/岳麓」应写作 省/市 或 省/* (整个省), 多个用 ; 分隔",
    }
    assert {e["cell"] for e in data["errors"]} >= {"E3", "C4", "F5", "A6", "B7", "H9", "D3"}
    assert data["dry_run"] is True and data["applied"] is False
    assert counts(data) == (2, 0, 0)
    assert [(r["sheet"], r["row"], r["action"]) for r in data["rows"]] == [("员工", 2, "create"), ("片区", 2, "create")]


def test_a_dry_run_writes_nothing(api):
    ok(post(api, workbook(("员工", [STAFF_ZH, NEW_SALES]), ("片区", [TERRITORIES_ZH, NEW_TERRITORY]))))
    assert staff(api, "sales_zz").status_code == 404
    assert api.call("GET", "/api/v1/admin/territories/HN-ZZ", user="admin1").status_code == 404


def test_the_apply_of_a_file_with_errors_writes_nothing_and_says_so(api):
    response = post(api, workbook(("员工", BAD_STAFF), ("片区", BAD_TERRITORIES)), dry_run=False)
    assert response.status_code == 422
    assert response.data["error"]["code"] == "import_has_errors"
    assert response.data["applied"] is False and len(response.data["errors"]) == 11
    assert staff(api, "sales_zz").status_code == 404
    assert api.call("GET", "/api/v1/admin/territories/HN-ZZ", user="admin1").status_code == 404


# --- the apply, and the apply again -----------------------------------------------------------------

FIXED = workbook(
    ("片区", [TERRITORIES_ZH, NEW_TERRITORY]),  # before the staff sheet that defines its salesperson
    ("员工", [STAFF_ZH, NEW_SALES, ("quality2", "品质二", "", "q2@example.com", "品质管理", "", "", PASSWORD)]),
    ("客户", [ACCOUNTS_ZH, NEW_ACCOUNT]),
)


def test_the_fixed_file_applies_and_a_second_apply_changes_nothing(api):
    assert counts(ok(post(api, FIXED))) == (4, 0, 0)
    applied = ok(post(api, FIXED, dry_run=False))
    assert applied["applied"] is True and counts(applied) == (4, 0, 0) and applied["errors"] == []
    member = ok(staff(api, "sales_zz"))
    assert member["phone"] == "+8613800138001" and member["territories"] == ["HN-ZZ"]
    assert member["roles"] == ["sales"] and member["compensation_limit"] == "300.00"
    territory = ok(api.call("GET", "/api/v1/admin/territories/HN-ZZ", user="admin1"))
    assert territory["salesperson"] == "sales_zz" and len(territory["places"]) == 2
    account = ok(api.call("GET", "/api/v1/admin/accounts/DIST-ZZ-001", user="admin1"))
    assert account["key_account"] is True and account["type"] == "distributor"
    assert ok(api.call("POST", "/api/v1/auth/login", {"username": "sales_zz", "password": PASSWORD}))["token"]

    again = ok(post(api, FIXED, dry_run=False))
    assert counts(again) == (0, 0, 4)
    assert {r["action"] for r in again["rows"]} == {"unchanged"}
    assert ok(api.call("GET", "/api/v1/admin/accounts/DIST-ZZ-001", user="admin1"))["revision"] == account["revision"]


def test_a_changed_row_is_a_change_naming_its_fields(api):
    rows = [STAFF_EN, ("sales_cs", "李明", "13900000009", "sales_cs@example.com", "sales", "HN-CS", "200", "")]
    data = ok(post(api, csv_file(rows), "text/csv", dry_run=False))
    assert counts(data) == (0, 1, 0)
    assert data["rows"][0]["changed"] == ["phone"]
    assert ok(staff(api, "sales_cs"))["phone"] == "+8613900000009"
    assert counts(ok(post(api, csv_file(rows), "text/csv", dry_run=False))) == (0, 0, 1)


def test_a_place_moves_between_territories_of_one_file_even_when_the_taker_comes_first(api):
    rows = [TERRITORIES_ZH, ("HN-ZZ", "湖南其他", "湖南/*", "sales_cs"),
            ("HN-CS", "湖南长沙片区", "湖南/长沙", "sales_cs")]
    data = ok(post(api, workbook(("片区", rows)), dry_run=False))
    assert counts(data) == (1, 1, 0)
    assert ok(api.call("GET", "/api/v1/admin/territories/HN-ZZ", user="admin1"))["places"] == [
        {"province": "湖南", "city": None}]
    assert counts(ok(post(api, workbook(("片区", rows)), dry_run=False))) == (0, 0, 2)


def test_territories_swapping_places_are_refused_at_once(api):
    rows = [TERRITORIES_ZH, ("HN-CS", "湖南长沙片区", "湖南/长沙;湖北/*", "sales_cs"),
            ("HB-WH", "湖北武汉片区", "湖北/武汉;湖南/*", "sales_wh")]
    found = errors(post(api, workbook(("片区", rows))))
    assert set(found) == {("片区", 2, "地区"), ("片区", 3, "地区")}
    assert "互换" in found[("片区", 2, "地区")]


# --- the file's form: csv encodings, headers, languages ----------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_a_csv_reads_in_excels_encodings(api, encoding):
    rows = [TERRITORIES_ZH, ("HN-ZZ", "湖南株洲片区", "湖南／株洲；湖南/湘潭", "sales_cs")]
    data = ok(post(api, csv_file(rows, encoding), "text/csv", dry_run=False))
    assert counts(data) == (1, 0, 0)
    territory = ok(api.call("GET", "/api/v1/admin/territories/HN-ZZ", user="admin1"))
    assert territory["name"] == "湖南株洲片区"
    assert territory["places"] == [{"province": "湖南", "city": "株洲"}, {"province": "湖南", "city": "湘潭"}]


def test_a_gb18030_csv_sent_as_binary_reads_too(api):
    rows = [ACCOUNTS_ZH, ("HOTEL-CS-002", "长沙某酒店", "酒店", "HN-CS", "sales_cs", "否")]
    data = ok(post(api, csv_file(rows, "gb18030"), "application/octet-stream", dry_run=False))
    assert counts(data) == (1, 0, 0)
    assert ok(api.call("GET", "/api/v1/admin/accounts/HOTEL-CS-002", user="admin1"))["name"] == "长沙某酒店"


def test_english_headers_and_english_messages_and_rows_numbered_as_excel_numbers_them(api):
    rows = [STAFF_EN, ("",) * 8, ("new.one", "New One", "not a phone", "", "service", "", "", PASSWORD)]
    response = post(api, csv_file(rows), "text/csv", headers={"Accept-Language": "en"})
    assert errors(response) == {(None, 3, "phone"): "is not a valid phone number"}


def test_an_account_row_names_its_unknown_territory_its_salesperson_who_is_none_and_a_wrong_yes_or_no(api):
    rows = [ACCOUNTS_ZH, ("DIST-A", "甲", "经销商", "NOWHERE", "sales_cs", "否"),
            ("DIST-B", "乙", "经销商", "HN-CS", "service1", "否"),
            ("DIST-C", "丙", "经销商", "HN-CS", "sales_cs", "也许"), ("DIST-D", "丁", "顾客", "HN-CS", "sales_cs", "")]
    found = errors(post(api, workbook(("客户", rows))))
    assert found == {("客户", 2, "片区"): "没有片区「NOWHERE」(系统和本文件中都没有)",
                     ("客户", 3, "业务员"): "「service1」不是在职的业务员 (系统和本文件中都没有)",
                     ("客户", 4, "重点客户"): "应为是或否",
                     ("客户", 5, "类型"): found[("客户", 5, "类型")]}
    assert found[("客户", 5, "类型")].startswith("应为以下之一")


def test_an_unknown_header_row_is_an_error_of_row_1(api):
    found = errors(post(api, csv_file([("工号", "姓名"), ("1", "张三")]), "text/csv"))
    assert list(found) == [(None, 1, None)] and "无法识别第 1 行的标题" in found[(None, 1, None)]
    found = errors(post(api, csv_file([("用户名", "姓名", "手机号"), ("a", "b", "c")]), "text/csv"))
    assert found[(None, 1, "手机号")].startswith("不认识的列")
    assert found[(None, 1, "角色")] == "缺少这一列"


def test_a_file_that_is_neither_xlsx_nor_csv_is_an_error_and_a_json_body_is_415(api):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    data = ok(post(api, png, "application/octet-stream"))
    assert data["errors"] == [{"row": None, "column": None, "message": "文件既不是 .xlsx 也不是 .csv, 无法读取"}]
    assert ok(post(api, b"PK\x03\x04" + b"\x00" * 64))["errors"][0]["row"] is None
    assert "另存为 .xlsx" in ok(post(api, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64))["errors"][0]["message"]
    assert post(api, b'{"a": 1}', "application/json").status_code == 415


# --- who may import what -----------------------------------------------------------------------------


def test_a_manager_importing_a_leader_row_gets_an_error_for_that_row(api):
    rows = [STAFF_ZH, ("new.leader", "新领导", "", "", "领导", "", "", PASSWORD),
            ("new.service", "新客服", "", "", "客服专员", "", "", PASSWORD),
            ("sales_wh", "王芳", "13900000002", "sales_wh@example.com", "sales;admin", "HB-WH", "200", "")]
    response = post(api, workbook(("员工", rows)), user="manager1", dry_run=False)
    assert response.status_code == 422
    assert set(errors(response)) == {("员工", 2, "角色"), ("员工", 4, "角色")}
    assert errors(response)[("员工", 2, "角色")].startswith("经理只能新建或修改客服、业务员和品质人员")
    assert staff(api, "new.service").status_code == 404  # nothing applied
    rows = [rows[0], rows[2]]
    assert counts(ok(post(api, workbook(("员工", rows)), user="manager1", dry_run=False))) == (1, 0, 0)


def test_a_row_that_changes_nothing_is_no_error_for_a_manager(api):
    rows = [STAFF_ZH, ("leader1", "孙总", "13900000040", "leader1@example.com", "领导", "", "200", "")]
    assert counts(ok(post(api, workbook(("员工", rows)), user="manager1"))) == (0, 0, 1)


def test_nobody_changes_their_own_roles_by_import(api):
    rows = [STAFF_ZH, ("manager1", "刘经理", "13900000030", "manager1@example.com", "经理;业务员", "", "200", "")]
    assert errors(post(api, workbook(("员工", rows)), user="manager1")) == {
        ("员工", 2, "角色"): "不能修改自己的角色"}


def test_only_managers_and_admins_may_import_or_download_templates(api):
    for user in ("service1", "sales_cs", "quality1", "leader1"):
        assert post(api, workbook(("员工", [STAFF_ZH, NEW_SALES])), user=user).status_code == 403
        template = api.call("GET", "/api/v1/admin/import/template?kind=staff&format=csv", user=user)
        assert template.status_code == 403
    assert post(api, workbook(("员工", [STAFF_ZH, NEW_SALES])), user="manager1").status_code == 200


# --- limits ------------------------------------------------------------------------------------------


def test_more_than_2000_rows_is_refused_naming_the_limit(api):
    rows = [TERRITORIES_ZH] + [(f"T-{n}", f"片区{n}", f"省{n}/*", "") for n in range(2001)]
    response = post(api, csv_file(rows), "text/csv")
    assert response.status_code == 413 and "2000" in response.data["error"]["message"]
    assert post(api, csv_file(rows[:2001]), "text/csv").status_code == 200


def test_a_file_over_2_mb_is_refused_naming_the_limit(api):
    response = post(api, b"a" * (2 * 1024 * 1024 + 1), "text/csv")
    assert response.status_code == 413 and "2 MB" in response.data["error"]["message"]


# --- templates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "headers"), [("staff", STAFF_ZH), ("territories", TERRITORIES_ZH),
                                               ("accounts", ACCOUNTS_ZH)])
def test_the_xlsx_template_opens_with_the_chinese_headers_and_an_example(api, kind, headers):
    response = api.call("GET", f"/api/v1/admin/import/template?kind={kind}&format=xlsx", user="manager1",
                        headers={"Accept": XLSX})
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == headers and len(rows) == 2


def test_the_csv_template_is_csv_utf8_with_the_bom(api):
    response = api.call("GET", "/api/v1/admin/import/template?kind=territories&format=csv", user="admin1")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert response.body.startswith("\ufeff".encode()) and response.body.decode("utf-8-sig").startswith("片区编号,")


def test_the_templates_import_as_they_are_staff_then_territories_then_accounts(api):
    for kind in ("staff", "territories", "accounts"):
        template = api.call("GET", f"/api/v1/admin/import/template?kind={kind}&format=xlsx", user="admin1",
                            headers={"Accept": XLSX})
        assert counts(ok(post(api, template.body, dry_run=False))) == (1, 0, 0), kind
        assert counts(ok(post(api, template.body, dry_run=False))) == (0, 0, 1), kind


def test_an_xlsx_template_without_an_accept_that_takes_it_is_406(api):
    response = api.call("GET", "/api/v1/admin/import/template?kind=staff", user="admin1")
    assert response.status_code == 406 and response.data["error"]["code"] == "not_acceptable"


def test_a_write_refused_part_way_is_a_409_saying_where_and_the_same_file_again_finishes_it(api, monkeypatch):
    from chalicelib.domain.errors import ConcurrentChange
    from chalicelib.services import admin

    put_territory = admin.put_territory

    def meanwhile_changed(code, *args, **kwargs):
        if code == "HN-YY":
            raise ConcurrentChange(code)
        return put_territory(code, *args, **kwargs)

    rows = [TERRITORIES_ZH, ("HN-ZZ", "湖南株洲片区", "湖南/株洲", "sales_cs"),
            ("HN-YY", "湖南益阳片区", "湖南/益阳", "sales_cs")]
    monkeypatch.setattr(admin, "put_territory", meanwhile_changed)
    response = post(api, workbook(("片区", rows)), dry_run=False)
    assert response.status_code == 409 and response.data["error"]["code"] == "import_stopped"
    assert response.data["written"] == 1 and response.data["applied"] is False
    assert errors(response) == {("片区", 3, "片区编号"): "这条记录刚被别人修改, 导入在此停止: 请重新试运行后再导入"}
    monkeypatch.setattr(admin, "put_territory", put_territory)
    assert counts(ok(post(api, workbook(("片区", rows)), dry_run=False))) == (1, 0, 1)
