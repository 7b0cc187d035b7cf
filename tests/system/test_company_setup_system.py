"""A new company sets itself up on the local system as `make run` starts it, over HTTP (issue 17): its staff
and territories from a spreadsheet (a dry run with bad rows, the apply, a second apply changing nothing), a key
account created through the API, and a distributor's complaint naming it reaching that account's salesperson."""
from __future__ import annotations

import csv
import io

import requests

from infra.local_stack import DEMO_PASSWORD
from tests.real_cases import SEAL_OPEN
from tests.system.waiting import poll

STAFF_HEADER = ("用户名", "姓名", "手机", "电子邮箱", "角色", "片区", "赔偿权限", "初始密码")
NEW_SALESPERSON = ("sales_cd", "刘成", "13700004444", "liu.cheng@example.com", "sales", "SC-CD", "300",
                   "Chengdu-Sales-2026")
TERRITORY_HEADER = ("片区编号", "片区名称", "地区", "业务员")
NEW_TERRITORY = ("SC-CD", "四川成都片区", "四川/成都;四川/*", "sales_cd")


def csv_file(*rows: tuple) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8-sig")



def test_a_new_company_imports_its_people_creates_a_key_account_and_a_complaint_finds_its_salesperson(local_system):
    url = local_system
    login = requests.post(f"{url}/api/v1/auth/login", json={"username": "admin1", "password": DEMO_PASSWORD},
                          timeout=10)
    admin = {"Authorization": f"Bearer {login.json()['token']}"}

    def imported(body: bytes, dry_run: bool) -> requests.Response:
        return requests.post(f"{url}/api/v1/admin/import", params={"dry_run": str(dry_run).lower()}, data=body,
                             headers={**admin, "Content-Type": "application/octet-stream"}, timeout=60)

    staff_with_a_bad_row = csv_file(STAFF_HEADER, NEW_SALESPERSON,
                                    ("cook", "厨师甲", "13800138002", "", "厨师", "", "", "Cook-Chef-2026"))
    dry = imported(staff_with_a_bad_row, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert [(e["row"], e["message"]) for e in dry.json()["errors"]][0][0] == 3  # the cook: no such role
    refused = imported(staff_with_a_bad_row, dry_run=False)
    assert refused.status_code == 422 and requests.get(f"{url}/api/v1/admin/staff/sales_cd", headers=admin,
                                                       timeout=10).status_code == 404  # nothing written

    for body in (csv_file(STAFF_HEADER, NEW_SALESPERSON[:5] + ("",) + NEW_SALESPERSON[6:]),
                 csv_file(TERRITORY_HEADER, NEW_TERRITORY)):
        first = imported(body, dry_run=False)
        assert first.status_code == 200 and first.json()["create"] == 1, first.text
        again = imported(body, dry_run=False)
        assert again.status_code == 200 and (again.json()["create"], again.json()["change"]) == (0, 0), again.text

    account = {"name": "成都某经销商", "type": "distributor", "territory": "SC-CD", "salesperson": "sales_cd",
               "key_account": True}
    created = requests.put(f"{url}/api/v1/admin/accounts/DIST-CD-001", json=account, headers=admin, timeout=10)
    assert created.status_code in (200, 201), created.text

    complaint = {**SEAL_OPEN, "customer": {**SEAL_OPEN["customer"], "province": "广东", "city": "广州",
                                           "account_id": "dist-cd-001"}}
    receipt = requests.post(f"{url}/api/v1/complaints", json=complaint, timeout=10)
    assert receipt.status_code == 201, receipt.text
    detail = requests.get(f"{url}/api/v1/staff/complaints/{receipt.json()['complaint_id']}", headers=admin,
                          timeout=10).json()
    assert detail["assignee"] == "sales_cd" and detail["territory"] == "SC-CD"  # the account, not Guangzhou
    assert detail["severity"] == "major"  # a key account

    def salespersons_sms():
        messages = requests.get(f"{url}/dev/outbox", timeout=10).json()["messages"]
        return [m for m in messages if m["complaint_id"] == detail["id"] and m["to"] == "+8613700004444"]

    assert poll(salespersons_sms), "the new salesperson's phone got the assignment"
