from tests.real_cases import ALL, BLADE, ODOR, SEAL_OPEN, body

import pytest


def sms_to(api, phone):
    return [m for m in api.outbox() if m["channel"] == "sms" and m["to"] == phone]


def test_a_web_complaint_gets_a_receipt_and_its_salesperson_an_sms_and_an_email(api):
    response = api.call("POST", "/api/v1/complaints", ODOR)
    assert response.status_code == 201, response.body
    receipt = response.data
    assert receipt["complaint_id"].startswith("C-") and len(receipt["access_code"]) == 6
    assert receipt["status"] == "received" and receipt["severity"] == "normal"  # a smell: no danger, no key account
    assert receipt["status_url"] == f"/api/v1/complaints/{receipt['complaint_id']}/status"
    messages = [m for m in api.outbox() if m["complaint_id"] == receipt["complaint_id"]]
    assert {(m["channel"], m["to"]) for m in messages} == {("sms", "+8613900000001"), ("email", "sales_cs@example.com")}
    assert all(m["event"] == "assigned" and m["recipient"] == "sales_cs" for m in messages)


def test_each_real_case_is_routed_to_its_salesperson(api):
    expected = {"blade": "sales_cs", "hotel_napkins": "sales_cs", "short_case": "sales_wh", "seal_open": "sales_gz"}
    receipts = {name: api.call("POST", "/api/v1/complaints", case).data for name, case in ALL.items()}
    assigned = {m["complaint_id"]: m["recipient"] for m in api.outbox() if m["event"] == "assigned"}
    assert {name: assigned[r["complaint_id"]] for name, r in receipts.items()} == expected


def test_a_critical_complaint_also_tells_the_manager_at_once(api):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    assert receipt["severity"] == "critical"
    escalations = [m for m in api.outbox() if m["complaint_id"] == receipt["complaint_id"] and m["event"] == "escalated"]
    assert {m["recipient"] for m in escalations} == {"manager1"}
    assert all("13800138000" not in m["text"] for m in escalations)


def test_an_unroutable_complaint_goes_to_the_service_queue_and_the_manager(api):
    receipt = api.call("POST", "/api/v1/complaints", body(ODOR, customer={**ODOR["customer"], "province": "西藏",
                                                                          "city": "拉萨"})).data
    recipients = {m["recipient"] for m in api.outbox() if m["complaint_id"] == receipt["complaint_id"]}
    assert recipients == {"service1", "manager1"}


def test_a_repeated_idempotency_key_returns_the_first_receipt_and_creates_nothing(api):
    headers = {"Idempotency-Key": "form-7f3a"}
    first = api.call("POST", "/api/v1/complaints", ODOR, headers=headers)
    again = api.call("POST", "/api/v1/complaints", ODOR, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data == first.data
    assigned = [m for m in api.outbox() if m["event"] == "assigned" and m["channel"] == "sms"]
    assert len(assigned) == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(api):
    headers = {"Idempotency-Key": "form-7f3b"}
    api.call("POST", "/api/v1/complaints", ODOR, headers=headers)
    response = api.call("POST", "/api/v1/complaints", SEAL_OPEN, headers=headers)
    assert response.status_code == 409 and response.data["error"]["code"] == "conflict"


@pytest.mark.parametrize("lang, text", [(None, "手机"), ("en", "phone")])
def test_a_bad_phone_names_the_field_in_the_callers_language(api, lang, text):
    headers = {"Accept-Language": lang} if lang else {}
    bad = body(ODOR, customer={**ODOR["customer"], "phone": "12345"})
    response = api.call("POST", "/api/v1/complaints", bad, headers=headers)
    assert response.status_code == 400
    assert response.data["error"]["code"] == "validation_error"
    [field] = response.data["error"]["fields"]
    assert field["field"] == "customer.phone"


def test_the_public_form_requires_consent(api):
    response = api.call("POST", "/api/v1/complaints", body(ODOR, consent=False))
    assert response.status_code == 400
    assert [f["field"] for f in response.data["error"]["fields"]] == ["consent"]


def test_the_status_page_shows_progress_without_personal_data(api):
    receipt = api.call("POST", "/api/v1/complaints", ODOR).data
    response = api.call("GET", receipt["status_url"], headers={"X-Access-Code": receipt["access_code"]})
    assert response.status_code == 200
    assert response.data["status"] == "received" and response.data["timeline"][0]["status"] == "received"
    text = response.body.decode()
    for secret in ("张先生", "13800138000", "sales_cs", "李明", "+86"):
        assert secret not in text


def test_a_wrong_access_code_looks_exactly_like_an_unknown_complaint(api):
    receipt = api.call("POST", "/api/v1/complaints", ODOR).data
    wrong = "111111" if receipt["access_code"] != "111111" else "222222"
    wrong_code = api.call("GET", receipt["status_url"], headers={"X-Access-Code": wrong})
    missing_code = api.call("GET", receipt["status_url"])
    unknown = api.call("GET", "/api/v1/complaints/C-20261124-ZZZZZZ/status", headers={"X-Access-Code": wrong})
    assert wrong_code.status_code == missing_code.status_code == unknown.status_code == 404
    assert wrong_code.body == missing_code.body == unknown.body


def test_staff_record_a_letter_with_the_date_it_arrived(api):
    letter = body(SEAL_OPEN, channel="letter", received_at="2009-06-19T09:00:00+08:00")
    response = api.call("POST", "/api/v1/staff/complaints", letter, user="service1")
    assert response.status_code == 201, response.body
    assert response.data["received_at"].startswith("2009-06-19T01:00:00")


def test_staff_entry_refuses_a_missing_or_forged_token(api):
    letter = body(SEAL_OPEN, channel="hotline")
    assert api.call("POST", "/api/v1/staff/complaints", letter).status_code in (401, 403)
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}
    assert api.call("POST", "/api/v1/staff/complaints", letter, headers=forged).status_code == 401


def test_quality_staff_may_not_record_complaints(api):
    response = api.call("POST", "/api/v1/staff/complaints", body(SEAL_OPEN, channel="hotline"), user="quality1")
    assert response.status_code == 403 and response.data["error"]["code"] == "forbidden"


def test_the_first_contact_deadline_is_scheduled_before_it_is_due(api):
    from datetime import datetime, timedelta

    from infra.scheduler import LocalScheduler

    receipt = api.call("POST", "/api/v1/complaints", ODOR).data
    api.pump.drain_stream()
    due = datetime.fromisoformat(receipt["first_contact_due"])
    schedules = [s for s in LocalScheduler.of_app().due(due + timedelta(days=30))
                 if s["input"]["complaint_id"] == receipt["complaint_id"]]
    assert [s["input"]["clock"] for s in schedules] == ["first_contact"]
    assert schedules[0]["at"] < due
