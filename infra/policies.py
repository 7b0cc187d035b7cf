"""Hand-written IAM policies, one role per Lambda function (Chalice generates none: autogen_policy false).

Each function gets exactly the actions its code paths call (see tests/infra/test_policies.py, which
runs every entry point on the local stack, records each AWS call and checks this policy allows it)
on the resources of its own stage. No `*` action; `Resource: "*"` only where IAM offers no resource:
the customer's SMS (sns:Publish to a phone number, and sns:CheckIfPhoneNumberIsOptedOut), which name
no topic. (No function lists schedules: a schedule's name follows from the time the complaint stores.)

The functions (logical ids as `chalice package` names them):

| function     | entry point                                   | talks to                                   |
|--------------|-----------------------------------------------|--------------------------------------------|
| APIHandler   | app.app (every HTTP route)                     | table, bucket (uploads/, exports/), user   |
|              |                                               | pool (staff admin), topic (subscriptions)  |
| StaffToken   | chalicelib.handlers.authorizer.staff_token     | table (staff profiles; JWKS over HTTPS)    |
| OnStream     | chalicelib.handlers.events.on_stream           | table, its stream, topic, schedules, DLQ,  |
|              |                                               | user pool and subscriptions (staff sync),  |
|              |                                               | SMS to customers, SES (customer e-mail)    |
| OnTimer      | chalicelib.handlers.events.on_timer            | table, DLQ                                 |
| SweepOutbox  | chalicelib.handlers.events.sweep_outbox        | table, topic, schedules, DLQ, user pool,   |
|              |                                               | SMS to customers, SES (customer e-mail)    |
"""
from __future__ import annotations

from typing import Any

from chalicelib import resources

# logical id in the packaged template -> (Chalice's role logical id, function name suffix)
FUNCTIONS: dict[str, tuple[str, str]] = {
    "APIHandler": ("ApiHandlerRole", ""),
    "StaffToken": ("StaffTokenRole", "-staff_token"),
    "OnStream": ("OnStreamRole", "-on_stream"),
    "OnTimer": ("OnTimerRole", "-on_timer"),
    "SweepOutbox": ("SweepOutboxRole", "-sweep_outbox"),
}

ARN = "arn:${AWS::Partition}"
HERE = "${AWS::Region}:${AWS::AccountId}"

# DynamoDB actions per function, as its code paths use them. TransactWriteItems is authorised per
# item (Put -> PutItem, Update -> UpdateItem, Delete -> DeleteItem); GetItem/Query read.
TABLE_ACTIONS = {
    "APIHandler": ["dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
                   "dynamodb:Query", "dynamodb:UpdateItem"],
    "OnStream": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
    "OnTimer": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
    "SweepOutbox": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
}
STAFF_SYNC = [  # a staff member's Cognito account made to match their profile (services/staff_sync.py)
    "cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminCreateUser", "cognito-idp:AdminDeleteUserAttributes",
    "cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser", "cognito-idp:AdminGetUser",
    "cognito-idp:AdminListGroupsForUser", "cognito-idp:AdminRemoveUserFromGroup",
    "cognito-idp:AdminUpdateUserAttributes"]
STAFF_ACCOUNTS = STAFF_SYNC + ["cognito-idp:AdminSetUserPassword"]  # the admin API also sets passwords
STAFF_SUBSCRIPTIONS = [  # ... and their SMS and e-mail subscriptions, filtered on `recipient`
    "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:Subscribe", "sns:Unsubscribe"]
SCHEDULES = ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"]
TOPIC_KEY = ["kms:Decrypt", "kms:GenerateDataKey"]  # what SNS asks KMS for on behalf of a publisher


def function_name(stage: str, logical_id: str) -> str:
    """The physical function name (set in the template, so log groups and ARNs are known up front)."""
    return f"complaints-{stage}{FUNCTIONS[logical_id][1]}"


def function_arn(stage: str, logical_id: str) -> dict[str, str]:
    return {"Fn::Sub": f"{ARN}:lambda:{HERE}:function:{function_name(stage, logical_id)}"}


def log_group_id(logical_id: str) -> str:
    return f"{logical_id}Logs"


def _table(stage: str) -> list[dict[str, str]]:
    table = f"{ARN}:dynamodb:{HERE}:table/{resources.names(stage)['table']}"
    return [{"Fn::Sub": table}, {"Fn::Sub": f"{table}/index/*"}]


def _stream(stage: str) -> dict[str, str]:
    return {"Fn::Sub": f"{ARN}:dynamodb:{HERE}:table/{resources.names(stage)['table']}/stream/*"}


def _schedules(stage: str) -> dict[str, str]:
    return {"Fn::Sub": f"{ARN}:scheduler:{HERE}:schedule/{resources.names(stage)['schedule_group']}/*"}


def _statement(sid: str, actions: list[str], resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resource, **extra}


def _logs(logical_id: str) -> dict[str, Any]:
    return _statement("OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"],
                      {"Fn::GetAtt": [log_group_id(logical_id), "Arn"]})


def _deliveries(stage: str) -> list[dict[str, Any]]:
    """What carrying out outbox items needs: publish to the topic, keep schedules in step, text and mail
    the customer."""
    return [
        _statement("PublishNotifications", ["sns:Publish"], {"Ref": "NotificationsTopic"}),
        # an SMS published straight to a phone number has no resource type in IAM: SNS authorises it (and
        # the opt-out check before it) on "*" only; there is no condition key to narrow it to phone numbers
        _statement("TextCustomers", ["sns:CheckIfPhoneNumberIsOptedOut", "sns:Publish"], "*"),
        _statement("MailCustomers", ["ses:SendEmail"], {"Fn::Sub": f"{ARN}:ses:{HERE}:identity/${{MailFrom}}"}),
        # the topic is encrypted with its own key: a publisher needs it to encrypt the message, through SNS only
        _statement("NotificationsKey", TOPIC_KEY, {"Fn::GetAtt": ["NotificationsKey", "Arn"]},
                   Condition={"StringEquals": {"kms:ViaService": {"Fn::Sub": "sns.${AWS::Region}.${AWS::URLSuffix}"}}}),
        _statement("KeepSchedules", SCHEDULES, _schedules(stage)),
        _statement("PassSchedulerRole", ["iam:PassRole"], {"Fn::GetAtt": ["SchedulerInvokeRole", "Arn"]},
                   Condition={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}),
    ]


def _staff_sync() -> list[dict[str, Any]]:
    """Carrying out a staff_sync outbox item left over by the admin API."""
    return [_statement("StaffAccounts", STAFF_SYNC, {"Fn::GetAtt": ["StaffUserPool", "Arn"]}),
            _statement("StaffSubscriptions", STAFF_SUBSCRIPTIONS, {"Ref": "NotificationsTopic"})]


def _dead_letters() -> dict[str, Any]:
    return _statement("DeadLetters", ["sqs:SendMessage"], {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]})


def statements(stage: str) -> dict[str, list[dict[str, Any]]]:
    """Policy statements per function logical id."""
    return {
        "APIHandler": [
            _logs("APIHandler"),
            _statement("Complaints", TABLE_ACTIONS["APIHandler"], _table(stage)),
            # presigned POST (upload), head/range GET (attach check), presigned GET (staff view); erasure
            # deletes every version (DeleteObjects by version id needs both delete actions)
            _statement("Photos", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"],
                       {"Fn::Sub": "${PhotosBucket.Arn}/uploads/*"}),
            # exports too large to answer inline: stored, then handed out as a presigned GET; erasure
            # deletes every version of the files stored before it
            _statement("Exports", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"],
                       {"Fn::Sub": "${PhotosBucket.Arn}/exports/*"}),
            # erasure lists the versions of a photo's key and of the export files, under these prefixes only
            _statement("ListVersions", ["s3:ListBucketVersions"], {"Fn::GetAtt": ["PhotosBucket", "Arn"]},
                       Condition={"StringLike": {"s3:prefix": ["uploads/*", "exports/*"]}}),
            _statement("StaffAccounts", STAFF_ACCOUNTS, {"Fn::GetAtt": ["StaffUserPool", "Arn"]}),
            _statement("StaffSubscriptions", STAFF_SUBSCRIPTIONS, {"Ref": "NotificationsTopic"}),
        ],
        "StaffToken": [_logs("StaffToken"),  # the member's profile: roles, activation, tokens valid after
                       _statement("StaffProfiles", ["dynamodb:GetItem"], _table(stage)[:1])],
        "OnStream": [
            _logs("OnStream"),
            _statement("ReadStream", ["dynamodb:DescribeStream", "dynamodb:GetRecords",
                                      "dynamodb:GetShardIterator", "dynamodb:ListStreams"], _stream(stage)),
            _statement("Complaints", TABLE_ACTIONS["OnStream"], _table(stage)),
            *_deliveries(stage),
            *_staff_sync(),
            _dead_letters(),
        ],
        "OnTimer": [
            _logs("OnTimer"),
            _statement("Complaints", TABLE_ACTIONS["OnTimer"], _table(stage)),
            _dead_letters(),
        ],
        "SweepOutbox": [
            _logs("SweepOutbox"),
            _statement("Complaints", TABLE_ACTIONS["SweepOutbox"], _table(stage)),
            *_deliveries(stage),
            *_staff_sync(),
            _dead_letters(),
        ],
    }


# checkov's CKV_AWS_111 (write access on "*") meets the customer's SMS: IAM has no resource for a publish to
# a phone number, so the functions that text customers are granted it, and only it, on "*"
SMS_TO_PHONES_SKIP = {"checkov": {"skip": [{"id": "CKV_AWS_111", "comment": (
    "sns:Publish straight to a customer's phone number (SMS) has no resource type in IAM and can only be granted "
    "on *; the statement holds that and the opt-out check only, the topic is granted by its ARN")}]}}
TEXTING_FUNCTIONS = ("OnStream", "SweepOutbox")  # carry out the outbox (see _deliveries)


def role_overrides(stage: str) -> dict[str, Any]:
    """Merge-template entries replacing the policy of each role Chalice creates."""
    return {role: {"Properties": {"Policies": [{
        "PolicyName": f"{logical_id}Policy",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements(stage)[logical_id]}}]},
        **({"Metadata": SMS_TO_PHONES_SKIP} if logical_id in TEXTING_FUNCTIONS else {})}
        for logical_id, (role, _) in FUNCTIONS.items()}


def scheduler_role(stage: str) -> dict[str, Any]:
    """The role EventBridge Scheduler assumes for this stage's schedule group: invoke the timer, nothing else."""
    group = resources.names(stage)["schedule_group"]
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {
                "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                "aws:SourceArn": {"Fn::Sub": f"{ARN}:scheduler:{HERE}:schedule-group/{group}"}}}}]},
        "Policies": [{"PolicyName": "InvokeTimerOnly", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            _statement("InvokeTimer", ["lambda:InvokeFunction"], function_arn(stage, "OnTimer"))]}}]}}
