"""Notifications while SNS (or the outbox bookkeeping in DynamoDB) fails: nothing is lost, nothing is sent
twice. Delivery runs from the stream (the local pump retries a failed batch, as Lambda's poller does)
and from the sweeper."""
from __future__ import annotations

import pytest

from chalicelib.services import delivery
from chalicelib.wiring import adapters
from tests.faults.checks import (
    FAILED_CALL, LATER, assert_all_well, customer_sms, outbox_items, settle, submit, utcnow,
)
from tests.real_cases import BLADE, ODOR


def _sent(api, cid):
    return [(m["event"], m["recipient"]) for m in api.outbox() if m["complaint_id"] == cid and m["channel"] == "sms"]


@pytest.mark.parametrize("kind", ["throttle", "5xx", "timeout", "connect"])
def test_notifications_held_up_by_sns_go_out_exactly_once_when_it_is_back(api, faults, kind):
    fault = faults.inject("sns", "Publish", kind, times=None, stage="send")
    cid = submit(api, BLADE, "blade-1").data["complaint_id"]
    for _ in range(3):  # the stream retries the batch, in vain while SNS fails
        assert _sent(api, cid) == []
    assert fault.hits >= 3 * FAILED_CALL
    assert {i["status"] for i in outbox_items(cid) if i["kind"] == "notify"} == {"pending"}
    faults.heal()
    assert sorted(_sent(api, cid)) == [("assigned", "sales_cs"), ("escalated", "manager1")]  # the stream's retry
    assert delivery.sweep(adapters(), utcnow() + LATER) == 0  # nothing left for the sweeper
    assert_all_well(api, [cid])


def test_one_failed_publish_in_a_batch_does_not_send_the_others_again(api, faults):
    faults.inject("sns", "Publish", "throttle", times=2, match=lambda p: "manager1" in str(p["MessageAttributes"]))
    cid = submit(api, BLADE, "blade-2").data["complaint_id"]
    assert _sent(api, cid) == [("assigned", "sales_cs")]
    assert _sent(api, cid) == [("assigned", "sales_cs")]
    assert sorted(_sent(api, cid)) == [("assigned", "sales_cs"), ("escalated", "manager1")]
    assert_all_well(api, [cid])


def _updates(params):
    """The updates a call makes: an UpdateItem's own, or those of a transaction (a batch's items together)."""
    return [params, *(w["Update"] for w in params.get("TransactItems", []) if "Update" in w)]


def _marks_done(params):
    return any(u.get("UpdateExpression", "").startswith("SET #s = :done") for u in _updates(params))


def _claims(params):
    return any(u.get("UpdateExpression", "").startswith("SET lease_until") for u in _updates(params))


@pytest.mark.parametrize("step", ["claim", "mark_done", "release"])
def test_outbox_bookkeeping_failures_neither_lose_nor_repeat_a_notification(api, faults, step):
    if step == "release":  # the publish fails, and so does giving the lease back
        faults.inject("sns", "Publish", "throttle", times=1)
        faults.inject("dynamodb", "UpdateItem", "5xx", times=1, match=lambda p: "last_error" in str(p))
    elif step == "claim":  # the submission's items are claimed together: one transaction, then the batch again
        faults.inject("dynamodb", "TransactWriteItems", "throttle", times=2, match=_claims)
    else:  # marked done together; when that fails, each on its own, and the first of those fails too
        faults.inject("dynamodb", "TransactWriteItems", "throttle", times=1, match=_marks_done)
        faults.inject("dynamodb", "UpdateItem", "throttle", times=1, match=_marks_done)
    cid = submit(api, ODOR, "odor-1").data["complaint_id"]
    assert_all_well(api, [cid])
    assert [f.hits for f in faults.faults] == [f.times for f in faults.faults]


def test_a_stream_that_gave_up_leaves_the_notifications_to_the_sweeper(api, faults):
    from infra.pump import MAX_ATTEMPTS

    faults.inject("sns", "Publish", "unavailable", times=None)
    cid = submit(api, BLADE, "blade-3").data["complaint_id"]
    for _ in range(MAX_ATTEMPTS):
        api.pump.drain_stream()  # the batch is retried, then skipped (as to an on-failure destination)
    faults.heal()
    assert _sent(api, cid) == []  # the stream has moved on
    assert delivery.sweep(adapters(), utcnow() + LATER) == 3  # the salesperson's, the manager's, the customer's
    assert_all_well(api, [cid])


def test_a_publish_whose_answer_was_lost_is_sent_again_at_most_once_more(api, faults):
    """SNS took the message but its answer never came: the outbox cannot know, so the item is retried.
    A standard SNS topic (SMS, e-mail) has no deduplication: this is the one case of a second message."""
    faults.inject("sns", "Publish", "timeout", times=1, stage="lost", match=lambda p: "sales_cs" in str(p))
    cid = submit(api, ODOR, "odor-2").data["complaint_id"]
    settle(api)
    assert _sent(api, cid) == [("assigned", "sales_cs")] * 2
    assert delivery.sweep(adapters(), utcnow() + LATER * 2) == 0


def _to_customer(params) -> bool:
    return "PhoneNumber" in params or "phoneNumber" in params


@pytest.mark.parametrize("operation", ["Publish", "CheckIfPhoneNumberIsOptedOut"])
def test_a_customer_sms_held_up_by_sns_holds_up_no_staff_notification_and_goes_once_when_sns_is_back(
        api, faults, operation):
    fault = faults.inject("sns", operation, "unavailable", times=None, stage="send", match=_to_customer)
    cid = submit(api, BLADE, f"blade-sms-{operation}").data["complaint_id"]
    for _ in range(3):  # the stream retries the batch: the staff's notifications go, the customer's SMS waits
        assert sorted(_sent(api, cid)) == [("assigned", "sales_cs"), ("escalated", "manager1")]
    assert fault.hits >= 3 * FAILED_CALL
    [waiting] = [i for i in outbox_items(cid) if i["kind"] == "customer"]
    assert waiting["status"] == "pending" and waiting["last_error"] and cid in waiting["customer_text"]
    assert [m for m in customer_sms() if cid in m["message"]] == []
    faults.heal()
    settle(api)
    [sms] = [m for m in customer_sms() if cid in m["message"]]
    assert sms["phone_number"] == "+8613800138000" and sms["message"].startswith("【XX纸业】")
    assert_all_well(api, [cid])


def test_a_customer_sms_whose_answer_was_lost_is_sent_at_most_once_more_and_the_staff_once(api, faults):
    faults.inject("sns", "Publish", "timeout", times=1, stage="lost", match=_to_customer)
    cid = submit(api, BLADE, "blade-sms-lost").data["complaint_id"]
    settle(api)
    assert sorted(_sent(api, cid)) == [("assigned", "sales_cs"), ("escalated", "manager1")]
    assert 1 <= len([m for m in customer_sms() if cid in m["message"]]) <= 2
