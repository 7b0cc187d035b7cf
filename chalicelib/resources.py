"""The one definition of every AWS resource the system needs.

The local bootstrap (`infra/local_stack.py`) creates exactly these in moto and the
CloudFormation merge template (`infra/template.py`) declares exactly these for AWS,
so the two cannot drift. Plain data: no boto3 here.

Access patterns of the single table (pattern -> key or index -> query). Every key is built in
chalicelib/adapters/keys.py; tests/adapters/test_keys.py checks that this table lists each prefix.

| item / pattern                            | key / index      | pk, sk                                             |
|-------------------------------------------|------------------|----------------------------------------------------|
| one complaint with history and outbox     | table            | pk = COMPLAINT#<id> (all its items)                |
| the complaint's current state             | table            | COMPLAINT#<id>, META                               |
| its history entries (never changed)       | table            | COMPLAINT#<id>, HISTORY#<at>#<n>                   |
| its outbox items (effects to carry out)   | table            | COMPLAINT#<id>, OUTBOX#<at>#<version>#<n>[#<lot>]  |
| the last version counted in the stats     | table            | COMPLAINT#<id>, STATS                              |
| idempotent submission or action           | table            | IDEMPOTENCY#<scope>#<key>, IDEMPOTENCY (TTL)       |
| access-code attempts (status look-ups)    | table            | ATTEMPTS#<id>, WINDOW#<start>#CLIENT#<keyed hash of the address> / WINDOW#<day> (TTL) |
| new access codes sent (3 a day)           | table            | ATTEMPTS#<id>#new_code, WINDOW#<day> (TTL)         |
| a status or survey link's token: one GetItem from the link to its complaint | table | LINK#<keyed hash of the token>, TOKEN |
| staff member                              | table            | STAFF#<u>, PROFILE                                 |
| a staff change's log-in/subscription sync | table            | STAFF#<u>, OUTBOX#<at>#00000#000#<random>          |
| who has a role; who is deactivated        | table            | ROLE#<role> / STAFF_INACTIVE, STAFF#<u>            |
| territory; the list of all territories    | table            | TERRITORY#<code>, META; TERRITORIES, TERRITORY#<code> |
| route of a place to a territory           | table            | ROUTE#<province>#<city or *>, ROUTE                |
| account (key account yes/no, salesperson, revision) | table  | ACCOUNT#<account id>, META                         |
| the account list, by id or by name prefix | table            | ACCOUNTS, ACCOUNT#<account id> / NAME#<normal name>#<account id> |
| responsible departments (the list is the items) | table      | DEPARTMENTS, DEPARTMENT#<code>                     |
| the complaint an uploaded photo belongs to| table            | UPLOAD#uploads/<upload id>, CLAIM                  |
| complaints about a lot (SKU + batch/date) | table            | LOT#<lot>, MEMBER#<received>#<id>                  |
| cluster alerts                            | table            | ALERTS, <lot>                                      |
| the company's calendar settings (revision) | table          | SETTINGS#calendar, META                            |
| their changes (who, when, what), newest first | table        | SETTINGS#calendar, CHANGE#<revision>               |
| running sums per day and month            | table            | STATS#D#<yyyy-mm-dd>#<shard> / STATS#M#<yyyy-mm>#<shard>, <dimension>#<group> |
| a salesperson's queue, filter by assignee | by_assignee      | ASSIGNEE#<u>, received#id, newest first            |
| by status (open queues)                   | by_status        | STATUS#<status>#<shard 0..n> merged, newest first  |
| all complaints in a period                | by_month         | MONTH#<yyyy-mm>#<shard> per month, merged          |
| by SKU (and batch/production date)        | by_sku           | SKU#<sku>, received#id                             |
| by territory                              | by_territory     | TERRITORY#<code>, received#id                      |
| overdue (a running clock past due)        | by_due           | DUE#<shard>, due < now (sparse: only running clocks) |
| a complainant's complaints, by phone      | by_phone         | PHONE#<keyed hash of the E.164 phone>, received#id |
| a complainant's complaints, by account id | by_account       | ACCOUNT_OF#<keyed hash of the account id>, received#id |
| by name: its first two characters, then the rest filtered | by_name | NAME#<keyed hash of the first two>, received#id |
| outbox items not yet delivered (sweeper)  | outbox_pending   | OUTBOX#<shard>, created < cutoff (sparse)          |

The phone, account and name partitions hold keyed hashes only (no personal data in a key); an
erasure drops a complaint's entries with its personal data.

Status, month, due and outbox partitions are sharded by a hash of the complaint id so
that no single "open" or "this month" partition takes every write (writes at any
moment go to the current month only, so a month key is as cool as a day key and an
empty or quiet period costs a few queries, not one per day).
"""

from __future__ import annotations

from typing import Any

SHARDS = 8
# Lambda's ParallelizationFactor on the table's stream: batches of one shard handled at once, the records
# of one item (one complaint's partition key) always in one of them, in order. The local pump does the same.
STREAM_PARALLELISM = 4

TABLE_KEY = ("pk", "sk")

GLOBAL_INDEXES: dict[str, tuple[str, str]] = {
    "by_assignee": ("by_assignee_pk", "by_assignee_sk"),
    "by_status": ("by_status_pk", "by_status_sk"),
    "by_month": ("by_month_pk", "by_month_sk"),
    "by_sku": ("by_sku_pk", "by_sku_sk"),
    "by_territory": ("by_territory_pk", "by_territory_sk"),
    "by_due": ("by_due_pk", "by_due_sk"),
    "by_phone": ("by_phone_pk", "by_phone_sk"),
    "by_account": ("by_account_pk", "by_account_sk"),
    "by_name": ("by_name_pk", "by_name_sk"),
    "outbox_pending": ("outbox_pk", "outbox_sk"),
}

TTL_ATTRIBUTE = "expires_at"

STAFF_GROUPS = ("service", "sales", "quality", "manager", "leader", "admin")

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


def names(stage: str) -> dict[str, str]:
    """Physical names of the resources of one stage."""
    return {
        "table": f"complaints-{stage}",
        "topic": f"complaints-notifications-{stage}",
        "bucket": f"complaints-photos-{stage}",
        "schedule_group": f"complaints-{stage}",
        "user_pool": f"complaints-staff-{stage}",
        "user_pool_client": f"complaints-console-{stage}",
    }


def table_definition(table_name: str) -> dict[str, Any]:
    """Keyword arguments of DynamoDB CreateTable (also rendered into the template)."""
    attributes = sorted({a for pair in [TABLE_KEY, *GLOBAL_INDEXES.values()] for a in pair})
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": _key_schema(*TABLE_KEY),
        "GlobalSecondaryIndexes": [
            {"IndexName": name, "KeySchema": _key_schema(pk, sk), "Projection": {"ProjectionType": "ALL"}}
            for name, (pk, sk) in GLOBAL_INDEXES.items()
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


def _key_schema(pk: str, sk: str) -> list[dict[str, str]]:
    return [{"AttributeName": pk, "KeyType": "HASH"}, {"AttributeName": sk, "KeyType": "RANGE"}]


def user_pool_definition(pool_name: str) -> dict[str, Any]:
    """Keyword arguments of Cognito CreateUserPool."""
    return {
        "PoolName": pool_name,
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "UsernameConfiguration": {"CaseSensitive": False},
    }


def user_pool_client_definition(client_name: str) -> dict[str, Any]:
    """Keyword arguments of Cognito CreateUserPoolClient (minus the pool id)."""
    return {
        "ClientName": client_name,
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "IdTokenValidity": 8,
        "TokenValidityUnits": {"IdToken": "hours"},
    }


def bucket_cors(allowed_origin: str) -> dict[str, Any]:
    """CORS of the photo bucket: browsers POST photos straight to S3 from the form's origin."""
    return {
        "CORSRules": [
            {
                "AllowedMethods": ["POST", "GET"],
                "AllowedOrigins": [allowed_origin],
                "AllowedHeaders": ["*"],
                "MaxAgeSeconds": 3000,
            }
        ]
    }


PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
