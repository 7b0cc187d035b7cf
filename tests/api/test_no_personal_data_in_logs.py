"""Everything the system logs while a complaint goes from the form to erasure holds none of the
complainant's personal data, failures included."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tests.api.test_workflow_api import act, fire
from tests.real_cases import SHORT_CASE, body

NAME, PHONE, EMAIL, ADDRESS = "欧阳娜娜", "13912345678", "nana.ouyang@example.com", "岳麓区麓山南路932号"
TRACES = (NAME, PHONE, "+8613912345678", "139 1234 5678", "139-1234-5678", EMAIL, ADDRESS, "麓山南路")


def test_a_whole_workflow_logs_no_name_phone_email_or_address(api, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    caplog.set_level(logging.DEBUG, logger="infra")
    caplog.set_level(logging.INFO)
    customer = {**SHORT_CASE["customer"], "name": NAME, "phone": PHONE, "email": EMAIL, "address": ADDRESS}
    receipt = api.call("POST", "/api/v1/complaints", body(SHORT_CASE, customer=customer)).data
    cid = receipt["complaint_id"]
    fire(api, datetime.fromisoformat(receipt["first_contact_due"]) - timedelta(minutes=30))  # the warning
    act(api, cid, "sales_wh", "contact", note=f"已联系{NAME}, 电话 {PHONE}")
    act(api, cid, "sales_wh", "submit_feedback_form", investigation=f"{NAME}反映少两包", sample_provided=True,
        certificate_provided=True, customer_request="补偿一箱")
    act(api, cid, "sales_wh", "close", expect=403, note="不是我")  # refusals are logged too
    act(api, cid, "quality1", "record_qc_result", investigation_result="装箱少两包", cause_analysis="未检查",
        responsible_department="生产车间", corrective_actions="逐箱检查", preventive_actions="培训",
        company_at_fault=True)
    act(api, cid, "sales_wh", "propose_handling", type="compensation", amount="45.00", note=f"补给{ADDRESS}")
    act(api, cid, "leader1", "approve", note="同意")
    act(api, cid, "sales_wh", "notify_customer", via="phone", note=f"已电话告知 {PHONE}")
    api.call("GET", receipt["status_url"], headers={"X-Access-Code": "000000"})
    api.call("GET", f"/api/v1/staff/export?format=csv&received_from={datetime.now().date()}", user="manager1")
    api.call("POST", "/api/v1/complaints", body(SHORT_CASE, customer={**customer, "phone": "12"}))  # a 400

    def broken(*args, **kwargs):  # an unexpected failure whose message quotes the customer
        raise RuntimeError(f"cannot handle {NAME} {PHONE} {EMAIL}")

    monkeypatch.setattr("chalicelib.services.workflow.view", broken)
    assert api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").status_code == 500
    monkeypatch.undo()
    api.outbox()  # the stream, SNS deliveries, stats and alerts
    assert api.call("POST", f"/api/v1/admin/complaints/{cid}/erase", {"reason": "顾客要求"},
                    user="admin1").status_code == 200
    api.outbox()
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "unexpected error: RuntimeError" in logged  # the test saw the logs it means to check
    assert [trace for trace in TRACES if trace in logged] == []
