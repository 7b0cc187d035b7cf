"""Twins of one action (double clicks, a console resending without an Idempotency-Key, ten tabs) are
done once, and a salesperson cannot tell another's complaint from one that does not exist."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
import requests

from chalicelib.domain.commands import COMMANDS
from chalicelib.domain.errors import DomainError
from chalicelib.domain.model import Actor, Role
from chalicelib.handlers.http import to_api_error
from chalicelib.services import workflow
from chalicelib.wiring import adapters
from tests.real_cases import ODOR, SEAL_OPEN, body

TWINS = 10
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def in_parallel(cid, action, data, actor):
    """`TWINS` threads send the same action at once; the HTTP status each one would answer."""
    a, start, outcomes = adapters(), threading.Barrier(TWINS), []

    def send():
        start.wait(timeout=10)
        try:
            workflow.act(cid, COMMANDS[action](**data), actor, a, datetime.now(timezone.utc))
            outcomes.append(200)
        except DomainError as refused:
            outcomes.append(to_api_error(refused).status)

    threads = [threading.Thread(target=send) for _ in range(TWINS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return sorted(outcomes)


def detail(api, cid):
    return api.call("GET", f"/api/v1/staff/complaints/{cid}", user="admin1").data


def entries(api, cid, action):
    return [h for h in detail(api, cid)["history"] if h["action"] == action and h["actor"] != "system"]


def sms(api, cid, event):
    return [m for m in api.outbox() if m["complaint_id"] == cid and m["event"] == event and m["channel"] == "sms"]


SERVICE = Actor("service1", frozenset({Role.SERVICE}))
SALES_GZ = Actor("sales_gz", frozenset({Role.SALES}))


def test_ten_parallel_assigns_to_one_salesperson_are_done_once(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]  # routed to sales_gz
    assert in_parallel(cid, "assign", {"assignee": "sales_cs"}, SERVICE) == [200] + [409] * (TWINS - 1)
    assert len(entries(api, cid, "assign")) == 1
    assert len(sms(api, cid, "assigned")) == 2  # the routing's to sales_gz, and this one to sales_cs


def test_assigning_to_the_current_assignee_changes_nothing_and_sends_nothing(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    before = detail(api, cid)
    sent = len(api.outbox())
    again = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions",
                     {"action": "assign", "assignee": before["assignee"]}, user="service1")
    assert again.status_code == 409 and again.data["error"]["code"] == "conflict"
    assert detail(api, cid)["version"] == before["version"]
    assert len(api.outbox()) == sent


@pytest.mark.parametrize("action, data, actor, walk", [
    ("contact", {"note": "已联系"}, SALES_GZ, []),
    ("escalate", {"note": "顾客要求经理回电"}, SALES_GZ, []),
    ("submit_feedback_form", {"investigation": "两箱封口开", "sample_provided": True, "certificate_provided": False,
                              "customer_request": "返工"}, SALES_GZ, ["contact"]),
])
def test_every_action_sent_ten_times_at_once_is_done_once(api, action, data, actor, walk):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    for step in walk:
        assert api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": step, "note": "x"},
                        user="sales_gz").status_code == 200
    assert in_parallel(cid, action, data, actor) == [200] + [409] * (TWINS - 1)
    assert len(entries(api, cid, action)) == 1
    if action == "escalate":
        assert len(sms(api, cid, "escalated")) == 1


def test_an_escalation_with_another_note_or_by_another_person_still_goes_out(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]
    path = f"/api/v1/staff/complaints/{cid}/actions"
    assert api.call("POST", path, {"action": "escalate", "note": "一"}, user="sales_gz").status_code == 200
    assert api.call("POST", path, {"action": "escalate", "note": "二"}, user="sales_gz").status_code == 200
    assert api.call("POST", path, {"action": "escalate", "note": "二"}, user="manager1").status_code == 200
    assert api.call("POST", path, {"action": "escalate", "note": "二"}, user="manager1").status_code == 409


# --- 7. no existence oracle ---------------------------------------------------------------------------

def test_a_salesperson_acting_on_anothers_complaint_gets_the_404_of_an_unknown_id(api):
    cid = api.call("POST", "/api/v1/complaints", SEAL_OPEN).data["complaint_id"]  # sales_gz's
    for action in ({"action": "contact", "note": "x"}, {"action": "escalate", "note": "x"},
                   {"action": "assign", "assignee": "sales_cs"}):
        theirs = api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", action, user="sales_cs")
        unknown = api.call("POST", "/api/v1/staff/complaints/C-20260101-AAAAAA/actions", action, user="sales_cs")
        assert (theirs.status_code, theirs.data) == (unknown.status_code, unknown.data) == (404, unknown.data)


# --- 8. one photo, one complaint ------------------------------------------------------------------------

def uploaded(api) -> str:
    post = api.call("POST", "/api/v1/uploads", {"filename": "p.png", "content_type": "image/png",
                                                "size": len(PNG)}).data
    requests.post(post["url"], data=post["fields"], files={"file": ("p", PNG, "image/png")}, timeout=10)
    return post["upload_id"]


def test_a_photo_attached_to_one_complaint_cannot_be_attached_to_another(api):
    mine, other = uploaded(api), uploaded(api)
    first = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[mine]))
    assert first.status_code == 201
    second = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[other, mine]))
    assert second.status_code == 400
    assert [f["field"] for f in second.data["error"]["fields"]] == ["upload_ids.1"]
    third = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[other]))
    assert third.status_code == 201  # the refused one left the other photo free


def test_a_retried_submission_with_its_photo_still_answers_its_receipt(api):
    photo = uploaded(api)
    key = {"Idempotency-Key": "form-photo-1"}
    first = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[photo]), headers=key)
    again = api.call("POST", "/api/v1/complaints", body(ODOR, upload_ids=[photo]), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.data["complaint_id"] == first.data["complaint_id"]
