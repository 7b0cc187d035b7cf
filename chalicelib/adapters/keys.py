"""Every key of the single table: prefixes, sort keys, index names and how each key is built.

Only the adapters use this module; the access-pattern table in chalicelib/resources.py lists
every item type and prefix, and tests/adapters/test_keys.py fails when a prefix is used that the
table does not list (or one is written outside this module).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.adapters.dynamo import iso, shard

# partition-key prefixes (and the fixed partitions) of the table
COMPLAINT = "COMPLAINT#"
IDEMPOTENCY = "IDEMPOTENCY#"
ATTEMPTS = "ATTEMPTS#"
STAFF = "STAFF#"
ROLE = "ROLE#"
INACTIVE_LIST = "STAFF_INACTIVE"
TERRITORY = "TERRITORY#"
TERRITORY_LIST = "TERRITORIES"
ROUTE = "ROUTE#"
ACCOUNT = "ACCOUNT#"
ACCOUNT_LIST = "ACCOUNTS"  # one partition listing every account: by id (ACCOUNT#<id>) and by name (NAME#<name>#<id>)
DEPARTMENT_LIST = "DEPARTMENTS"  # the responsible departments, one item each (sk DEPARTMENT#<code>)
UPLOAD = "UPLOAD#"
LOT = "LOT#"
ALERTS = "ALERTS"  # one partition of every cluster alert, sk = the lot
STATS_DAY = "STATS#D#"
STATS_MONTH = "STATS#M#"
LINK_TOKEN = "LINK#"  # a status or survey link's token, by its keyed hash
SETTINGS = "SETTINGS#"  # the company's settings, one partition per kind
CALENDAR_SETTINGS = SETTINGS + "calendar"  # business hours, clocks, company days (META) and their changes

# sort keys and their prefixes
META = "META"
PROFILE = "PROFILE"
HISTORY = "HISTORY#"
OUTBOX = "OUTBOX#"
STATS_MARK = "STATS"
IDEMPOTENCY_SK = "IDEMPOTENCY"
CLAIM = "CLAIM"
ROUTE_SK = "ROUTE"
MEMBER = "MEMBER#"
WINDOW = "WINDOW#"
CLIENT = "CLIENT#"
TOKEN = "TOKEN"
CHANGE = "CHANGE#"  # a settings change, by its revision
ACCOUNT_NAME = "NAME#"  # an account's entry by its name (normal_name) in the ACCOUNTS partition
DEPARTMENT = "DEPARTMENT#"

# partitions of the global secondary indexes (index name -> its key attributes: resources.GLOBAL_INDEXES)
STATUS_PARTITION = "STATUS#"
MONTH_PARTITION = "MONTH#"
ASSIGNEE_PARTITION = "ASSIGNEE#"
SKU_PARTITION = "SKU#"
TERRITORY_PARTITION = TERRITORY
DUE_PARTITION = "DUE#"
PHONE_PARTITION = "PHONE#"  # + the keyed hash of the complainant's phone (domain/finding.py)
ACCOUNT_PARTITION = "ACCOUNT_OF#"  # + the keyed hash of the complainant's account id
NAME_PARTITION = "NAME#"  # + the keyed hash of the first two characters of the complainant's name
OUTBOX_PARTITION = OUTBOX


def complaint(complaint_id: str) -> str:
    return COMPLAINT + complaint_id


def complaint_id_of(pk: str) -> str | None:
    return pk.removeprefix(COMPLAINT) if pk.startswith(COMPLAINT) else None


def history_sk(at: datetime, n: int) -> str:
    return f"{HISTORY}{iso(at)}#{n:03d}"


def idempotency(scoped_key: str) -> str:
    """The record of an Idempotency-Key, scoped by its caller ("public#<key>", "action#<user>#<key>")."""
    return IDEMPOTENCY + scoped_key


def staff(username: str) -> str:
    return STAFF + username


def role(name: str) -> str:
    return ROLE + name


def territory(code: str) -> str:
    return TERRITORY + code


def route(place_key: str) -> str:
    return ROUTE + place_key


def account(account_id: str) -> str:
    return ACCOUNT + account_id


def account_by_name(normal_name: str, account_id: str) -> str:
    """The sort key of an account's name entry in the ACCOUNTS partition (a name prefix is a begins_with)."""
    return f"{ACCOUNT_NAME}{normal_name}#{account_id}"


def department(code: str) -> str:
    return DEPARTMENT + code


def upload(photo_key: str) -> str:
    return UPLOAD + photo_key


def lot(name: str) -> str:
    return LOT + name


def link_token(token_hash: str) -> str:
    return LINK_TOKEN + token_hash


def settings_change(revision: int) -> str:
    return f"{CHANGE}{revision:06d}"


def stats_day(day: date, n: int) -> str:
    return f"{STATS_DAY}{day.isoformat()}#{n}"


def stats_month(day: date, n: int) -> str:
    return f"{STATS_MONTH}{day:%Y-%m}#{n}"


def outbox_pending(owner: str, sk: str, created: datetime) -> dict[str, str]:
    """The sparse `outbox_pending` index entry of an item not yet carried out (the sweeper's work)."""
    return {"outbox_pk": f"{OUTBOX_PARTITION}{shard(owner + sk)}", "outbox_sk": iso(created)}


def status_partition(status: str, n: int) -> str:
    return f"{STATUS_PARTITION}{status}#{n}"


def month_partition(month: str, n: int) -> str:
    """`month` is the UTC month yyyy-mm of the complaint's receipt."""
    return f"{MONTH_PARTITION}{month}#{n}"


def utc_month(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m}"


def due_partition(n: int) -> str:
    return f"{DUE_PARTITION}{n}"
