"""Every staff and admin endpoint against every kind of caller; the expected answers are the table.

`ok` is the endpoint's success code, `400`/`404` mean the caller got in but the request itself
was refused (an empty body, an unknown id), so anything but 401/403 where the table says
401/403 would be an unexpected access.
"""
from __future__ import annotations

import os
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api.conftest import module_api
from tests.real_cases import BLADE
from tests.tokens import forge, moto_signing_key

IDENTITIES = ["anonymous", "forged", "expired", "other_pool", "no_role", "demoted", "service1", "sales_cs",
              "quality1", "manager1", "leader1", "admin1", "sales_wh"]  # sales_wh: a salesperson on sales_cs's complaint
# no_role: a pool account in no staff group (groups removed, or a half-made account);
# demoted: a leader's token from before an admin made them service

# endpoint | anonymous forged expired other_pool | no_role demoted | service sales quality manager leader admin | other sales
# (assign: each caller assigns to the salesperson it is not assigned to now, so sales_cs meets it as sales_gz's)
# (merge names a complaint that does not exist: who may merge gets in and meets a 400 on `into`)
# (resend_receipt comes after the assignments: sales_cs meets it as another salesperson's complaint, hence 404)
# (set_severity: each caller sets a severity the complaint does not have now, so who may gets a 200, not a 409)
# (PUT admin/calendar with an empty body: the admin gets in and meets a 400)
# (PUT admin/accounts and admin/departments with an empty body, DELETE of an unknown one: who may gets in and
#  meets a 400 or a 404)
# (POST admin/import with a JSON body, not a spreadsheet: who may import gets in and meets a 415)
TABLE = """
POST staff/complaints              | 401 401 401 401 | 403 401 | 201 201 403 201 403 201 | 201
GET  staff/complaints              | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 200
GET  staff/complaints/{id}         | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 404
GET  staff/complaints/{id}/feedback-form | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 404
POST staff/complaints/{id}/actions escalate | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 404
POST staff/complaints/{id}/actions note     | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 404
POST staff/complaints/{id}/actions merge    | 401 401 401 401 | 403 401 | 400 403 403 400 403 400 | 404
POST staff/complaints/{id}/actions set_severity | 401 401 401 401 | 403 401 | 200 403 403 200 403 200 | 404
GET  staff/search?q=13800138000    | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 200
GET  staff/calendar?from=2026-10-01&to=2026-10-31 | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 200
POST staff/complaints/{id}/actions assign   | 401 401 401 401 | 403 401 | 200 404 403 200 403 200 | 404
POST staff/complaints/{id}/actions resend_receipt | 401 401 401 401 | 403 401 | 200 404 403 200 403 200 | 404
GET  staff/stats                   | 401 401 401 401 | 403 401 | 200 403 200 200 200 200 | 403
GET  staff/alerts                  | 401 401 401 401 | 403 401 | 200 403 200 200 200 200 | 403
GET  staff/export                  | 401 401 401 401 | 403 401 | 403 403 403 200 200 200 | 403
GET  admin/staff                   | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
GET  admin/staff/sales_cs          | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
PUT  admin/staff/sales_cs          | 401 401 401 401 | 403 401 | 403 403 403 400 403 400 | 403
PUT  admin/staff/leader1           | 401 401 401 401 | 403 401 | 403 403 403 403 403 200 | 403
PUT  admin/staff/new.leader        | 401 401 401 401 | 403 401 | 403 403 403 403 403 200 | 403
POST admin/staff/new.leader/deactivate | 401 401 401 401 | 403 401 | 403 403 403 403 403 200 | 403
GET  admin/territories             | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
GET  admin/territories/HN-CS       | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
PUT  admin/territories/HN-CS       | 401 401 401 401 | 403 401 | 403 403 403 400 403 400 | 403
GET  admin/accounts                | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
GET  admin/accounts/HOTEL-CS-001   | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
PUT  admin/accounts/HOTEL-CS-001   | 401 401 401 401 | 403 401 | 403 403 403 400 403 400 | 403
DELETE admin/accounts/NO-SUCH-ACCOUNT | 401 401 401 401 | 403 401 | 403 403 403 404 403 404 | 403
GET  admin/departments             | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
PUT  admin/departments/PROD        | 401 401 401 401 | 403 401 | 403 403 403 400 403 400 | 403
DELETE admin/departments/NO-SUCH   | 401 401 401 401 | 403 401 | 403 403 403 404 403 404 | 403
GET  staff/departments             | 401 401 401 401 | 403 401 | 200 200 200 200 200 200 | 200
GET  admin/calendar                | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
PUT  admin/calendar                | 401 401 401 401 | 403 401 | 403 403 403 403 403 400 | 403
POST admin/complaints/C-20260101-AAAAAA/erase | 401 401 401 401 | 403 401 | 403 403 403 403 403 404 | 403
POST admin/import                  | 401 401 401 401 | 403 401 | 403 403 403 415 403 415 | 403
GET  admin/import/template?kind=staff&format=csv | 401 401 401 401 | 403 401 | 403 403 403 200 403 200 | 403
"""
LEADER = {"name": "孙总", "roles": ["leader"], "phone": "+8613900000040", "email": "leader1@example.com"}
BODIES = {"admin/staff/leader1": LEADER,  # the leader as they are: only who may touch them is at stake
          "admin/staff/new.leader": {**LEADER, "name": "新领导", "password": "Chosen-By-Whom-2026"}}


def expected_table() -> dict[str, dict[str, int]]:
    table = {}
    for line in TABLE.strip().splitlines():
        endpoint, *groups = line.split("|")
        codes = " ".join(groups).split()
        table[" ".join(endpoint.split())] = dict(zip(IDENTITIES, map(int, codes), strict=True))
    return table


@pytest.fixture(scope="module")
def world(moto_server):
    """The demo staff, one complaint assigned to sales_cs, and a token for every identity."""
    from chalicelib import clients
    from chalicelib.adapters.identity import StaffIdentity
    from infra.local_stack import create_pool

    with module_api(moto_server) as api:
        complaint = api.call("POST", "/api/v1/complaints", BLADE).data["complaint_id"]
        genuine = api.token("service1")
        other = create_pool(clients.client("cognito-idp"), "another-pool", "another-client")
        stranger = StaffIdentity(clients.client("cognito-idp"), other["user_pool_id"], other["user_pool_client_id"])
        stranger.create_user("admin1", "Another-Pool-2026", ["admin"], "a@example.com", "外人")
        api.call("PUT", "/api/v1/admin/staff/demoted", {**LEADER, "name": "降职者", "password": "Demoted-Later-2026"},
                 user="admin1")
        demoted = api.call("POST", "/api/v1/auth/login", {"username": "demoted", "password": "Demoted-Later-2026"})
        api.call("PUT", "/api/v1/admin/staff/demoted", {**LEADER, "name": "降职者", "roles": ["service"]}, user="admin1")
        mine = StaffIdentity(clients.client("cognito-idp"), os.environ["USER_POOL_ID"],
                             os.environ["USER_POOL_CLIENT_ID"])
        mine.create_user("nobody", "In-No-Group-2026", [])
        tokens = {
            "anonymous": None,
            "forged": forge(genuine, rsa.generate_private_key(public_exponent=65537, key_size=2048),
                            **{"cognito:groups": ["admin"]}),
            "expired": forge(genuine, moto_signing_key(), exp=int(time.time()) - 3600),
            "other_pool": stranger.login("admin1", "Another-Pool-2026")[0],
            "no_role": mine.login("nobody", "In-No-Group-2026")[0],
            "demoted": demoted.data["token"],
            **{user: api.token(user) for user in IDENTITIES[6:]},
        }
        yield api, complaint, tokens


def request(endpoint: str, complaint: str, assigned_to: str, severity: str = "critical"
            ) -> tuple[str, str, dict | None]:
    method, path, *action = endpoint.split()
    body = BODIES.get(path, {"PUT": {}}.get(method))
    path = "/api/v1/" + path.replace("{id}", complaint)
    if method == "POST" and path.endswith("/staff/complaints"):
        body = {**BLADE, "channel": "hotline"}
    if action:
        other = "sales_gz" if assigned_to == "sales_cs" else "sales_cs"
        data = {"assign": {"assignee": other}, "resend_receipt": {}, "merge": {"into": "C-20260101-AAAAAA"},
                "set_severity": {"severity": "normal" if severity != "normal" else "major", "reason": "矩阵"}}.get(
            action[0], {"note": "矩阵"})
        body = {"action": action[0], **data}
    if path.endswith("/export"):
        path += "?format=csv"
    return method, path, body


def test_every_endpoint_answers_every_identity_as_the_table_says(world):
    api, complaint, tokens = world
    expected = expected_table()
    actual, assigned_to, severity = {}, "sales_cs", "critical"  # the blade
    for endpoint in expected:
        actual[endpoint] = {}
        for identity in IDENTITIES:
            method, path, body = request(endpoint, complaint, assigned_to, severity)
            token = tokens[identity]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = api.call(method, path, body, headers=headers)
            actual[endpoint][identity] = answer.status_code
            if endpoint.endswith("assign") and answer.status_code == 200:
                assigned_to = body["assignee"]
            if endpoint.endswith("set_severity") and answer.status_code == 200:
                severity = body["severity"]
    unexpected = {(e, i): (actual[e][i], expected[e][i]) for e in expected for i in IDENTITIES
                  if actual[e][i] != expected[e][i]}
    assert unexpected == {}
    assert all(expected[e][i] == 401 for e in expected for i in IDENTITIES[:4])
