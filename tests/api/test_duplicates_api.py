"""Possible duplicates marked at intake, merged or told apart, and notes, through the HTTP API."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.test_admin_api import ok
from tests.api.test_customer_messages_api import act, sms_to, status_by_token, tell, token
from tests.real_cases import BLADE, ODOR, body

PHONE = "+8613800138000"


def web(api, **changes) -> str:
    return ok(api.call("POST", "/api/v1/complaints", body(ODOR, **changes)), 201)["complaint_id"]


def hotline(api, **changes) -> str:
    return ok(api.call("POST", "/api/v1/staff/complaints", body(ODOR, channel="hotline", **changes),
                       user="service1"), 201)["complaint_id"]


def detail(api, cid, user="service1") -> dict:
    return ok(api.call("GET", f"/api/v1/staff/complaints/{cid}", user=user))


def test_the_same_phone_and_sku_within_30_days_marks_both(api):
    first = web(api)
    second = hotline(api, description="上周投诉过的纸巾, 还是有油漆味")
    assert detail(api, second)["possible_duplicate_of"] == [first]
    api.pump.drain_stream()
    earlier = detail(api, first)
    assert earlier["possible_duplicate_of"] == [second]
    assert [h["data"] for h in earlier["history"] if h["action"] == "possible_duplicate"] == [
        {"complaint_ids": [second]}]
    assert "not_duplicate" in earlier["allowed_actions"] and "merge" in earlier["allowed_actions"]


def test_another_sku_another_phone_or_an_old_complaint_is_no_duplicate(api):
    first = web(api)
    other_sku = hotline(api, product={**ODOR["product"], "sku": "V2131"})
    other_phone = hotline(api, customer={**ODOR["customer"], "phone": "13900001111"})
    long_ago = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    old_letter = ok(api.call("POST", "/api/v1/staff/complaints",
                             body(ODOR, channel="letter", received_at=long_ago,
                                  customer={**ODOR["customer"], "phone": "13700002222"}),
                             user="service1"), 201)["complaint_id"]
    recent = hotline(api, customer={**ODOR["customer"], "phone": "13700002222"})
    for cid in (other_sku, other_phone, recent):
        assert detail(api, cid).get("possible_duplicate_of") in ([], None), cid
    api.pump.drain_stream()
    assert detail(api, first).get("possible_duplicate_of") in ([], None)
    assert detail(api, old_letter).get("possible_duplicate_of") in ([], None)
    assert "not_duplicate" not in detail(api, first)["allowed_actions"]


def test_without_a_sku_the_same_category_is_the_same_matter(api):
    no_sku = {**BLADE["product"], "sku": None}
    first = web(api, product=no_sku, category="foreign_matter")
    same = hotline(api, product=no_sku, category="foreign_matter")
    other = hotline(api, product=no_sku, category="dusting")
    assert detail(api, same)["possible_duplicate_of"] == [first]
    assert detail(api, other).get("possible_duplicate_of") in ([], None)


def test_merge_closes_the_newer_one_into_the_other_and_the_customer_follows_the_survivor(api):
    survivor = web(api)
    merged = hotline(api, description="又打电话来说纸巾有油漆味")
    api.pump.drain_stream()
    receipt = [t for t in sms_to(api, PHONE) if merged in t]
    assert receipt, "the hotline entry's receipt SMS"
    merged_token = token(receipt[-1])

    after = act(api, merged, "service1", "merge", into=survivor.lower(), note="同一件事")
    assert after["status"] == "closed" and after["merged_into"] == survivor
    assert after["possible_duplicate_of"] == [] and set(after["allowed_actions"]) == {"reopen", "resend_receipt"}
    assert [h["data"]["into"] for h in after["history"] if h["action"] == "merge"] == [survivor]
    kept = detail(api, survivor)
    assert [h["data"]["complaint_id"] for h in kept["history"] if h["action"] == "merged_in"] == [merged]
    assert kept["possible_duplicate_of"] == []
    assert [(m["complaint_id"], m["description"]) for m in kept["merged"]] == [(merged, "又打电话来说纸巾有油漆味")]

    shown = status_by_token(api, merged, merged_token)
    assert shown.status_code == 200, shown.body
    assert shown.data["complaint_id"] == merged and shown.data["merged_into"] == survivor
    assert shown.data["status"] == "received"  # the survivor's step, not "closed"
    sales = kept["assignee"]
    tell(api, survivor, sales)
    assert status_by_token(api, merged, merged_token).data["status"] == "result_ready"


def test_reopening_a_merged_complaint_undoes_the_merge(api):
    survivor, merged = web(api), hotline(api)
    act(api, merged, "service1", "merge", into=survivor)
    reopened = act(api, merged, "manager1", "reopen", reason="合并错了, 是两次购买")
    assert reopened["status"] == "investigating" and reopened["merged_into"] is None
    assert detail(api, survivor)["merged"] == []

def test_stats_count_a_merged_pair_once(api):
    survivor = web(api)
    merged = hotline(api)
    api.pump.drain_stream()

    def odour_count() -> int:
        api.pump.drain_stream()
        rows = ok(api.call("GET", "/api/v1/staff/stats?by=category", user="manager1"))
        return next((r["count"] for r in rows["groups"] if r["key"] == "odor"), 0)

    assert odour_count() == 2
    act(api, merged, "manager1", "merge", into=survivor)
    assert odour_count() == 1


def test_merge_is_refused_into_itself_a_closed_or_unknown_complaint_or_by_a_salesperson(api):
    first, second = web(api), hotline(api)
    for into in (second, "C-20260101-ZZZZZZ", "not-a-number"):
        response = api.call("POST", f"/api/v1/staff/complaints/{second}/actions",
                            {"action": "merge", "into": into}, user="service1")
        assert response.status_code in (400, 422), response.body
        assert "into" in str(response.data), response.data
    sales = detail(api, second)["assignee"]
    response = api.call("POST", f"/api/v1/staff/complaints/{second}/actions",
                        {"action": "merge", "into": first}, user=sales)
    assert response.status_code == 403
    act(api, first, "service1", "merge", into=second)  # first is now closed, merged into second
    response = api.call("POST", f"/api/v1/staff/complaints/{second}/actions",
                        {"action": "merge", "into": first}, user="service1")
    assert response.status_code == 400 and "into" in str(response.data)  # nothing merges into a closed one
    third = hotline(api)
    response = api.call("POST", f"/api/v1/staff/complaints/{first}/actions",
                        {"action": "merge", "into": third}, user="service1")
    assert response.status_code == 409  # a closed complaint is merged nowhere


def test_not_duplicate_clears_the_mark_on_both(api):
    first, second = web(api), hotline(api)
    api.pump.drain_stream()
    after = act(api, second, "manager1", "not_duplicate", note="两次购买, 两件事")
    assert after["possible_duplicate_of"] == []
    api.pump.drain_stream()
    assert detail(api, first)["possible_duplicate_of"] == []
    again = api.call("POST", f"/api/v1/staff/complaints/{second}/actions", {"action": "not_duplicate"},
                     user="manager1")
    assert again.status_code == 409


def test_a_note_from_any_staff_reaches_the_assignee_and_changes_nothing_else(api):
    cid = web(api)
    before = detail(api, cid)
    for user in ("quality1", "leader1", "service1"):
        after = act(api, cid, user, "note", note=f"{user}: 顾客又来电催问")
        assert after["status"] == before["status"]
    notes = [h for h in detail(api, cid)["history"] if h["action"] == "note"]
    assert [(h["actor"], h["data"]["note"]) for h in notes] == [
        (u, f"{u}: 顾客又来电催问") for u in ("quality1", "leader1", "service1")]
    told = [m for m in api.outbox() if m["complaint_id"] == cid and m.get("event") == "note_added"]
    assert {m["recipient"] for m in told} == {before["assignee"]}
    assert len([m for m in told if m["channel"] == "sms"]) == 3
    empty = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "note", "note": ""},
                     user="service1")
    assert empty.status_code == 400
