"""The four real cases of domain.md walked from intake to closed through the HTTP API."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


from tests.real_cases import BLADE, HOTEL_NAPKINS, SEAL_OPEN, SHORT_CASE


def act(api, complaint_id, user, action, expect=200, **data):
    response = api.call("POST", f"/api/v1/staff/complaints/{complaint_id}/actions", {"action": action, **data},
                        user=user)
    assert response.status_code == expect, response.body
    return response.data


def events_for(api, complaint_id):
    return [(m["event"], m["recipient"]) for m in api.outbox()
            if m["complaint_id"] == complaint_id and m["channel"] == "sms"]


def fire(api, until: datetime):
    response = api.call("POST", "/dev/scheduler/fire", {"until": until.isoformat()})
    assert response.status_code == 200, response.body
    return response.data["fired"]


def test_case_1_the_broken_blade_walks_to_closed(api):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    cid = receipt["complaint_id"]
    assert receipt["severity"] == "critical"
    act(api, cid, "sales_cs", "contact", note="当天上门取回刀片样品")
    act(api, cid, "sales_cs", "submit_feedback_form", investigation="面巾纸内有断刀片", sample_provided=True,
        certificate_provided=True, customer_request="要求解释并加强管理")
    record = act(api, cid, "quality1", "record_qc_result",
                 investigation_result="切纸刀片断裂, 断片未找到", cause_analysis="生产线刀片断裂后未找到断片",
                 responsible_department="生产车间",
                 corrective_actions="各车间自查; 断片未找到则报废整班产品",
                 preventive_actions="每台机器指定换刀责任人", company_at_fault=True)
    assert record["status"] == "qc_done" and (record["qc_result"]["responsible_department"], record["qc_result"]["responsible_department_name"]) == ("PROD", "生产车间")
    assert act(api, cid, "sales_cs", "propose_handling", type="explanation", note="说明原因和整改措施")[
        "status"] == "handling_agreed"
    told = act(api, cid, "sales_cs", "notify_customer", via="visit", note="顾客满意, 希望加强管理")
    callback_due = datetime.fromisoformat(told["deadlines"]["callback"]["due_at"])
    fired = fire(api, callback_due + timedelta(minutes=1))
    assert any(f["schedule"].startswith(f"{cid}.callback.") for f in fired)
    assert ("callback_due", "sales_cs") in events_for(api, cid)
    act(api, cid, "sales_cs", "record_satisfaction", rating=5, comment="满意, 希望加强管理")
    closed = act(api, cid, "service1", "close", note="结案归档")
    assert closed["status"] == "closed"
    assert {"callback_due", "record_satisfaction", "close"} <= {h["action"] for h in closed["history"]}
    assert ("qc_requested", "quality1") in events_for(api, cid)
    assert ("escalated", "manager1") in events_for(api, cid)


def public_status(api, receipt):
    response = api.call("GET", receipt["status_url"], headers={"X-Access-Code": receipt["access_code"]})
    assert response.status_code == 200
    return response


def test_case_2_the_hotels_return_needs_the_leaders_approval(api):
    receipt = api.call("POST", "/api/v1/complaints", HOTEL_NAPKINS).data
    cid = receipt["complaint_id"]
    act(api, cid, "sales_cs", "contact", note="到酒店查看 30 箱")
    act(api, cid, "sales_cs", "submit_feedback_form", investigation="印刷浅有条纹, 三个生产日期",
        sample_provided=True, certificate_provided=False, customer_request="坚持退货")
    act(api, cid, "quality1", "record_qc_result", investigation_result="油墨与水比例漂移",
        cause_analysis="印刷工序油墨配比失控; 本厂餐巾纸袋按设计不印字", responsible_department="生产车间",
        corrective_actions="校准油墨配比", preventive_actions="每班首检印刷色差", company_at_fault=True)
    proposed = act(api, cid, "sales_cs", "propose_handling", type="return", note="退回 30 箱, 损失最小化")
    assert proposed["status"] == "pending_approval"
    assert ("approval_requested", "leader1") in events_for(api, cid)
    assert public_status(api, receipt).data["handling"] is None  # nothing agreed or told yet
    act(api, cid, "sales_cs", "approve", expect=403, note="自己批准")
    assert act(api, cid, "leader1", "approve", note="同意退货")["status"] == "handling_agreed"
    act(api, cid, "sales_cs", "notify_customer", via="visit", note="已告知退货安排")
    status = public_status(api, receipt)
    assert status.data["status"] == "result_ready" and status.data["handling"]["type"] == "return"
    assert [step["status"] for step in status.data["timeline"]] == [
        "received", "investigating", "quality_testing", "investigating", "result_ready"]
    for private in ("sales_cs", "leader1", "quality1", "王经理", "油墨", "同意退货"):
        assert private not in status.body.decode()
    act(api, cid, "service1", "record_satisfaction", rating=4, comment="基本满意")
    assert act(api, cid, "manager1", "close", note="结案")["status"] == "closed"


def test_case_3_the_short_case_compensation_to_a_store_needs_approval_and_can_be_declined(api):
    cid = api.call("POST", "/api/v1/complaints", SHORT_CASE).data["complaint_id"]
    act(api, cid, "sales_wh", "contact", note="已联系门店")
    act(api, cid, "sales_wh", "submit_feedback_form", investigation="原箱少两包", sample_provided=True,
        certificate_provided=True, customer_request="补偿一箱 V2047", requested_amount="45.00")
    act(api, cid, "quality1", "record_qc_result", investigation_result="3 号机 4 班实习生装箱",
        cause_analysis="装箱检查未落实", responsible_department="生产车间", corrective_actions="装箱逐箱检查",
        preventive_actions="责任人处罚; 实习生培训", company_at_fault=True)
    assert act(api, cid, "sales_wh", "propose_handling", type="compensation", amount="90.00",
               note="补偿两箱")["status"] == "pending_approval"
    assert act(api, cid, "leader1", "decline", note="按顾客要求补偿一箱即可")["status"] == "qc_done"
    again = act(api, cid, "sales_wh", "propose_handling", type="compensation", amount="45.00", note="补偿一箱 V2047")
    assert again["status"] == "pending_approval"  # a retailer: any compensation needs approval
    act(api, cid, "leader1", "approve", note="同意")
    act(api, cid, "sales_wh", "notify_customer", via="phone", note="已告知")
    act(api, cid, "sales_wh", "record_satisfaction", rating=2, comment="太慢了")
    assert ("escalated", "manager1") in events_for(api, cid)
    reopened = act(api, cid, "manager1", "reopen", reason="顾客不满意, 重新处理")
    assert reopened["status"] == "investigating"


def test_case_4_the_open_seals_are_reworked_at_the_factorys_cost(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    act(api, cid, "sales_gz", "contact", note="已联系")
    act(api, cid, "sales_gz", "submit_feedback_form", investigation="侧封口开, 20 箱", sample_provided=True,
        certificate_provided=True, customer_request="处理库存")
    act(api, cid, "quality1", "record_qc_result", investigation_result="外购原纸偏薄, 压光不良",
        cause_analysis="折叠时纸页漂移, 热封不良", responsible_department="生产车间",
        corrective_actions="开机前设定折叠尺寸", preventive_actions="每次换卷检查", company_at_fault=True)
    agreed = act(api, cid, "sales_gz", "propose_handling", type="rework", amount="100.00",
                 note="工厂出约 100 元人工费重新封口 20 箱后销售")
    assert agreed["status"] == "handling_agreed" and agreed["handling"]["amount"] == "100.00"
    act(api, cid, "sales_gz", "notify_customer", via="phone", note="已告知")
    assert act(api, cid, "service1", "close", note="结案")["status"] == "closed"


def test_the_first_contact_clock_warns_then_escalates_and_is_silent_after_contact(api):
    late = api.call("POST", "/api/v1/complaints", BLADE).data
    on_time = api.call("POST", "/api/v1/complaints", BLADE).data
    act(api, on_time["complaint_id"], "sales_cs", "contact", note="已联系")
    fire(api, datetime.fromisoformat(late["first_contact_due"]) + timedelta(minutes=1))
    late_events = events_for(api, late["complaint_id"])
    assert ("sla_warning", "sales_cs") in late_events and ("sla_breached", "manager1") in late_events
    assert not [e for e in events_for(api, on_time["complaint_id"]) if e[0].startswith("sla_")]


def test_an_action_in_the_wrong_status_is_an_invalid_transition(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "close", "note": "x"},
                        user="service1")
    assert response.status_code == 409 and response.data["error"]["code"] == "invalid_transition"


def test_two_staff_acting_at_once_never_both_win(api, monkeypatch):
    from chalicelib.domain.commands import Assign
    from chalicelib.domain.errors import ConcurrentChange
    from chalicelib.domain.model import Actor, Role
    from chalicelib.handlers.http import to_api_error
    from chalicelib.services import workflow
    from chalicelib.wiring import adapters

    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    a = adapters()
    both_have_read = threading.Barrier(2)
    read = a.complaints.get

    def read_then_wait(complaint_id):
        complaint = read(complaint_id)
        both_have_read.wait(timeout=10)  # both act on the same version
        return complaint

    outcomes = []

    def assign(user, role, assignee):
        try:
            workflow.act(cid, Assign(assignee=assignee), Actor(user, frozenset({role})), a,
                         datetime.now(timezone.utc))
            outcomes.append("won")
        except ConcurrentChange as lost:
            outcomes.append(to_api_error(lost).status)

    threads = [threading.Thread(target=assign, args=("service1", Role.SERVICE, "sales_cs")),
               threading.Thread(target=assign, args=("manager1", Role.MANAGER, "sales_wh"))]
    with monkeypatch.context() as patched:  # moto's writes are atomic with infra/moto_patches.py, as DynamoDB's
        patched.setattr(a.complaints, "get", read_then_wait)
        [t.start() for t in threads]
        [t.join() for t in threads]
    assert sorted(outcomes, key=str) == [409, "won"]
    history = api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data["history"]
    assert len([h for h in history if h["action"] == "assign" and h["actor"] != "system"]) == 1


def act_once(api, cid, user, key, expect=200, **body):
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", body, user=user,
                        headers={"Idempotency-Key": key})
    assert response.status_code == expect, response.body
    return response.data


def mine(record, user, action):
    return len([h for h in record["history"] if h["actor"] == user and h["action"] == action])


def test_an_action_resent_with_its_key_is_done_once_and_answers_the_record(api):
    """The salesperson's answer was lost on the road: the console sends the same action again."""
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    first = act_once(api, cid, "sales_gz", "contact-1", action="contact", note="已电话联系")
    again = act_once(api, cid, "sales_gz", "contact-1", action="contact", note="已电话联系")
    assert again["status"] == first["status"] and again["version"] == first["version"]
    assert mine(again, "sales_gz", "contact") == 1
    escalated = act_once(api, cid, "sales_gz", "escalate-1", action="escalate", note="客户要求领导回电")
    repeated = act_once(api, cid, "sales_gz", "escalate-1", action="escalate", note="客户要求领导回电")
    assert mine(repeated, "sales_gz", "escalate") == 1
    assert repeated["version"] == escalated["version"]
    escalations = [e for e in events_for(api, cid) if e[0] == "escalated"]
    assert escalations == [("escalated", "manager1")]


def test_an_action_key_used_for_another_action_is_a_conflict_and_keys_are_per_person(api):
    cid = api.call("POST", "/api/v1/complaints", BLADE).data["complaint_id"]
    act_once(api, cid, "sales_cs", "k-1", action="contact", note="已联系")
    refused = act_once(api, cid, "sales_cs", "k-1", expect=409, action="escalate", note="升级")
    assert refused["error"]["code"] == "conflict"
    done = act_once(api, cid, "manager1", "k-1", action="escalate", note="升级")  # the same key, another person
    assert mine(done, "manager1", "escalate") == 1 and mine(done, "sales_cs", "escalate") == 0


def test_an_action_key_must_be_printable_and_short(api):
    cid = api.call("POST", "/api/v1/complaints", BLADE).data["complaint_id"]
    refused = act_once(api, cid, "sales_cs", "x" * 129, expect=400, action="contact")
    assert refused["error"]["fields"][0]["field"] == "Idempotency-Key"
