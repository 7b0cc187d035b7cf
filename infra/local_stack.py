"""Create every resource of chalicelib/resources.py in moto, plus the demo data.

Used by the local runner (`make run`) and by the tests, so both stand on exactly what
the CloudFormation template declares for AWS.
"""
from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import boto3

from chalicelib import resources
from chalicelib.adapters.directory import StaffDirectory
from chalicelib.adapters.identity import StaffIdentity
from chalicelib.adapters.notifier import Notifier
from chalicelib.domain.model import Role, StaffMember

STAGE = "local"
ACCOUNT = "123456789012"
REGION = "us-east-1"
DEMO_PASSWORD = "Complaints-Local-2026"  # local stack only; never used in a deployed stage
MAIL_FROM = "complaints@example.com"  # the SES identity the customer's e-mails come from (verified below)

TERRITORIES = [
    ("HN-CS", "湖南长沙片区", [{"province": "湖南", "city": "长沙"}, {"province": "湖南", "city": None}], "sales_cs"),
    ("HB-WH", "湖北武汉片区", [{"province": "湖北", "city": "武汉"}, {"province": "湖北", "city": None}], "sales_wh"),
    ("GD-GZ", "广东广州片区", [{"province": "广东", "city": "广州"}, {"province": "广东", "city": None}], "sales_gz"),
]
STAFF = [
    StaffMember("service1", "周晓丽", frozenset({Role.SERVICE}), "+8613900000010", "service1@example.com"),
    StaffMember("sales_cs", "李明", frozenset({Role.SALES}), "+8613900000001", "sales_cs@example.com", ["HN-CS"]),
    StaffMember("sales_wh", "王芳", frozenset({Role.SALES}), "+8613900000002", "sales_wh@example.com", ["HB-WH"]),
    StaffMember("sales_gz", "陈强", frozenset({Role.SALES}), "+8613900000003", "sales_gz@example.com", ["GD-GZ"],
                Decimal("500.00")),
    StaffMember("quality1", "赵工", frozenset({Role.QUALITY}), "+8613900000020", "quality1@example.com"),
    StaffMember("manager1", "刘经理", frozenset({Role.MANAGER}), "+8613900000030", "manager1@example.com"),
    StaffMember("leader1", "孙总", frozenset({Role.LEADER}), "+8613900000040", "leader1@example.com"),
    StaffMember("admin1", "系统管理员", frozenset({Role.ADMIN}), None, "admin1@example.com"),
]
ACCOUNTS = [  # (account id, name, type, territory, salesperson, key account: its complaints are major)
    ("HOTEL-CS-001", "长沙某五星级酒店", "hotel", "HN-CS", "sales_cs", True),
    ("DIST-WH-001", "武汉某经销商", "distributor", "HB-WH", "sales_wh", False),
    ("AFF-GZ-001", "广州关联公司", "affiliate", "GD-GZ", "sales_gz", True),
]
DEPARTMENTS = [  # (code, name): the responsible departments a QC result picks from
    ("PROD", "生产车间"),
    ("ROLL", "卷纸车间"),
    ("PRINT", "印刷车间"),
    ("PACK", "包装车间"),
    ("WH", "仓库"),
    ("LOGI", "物流"),
    ("PURCH", "采购部"),
    ("SALES", "销售部"),
]


def bootstrap(endpoint_url: str, demo: bool = True) -> dict[str, str]:
    """Create the stack in the moto server at `endpoint_url`; returns the app's environment."""
    names = resources.names(STAGE)
    session = boto3.session.Session(region_name=REGION)

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url)

    dynamodb = client("dynamodb")
    dynamodb.create_table(**resources.table_definition(names["table"]))
    dynamodb.update_time_to_live(TableName=names["table"], TimeToLiveSpecification={
        "Enabled": True, "AttributeName": resources.TTL_ATTRIBUTE})
    topic_arn = client("sns").create_topic(Name=names["topic"])["TopicArn"]
    s3 = client("s3")
    s3.create_bucket(Bucket=names["bucket"])
    s3.put_public_access_block(Bucket=names["bucket"], PublicAccessBlockConfiguration=resources.PUBLIC_ACCESS_BLOCK)
    s3.put_bucket_cors(Bucket=names["bucket"], CORSConfiguration=resources.bucket_cors("*"))
    client("scheduler").create_schedule_group(Name=names["schedule_group"])
    client("ses").verify_email_identity(EmailAddress=MAIL_FROM)  # SES sends only from a verified identity
    cognito = client("cognito-idp")
    pool = create_pool(cognito, names["user_pool"], names["user_pool_client"])
    env = {
        "STAGE": STAGE, "AWS_ENDPOINT_URL": endpoint_url, "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": names["table"], "TOPIC_ARN": topic_arn, "BUCKET_NAME": names["bucket"],
        "SCHEDULE_GROUP": names["schedule_group"],
        "TIMER_FUNCTION_ARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:complaints-{STAGE}-on_timer",
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/complaints-{STAGE}-scheduler",
        "USER_POOL_ID": pool["user_pool_id"], "USER_POOL_CLIENT_ID": pool["user_pool_client_id"],
        "JWKS_URL": f"{endpoint_url}/{pool['user_pool_id']}/.well-known/jwks.json",
        "ALLOWED_ORIGIN": "*",  # the bucket's CORS above
        # new keys for each stack, as long as a deployed stage's (its access codes die with it anyway)
        "ACCESS_CODE_SECRET": secrets.token_urlsafe(32), "CURSOR_SECRET": secrets.token_urlsafe(32),
        "TOKEN_SECRET": secrets.token_urlsafe(32), "MAIL_FROM": MAIL_FROM,
    }
    if demo:
        _demo_data(dynamodb, names["table"], Notifier(client("sns"), topic_arn),
                    StaffIdentity(cognito, pool["user_pool_id"], pool["user_pool_client_id"]))
    return env


def create_pool(client: Any, pool_name: str, client_name: str) -> dict[str, str]:
    """The user pool, its app client and one group per role (the template declares the same in AWS)."""
    pool_id = client.create_user_pool(**resources.user_pool_definition(pool_name))["UserPool"]["Id"]
    app_client = client.create_user_pool_client(UserPoolId=pool_id,
                                                **resources.user_pool_client_definition(client_name))
    for group in resources.STAFF_GROUPS:
        client.create_group(UserPoolId=pool_id, GroupName=group)
    return {"user_pool_id": pool_id, "user_pool_client_id": app_client["UserPoolClient"]["ClientId"]}


def _demo_data(dynamodb: Any, table: str, notifier: Notifier, identity: StaffIdentity) -> None:
    directory = StaffDirectory(dynamodb, table)
    for member in STAFF:
        directory.put_staff(member)
        notifier.subscribe(member.username, member.email, member.phone)
        identity.create_user(member.username, DEMO_PASSWORD, sorted(member.roles), member.email, member.name)
    for code, name, places, salesperson in TERRITORIES:
        directory.put_territory(code, name, places, salesperson)
    for account_id, name, kind, territory, salesperson, key_account in ACCOUNTS:
        directory.put_account(account_id, name, territory, salesperson, key_account, account_type=kind)
    for code, name in DEPARTMENTS:
        directory.put_department(code, name)
