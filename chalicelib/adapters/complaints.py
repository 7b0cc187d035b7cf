"""ComplaintRepository: complaints, their history and their outbox in one table.

A complaint's items share one partition (`COMPLAINT#<id>`): the META item holds the
current state, HISTORY# items are appended and never changed, OUTBOX# items are the
effects the change caused (the stream carries them out). Every change is one
transaction: state, history, outbox (and on intake the idempotency record).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import (
    batch_get,
    cancellation_codes,
    from_item,
    iso,
    parse_required_time,
    parse_time,
    plain,
    query_all,
    shard,
    to_item,
)
from chalicelib.adapters.outbox import FREE_TEXT as OUTBOX_FREE_TEXT
from chalicelib.adapters.outbox import Write, link_token_items, outbox_items, sent_messages
from chalicelib.domain.calendar import Duration, Unit
from chalicelib.domain.customer_messages import IssuedLink, SentMessage
from chalicelib.domain.deliveries import Delivery
from chalicelib.domain.errors import AlreadyDone, ConcurrentChange, IdempotencyKeyReused, PhotoTaken
from chalicelib.domain.model import (
    OPEN_STATUSES,
    STAFF_CLOCKS,
    Approval,
    Category,
    Channel,
    Clock,
    Complaint,
    Customer,
    CustomerNotified,
    CustomerType,
    Deadline,
    DesiredResolution,
    Escalation,
    FeedbackForm,
    FindKeys,
    Handling,
    HandlingType,
    HistoryEntry,
    Product,
    QcResult,
    Satisfaction,
    ServiceDimension,
    Severity,
    Status,
)
from chalicelib.idempotency import IdempotencyRecord

META = keys.META
# what may quote the complainant, per item type: only these are redacted (times, statuses, kinds and
# ids are left as they are: a short name must never rewrite a timestamp or a status)
_FREE_TEXT = {"history": frozenset({"data"}), "outbox": frozenset(OUTBOX_FREE_TEXT)}


complaint_pk = keys.complaint


@dataclasses.dataclass
class ComplaintRecord:
    complaint: Complaint
    history: list[HistoryEntry]
    messages: list[SentMessage]


class ComplaintRepository:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def add(
        self,
        complaint: Complaint,
        deliveries: Sequence[Delivery],
        now: datetime,
        idempotency: IdempotencyRecord | None = None,
        along: Sequence[Write] = (),
    ) -> None:
        """Store a new complaint, its first history, its deliveries (outbox items), the idempotency record
        and `along` (other adapters' rows of the new complaint: its lots' member rows) in one transaction."""
        token = secrets.token_hex(16)
        puts = [self._put(_meta_item(complaint, version=1, token=token), "attribute_not_exists(pk)")]
        if idempotency:
            puts.append(self._put(_idempotency_item(idempotency), "attribute_not_exists(pk)"))
        claims = [
            self._put(_upload_claim_item(key, complaint.id), "attribute_not_exists(pk)") for key in complaint.photos
        ]
        try:
            self._write(complaint, puts + claims, deliveries, now, token, idempotency is not None, along)
        except self._client.exceptions.TransactionCanceledException as error:
            codes = cancellation_codes(error)[len(puts) : len(puts) + len(claims)]
            taken = [n for n, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if taken:
                raise PhotoTaken(taken[0]) from error
            raise
        complaint.version = 1

    def save(
        self,
        complaint: Complaint,
        deliveries: Sequence[Delivery],
        now: datetime,
        idempotency: IdempotencyRecord | None = None,
        answered_link: str | None = None,
        together: Complaint | None = None,
    ) -> None:
        """Store a change, only if nobody else saved since `complaint.version` was read (and, with an
        idempotency record, only if that record's key was never used; with `answered_link`, the hash of a
        survey token, only if that survey was not answered yet: AlreadyDone if it was). `together` is
        another complaint the change touched (a merge's survivor): stored in the same transaction, over the
        version it was read at too (ConcurrentChange if it changed since)."""
        token = secrets.token_hex(16)
        puts = [self._over_version(complaint, token)]
        if idempotency:
            puts.append(self._put(_idempotency_item(idempotency), "attribute_not_exists(pk)"))
        if answered_link:
            puts.append(self._answer(answered_link, now))
        if together:
            puts.append(self._over_version(together, secrets.token_hex(16)))
            puts += [self._put(_history_item(together.id, e, n)) for n, e in enumerate(together.new_history, 50)]
        try:
            self._write(complaint, puts, deliveries, now, token, idempotent=idempotency is not None)
        except self._client.exceptions.TransactionCanceledException as error:
            codes = cancellation_codes(error)
            if answered_link and codes[len(puts) - 1] == "ConditionalCheckFailed":
                raise AlreadyDone("the survey was already answered") from error
            if together and "ConditionalCheckFailed" in codes[1:]:
                raise ConcurrentChange(together.id) from error
            raise
        complaint.version += 1
        if together:
            together.version += 1
            together.new_history.clear()

    def _over_version(self, complaint: Complaint, token: str) -> dict[str, Any]:
        """The Put of a complaint's new state, only over the version it was read at."""
        put = self._put(_meta_item(complaint, version=complaint.version + 1, token=token), "version = :read")
        put["Put"]["ExpressionAttributeValues"] = to_item({":read": complaint.version})
        return put

    def link(self, token_hash: str) -> IssuedLink | None:
        """The complaint a link token (by its keyed hash) opens: one GetItem."""
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"pk": keys.link_token(token_hash), "sk": keys.TOKEN}),
            ConsistentRead=True,
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return IssuedLink(
            kind=item["kind"],
            complaint_id=item["complaint_id"],
            issued_at=parse_required_time(item["issued_at"]),
            used_at=parse_time(item.get("used_at")),
        )

    def _answer(self, token_hash: str, now: datetime) -> dict[str, Any]:
        """The survey token marked answered, in the answer's transaction: once only."""
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"pk": keys.link_token(token_hash), "sk": keys.TOKEN}),
                "UpdateExpression": "SET used_at = :now",
                "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(used_at)",
                "ExpressionAttributeValues": to_item({":now": iso(now)}),
            }
        }

    def get(self, complaint_id: str) -> Complaint | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item({"pk": complaint_pk(complaint_id), "sk": META}), ConsistentRead=True
        )
        return complaint_from_item(from_item(response["Item"])) if "Item" in response else None

    def history(self, complaint_id: str) -> list[HistoryEntry]:
        items = self._query_partition(complaint_id, keys.HISTORY)
        return [_history_from_item(i) for i in items]

    def record(self, complaint_id: str) -> ComplaintRecord | None:
        """The complaint, its history and the messages to its customer, from one Query of its partition
        (instead of a GetItem and two Queries: what an action or the complaint page reads)."""
        items = self._query_partition(complaint_id, "")
        meta = next((i for i in items if i["sk"] == META), None)
        if meta is None:
            return None
        history = [_history_from_item(i) for i in items if i["sk"].startswith(keys.HISTORY)]
        return ComplaintRecord(complaint_from_item(meta), history, sent_messages(items))

    def redact_partition(self, complaint_id: str, redact: Callable[[Any], Any]) -> int:
        """Rewrite what `redact` changes in the complaint's other items (history, outbox, ...).

        Attribute by attribute and only if it still holds what was read, so a concurrent
        outbox delivery (which sets status and lease fields) is never undone. Returns how
        many items changed; ConcurrentChange if one changed under us (read again, retry).
        """
        changed = 0
        for item in self._query_partition(complaint_id, ""):
            free_text = _FREE_TEXT.get(item.get("type", ""), frozenset())
            updates = {k: (v, redact(v)) for k, v in item.items() if k in free_text}
            updates = {k: pair for k, pair in updates.items() if pair[0] != pair[1]}
            if not updates:
                continue
            names = {f"#a{n}": k for n, k in enumerate(updates)}
            values = {}
            for n, (old, new) in enumerate(updates.values()):
                values.update({f":new{n}": new, f":old{n}": old})
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=to_item({"pk": item["pk"], "sk": item["sk"]}),
                    UpdateExpression="SET " + ", ".join(f"#a{n} = :new{n}" for n in range(len(updates))),
                    ConditionExpression=" AND ".join(f"#a{n} = :old{n}" for n in range(len(updates))),
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues=to_item(values),
                )
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise ConcurrentChange(complaint_id) from error
            changed += 1
        return changed

    def get_many(self, complaint_ids: list[str]) -> list[Complaint]:
        """Several complaints by id (unknown ids are left out), in the order asked."""
        items = batch_get(self._client, self._table, [(complaint_pk(i), META) for i in complaint_ids])
        found = {c.id: c for c in map(complaint_from_item, items)}
        return [found[i] for i in dict.fromkeys(complaint_ids) if i in found]

    def idempotency_record(self, key: str) -> IdempotencyRecord | None:
        """The record of a scoped Idempotency-Key ("public#<key>", "action#<user>#<key>"), if it was used."""
        response = self._client.get_item(
            TableName=self._table,
            ConsistentRead=True,
            Key=to_item({"pk": keys.idempotency(key), "sk": keys.IDEMPOTENCY_SK}),
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return IdempotencyRecord(
            key,
            item["request_hash"],
            item["complaint_id"],
            datetime.fromtimestamp(int(item["expires_at"]), UTC),
            item.get("receipt"),
        )

    def _write(
        self,
        complaint: Complaint,
        puts: list[dict],
        deliveries: Sequence[Delivery],
        now: datetime,
        token: str,
        idempotent: bool,
        along: Sequence[Write] = (),
    ) -> None:
        """One transaction. A retry of an attempt that did land (its answer was lost) is not a conflict:
        the stored write token says the change is already ours."""
        history = [self._put(_history_item(complaint.id, entry, n)) for n, entry in enumerate(complaint.new_history)]
        outbox = outbox_items(complaint_pk(complaint.id), complaint.id, deliveries, now, complaint.version + 1)
        effects = [self._put(item) for item in outbox]
        effects += [
            self._put(item, "attribute_not_exists(pk)") for item in link_token_items(complaint.id, deliveries, now)
        ]
        try:
            self._client.transact_write_items(
                TransactItems=[*puts, *history, *effects, *along], ClientRequestToken=token
            )
        except self._client.exceptions.TransactionCanceledException as error:
            codes = cancellation_codes(error)
            if codes and codes[0] == "ConditionalCheckFailed" and self._landed(complaint.id, token):
                pass
            elif idempotent and len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise IdempotencyKeyReused("idempotency key already used") from error
            elif codes and codes[0] == "ConditionalCheckFailed":
                raise ConcurrentChange(complaint.id) from error
            else:
                raise
        complaint.new_history.clear()
        complaint.effects.clear()

    def _landed(self, complaint_id: str, token: str) -> bool:
        response = self._client.get_item(
            TableName=self._table,
            Key=to_item({"pk": complaint_pk(complaint_id), "sk": META}),
            ProjectionExpression="write_token",
            ConsistentRead=True,
        )
        return response.get("Item", {}).get("write_token", {}).get("S") == token

    def _put(self, item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": to_item(item)}
        if condition:
            put["ConditionExpression"] = condition
        return {"Put": put}

    def _query_partition(self, complaint_id: str, prefix: str) -> list[dict[str, Any]]:
        values = {":pk": complaint_pk(complaint_id), ":p": prefix} if prefix else {":pk": complaint_pk(complaint_id)}
        return query_all(
            self._client,
            TableName=self._table,
            ExpressionAttributeValues=to_item(values),
            ConsistentRead=True,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)" if prefix else "pk = :pk",
        )


def _idempotency_item(record: IdempotencyRecord) -> dict[str, Any]:
    item = {
        "pk": keys.idempotency(record.key),
        "sk": keys.IDEMPOTENCY_SK,
        "type": "idempotency",
        "request_hash": record.request_hash,
        "complaint_id": record.complaint_id,
        "expires_at": int(record.expires_at.timestamp()),
    }
    return {**item, "receipt": record.receipt} if record.receipt else item


def _upload_claim_item(photo_key: str, complaint_id: str) -> dict[str, Any]:
    """An uploaded photo belongs to the one complaint that attached it first."""
    return {"pk": keys.upload(photo_key), "sk": keys.CLAIM, "type": "upload_claim", "complaint_id": complaint_id}


def _meta_item(complaint: Complaint, version: int, token: str) -> dict[str, Any]:
    data = plain(complaint)
    data.update(pk=complaint_pk(complaint.id), sk=META, type="complaint", version=version, write_token=token)
    data.update(_index_keys(complaint))
    return data


def _index_keys(c: Complaint) -> dict[str, str]:
    """Keys of the global secondary indexes (see chalicelib/resources.py for the patterns)."""
    order = f"{iso(c.received_at)}#{c.id}"
    n = shard(c.id)
    found = {
        "by_status_pk": keys.status_partition(c.status, n),
        "by_status_sk": order,
        "by_month_pk": keys.month_partition(keys.utc_month(c.received_at), n),
        "by_month_sk": order,
    }
    if c.assignee:
        found.update(by_assignee_pk=keys.ASSIGNEE_PARTITION + c.assignee, by_assignee_sk=order)
    if c.product.sku:
        found.update(by_sku_pk=keys.SKU_PARTITION + c.product.sku, by_sku_sk=order)
    if c.territory:
        found.update(by_territory_pk=keys.TERRITORY_PARTITION + c.territory, by_territory_sk=order)
    find = c.find_keys
    if find and find.phone:
        found.update(by_phone_pk=keys.PHONE_PARTITION + find.phone, by_phone_sk=order)
    if find and find.account:
        found.update(by_account_pk=keys.ACCOUNT_PARTITION + find.account, by_account_sk=order)
    if find and find.name_prefix:
        found.update(by_name_pk=keys.NAME_PARTITION + find.name_prefix, by_name_sk=order)
    # the running staff clocks (not stopped, not paused) that have not breached: a survey is no deadline
    due = [
        d.due_at
        for clock, d in c.deadlines.items()
        if clock in STAFF_CLOCKS and d.stopped_at is None and d.due_at is not None and not d.breached
    ]
    if due and c.status in OPEN_STATUSES:
        found.update(by_due_pk=keys.due_partition(n), by_due_sk=f"{iso(min(due))}#{c.id}")
    return found


def _history_item(complaint_id: str, entry: HistoryEntry, n: int) -> dict[str, Any]:
    return {
        "pk": complaint_pk(complaint_id),
        "sk": keys.history_sk(entry.at, n),
        "type": "history",
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "from": entry.from_status,
        "to": entry.to_status,
        "data": entry.data,
    }


def _history_from_item(item: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        at=parse_required_time(item["at"]),
        actor=item["actor"],
        action=item["action"],
        from_status=Status(item["from"]) if item.get("from") else None,
        to_status=Status(item["to"]) if item.get("to") else None,
        data=item.get("data", {}),
    )


def complaint_from_item(item: dict[str, Any]) -> Complaint:
    customer = dict(item["customer"])
    customer["type"] = CustomerType(customer.get("type", "consumer"))
    product = dict(item.get("product", {}))
    if product.get("production_date"):
        product["production_date"] = date.fromisoformat(product["production_date"])
    if product.get("quantity") is not None:
        product["quantity"] = int(product["quantity"])
    return Complaint(
        id=item["id"],
        channel=Channel(item["channel"]),
        status=Status(item["status"]),
        severity=Severity(item["severity"]),
        category=Category(item["category"]),
        description=item["description"],
        customer=Customer(**customer),
        product=Product(**product),
        received_at=parse_required_time(item["received_at"]),
        recorded_at=parse_required_time(item["recorded_at"]),
        recorded_by=item["recorded_by"],
        access_code_hash=item["access_code_hash"],
        consent=bool(item.get("consent", False)),
        desired_resolution=_maybe(DesiredResolution, item.get("desired_resolution")),
        service_dimension=_maybe(ServiceDimension, item.get("service_dimension")),
        other_categories=[Category(c) for c in item.get("other_categories", [])],
        photos=list(item.get("photos", [])),
        assignee=item.get("assignee"),
        territory=item.get("territory"),
        escalated=bool(item.get("escalated", False)),
        last_escalation=_escalation(item.get("last_escalation")),
        deadlines={Clock(k): _deadline_from_item(v) for k, v in item.get("deadlines", {}).items()},
        feedback_form=_record(FeedbackForm, item.get("feedback_form")),
        qc_result=_record(QcResult, item.get("qc_result")),
        handling=_record(Handling, item.get("handling")),
        approval=_record(Approval, item.get("approval")),
        customer_notified=_record(CustomerNotified, item.get("customer_notified")),
        satisfaction=_record(Satisfaction, item.get("satisfaction")),
        callbacks=[_record(Satisfaction, c) for c in item.get("callbacks", [])],
        closed_at=parse_time(item.get("closed_at")),
        erased=item.get("erased"),
        find_keys=FindKeys(**item["find_keys"]) if item.get("find_keys") else None,
        possible_duplicate_of=list(item.get("possible_duplicate_of", [])),
        merged_into=item.get("merged_into"),
        version=int(item["version"]),
    )


# how a field of a stored record becomes the value object's (the other fields are stored as they are)
_RECORD_FIELDS: dict[str, Callable[[Any], Any]] = {
    "at": parse_time,
    "type": HandlingType,
    "rating": int,
    "approval_reasons": tuple,
}


def _record(kind: Any, stored: dict[str, Any] | None) -> Any:
    """A record map of the META item (feedback form, QC result, handling, ...) as its value object;
    `plain` writes the object back as the same map (a field that is None is left out)."""
    if not stored:
        return None
    values = {f.name: stored.get(f.name) for f in dataclasses.fields(kind)}
    return kind(**{k: _RECORD_FIELDS[k](v) if k in _RECORD_FIELDS and v is not None else v for k, v in values.items()})


def _escalation(stored: dict[str, Any] | None) -> Escalation | None:
    """Its `at` stays the text it was stored as (`datetime.isoformat`, to the microsecond)."""
    return Escalation(by=stored["by"], note=stored.get("note"), at=stored["at"]) if stored else None


def _deadline_from_item(d: dict[str, Any]) -> Deadline:
    remaining = d.get("remaining_seconds")
    return Deadline(
        clock=Clock(d["clock"]),
        due_at=parse_time(d.get("due_at")),
        remaining_seconds=float(remaining) if isinstance(remaining, Decimal) else remaining,
        warned=bool(d.get("warned", False)),
        breached=bool(d.get("breached", False)),
        stopped_at=parse_time(d.get("stopped_at")),
        timer_at=parse_time(d.get("timer_at")),
        started_at=parse_time(d.get("started_at")),
        duration=Duration(float(d["duration"]["amount"]), Unit(d["duration"]["unit"])) if d.get("duration") else None,
    )


def _maybe(kind: Any, value: Any) -> Any:
    return kind(value) if value else None
