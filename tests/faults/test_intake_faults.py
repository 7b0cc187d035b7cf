"""Submitting a complaint while DynamoDB or S3 fails: the client is told to retry (503 + Retry-After) when
nothing could be stored, and the retry with the same Idempotency-Key stores exactly one complaint."""
from __future__ import annotations

import pytest
import requests

from chalicelib.adapters import recent

from tests.faults.checks import FAILED_CALL, assert_all_well, assert_retryable, listed, submit
from tests.real_cases import BLADE, ODOR, body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def _idempotency_read(params):
    return params["Key"]["pk"]["S"].startswith("IDEMPOTENCY#")


def _complaint_write(params):
    return params["TransactItems"][0]["Put"]["Item"]["sk"]["S"] == "META"


# each storage call of a first submission, in the order it makes them
SUBMISSION_STEPS = {
    "route_lookup": ("dynamodb", "BatchGetItem", None),
    "staff_of_role": ("dynamodb", "Query", None),  # who is the manager (a critical complaint escalates)
    "transaction": ("dynamodb", "TransactWriteItems", _complaint_write),
}


@pytest.mark.parametrize("step", SUBMISSION_STEPS)
def test_a_submission_that_could_not_be_stored_is_a_503_and_its_retry_stores_it_once(api, faults, step):
    service, operation, match = SUBMISSION_STEPS[step]
    receipts = []
    for n, kind in enumerate(("throttle", "5xx", "timeout")):
        key = f"form-{step}-{n}"
        fault = faults.inject(service, operation, kind, times=FAILED_CALL, stage="send", match=match)
        recent.forget_all()  # a new container: it reads the routing and the role lists itself
        assert_retryable(submit(api, BLADE, key, expect=None))
        assert fault.hits == FAILED_CALL  # botocore retried, then gave up
        assert sorted(listed(api)) == sorted(r["complaint_id"] for r in receipts)  # nothing of the failed attempt stored
        first = submit(api, BLADE, key).data
        assert submit(api, BLADE, key).data == first  # and again: the same receipt
        receipts.append(first)
    assert_all_well(api, [r["complaint_id"] for r in receipts])


@pytest.mark.parametrize("kind", ["throttle", "5xx", "timeout"])
def test_a_retry_that_could_not_read_the_stored_receipt_is_a_503_and_the_next_one_gets_it(api, faults, kind):
    first = submit(api, BLADE, "retry-1").data
    fault = faults.inject("dynamodb", "GetItem", kind, times=FAILED_CALL, stage="send", match=_idempotency_read)
    assert_retryable(submit(api, BLADE, "retry-1", expect=None))
    assert fault.hits == FAILED_CALL
    assert submit(api, BLADE, "retry-1").data == first
    assert_all_well(api, [first["complaint_id"]])


def test_the_staff_entry_is_a_503_too_and_its_retry_stores_it_once(api, faults):
    faults.inject("dynamodb", "TransactWriteItems", "throttle", times=1, match=_complaint_write)
    assert_retryable(submit(api, ODOR, "hotline-1", user="service1", expect=None))
    receipt = submit(api, ODOR, "hotline-1", user="service1").data
    assert_all_well(api, [receipt["complaint_id"]])


def test_faults_that_botocore_retries_away_are_never_seen_by_the_client(api, faults):
    receipts = []
    for n, kind in enumerate(("throttle", "5xx", "unavailable", "timeout", "connect")):
        faults.inject("dynamodb", "TransactWriteItems", kind, times=FAILED_CALL - 1, stage="send",
                      match=_complaint_write)
        faults.inject("dynamodb", "BatchGetItem", kind, times=FAILED_CALL - 1, stage="send")
        recent.forget_all()  # a new container: it reads the routing itself
        receipts.append(submit(api, ODOR, f"absorbed-{n}").data)
        faults.inject("dynamodb", "GetItem", kind, times=FAILED_CALL - 1, stage="send", match=_idempotency_read)
        assert submit(api, ODOR, f"absorbed-{n}").data == receipts[-1]
    assert all(f.hits == FAILED_CALL - 1 for f in faults.faults)
    assert_all_well(api, [r["complaint_id"] for r in receipts])


def test_a_throttled_route_lookup_does_not_misroute_the_complaint(api, faults):
    """DynamoDB under load may answer a BatchGetItem with UnprocessedKeys instead of an error."""
    fault = faults.inject("dynamodb", "BatchGetItem", "unprocessed", times=1, stage="send")
    recent.forget_all()  # a new container: it reads the routing itself
    receipt = submit(api, ODOR, "routes-1").data
    assert fault.hits == 1
    record = api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="manager1").data
    assert record["assignee"] == "sales_cs", record
    assert_all_well(api, [receipt["complaint_id"]])


def test_a_stored_complaint_whose_answer_was_lost_is_answered_by_the_retry_with_the_same_receipt(api, faults):
    """The transaction landed, then the response was lost: the client saw a 503 and retries."""
    fault = faults.inject("dynamodb", "TransactWriteItems", "timeout", times=1, stage="lost", match=_complaint_write)
    assert_retryable(submit(api, BLADE, "lost-1", expect=None))
    [landed] = fault.seen
    landed_id = landed["TransactItems"][0]["Put"]["Item"]["id"]["S"]
    retry = submit(api, BLADE, "lost-1").data
    assert retry["complaint_id"] == landed_id
    assert submit(api, BLADE, "lost-1").data == retry
    status = api.call("GET", retry["status_url"], headers={"X-Access-Code": retry["access_code"]})
    assert status.status_code == 200  # the access code of the retried receipt opens the stored complaint
    assert_all_well(api, [landed_id])


def test_a_transaction_botocore_sent_twice_because_its_answer_was_lost_is_stored_once(api, faults):
    """The first attempt landed, the answer timed out, botocore sent it again: one complaint, 201."""
    faults.inject("dynamodb", "TransactWriteItems", "timeout", times=1, stage="lost_in_transit", match=_complaint_write)
    first = submit(api, BLADE, "transit-1").data
    faults.inject("dynamodb", "TransactWriteItems", "timeout", times=1, stage="lost_in_transit", match=_complaint_write)
    second = submit(api, ODOR).data  # no key: the write token alone recognises the landed attempt
    assert [f.hits for f in faults.faults] == [1, 1]
    assert_all_well(api, [first["complaint_id"], second["complaint_id"]])


def _photo(api) -> str:
    post = api.call("POST", "/api/v1/uploads", {"filename": "p.png", "content_type": "image/png",
                                                "size": len(PNG)}).data
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("p", PNG, "image/png")}, timeout=10)
    assert sent.status_code in (200, 204)
    return post["upload_id"]


@pytest.mark.parametrize("operation", ["HeadObject", "GetObject"])
def test_a_photo_check_that_s3_could_not_answer_is_a_503_not_a_refused_photo(api, faults, operation):
    receipts = []
    for n, kind in enumerate(("throttle", "5xx", "timeout")):
        case = body(ODOR, upload_ids=[_photo(api)])  # a photo belongs to one complaint
        faults.inject("s3", operation, kind, times=FAILED_CALL, stage="send")
        response = submit(api, case, f"photo-{n}", expect=None)
        assert_retryable(response)
        receipts.append(submit(api, case, f"photo-{n}").data)
    for receipt in receipts:
        record = api.call("GET", f"/api/v1/staff/complaints/{receipt['complaint_id']}", user="manager1").data
        assert len(record["photos"]) == 1
    assert_all_well(api, [r["complaint_id"] for r in receipts])
