"""The local system as a person starts it (`python -m infra.local`, what `make run` runs), over HTTP."""
from __future__ import annotations

import time

import requests

from infra import spawn
from tests.real_cases import ODOR
from tests.system.waiting import poll




def test_a_web_complaint_reaches_the_salespersons_phone(local_system):
    receipt = requests.post(f"{local_system}/api/v1/complaints", json=ODOR, timeout=10)
    assert receipt.status_code == 201, receipt.text
    complaint_id = receipt.json()["complaint_id"]

    def sms():
        messages = requests.get(f"{local_system}/dev/outbox", timeout=10).json()["messages"]
        return [m for m in messages if m["complaint_id"] == complaint_id and m["channel"] == "sms"]

    [message] = poll(sms)
    assert message["to"] == "+8613900000001" and message["event"] == "assigned"
    assert complaint_id in message["text"]


def test_a_demo_specialist_logs_in_and_records_a_hotline_complaint(local_system):
    from infra.local_stack import DEMO_PASSWORD

    login = requests.post(f"{local_system}/api/v1/auth/login",
                          json={"username": "service1", "password": DEMO_PASSWORD}, timeout=10)
    assert login.status_code == 200 and login.json()["roles"] == ["service"]
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    response = requests.post(f"{local_system}/api/v1/staff/complaints", json={**ODOR, "channel": "hotline"},
                             headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    refused = requests.post(f"{local_system}/api/v1/staff/complaints", json={**ODOR, "channel": "hotline"},
                            headers={"Authorization": "Bearer not-a-token"}, timeout=10)
    assert refused.status_code in (401, 403)


def test_a_real_case_is_walked_to_closed_with_the_callback_fired(local_system):
    from infra.local_stack import DEMO_PASSWORD
    from tests.real_cases import SEAL_OPEN

    def token(user):
        return requests.post(f"{local_system}/api/v1/auth/login", json={"username": user, "password": DEMO_PASSWORD},
                             timeout=10).json()["token"]

    def act(user, action, **data):
        response = requests.post(f"{local_system}/api/v1/staff/complaints/{cid}/actions",
                                 json={"action": action, **data}, headers={"Authorization": f"Bearer {token(user)}"},
                                 timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    cid = requests.post(f"{local_system}/api/v1/complaints", json=SEAL_OPEN, timeout=10).json()["complaint_id"]
    act("sales_gz", "contact", note="已联系")
    act("sales_gz", "submit_feedback_form", investigation="侧封口开", sample_provided=True, certificate_provided=True,
        customer_request="处理库存")
    act("quality1", "record_qc_result", investigation_result="原纸偏薄", cause_analysis="热封不良",
        responsible_department="生产车间", corrective_actions="设定折叠尺寸", preventive_actions="换卷检查",
        company_at_fault=True)
    act("sales_gz", "propose_handling", type="rework", amount="100.00", note="重新封口 20 箱")
    callback_due = act("sales_gz", "notify_customer", via="phone")["deadlines"]["callback"]["due_at"]
    fired = requests.post(f"{local_system}/dev/scheduler/fire", json={"until": callback_due}, timeout=30).json()
    assert [f["outcomes"] for f in fired["fired"] if f["schedule"].startswith(f"{cid}.callback.")] == [["callback_due"]]

    def callback_sms():
        messages = requests.get(f"{local_system}/dev/outbox", timeout=10).json()["messages"]
        return [m for m in messages if m["complaint_id"] == cid and m["event"] == "callback_due" and m["channel"] == "sms"]

    [sms] = poll(callback_sms)
    assert sms["to"] == "+8613900000003" and "13512345678" in sms["text"]
    act("sales_gz", "record_satisfaction", rating=5, comment="满意")
    assert act("service1", "close", note="结案")["status"] == "closed"


def test_a_caller_complains_twice_and_the_hotline_merges_the_second_into_the_first(local_system):
    """Web form, then a hotline entry of the same phone and SKU: marked possible duplicates both ways, merged;
    the merged complaint's status link (from its receipt SMS) shows the survivor's progress."""
    import re

    from infra.local_stack import DEMO_PASSWORD

    phone, e164 = "13600136000", "+8613600136000"
    login = requests.post(f"{local_system}/api/v1/auth/login",
                          json={"username": "service1", "password": DEMO_PASSWORD}, timeout=10)
    staff = {"Authorization": f"Bearer {login.json()['token']}"}
    caller = {**ODOR, "customer": {**ODOR["customer"], "phone": phone}}
    first = requests.post(f"{local_system}/api/v1/complaints", json=caller, timeout=10).json()["complaint_id"]
    second = requests.post(f"{local_system}/api/v1/staff/complaints", json={**caller, "channel": "hotline"},
                           headers=staff, timeout=10).json()["complaint_id"]

    def detail(cid):
        return requests.get(f"{local_system}/api/v1/staff/complaints/{cid}", headers=staff, timeout=10).json()

    assert detail(second)["possible_duplicate_of"] == [first]
    assert poll(lambda: detail(first)["possible_duplicate_of"] == [second])
    search = requests.get(f"{local_system}/api/v1/staff/search", params={"q": "136-0013-6000"}, headers=staff,
                          timeout=10).json()
    assert [i["complaint_id"] for i in search["items"]] == [second, first] and search["matched_by"] == "phone"

    def receipt_of_second():
        messages = requests.get(f"{local_system}/dev/outbox", timeout=10).json()["customer_messages"]
        return [m["text"] for m in messages if m["to"] == e164 and second in m["text"]]

    [text] = poll(receipt_of_second)
    status_token = re.search(r"/s/([A-Za-z0-9_-]{22})", text).group(1)
    merged = requests.post(f"{local_system}/api/v1/staff/complaints/{second}/actions",
                           json={"action": "merge", "into": first, "note": "同一件事"}, headers=staff, timeout=10)
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "closed" and merged.json()["merged_into"] == first
    shown = requests.get(f"{local_system}/api/v1/complaints/-/status", headers={"X-Status-Token": status_token},
                         timeout=10)
    assert shown.status_code == 200, shown.text
    assert shown.json()["complaint_id"] == second and shown.json()["merged_into"] == first
    assert shown.json()["status"] == "received"  # the survivor's step: the customer's matter goes on
    assert [m["complaint_id"] for m in detail(first)["merged"]] == [second]


def _children(pid: int) -> dict[str, int]:
    """The runner's child processes by module (Linux /proc), with their nice value."""
    found = {}
    for child in open(f"/proc/{pid}/task/{pid}/children").read().split():
        command = open(f"/proc/{child}/cmdline").read().split("\0")
        module = command[command.index("-m") + 1] if "-m" in command else command[-1]
        found[module] = int(open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()[16])
    return found


def test_the_local_aws_and_the_pump_run_apart_and_stop_with_the_runner():
    with spawn.local_system() as system:
        children = _children(system.pid)
        assert set(children) == {"infra.local_aws", "infra.pump"}
        assert children["infra.pump"] > children["infra.local_aws"]  # the pump waits while requests are answered
        pids = [int(p) for p in open(f"/proc/{system.pid}/task/{system.pid}/children").read().split()]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
