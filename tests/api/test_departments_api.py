"""Responsible departments through the HTTP API: a managed list (admin, manager), readable by every staff
member for the QC form, and the names the statistics show for the codes."""
from __future__ import annotations

import os
from datetime import datetime

import pytest

from chalicelib.domain import departments
from chalicelib.domain.errors import RuleViolation
from chalicelib.domain.stats import SHANGHAI
from tests.api.conftest import module_api
from tests.api.test_workflow_api import act
from tests.real_cases import BLADE

DEMO = {"PROD": "生产车间", "ROLL": "卷纸车间", "PRINT": "印刷车间", "PACK": "包装车间", "WH": "仓库", "LOGI": "物流",
        "PURCH": "采购部", "SALES": "销售部"}


@pytest.fixture(scope="module")
def api(moto_server):
    with module_api(moto_server) as api:
        yield api


@pytest.fixture(scope="module")
def no_role(api):
    from chalicelib import clients
    from chalicelib.adapters.identity import StaffIdentity

    identity = StaffIdentity(clients.client("cognito-idp"), os.environ["USER_POOL_ID"],
                             os.environ["USER_POOL_CLIENT_ID"])
    identity.create_user("nobody.departments", "In-No-Group-2026", [])
    return {"Authorization": f"Bearer {identity.login('nobody.departments', 'In-No-Group-2026')[0]}"}


def department(api, code, data=None, user="admin1", method="PUT", headers=None):
    return api.call(method, f"/api/v1/admin/departments/{code}", data, user=None if headers else user,
                    headers=headers)


def listed(api, path="/api/v1/admin/departments", user="admin1"):
    response = api.call("GET", path, user=user)
    assert response.status_code == 200, response.body
    return {d["code"]: d["name"] for d in response.data["items"]}


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def fields(response):
    assert response.status_code == 400, response.body
    return {f["field"]: f["message"] for f in response.data["error"]["fields"]}


# --- who may -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["service1", "sales_cs", "quality1", "leader1"])
def test_only_managers_and_admins_may_administer_the_departments(api, user):
    assert api.call("GET", "/api/v1/admin/departments", user=user).status_code == 403
    assert department(api, "NEW", {"name": "新部门"}, user=user).status_code == 403
    assert department(api, "PROD", user=user, method="DELETE").status_code == 403
    assert listed(api)["PROD"] == "生产车间"


@pytest.mark.parametrize("user", ["service1", "sales_cs", "quality1", "manager1", "leader1", "admin1"])
def test_every_staff_member_reads_the_departments_for_the_qc_form(api, user):
    assert DEMO.items() <= listed(api, "/api/v1/staff/departments", user=user).items()


def test_a_token_with_no_role_is_refused_everywhere(api, no_role):
    for path in ("/api/v1/admin/departments", "/api/v1/staff/departments"):
        assert api.call("GET", path, headers=no_role).status_code == 403
    assert department(api, "NEW", {"name": "新部门"}, headers=no_role).status_code == 403
    assert department(api, "PROD", method="DELETE", headers=no_role).status_code == 403


def test_without_a_token_the_departments_are_closed(api):
    assert api.call("GET", "/api/v1/staff/departments").status_code == 401
    assert department(api, "PROD", {"name": "x"}, user=None).status_code == 401


def test_a_non_maintainer_is_refused_before_the_body_or_the_code_is_read(api):
    assert department(api, "NOT A CODE!", {"name": ""}, user="quality1").status_code == 403


# --- the list ----------------------------------------------------------------------------------------------

def test_the_demo_departments_are_listed_by_code_with_their_revision(api):
    items = ok(api.call("GET", "/api/v1/admin/departments", user="manager1"))["items"]
    assert [d["code"] for d in items] == sorted(d["code"] for d in items)
    assert {"code": "ROLL", "name": "卷纸车间", "revision": 1} in items


def test_a_manager_adds_renames_and_removes_a_department(api):
    created = ok(department(api, "qa", {"name": "品质管理部"}, user="manager1"))
    assert created == {"code": "QA", "name": "品质管理部", "revision": 1}
    renamed = ok(department(api, "QA", {"name": "品质部", "revision": 1}, user="manager1"))
    assert renamed == {"code": "QA", "name": "品质部", "revision": 2}
    assert listed(api)["QA"] == "品质部"
    assert department(api, "qa", user="manager1", method="DELETE").status_code == 204
    assert "QA" not in listed(api)


def test_an_unknown_department_is_not_found_to_remove(api):
    assert department(api, "NO-SUCH", method="DELETE").status_code == 404


# --- what is checked ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["-X", "A" * 21, "车间", "A_B"])
def test_a_code_names_its_form_and_its_limit_of_20(api, bad):
    assert fields(department(api, bad, {"name": "某部门"})) == {"code": "应为 1-20 个字母、数字或 -, 以字母或数字开头"}


def test_the_name_is_required_and_at_most_50_characters(api):
    assert fields(department(api, "LONG", {})) == {"name": "必填"}
    assert fields(department(api, "LONG", {"name": "部" * 51})) == {"name": "太长, 最多 50 个字"}
    assert fields(department(api, "LONG", {"name": "x", "colour": "red"})) == {"colour": "不是可接受的字段"}


def test_a_name_another_department_has_in_any_spelling_is_refused(api):
    assert fields(department(api, "ROLL2", {"name": "卷纸 车间"})) == {"name": "已有同名的责任部门"}
    assert ok(department(api, "ROLL", {"name": "卷纸车间"}))["code"] == "ROLL"  # its own name, again


def test_a_put_over_a_stale_revision_is_a_conflict(api):
    first = ok(department(api, "RACE", {"name": "甲部门", "revision": 0}))
    ok(department(api, "RACE", {"name": "乙部门", "revision": first["revision"]}))
    theirs = department(api, "RACE", {"name": "丙部门", "revision": first["revision"]}, user="manager1")
    assert theirs.status_code == 409 and theirs.data["error"]["code"] == "conflict"
    assert listed(api)["RACE"] == "乙部门"
    assert department(api, "RACE2", {"name": "丁部门", "revision": 3}).status_code == 409  # it never existed


# --- the statistics ----------------------------------------------------------------------------------------

def test_the_statistics_by_department_show_a_codes_department_name(api):
    cid = ok(api.call("POST", "/api/v1/complaints", BLADE), 201)["complaint_id"]
    act(api, cid, "sales_cs", "contact", note="当天联系")
    act(api, cid, "sales_cs", "submit_feedback_form", investigation="断刀片", sample_provided=True,
        certificate_provided=True, customer_request="解释")
    act(api, cid, "quality1", "record_qc_result", investigation_result="刀片断裂", cause_analysis="换刀未检查",
        responsible_department="PACK", corrective_actions="自查", preventive_actions="换刀责任人",
        company_at_fault=True)
    api.pump.drain_stream()
    today = datetime.now(SHANGHAI).date().isoformat()
    report = ok(api.call("GET", f"/api/v1/staff/stats?from={today}&to={today}&by=responsible_department",
                         user="manager1"))
    [row] = [g for g in report["groups"] if g["key"] == "PACK"]
    assert row["label"] == "包装车间"


# --- a QC result's department, as the domain resolves it ---------------------------------------------------

def test_a_code_in_any_case_or_a_name_in_any_spelling_is_the_departments_code():
    assert departments.resolve("roll", DEMO) == "ROLL"
    assert departments.resolve("卷纸 车间", DEMO) == "ROLL"
    assert departments.resolve("生产车间", DEMO) == "PROD"


def test_unknown_text_is_refused_naming_the_field_and_the_choices_when_few():
    from chalicelib.api.errors import translate

    with pytest.raises(RuleViolation) as refused:
        departments.resolve("不存在的车间", DEMO)
    assert refused.value.field == "responsible_department"
    message = translate(str(refused.value), "zh")
    assert message.startswith("没有这个责任部门, 可选: ") and "PROD 生产车间" in message and "WH 仓库" in message
    many = {f"D{n}": f"部门{n}" for n in range(20)}
    with pytest.raises(RuleViolation) as refused:
        departments.resolve("x", many)
    assert translate(str(refused.value), "en") == (
        "is not a responsible department: pick one of the list (or add it first)")


def test_without_a_list_the_text_is_kept_as_written():
    assert departments.resolve("卷纸 车间", {}) == "卷纸 车间"


def test_a_qc_result_names_a_department_of_the_list_and_stores_its_code(api):
    cid = ok(api.call("POST", "/api/v1/complaints", BLADE), 201)["complaint_id"]
    act(api, cid, "sales_cs", "contact", note="当天联系")
    act(api, cid, "sales_cs", "submit_feedback_form", investigation="断刀片", sample_provided=True,
        certificate_provided=True, customer_request="解释")
    qc = dict(investigation_result="刀片断裂", cause_analysis="换刀未检查", corrective_actions="自查",
              preventive_actions="换刀责任人", company_at_fault=True)
    refused = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions",
                       {"action": "record_qc_result", "responsible_department": "卷纸车间二", **qc}, user="quality1")
    assert refused.status_code == 400 and refused.data["error"]["fields"][0]["field"] == "responsible_department"
    done = act(api, cid, "quality1", "record_qc_result", responsible_department="生产 车间", **qc)
    assert done["qc_result"]["responsible_department"] == "PROD"
    assert done["qc_result"]["responsible_department_name"] == "生产车间"


# --- a QC result names a department of the list ------------------------------------------------------------

def qc_pending(api):
    cid = ok(api.call("POST", "/api/v1/complaints", BLADE), 201)["complaint_id"]
    act(api, cid, "sales_cs", "contact", note="当天联系")
    act(api, cid, "sales_cs", "submit_feedback_form", investigation="断刀片", sample_provided=True,
        certificate_provided=True, customer_request="解释")
    return cid


def qc_result(api, cid, department, expect=200, headers=None):
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {
        "action": "record_qc_result", "investigation_result": "刀片断裂", "cause_analysis": "换刀未检查",
        "responsible_department": department, "corrective_actions": "自查", "preventive_actions": "换刀责任人",
        "company_at_fault": True}, user="quality1", headers=headers)
    assert response.status_code == expect, response.body
    return response.data


@pytest.mark.parametrize("given, stored", [("ROLL", "ROLL"), ("roll", "ROLL"), ("卷纸车间", "ROLL"),
                                           ("卷纸 车间", "ROLL"), ("生产车间", "PROD")])
def test_a_qc_result_stores_the_code_of_the_department_named_by_code_or_name(api, given, stored):
    assert qc_result(api, qc_pending(api), given)["qc_result"]["responsible_department"] == stored


def test_a_department_not_on_the_list_is_refused_naming_the_field_and_the_codes(api):
    cid = qc_pending(api)
    refused = fields(api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {
        "action": "record_qc_result", "investigation_result": "x", "cause_analysis": "x",
        "responsible_department": "不存在的车间", "corrective_actions": "x", "preventive_actions": "x",
        "company_at_fault": False}, user="quality1"))
    assert list(refused) == ["responsible_department"]
    assert refused["responsible_department"].startswith("没有这个责任部门, 可选: ") and "ROLL 卷纸车间" in refused[
        "responsible_department"]
    detail = ok(api.call("GET", f"/api/v1/staff/complaints/{cid}", user="quality1"))
    assert detail["status"] == "qc_pending" and not detail.get("qc_result")


def test_the_statistics_group_qc_results_by_the_code_whatever_spelling_was_used(api):
    for given in ("仓库", "wh", "仓 库"):
        qc_result(api, qc_pending(api), given)
    api.pump.drain_stream()
    today = datetime.now(SHANGHAI).date().isoformat()
    report = ok(api.call("GET", f"/api/v1/staff/stats?from={today}&to={today}&by=responsible_department",
                         user="manager1"))
    [row] = [g for g in report["groups"] if g["key"] == "WH"]
    assert row["label"] == "仓库" and row["count"] == 3
    assert not [g for g in report["groups"] if g["label"] == "仓库" and g["key"] != "WH"]
