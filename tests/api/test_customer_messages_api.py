"""The complainant in the loop (api.md 1.1) through the HTTP API on moto: one complaint of each channel
walked from the receipt SMS to the survey answer, read from what moto's SNS recorded as sent to the
customer's phone; the status link, the survey's answers, the receipt again, a new access code, e-mail
for a customer with no mobile, an opted-out number, and an erasure before the SMS went."""
from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timedelta

import pytest
import requests

from chalicelib.domain.customer_messages import MAX_LENGTH
from chalicelib.domain.model import SHANGHAI
from tests.api.conftest import module_api
from tests.real_cases import HOTEL_NAPKINS, ODOR, SEAL_OPEN, SHORT_CASE, body

SIGNATURE = "【XX纸业】"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/s/|/survey\?t=)([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])")
# each channel's complaint: who records it, and a case routed to a salesperson
CHANNELS = {
    "web": (None, ODOR, "sales_cs"),
    "hotline": ("service1", ODOR, "sales_cs"),
    "letter": ("service1", ODOR, "sales_cs"),
    "salesperson": ("sales_cs", ODOR, "sales_cs"),
    "distributor": ("sales_wh", SHORT_CASE, "sales_wh"),
    "affiliate": ("sales_gz", SEAL_OPEN, "sales_gz"),
}


@pytest.fixture(scope="module")
def api(moto_server):
    with module_api(moto_server) as api:
        yield api


def a_mobile() -> str:
    """A mobile number no other test uses, as typed (moto treats numbers ending in 99 as opted out)."""
    return "139" + "".join(secrets.choice("0123456789") for _ in range(6)) + secrets.choice("012345678") + "0"


def complain(api, channel="web", phone=None, **customer) -> tuple[dict, str]:
    user, case, _ = CHANNELS[channel]
    phone = phone or a_mobile()
    complaint = body(case, customer={**case["customer"], "phone": phone, **customer}, consent=True)
    path = "/api/v1/staff/complaints" if user else "/api/v1/complaints"
    if user:
        complaint["channel"] = channel
    response = api.call("POST", path, complaint, user=user)
    assert response.status_code == 201, response.body
    return response.data, "+86" + phone if not phone.startswith("+") else phone


def sent(api) -> dict:
    """What moto recorded as sent, once the stream has carried out every outbox item."""
    api.pump.drain_stream()
    return requests.get(f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/data.json", timeout=10).json()


def sms_to(api, e164: str) -> list[str]:
    """The texts moto's SNS recorded as published to this phone number, oldest first."""
    return [m["message"] for m in sent(api)["sns"].get("SMS", []) if m["phone_number"] == e164]


def mails_to(api, address: str) -> list[dict]:
    return [m for m in sent(api)["ses"].get("Message", []) if address in str(m.get("destinations"))]


def token(text: str, kind: str = "/s/") -> str:
    [found] = [m.group(2) for m in LINK.finditer(text) if m.group(1) == kind]
    return found


def act(api, cid, user, action, expect=200, **data):
    response = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": action, **data}, user=user)
    assert response.status_code == expect, response.body
    return response.data


def status_by_token(api, complaint_id, status_token):
    return api.call("GET", f"/api/v1/complaints/{complaint_id}/status", headers={"X-Status-Token": status_token})


def tell(api, cid, sales) -> dict:
    act(api, cid, sales, "contact", note="已电话联系")
    act(api, cid, sales, "submit_feedback_form", investigation="确认有问题", sample_provided=True,
        certificate_provided=True, customer_request="换货")
    act(api, cid, "quality1", "record_qc_result", investigation_result="属实", cause_analysis="车间",
        responsible_department="生产车间", corrective_actions="整改", preventive_actions="预防", company_at_fault=True)
    assert act(api, cid, sales, "propose_handling", type="exchange", note="换一箱")["status"] == "handling_agreed"
    return act(api, cid, sales, "notify_customer", via="phone", note="已电话告知")


def fire(api, until: datetime) -> list[dict]:
    response = api.call("POST", "/dev/scheduler/fire", {"until": until.isoformat()})
    assert response.status_code == 200, response.body
    return response.data["fired"]


def survey(api, survey_token, rating=5, **extra):
    return api.call("POST", "/api/v1/survey", {"token": survey_token, "rating": rating, **extra})


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_each_channels_customer_hears_the_receipt_the_decision_and_the_survey_and_answers_it(api, channel):
    receipt, phone = complain(api, channel)
    cid, sales = receipt["complaint_id"], CHANNELS[channel][2]

    [received] = sms_to(api, phone)
    assert received.startswith(SIGNATURE) and cid in received and receipt["access_code"] in received
    status_token = token(received)
    assert receipt["access_code"] not in status_token
    for asked in (cid, "-"):
        shown = status_by_token(api, asked, status_token)
        assert shown.status_code == 200 and shown.data["complaint_id"] == cid

    told = tell(api, cid, sales)
    [_, decided] = sms_to(api, phone)
    assert "换货" in decided and status_by_token(api, "-", token(decided)).data["complaint_id"] == cid
    survey_due = datetime.fromisoformat(told["deadlines"]["survey"]["due_at"])
    told_at = datetime.fromisoformat(told["customer_notified"]["at"])
    assert survey_due - told_at >= timedelta(hours=15)
    assert 9 <= survey_due.astimezone(SHANGHAI).hour < 18, "the survey goes in business hours"

    fired = fire(api, survey_due + timedelta(minutes=1))
    assert any(f["schedule"].startswith(f"{cid}.survey.") for f in fired)
    [_, _, asked] = sms_to(api, phone)
    survey_token = token(asked, "/survey?t=")

    answered = survey(api, survey_token, 4, comment="换货很快, 谢谢")
    assert answered.status_code == 200 and answered.data == {"complaint_id": cid, "status": "followed_up"}
    again = survey(api, survey_token, 1)
    assert again.status_code == 409 and again.data["error"]["code"] == "conflict"

    record = api.call("GET", f"/api/v1/staff/complaints/{cid}", user="service1").data
    assert record["status"] == "followed_up" and record["satisfaction"]["by"] == "customer"
    assert record["satisfaction"]["rating"] == 4 and record["deadlines"]["callback"]["stopped_at"]
    assert [(m["kind"], m["channel"], m["state"]) for m in record["customer_messages"]] == [
        ("received", "sms", "sent"), ("handling_told", "sms", "sent"), ("survey", "sms", "sent")]
    for text in sms_to(api, phone):
        assert len(text) <= MAX_LENGTH and text.startswith(SIGNATURE)
    assert survey_token not in str(record) and status_token not in str(record) and "查询码" not in str(record)


def test_the_salespersons_callback_reminder_does_not_fire_once_the_survey_is_answered(api):
    receipt, phone = complain(api)
    cid = receipt["complaint_id"]
    told = tell(api, cid, "sales_cs")
    fire(api, datetime.fromisoformat(told["deadlines"]["survey"]["due_at"]) + timedelta(minutes=1))
    assert survey(api, token(sms_to(api, phone)[-1], "/survey?t="), 5).status_code == 200
    fired = fire(api, datetime.fromisoformat(told["deadlines"]["callback"]["due_at"]) + timedelta(minutes=1))
    assert not [f for f in fired if f["schedule"].startswith(f"{cid}.callback.")]
    assert "callback_due" not in [m["event"] for m in api.outbox() if m["complaint_id"] == cid]


def test_a_wrong_or_unknown_token_is_not_found(api):
    receipt, phone = complain(api)
    assert status_by_token(api, receipt["complaint_id"], "A" * 22).status_code == 404
    assert status_by_token(api, "-", "not a token").status_code == 404
    other, _ = complain(api)
    assert status_by_token(api, other["complaint_id"], token(sms_to(api, phone)[0])).status_code == 404
    unknown = survey(api, "B" * 22)
    assert unknown.status_code == 404 and unknown.data["error"]["code"] == "not_found"


def test_a_survey_link_older_than_fourteen_days_is_gone(api, monkeypatch):
    from chalicelib.handlers import public

    receipt, phone = complain(api)
    told = tell(api, receipt["complaint_id"], "sales_cs")
    fire(api, datetime.fromisoformat(told["deadlines"]["survey"]["due_at"]) + timedelta(minutes=1))
    survey_token = token(sms_to(api, phone)[-1], "/survey?t=")
    later = datetime.now().astimezone() + timedelta(days=16)
    monkeypatch.setattr(public, "now", lambda: later)
    gone = survey(api, survey_token, 3)
    assert gone.status_code == 410 and gone.data["error"]["code"] == "gone"


def test_the_survey_answer_is_checked_before_anything_is_looked_up(api):
    for wrong in ({"token": "x" * 22, "rating": 6}, {"token": "x" * 22, "rating": 3, "comment": "长" * 501},
                  {"token": "短", "rating": 3}):
        response = api.call("POST", "/api/v1/survey", wrong)
        assert response.status_code == 400, wrong


def test_resend_receipt_gives_a_new_code_by_sms_and_the_old_one_stops_working(api):
    receipt, phone = complain(api, "hotline")
    cid, old = receipt["complaint_id"], receipt["access_code"]
    record = act(api, cid, "manager1", "resend_receipt")
    assert [m["kind"] for m in record["customer_messages"]] == ["received", "received"]
    [_, again] = sms_to(api, phone)
    new = re.search(r"查询码 (\d{6})", again).group(1)
    status = receipt["status_url"]
    assert api.call("GET", status, headers={"X-Access-Code": new}).status_code == 200
    assert new == old or api.call("GET", status, headers={"X-Access-Code": old}).status_code == 404
    act(api, cid, "sales_cs", "resend_receipt", expect=403)


def test_a_new_access_code_goes_only_to_the_phone_on_file_at_most_three_a_day(api):
    receipt, phone = complain(api)
    cid = receipt["complaint_id"]

    def ask(digits):
        response = api.call("POST", f"/api/v1/complaints/{cid}/access-code", {"phone_last4": digits})
        assert response.status_code == 202 and response.data == {"status": "accepted"}

    ask("0000" if phone[-4:] != "0000" else "1111")
    assert len(sms_to(api, phone)) == 1, "the wrong digits sent a code"
    for _ in range(4):
        ask(phone[-4:])
    texts = sms_to(api, phone)
    assert len(texts) == 4, "three new codes a day, then nothing"
    newest = re.search(r"查询码 (\d{6})", texts[-1]).group(1)
    assert api.call("GET", receipt["status_url"], headers={"X-Access-Code": newest}).status_code == 200
    unknown = api.call("POST", "/api/v1/complaints/C-20260101-AAAAAA/access-code", {"phone_last4": "8000"})
    assert unknown.status_code == 202


def test_a_customer_with_an_e_mail_and_no_mobile_gets_e_mails_and_a_landline_alone_nothing(api):
    address = f"wang-{secrets.token_hex(3)}@hotel.example"
    hotel = body(HOTEL_NAPKINS, customer={**HOTEL_NAPKINS["customer"], "email": address})
    receipt = api.call("POST", "/api/v1/complaints", hotel).data
    [mail] = mails_to(api, address)
    assert receipt["complaint_id"] in mail["subject"] and receipt["access_code"] in mail["body"]
    record = api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="service1").data
    assert [(m["channel"], m["state"]) for m in record["customer_messages"]] == [("email", "sent")]
    landline = api.call("POST", "/api/v1/complaints", HOTEL_NAPKINS).data
    record = api.call("GET", f"/api/v1/staff/complaints/{landline['complaint_id']}", user="service1").data
    assert record["customer_messages"] == []


def test_a_number_that_replied_stop_gets_no_sms_and_the_record_says_opted_out(api):
    phone = "1390000" + "".join(secrets.choice("0123456789") for _ in range(2)) + "99"  # moto: opted out
    receipt, e164 = complain(api, phone=phone)
    assert sms_to(api, e164) == []
    record = api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="service1").data
    assert [(m["kind"], m["state"]) for m in record["customer_messages"]] == [("received", "opted_out")]


def test_an_erasure_before_the_receipt_went_out_withdraws_it(api):
    phone = a_mobile()
    complaint = body(ODOR, customer={**ODOR["customer"], "phone": phone})
    cid = api.call("POST", "/api/v1/complaints", complaint).data["complaint_id"]  # the stream not drained yet
    erased = api.call("POST", f"/api/v1/admin/complaints/{cid}/erase", {"reason": "顾客要求"}, user="admin1")
    assert erased.status_code == 200 and erased.data["removed"]["customer_messages"] == 1
    assert sms_to(api, "+86" + phone) == []
    from tests.faults.checks import outbox_items

    [item] = [i for i in outbox_items(cid) if i["kind"] == "customer"]
    assert "customer_text" not in item and "to" not in item and item["status"] == "done"
