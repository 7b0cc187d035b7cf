"""Staff changes on the local system as `make run` starts it, over HTTP: a salesperson leaves, and their open
complaints reach other people's phones (the stream and the outbox doing their part as in AWS)."""
from __future__ import annotations


import requests

from infra.local_stack import DEMO_PASSWORD
from tests.real_cases import ODOR
from tests.system.waiting import poll

LEAVING = {"name": "赵离", "phone": "13700003333", "email": "zhao.li@example.com", "roles": ["sales"],
           "password": DEMO_PASSWORD}
SALES_CS_PHONE = "+8613900000001"




def test_a_deactivated_salespersons_open_complaints_reach_the_next_people_and_the_closed_stay(local_system):
    url = local_system

    def headers(user):
        login = requests.post(f"{url}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD},
                              timeout=10)
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['token']}"}

    def act(user, cid, action, **data):
        response = requests.post(f"{url}/api/v1/staff/complaints/{cid}/actions", json={"action": action, **data},
                                 headers=headers(user), timeout=10)
        assert response.status_code == 200, response.text

    def detail(cid):
        return requests.get(f"{url}/api/v1/staff/complaints/{cid}", headers=headers("admin1"), timeout=10).json()

    def theirs(case):
        cid = requests.post(f"{url}/api/v1/complaints", json=case, timeout=10).json()["complaint_id"]
        act("service1", cid, "assign", assignee="sales_leaving")
        return cid

    created = requests.put(f"{url}/api/v1/admin/staff/sales_leaving", json=LEAVING, headers=headers("admin1"),
                           timeout=10)
    assert created.status_code == 200, created.text
    changsha = theirs(ODOR)
    nowhere = theirs({**ODOR, "customer": {**ODOR["customer"], "province": "新疆", "city": "乌鲁木齐"}})
    closed = theirs(ODOR)
    act("sales_leaving", closed, "contact", note="已联系顾客")
    act("sales_leaving", closed, "close_unsubstantiated", explanation="正常气味, 已解释")
    act("service1", closed, "close", note="结案")

    answer = requests.post(f"{url}/api/v1/admin/staff/sales_leaving/deactivate", headers=headers("manager1"),
                           timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["moved"] == [{"complaint_id": changsha, "to": "sales_cs"}]
    assert answer.json()["queued"] == [nowhere] and answer.json()["active"] is False

    def told(cid, recipient):
        messages = requests.get(f"{url}/dev/outbox", timeout=10).json()["messages"]
        return [m for m in messages if m["complaint_id"] == cid and m["recipient"] == recipient
                and m["event"] == "assigned" and m["channel"] == "sms"]

    assert len(poll(lambda: told(changsha, "sales_cs")[1:])) == 1  # intake's routing, then the move
    assert SALES_CS_PHONE in {m["to"] for m in told(changsha, "sales_cs")}
    assert poll(lambda: [m for m in told(nowhere, "service1") if "sales_leaving" in m["text"]])
    [entry] = [h for h in detail(changsha)["history"] if (h.get("data") or {}).get("reason") == "deactivated"]
    assert (entry["actor"], entry["action"], entry["data"]["assignee"]) == ("manager1", "assign", "sales_cs")
    assert detail(nowhere).get("assignee") is None and detail(nowhere)["status"] == "received"
    assert (detail(closed)["assignee"], detail(closed)["status"]) == ("sales_leaving", "closed")
    login = requests.post(f"{url}/api/v1/auth/login", json={"username": "sales_leaving", "password": DEMO_PASSWORD},
                          timeout=10)
    assert login.status_code == 401
