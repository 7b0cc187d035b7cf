"""Least privilege, checked by running the code: every AWS call each function makes on the local stack
is allowed by that function's hand-written policy (infra/policies.py), and every action a policy grants
is one the function was seen making (or one AWS itself makes on its behalf, listed below).

The functions' entry points run as in AWS: the HTTP API through Chalice's test client, the stream
consumer with the table's stream records, the timer target with a schedule's input, the sweeper with a
scheduled event. Each call is turned into the IAM action and resource ARN AWS would authorise.
"""
from __future__ import annotations

import contextvars
import fnmatch
import json
from datetime import datetime, timedelta, timezone

import pytest
import requests

from chalicelib import clients
from infra import policies
from tests.real_cases import BLADE, HOTEL_NAPKINS

ACCOUNT, REGION = "123456789012", "us-east-1"
SERVICES = ("dynamodb", "sns", "s3", "scheduler", "cognito-idp", "ses")
UNSIGNED = {("cognito-idp", "InitiateAuth")}  # public Cognito API: no IAM permission involved
# granted for AWS to use on the function's behalf, not called by the code
USED_BY_AWS = {
    "logs:CreateLogStream", "logs:PutLogEvents",  # the Lambda runtime's logging
    "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",  # ESM
    "sqs:SendMessage",  # Lambda's DLQ and the stream mapping's on-failure destination
    *policies.TOPIC_KEY,  # SNS encrypting a published message with the topic's key
}
# granted for a path this walk does not take, with the reason it exists
NOT_WALKED = {
    "APIHandler": {"s3:PutObject", "s3:GetObject"},  # exports/: only exports too large to answer inline
    # the sweeper runs OnStream's delivery code (seen deleting schedules there); here its clocks only start
    "SweepOutbox": {"scheduler:DeleteSchedule", *policies.STAFF_SYNC, *policies.STAFF_SUBSCRIPTIONS},
    # a staff change's sync left over when Cognito or SNS failed (tests/faults/test_staff_faults.py); here it
    # is carried out by the admin request itself
    "OnStream": {*policies.STAFF_SYNC, *policies.STAFF_SUBSCRIPTIONS},
}
current = contextvars.ContextVar("function", default=None)


class Recorder:
    def __init__(self):
        self.calls: dict[str, list[tuple[str, str, dict]]] = {name: [] for name in policies.FUNCTIONS}

    def hook(self, service):
        def record(params, model, **_):
            function = current.get()
            if function:
                self.calls[function].append((service, model.name, params))
        return record

    def attach(self):
        for service in SERVICES:
            clients.client(service).meta.events.register(f"provide-client-params.{service}", self.hook(service))


def as_function(name, call, *args, **kwargs):
    """`call` as the function `name`, in a process of its own: nothing kept from another function's reads."""
    from chalicelib.adapters import recent

    recent.forget_all()
    token = current.set(name)
    try:
        return call(*args, **kwargs)
    finally:
        current.reset(token)


def required(service: str, operation: str, params: dict) -> list[tuple]:
    """(IAM action, resource ARN[, condition keys]) AWS checks for one API call."""
    if (service, operation) in UNSIGNED:
        return []
    if service == "dynamodb":
        table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
        if operation == "TransactWriteItems":
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                     "ConditionCheck": "ConditionCheckItem"}
            return [(f"dynamodb:{kinds[kind]}", table + body["TableName"])
                    for item in params["TransactItems"] for kind, body in item.items()]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", table + name) for name in params["RequestItems"]]
        arn = table + params["TableName"] + (f"/index/{params['IndexName']}" if params.get("IndexName") else "")
        return [(f"dynamodb:{operation}", arn)]
    if service == "sns" and (operation == "CheckIfPhoneNumberIsOptedOut" or params.get("PhoneNumber")):
        return [(f"sns:{operation}", "*")]  # an SMS straight to a phone number names no topic
    if service == "ses":  # authorised on the sender's identity
        return [(f"ses:{operation}", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{params['Source']}")]
    if service == "sns":  # a subscription is authorised on its topic
        topic = params.get("TopicArn") or params["SubscriptionArn"].rsplit(":", 1)[0]
        return [(f"sns:{operation}", topic)]
    if service == "cognito-idp":
        return [(f"cognito-idp:{operation}", f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{params['UserPoolId']}")]
    if service == "s3":
        if operation == "CreateBucket":  # botocore signs a presigned POST with the CreateBucket model
            return [("s3:PutObject", f"arn:aws:s3:::{params['Bucket']}/uploads/<presigned post>")]
        bucket = f"arn:aws:s3:::{params['Bucket']}"
        if operation == "ListObjectVersions":  # a bucket action; the prefix is its condition key
            return [("s3:ListBucketVersions", bucket, {"s3:prefix": params.get("Prefix", "")})]
        if operation == "DeleteObjects":  # authorised per object, as DeleteObject (+ DeleteObjectVersion)
            return [(action, f"{bucket}/{o['Key']}") for o in params["Delete"]["Objects"]
                    for action in ("s3:DeleteObject", *(("s3:DeleteObjectVersion",) if "VersionId" in o else ()))]
        action = {"HeadObject": "GetObject"}.get(operation, operation)
        return [(f"s3:{action}", f"{bucket}/{params.get('Key', '')}")]
    if service == "scheduler":
        if operation == "ListSchedules":
            return [("scheduler:ListSchedules", "*")]
        arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{params.get('GroupName', 'default')}/{params['Name']}"
        needs = [(f"scheduler:{operation}", arn)]
        if operation in ("CreateSchedule", "UpdateSchedule"):
            needs.append(("iam:PassRole", params["Target"]["RoleArn"]))
        return needs
    return [(f"{service}:{operation}", "*")]


def resolve(value, stack):
    """The policy's intrinsic functions, evaluated for the local stack."""
    atts = {"SchedulerInvokeRole.Arn": stack["SCHEDULER_ROLE_ARN"],
            "StaffUserPool.Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{stack['USER_POOL_ID']}",
            "DeadLetterQueue.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:complaints-local-dead-letters",
            "PhotosBucket.Arn": f"arn:aws:s3:::{stack['BUCKET_NAME']}",
            "NotificationsKey.Arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/notifications"}
    atts.update({f"{policies.log_group_id(f)}.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/"
                 f"{policies.function_name('local', f)}:*" for f in policies.FUNCTIONS})
    if isinstance(value, list):
        return [resolve(v, stack) for v in value]
    if isinstance(value, str):
        return value
    (kind, arg), = value.items()
    if kind == "Ref":
        return {"NotificationsTopic": stack["TOPIC_ARN"]}[arg]
    if kind == "Fn::GetAtt":
        return atts[".".join(arg)]
    text = arg.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", REGION)
    text = text.replace("${AWS::AccountId}", ACCOUNT).replace("${MailFrom}", stack["MAIL_FROM"])
    for name, arn in atts.items():
        text = text.replace("${" + name + "}", arn)
    assert "${" not in text, text
    return text


def allows(statements, action, arn, stack, context=None) -> bool:
    """Whether a statement grants `action` on `arn`; of conditions, StringLike on request keys is checked."""
    for s in statements:
        resources = resolve(s["Resource"], stack)
        resources = resources if isinstance(resources, list) else [resources]
        if action in s["Action"] and any(fnmatch.fnmatchcase(arn, r) for r in resources) and all(
                key in (context or {}) and any(fnmatch.fnmatchcase(context[key], p) for p in patterns)
                for key, patterns in s.get("Condition", {}).get("StringLike", {}).items()):
            return True
    return False


@pytest.fixture
def recorded(stack, monkeypatch):
    """Run every entry point once through a complaint's life; the calls each function made."""
    from chalice.test import Client

    from app import app
    from chalicelib.handlers import events
    from chalicelib.services import delivery, exports
    from chalicelib.wiring import adapters
    from infra.pump import EventPump
    from infra.scheduler import LocalScheduler
    from tests.api.conftest import Api

    recorder = Recorder()
    recorder.attach()
    from chalicelib import auth

    read_profile = auth._directory_staff  # what the authorizer reads, as the StaffToken function does
    monkeypatch.setattr(auth, "_directory_staff", lambda username: as_function("StaffToken", read_profile, username))

    def on_stream(event, context):
        return as_function("OnStream", events.on_stream, event, context)

    pump = EventPump(clients.client("dynamodb"), clients.client("dynamodbstreams"), stack["TABLE_NAME"],
                     on_stream=on_stream, fire_due=lambda until: None, sweep=lambda: None)
    with Client(app, stage_name="local") as client:
        api = Api(client, pump)

        def http(*args, **kwargs):
            response = as_function("APIHandler", api.call, *args, **kwargs)
            assert response.status_code < 300, response.body
            return response.data

        post = http("POST", "/api/v1/uploads", {"filename": "p.png", "content_type": "image/png", "size": 300})
        requests.post(post["url"], data=post["fields"], timeout=10,
                      files={"file": ("p", b"\x89PNG\r\n\x1a\n" + b"\0" * 292, "image/png")}).raise_for_status()
        receipt = http("POST", "/api/v1/complaints", {**BLADE, "upload_ids": [post["upload_id"]]},
                       headers={"Idempotency-Key": "policy-test"})
        cid = receipt["complaint_id"]
        second = http("POST", "/api/v1/complaints", BLADE)["complaint_id"]  # its clocks warn and escalate
        by_mail = {**HOTEL_NAPKINS, "customer": {**HOTEL_NAPKINS["customer"], "email": "wang@hotel.example"}}
        http("POST", "/api/v1/staff/complaints", {**by_mail, "channel": "letter"}, user="service1")  # e-mail only
        told = http("POST", "/api/v1/complaints", BLADE)["complaint_id"]  # told the decision: its survey fires
        http("GET", receipt["status_url"], headers={"X-Access-Code": receipt["access_code"]})
        pump.drain_stream()
        http("GET", "/api/v1/complaints/-/status", headers={"X-Status-Token": sms_token(told, "/s/")})
        http("POST", f"/api/v1/complaints/{cid}/access-code", {"phone_last4": "8000"})
        http("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "resend_receipt"}, user="service1")
        http("POST", f"/api/v1/staff/complaints/{told}/actions", {"action": "contact"}, user="sales_cs")
        http("POST", f"/api/v1/staff/complaints/{told}/actions",
             {"action": "close_unsubstantiated", "explanation": "已说明"}, user="sales_cs")
        http("GET", "/api/v1/staff/complaints?limit=5", user="sales_cs")
        http("GET", f"/api/v1/staff/complaints/{cid}", user="sales_cs")
        pump.drain_stream()
        http("POST", f"/api/v1/staff/complaints/{cid}/actions", {"action": "contact", "note": "已联系"},
             user="sales_cs")
        pump.drain_stream()
        http("GET", "/api/v1/staff/stats", user="manager1")
        http("GET", "/api/v1/staff/alerts", user="manager1")
        http("GET", "/api/v1/staff/export?format=csv", user="manager1")
        http("PUT", "/api/v1/admin/staff/sales_new", {
            "name": "新销售", "phone": "+8613900000099", "email": "sales_new@example.com", "roles": ["sales"],
            "territories": ["HN-CS"], "password": "Complaints-Policy-2026"}, user="admin1")
        http("PUT", "/api/v1/admin/staff/sales_new", {
            "name": "新销售", "email": "new-address@example.com", "roles": ["sales", "quality"],
            "territories": ["HN-CS"]}, user="admin1")
        http("PUT", "/api/v1/admin/staff/sales_new", {"name": "新销售", "roles": ["quality"]}, user="admin1")
        http("POST", "/api/v1/admin/staff/sales_new/deactivate", user="admin1")
        http("GET", "/api/v1/admin/staff", user="admin1")
        http("PUT", "/api/v1/admin/territories/HN-CS", {
            "name": "湖南长沙片区", "places": [{"province": "湖南", "city": "长沙"}], "salesperson": "sales_cs"},
            user="admin1")
        pump.drain_stream()

        horizon = datetime.now(timezone.utc) + timedelta(days=400)
        due = LocalScheduler.of_app().due(horizon)
        assert due, "the complaint set no schedule"
        for round_ in range(2):  # a warning sets the breach's schedule, and the breach tells the managers
            if round_:  # what the stream would have done in between, unrecorded
                delivery.deliver_pending(adapters(), horizon, older_than=horizon + timedelta(days=1))
                due = LocalScheduler.of_app().due(horizon)
            for schedule in due:
                adapters().timers.remove(schedule["name"])  # Scheduler deletes a one-time schedule after firing
                as_function("OnTimer", events.on_timer, schedule["input"], None)

        http("POST", "/api/v1/survey", {"token": sms_token(told, "/survey?t="), "rating": 4})
        # the stream is not drained: the sweeper finds these outbox items (notifications, a clock, the customer's
        # SMS and e-mail) pending
        http("POST", f"/api/v1/staff/complaints/{second}/actions", {"action": "contact", "note": "已联系"},
             user="sales_cs")
        http("POST", f"/api/v1/staff/complaints/{second}/actions", {"action": "resend_receipt"}, user="service1")
        http("POST", "/api/v1/staff/complaints", {**by_mail, "channel": "letter"}, user="service1")
        later = horizon + timedelta(days=1)
        monkeypatch.setattr(events, "now", lambda: later)
        scheduled = {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
                     "account": ACCOUNT, "time": later.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION,
                     "resources": [], "detail": {}}
        swept = as_function("SweepOutbox", events.sweep_outbox, scheduled, None)
        assert swept["delivered"] > 0
        monkeypatch.undo()
        with pytest.MonkeyPatch.context() as large:  # a stored export file, which the erasure deletes
            large.setattr(exports, "DIRECT_MAX_ROWS", 0)
            http("GET", "/api/v1/staff/export?format=csv", user="manager1")
        http("POST", f"/api/v1/admin/complaints/{cid}/erase", {"reason": "顾客要求删除"}, user="admin1")
        pump.drain_stream()
    return recorder.calls


def sms_token(complaint_id: str, link: str) -> str:
    """The token of the newest SMS whose link is `link` (a receipt: of this complaint), as moto keeps them."""
    from chalicelib.wiring import adapters

    data = requests.get(f"{adapters().settings.endpoint_url}/moto-api/data.json", timeout=10).json()
    texts = [m["message"] for m in data["sns"]["SMS"] if link in m["message"]
             and (complaint_id in m["message"] or link != "/s/")]
    return texts[-1].split(link)[1].split()[0]


def test_each_functions_policy_allows_what_it_calls_and_grants_nothing_it_does_not(recorded, stack):
    assert {f for f, calls in recorded.items() if calls} == set(policies.FUNCTIONS)
    statements = policies.statements("local")
    refused, unused = {}, {}
    for function, calls in recorded.items():
        for service, operation, params in calls:
            for action, arn, *context in required(service, operation, params):
                if not allows(statements[function], action, arn, stack, *context):
                    refused.setdefault(function, set()).add(f"{action} on {arn}")
    assert not refused, "add these to infra/policies.py:\n" + json.dumps(
        {k: sorted(v) for k, v in refused.items()}, indent=1, ensure_ascii=False)
    for function, granted_statements in statements.items():
        used = {action for service, operation, params in recorded[function]
                for action, *_ in required(service, operation, params)}
        granted = {a for s in granted_statements for a in s["Action"]}
        extra = granted - used - USED_BY_AWS - NOT_WALKED.get(function, set())
        if extra:
            unused[function] = sorted(extra)
    assert not unused, f"granted but never used (remove from infra/policies.py): {unused}"


def test_the_api_handler_reaches_the_bucket_only_under_its_two_prefixes(stack):
    statements = policies.statements("local")["APIHandler"]
    bucket = f"arn:aws:s3:::{stack['BUCKET_NAME']}"
    assert allows(statements, "s3:PutObject", f"{bucket}/uploads/abc", stack)
    assert allows(statements, "s3:PutObject", f"{bucket}/exports/2026-01-01/x/a.csv", stack)
    assert not allows(statements, "s3:PutObject", f"{bucket}/other/abc", stack)
    assert not allows(statements, "s3:DeleteObjectVersion", f"{bucket}/other/abc", stack)
    assert not allows(statements, "s3:ListBucket", bucket, stack)


def test_the_api_handler_lists_object_versions_only_under_its_two_prefixes(stack):
    statements = policies.statements("local")["APIHandler"]
    bucket = f"arn:aws:s3:::{stack['BUCKET_NAME']}"
    assert allows(statements, "s3:ListBucketVersions", bucket, stack, {"s3:prefix": "uploads/0123abcd"})
    assert allows(statements, "s3:ListBucketVersions", bucket, stack, {"s3:prefix": "exports/"})
    assert not allows(statements, "s3:ListBucketVersions", bucket, stack, {"s3:prefix": ""})
    assert not allows(statements, "s3:ListBucketVersions", bucket, stack, {"s3:prefix": "other/"})
    assert not allows(statements, "s3:ListBucketVersions", bucket, stack)
