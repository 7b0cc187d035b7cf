"""Staff actions and the stream's consumers (statistics, cluster alerts) while DynamoDB fails, and a whole
real case walked with faults sprinkled over every AWS call it makes."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from tests.faults.checks import (
    FAILED_CALL, act, assert_all_well, assert_retryable, assert_stats_match, outbox_items, submit,
)
from tests.real_cases import BLADE, ODOR, SEAL_OPEN, body


def _action_save(params):
    put = params["TransactItems"][0].get("Put", {})
    return put.get("Item", {}).get("sk", {}).get("S") == "META" and "version = :read" in put.get(
        "ConditionExpression", "")


def _history(api, cid):
    return [h["action"] for h in api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data["history"]]


@pytest.mark.parametrize("kind", ["throttle", "5xx", "timeout"])
def test_an_action_that_could_not_be_saved_is_a_503_and_its_retry_is_saved_once(api, faults, kind):
    cid = submit(api, SEAL_OPEN, "seal-1").data["complaint_id"]
    act(api, cid, "sales_gz", "contact", note="已联系")
    faults.inject("dynamodb", "TransactWriteItems", kind, times=FAILED_CALL, stage="send", match=_action_save)
    form = dict(investigation="侧封口开", sample_provided=True, certificate_provided=True, customer_request="处理")
    assert_retryable(act(api, cid, "sales_gz", "submit_feedback_form", expect=None, **form))
    assert api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data["status"] == "investigating"
    assert act(api, cid, "sales_gz", "submit_feedback_form", **form).data["status"] == "qc_pending"
    assert _history(api, cid).count("submit_feedback_form") == 1
    assert_all_well(api, [cid])
    assert [(i["event"], i["recipient"]) for i in outbox_items(cid) if i.get("event") == "qc_requested"] == [
        ("qc_requested", "quality1")]


def test_an_action_saved_whose_answer_was_lost_is_saved_once_and_its_retry_says_so(api, faults):
    """The save landed, the answer was lost: the client saw a 503; its retry finds the action done (409)."""
    cid = submit(api, SEAL_OPEN, "seal-2").data["complaint_id"]
    faults.inject("dynamodb", "TransactWriteItems", "timeout", times=1, stage="lost", match=_action_save)
    assert_retryable(act(api, cid, "sales_gz", "contact", expect=None, note="已联系"))
    retry = act(api, cid, "sales_gz", "contact", expect=409, note="已联系")
    assert retry.data["error"]["code"] == "invalid_transition"
    assert _history(api, cid).count("contact") == 1
    assert_all_well(api, [cid])


def test_an_action_botocore_sent_twice_because_its_answer_was_lost_is_saved_once(api, faults):
    cid = submit(api, SEAL_OPEN, "seal-3").data["complaint_id"]
    faults.inject("dynamodb", "TransactWriteItems", "timeout", times=1, stage="lost_in_transit", match=_action_save)
    assert act(api, cid, "sales_gz", "contact", note="已联系").data["status"] == "investigating"
    assert _history(api, cid).count("contact") == 1
    assert_all_well(api, [cid])


def _stats_write(params):
    """The statistics' own transaction, or the outbox claim that carries them (a complaint's one change)."""
    return any(w.get("Update", {}).get("Key", {}).get("sk", {}).get("S") == "STATS" for w in params["TransactItems"])


@pytest.mark.parametrize("stage", ["call", "lost", "lost_in_transit"])
def test_statistics_are_neither_lost_nor_counted_twice_when_their_write_fails(api, faults, stage):
    faults.inject("dynamodb", "TransactWriteItems", "throttle" if stage == "call" else "timeout", times=3,
                  stage=stage, match=_stats_write)
    cids = [submit(api, case, f"case-{n}").data["complaint_id"] for n, case in enumerate((ODOR, BLADE, SEAL_OPEN))]
    act(api, cids[2], "sales_gz", "contact", note="已联系")
    assert_all_well(api, cids)
    # the writes met the fault (how many of them there were depends on how the stream batched the changes:
    # one complaint's change goes with its outbox claim, several are summed into one transaction)
    assert faults.faults[0].hits >= 1


def _lot(n):
    return body(ODOR, product={**ODOR["product"], "batch": "B-0001"}, description=f"{ODOR['description']} (第 {n} 包)")


@pytest.mark.parametrize("step", ["add_member", "save_alert_failed", "save_alert_lost"])
def test_a_cluster_alert_goes_out_exactly_once_when_its_writes_fail(api, faults, step):
    def alert_write(params):
        return params["TransactItems"][0].get("Put", {}).get("Item", {}).get("pk", {}).get("S") == "ALERTS"

    if step == "add_member":  # a lot's row is written with the complaint: botocore retries that transaction
        faults.inject("dynamodb", "TransactWriteItems", "throttle", times=2, stage="send",
                      match=lambda p: any('"LOT#' in json.dumps(w, ensure_ascii=False) for w in p["TransactItems"]))
    else:
        faults.inject("dynamodb", "TransactWriteItems", "throttle" if step.endswith("failed") else "timeout", times=1,
                      stage="call" if step.endswith("failed") else "lost", match=alert_write)
    cids = [submit(api, _lot(n), f"lot-{n}").data["complaint_id"] for n in range(4)]
    assert_all_well(api, cids)
    assert faults.faults[0].hits >= 1
    alerts = api.call("GET", "/api/v1/staff/alerts", user="manager1").data["items"]
    assert len(alerts) == 1  # the batch's complaints are the production date's: one alert names both
    assert (alerts[0]["batch"], alerts[0]["production_date"]) == ("B-0001", "2008-11-29")
    assert alerts[0]["shared"] == ["batch", "production_date"] and sorted(alerts[0]["complaint_ids"]) == sorted(cids)
    told = Counter(m["recipient"] for m in api.outbox() if m["event"] == "cluster_alert" and m["channel"] == "sms")
    assert told == {"quality1": 1, "manager1": 1}  # each recipient told once


def test_a_real_case_walked_to_closed_with_faults_everywhere(api, faults):
    """Every AWS call of the walk may fail (seeded); a client retries on 503, the stream and the sweeper
    retry on their own. At the end everything holds."""
    rng = random.Random(7)
    operations = {"dynamodb": ["TransactWriteItems", "GetItem", "Query", "BatchGetItem", "UpdateItem", "PutItem"],
                  "sns": ["Publish"], "scheduler": ["CreateSchedule", "DeleteSchedule", "ListSchedules"]}

    def sprinkle():
        faults.heal()
        for service, ops in operations.items():
            for op in ops:
                if rng.random() < 0.3:
                    faults.inject(service, op, rng.choice(["throttle", "5xx", "timeout"]), times=1)

    def retrying(call):
        for _ in range(10):
            sprinkle()
            response = call()
            if response.status_code != 503:
                faults.heal()
                return response
            api.pump.drain_stream()
        raise AssertionError("still failing")

    def step(user, action, **data):
        response = retrying(lambda: act(api, cid, user, action, expect=None, **data))
        assert response.status_code == 200, response.body

    cid = retrying(lambda: submit(api, BLADE, "walk-1", expect=None)).data["complaint_id"]
    step("sales_cs", "contact", note="当天上门取回刀片样品")
    step("sales_cs", "submit_feedback_form", investigation="断刀片", sample_provided=True, certificate_provided=True,
         customer_request="解释")
    step("quality1", "record_qc_result", investigation_result="刀片断裂", cause_analysis="换刀未检查",
         responsible_department="生产车间", corrective_actions="自查", preventive_actions="换刀责任人",
         company_at_fault=True)
    step("sales_cs", "propose_handling", type="explanation", note="说明")
    step("sales_cs", "notify_customer", via="visit", note="已告知")
    step("sales_cs", "record_satisfaction", rating=5, comment="满意")
    step("service1", "close", note="结案")
    faults.heal()
    assert sum(f.hits for f in faults.faults) > 5  # the walk did meet faults
    assert_all_well(api, [cid])
    history = _history(api, cid)
    for action in ("contact", "submit_feedback_form", "record_qc_result", "propose_handling", "notify_customer",
                   "record_satisfaction", "close"):
        assert history.count(action) == 1, (action, history)
    assert assert_stats_match(api, [cid])["open"] == 0
