"""Staff changes that lose nothing, through the HTTP API: a deactivated salesperson's open complaints are
re-routed with history and notifications, a territory's follow its new salesperson when asked."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from chalicelib.domain.commands import AddNote
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import Actor, Role
from chalicelib.services import staff_changes, workflow
from chalicelib.wiring import adapters
from infra.local_stack import DEMO_PASSWORD
from tests.real_cases import ODOR, body

LEAVING = {"name": "赵离", "phone": "13700002222", "email": "zhao.li@example.com", "roles": ["sales"],
           "password": DEMO_PASSWORD}
SERVICE = Actor("service1", frozenset({Role.SERVICE}))
CHANGSHA_CS = "+8613900000001"  # sales_cs's phone
WUHAN_WH = "+8613900000002"  # sales_wh's


def ok(response, status=200):
    assert response.status_code == status, response.body
    return response.data


def act(api, cid, user, action, **data):
    return ok(api.call("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": action, **data}, user=user))


def detail(api, cid):
    return ok(api.call("GET", f"/api/v1/staff/complaints/{cid}", user="admin1"))


def deactivate(api, username="sales_old", user="admin1"):
    return api.call("POST", f"/api/v1/admin/staff/{username}/deactivate", user=user)


def moves(api, cid, reason=staff_changes.DEACTIVATED):
    return [h for h in detail(api, cid)["history"] if (h.get("data") or {}).get("reason") == reason]


def assigned_sms(api, cid, to):
    return [m for m in api.outbox() if m["complaint_id"] == cid and m["event"] == "assigned"
            and m["channel"] == "sms" and m["to"] == to]


@pytest.fixture
def leaving(api):
    """sales_old, a salesperson serving no territory, and a complaint of theirs given by service."""
    ok(api.call("PUT", "/api/v1/admin/staff/sales_old", LEAVING, user="admin1"))

    def theirs(case=ODOR, **changes):
        cid = ok(api.call("POST", "/api/v1/complaints", body(case, **changes)), 201)["complaint_id"]
        act(api, cid, "service1", "assign", assignee="sales_old")
        return cid

    return theirs


def test_deactivation_moves_each_open_complaint_by_the_routing_rules_and_tells_the_new_assignee(api, leaving):
    changsha = leaving()
    distributor = leaving(customer={**ODOR["customer"], "type": "distributor", "account_id": "DIST-WH-001"})
    answer = ok(deactivate(api))
    assert answer["active"] is False and answer["pending"] == [] and answer["queued"] == []
    assert sorted(answer["moved"], key=lambda m: m["to"]) == [{"complaint_id": changsha, "to": "sales_cs"},
                                                               {"complaint_id": distributor, "to": "sales_wh"}]
    assert detail(api, changsha)["assignee"] == "sales_cs" and detail(api, distributor)["assignee"] == "sales_wh"
    [entry] = moves(api, changsha)
    assert (entry["actor"], entry["action"], entry["data"]["from_assignee"]) == ("admin1", "assign", "sales_old")
    assert len(assigned_sms(api, changsha, CHANGSHA_CS)) == 2  # intake's routing, then this move
    assert changsha in assigned_sms(api, changsha, CHANGSHA_CS)[-1]["text"]
    assert len(assigned_sms(api, distributor, WUHAN_WH)) == 2


def test_the_work_done_stays_and_closed_complaints_are_not_touched(api, leaving):
    working, closed = leaving(), leaving()
    act(api, working, "sales_old", "contact", note="已联系顾客")
    act(api, closed, "sales_old", "contact", note="已联系顾客")
    act(api, closed, "sales_old", "close_unsubstantiated", explanation="正常气味, 已解释")
    act(api, closed, "service1", "close", note="结案")
    before = detail(api, closed)
    ok(deactivate(api))
    assert detail(api, working)["status"] == "investigating" and detail(api, working)["assignee"] == "sales_cs"
    after = detail(api, closed)
    assert (after["assignee"], after["status"], after["version"]) == ("sales_old", "closed", before["version"])


def test_a_complaint_with_no_route_goes_to_the_service_queue_and_service_is_told(api, leaving):
    nowhere = leaving(customer={**ODOR["customer"], "province": "新疆", "city": "乌鲁木齐"})
    answer = ok(deactivate(api))
    assert answer["queued"] == [nowhere] and answer["moved"] == []
    record = detail(api, nowhere)
    assert record.get("assignee") is None and record["status"] == "received"
    told = [m for m in api.outbox() if m["complaint_id"] == nowhere and m["event"] == "assigned"]
    assert {"service1", "manager1"} <= {m["recipient"] for m in told if "sales_old" in m["text"]}
    act(api, nowhere, "service1", "assign", assignee="sales_wh")  # and service can give it to someone


def test_who_may_deactivate_a_member_with_open_complaints(api, leaving):
    cid = leaving()
    for user in ("sales_cs", "quality1", "leader1", "service1"):
        assert deactivate(api, user=user).status_code == 403, user
    assert deactivate(api, "leader1", user="manager1").status_code == 403
    assert detail(api, cid)["assignee"] == "sales_old"
    assert ok(deactivate(api, user="manager1"))["moved"] == [{"complaint_id": cid, "to": "sales_cs"}]
    assert moves(api, cid)[0]["actor"] == "manager1"


def test_deactivating_again_moves_nothing_more(api, leaving):
    cid = leaving()
    ok(deactivate(api))
    again = ok(deactivate(api))
    assert (again["moved"], again["queued"], again["pending"]) == ([], [], [])
    assert len(moves(api, cid)) == 1


def test_a_complaint_acted_on_while_the_deactivation_runs_is_still_moved_exactly_once(api, leaving, monkeypatch):
    cid = leaving()
    repository, acted = adapters().complaints, []
    read = repository.get

    def read_then_service_adds_a_note(complaint_id):
        found = read(complaint_id)
        if not acted:  # service's note lands between the move's read and its save
            acted.append(complaint_id)
            workflow.act(complaint_id, AddNote("顾客又来电"), SERVICE, adapters(), datetime.now(timezone.utc))
        return found

    monkeypatch.setattr(repository, "get", read_then_service_adds_a_note)
    answer = ok(deactivate(api))
    monkeypatch.undo()
    assert answer["moved"] == [{"complaint_id": cid, "to": "sales_cs"}]
    history = [h["action"] for h in detail(api, cid)["history"]]
    assert history.count("note") == 1 and len(moves(api, cid)) == 1  # both kept, the move made once
    assert len(assigned_sms(api, cid, CHANGSHA_CS)) == 1 + 1  # intake's routing, then this move


def test_notes_sent_all_through_the_deactivation_do_not_stop_the_move_nor_double_it(api, leaving):
    cid = leaving()
    stop, notes = threading.Event(), []

    def keep_adding_notes():
        while not stop.is_set():
            try:
                workflow.act(cid, AddNote(f"备注 {len(notes)}"), SERVICE, adapters(), datetime.now(timezone.utc))
                notes.append(1)
            except ConcurrentChange:
                pass

    threads = [threading.Thread(target=keep_adding_notes) for _ in range(3)]
    [t.start() for t in threads]
    try:
        answer = ok(deactivate(api))
    finally:
        stop.set()
        [t.join() for t in threads]
    api.pump.drain_stream()  # a move left to the outbox (busy all its tries) is carried out now
    assert answer["moved"] + [{"complaint_id": p, "to": "sales_cs"} for p in answer["pending"]] == [
        {"complaint_id": cid, "to": "sales_cs"}]
    assert detail(api, cid)["assignee"] == "sales_cs" and len(moves(api, cid)) == 1
    assert len(assigned_sms(api, cid, CHANGSHA_CS)) == 2  # intake's routing, then this move


def test_many_open_complaints_are_all_moved_part_of_them_through_the_outbox(api, leaving, monkeypatch):
    monkeypatch.setattr(staff_changes, "IN_REQUEST", 2)
    cids = [leaving() for _ in range(5)]
    answer = ok(deactivate(api))
    assert len(answer["moved"]) == 2 and sorted(answer["pending"] + [m["complaint_id"] for m in answer["moved"]]) \
        == sorted(cids)
    for cid in answer["pending"]:
        assert detail(api, cid)["assignee"] == "sales_old"  # for the few seconds until the stream runs
    api.pump.drain_stream()
    for cid in cids:
        assert detail(api, cid)["assignee"] == "sales_cs" and len(moves(api, cid)) == 1
        assert len(assigned_sms(api, cid, CHANGSHA_CS)) == 2


def test_a_territorys_new_salesperson_gets_its_open_complaints_with_move_open(api, leaving):
    first, second = leaving(), leaving()
    other = ok(api.call("POST", "/api/v1/complaints", ODOR), 201)["complaint_id"]  # routed to sales_cs
    territory = {"name": "湖南长沙片区", "places": [{"province": "湖南", "city": "长沙"}, {"province": "湖南"}],
                 "salesperson": "sales_old"}
    offered = ok(api.call("PUT", "/api/v1/admin/territories/HN-CS", territory, user="admin1"))
    assert offered["open_with_previous"] == 1  # sales_cs's complaint there, left with them without move_open
    assert detail(api, other)["assignee"] == "sales_cs"
    back = {**territory, "salesperson": "sales_cs"}
    moved = ok(api.call("PUT", "/api/v1/admin/territories/HN-CS?move_open=true", back, user="manager1"))
    assert moved["salesperson"] == "sales_cs" and moved["open_with_previous"] == 0
    assert sorted(m["complaint_id"] for m in moved["moved"]) == sorted([first, second])
    for cid in (first, second):
        [entry] = moves(api, cid, staff_changes.TERRITORY_CHANGED)
        assert (entry["actor"], entry["data"]["assignee"]) == ("manager1", "sales_cs")
        assert len(assigned_sms(api, cid, CHANGSHA_CS)) == 2


def test_move_open_must_be_a_yes_or_no(api):
    territory = {"name": "湖南长沙片区", "places": [{"province": "湖南", "city": "长沙"}], "salesperson": "sales_cs"}
    answer = api.call("PUT", "/api/v1/admin/territories/HN-CS?move_open=perhaps", territory, user="admin1")
    assert answer.status_code == 400 and answer.data["error"]["fields"][0]["field"] == "move_open"
