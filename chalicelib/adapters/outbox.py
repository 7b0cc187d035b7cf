"""OutboxStore: the effects a change caused, waiting in the table to be carried out.

An item is claimed with a conditional update (a lease: a random token and an end time),
carried out, then marked done and dropped from the sparse `outbox_pending` index. A done
item is never carried out again; a failed one is released and retried by the stream or the
sweeper. Marking done and releasing take the claim's token: once a lease has run out and
another delivery holds the item, the first one can change nothing on it.

A message to the customer keeps its text (which may hold the access code) in `customer_text`,
removed when the item is done; an erasure withdraws the ones not yet sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import from_item, iso, parse_required_time, parse_time, query_all, to_item
from chalicelib.domain.customer_messages import SentMessage
from chalicelib.domain.deliveries import (
    CustomerMessage,
    Delivery,
    DuplicateMark,
    Notification,
    Reassignment,
    StaffSync,
    TimerSync,
)
from chalicelib.domain.model import Clock, MessageKind
from chalicelib.resources import SHARDS

OutboxKey = tuple[str, str]  # (pk, sk): opaque outside the adapters
Write = dict[str, Any]  # one item of a TransactWriteItems: opaque outside the adapters

LEASE = timedelta(seconds=60)
MAX_TRANSACTION = 100  # items in one TransactWriteItems
FREE_TEXT = ("text", "customer_text", "to")  # what may quote the complainant: an erasure rewrites it
CUSTOMER = "customer"  # the kind of a message to the customer
WITHDRAWN = "withdrawn"  # the result of one an erasure stopped
OPTED_OUT = "opted_out"  # the result of an SMS to a number that replied 退订


class OutboxStore:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def claim(self, key: OutboxKey, now: datetime) -> Claimed | None:
        """The item, now leased to the caller until `now` + LEASE under a new `lease_token`; None if it
        is done or leased to someone else. `now` is the moment of the claim, not of the batch."""
        try:
            response = self._client.update_item(
                **self._claim(key, now, secrets.token_urlsafe(16)), ReturnValues="ALL_NEW"
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return _claimed(from_item(response["Attributes"]))

    def claim_many(
        self, inserted: Sequence[dict[str, Any]], now: datetime, along: Sequence[Write] = ()
    ) -> tuple[list[Claimed], bool]:
        """Lease the items a stream batch inserted (as the stream carried them) in one transaction, with
        `along` (other writes of the same batch) in it too; (the claimed items, whether `along` was written).

        A transaction returns no items, so each is claimed on the condition that it still holds what the
        stream showed (an erasure may have rewritten its text since). If any condition fails, each item is
        claimed on its own and read back, and `along` is left to its owner."""
        if len(inserted) + len(along) > MAX_TRANSACTION or (len(inserted) == 1 and not along):
            return self._claim_each(inserted, now), False
        leased = [(i, secrets.token_urlsafe(16)) for i in inserted]
        claims = [{"Update": self._claim(key_of(i), now, token, unchanged=i)} for i, token in leased]
        try:
            self._client.transact_write_items(TransactItems=[*claims, *along])
        except self._client.exceptions.TransactionCanceledException:
            return self._claim_each(inserted, now), False
        until = iso(now + LEASE)
        return [_claimed({**i, "lease_token": token, "lease_until": until}) for i, token in leased], True

    def _claim_each(self, inserted: Sequence[dict[str, Any]], now: datetime) -> list[Claimed]:
        return [c for c in (self.claim(key_of(i), now) for i in inserted) if c]

    def complete(self, key: OutboxKey, token: str, now: datetime, result: str) -> bool:
        """Mark the item done, if the lease `token` still holds it; False if another claim took it over.

        The token stays on the done item, so that a retried call (its first answer lost) succeeds again.
        """
        try:
            self._client.update_item(**self._complete(key, token, now, result))
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def complete_many(self, done: Sequence[tuple[OutboxKey, str, str]], now: datetime) -> list[bool]:
        """`complete` for each (key, token, result), in one transaction; if a lease passed to another
        delivery meanwhile, each on its own (False for those)."""
        if len(done) <= 1 or len(done) > MAX_TRANSACTION:
            return [self.complete(key, token, now, result) for key, token, result in done]
        try:
            self._client.transact_write_items(
                TransactItems=[{"Update": self._complete(key, token, now, result)} for key, token, result in done]
            )
        except self._client.exceptions.TransactionCanceledException:
            return [self.complete(key, token, now, result) for key, token, result in done]
        return [True] * len(done)

    def _claim(self, key: OutboxKey, now: datetime, token: str, unchanged: dict[str, Any] | None = None) -> dict:
        """The conditional update that leases an item (`unchanged`: as it was inserted, free texts alike)."""
        condition = "#s = :pending AND (attribute_not_exists(lease_until) OR lease_until < :now)"
        names, values = {"#s": "status"}, {}
        for n, field in enumerate(f for f in FREE_TEXT if unchanged and f in unchanged):
            condition += f" AND #f{n} = :f{n}"
            names[f"#f{n}"], values[f":f{n}"] = field, (unchanged or {})[field]
        return {
            "TableName": self._table,
            "Key": _key(key),
            "UpdateExpression": "SET lease_until = :until, lease_token = :token, "
            "attempts = if_not_exists(attempts, :zero) + :one",
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(
                {
                    ":until": iso(now + LEASE),
                    ":now": iso(now),
                    ":token": token,
                    ":pending": "pending",
                    ":zero": 0,
                    ":one": 1,
                    **values,
                }
            ),
        }

    def _complete(self, key: OutboxKey, token: str, now: datetime, result: str) -> dict:
        return {
            "TableName": self._table,
            "Key": _key(key),
            "UpdateExpression": "SET #s = :done, done_at = :now, #r = :result "
            "REMOVE lease_until, outbox_pk, outbox_sk, customer_text",
            "ConditionExpression": "lease_token = :token",
            "ExpressionAttributeNames": {"#s": "status", "#r": "result"},
            "ExpressionAttributeValues": to_item(
                {":done": "done", ":now": iso(now), ":result": result, ":token": token}
            ),
        }

    def release(self, key: OutboxKey, token: str, error: str) -> None:
        """Give the lease back for a retry; nothing if `token` no longer holds it."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(key),
                UpdateExpression="SET last_error = :e REMOVE lease_until, lease_token",
                ConditionExpression="lease_token = :token",
                ExpressionAttributeValues=to_item({":e": error[:500], ":token": token}),
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass  # another delivery holds it now, or has done it

    def customer_messages(self, complaint_id: str) -> list[SentMessage]:
        """What was sent (or is to be sent) to the complaint's customer, oldest first."""
        return sent_messages(self._customer_items(complaint_id))

    def withdraw_customer_messages(self, complaint_id: str, now: datetime) -> int:
        """Stop the customer's messages not yet sent (an erasure): done, their text and address removed.
        One being sent right now is left to its delivery, which removes the text when done. Returns how
        many were withdrawn."""
        withdrawn = 0
        for item in self._customer_items(complaint_id):
            if item.get("status") != "pending":
                continue
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=_key((item["pk"], item["sk"])),
                    UpdateExpression="SET #s = :done, done_at = :now, #r = :withdrawn "
                    "REMOVE lease_until, outbox_pk, outbox_sk, customer_text, #to",
                    ConditionExpression="#s = :pending AND (attribute_not_exists(lease_until) OR lease_until < :now)",
                    ExpressionAttributeNames={"#s": "status", "#r": "result", "#to": "to"},
                    ExpressionAttributeValues=to_item(
                        {":done": "done", ":now": iso(now), ":withdrawn": WITHDRAWN, ":pending": "pending"}
                    ),
                )
                withdrawn += 1
            except self._client.exceptions.ConditionalCheckFailedException:
                pass  # being sent now, or sent meanwhile
        return withdrawn

    def _customer_items(self, complaint_id: str) -> list[dict[str, Any]]:
        items = query_all(
            self._client,
            TableName=self._table,
            ConsistentRead=True,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
            FilterExpression="#k = :customer",
            ExpressionAttributeNames={"#k": "kind"},
            ExpressionAttributeValues=to_item(
                {":pk": keys.complaint(complaint_id), ":p": keys.OUTBOX, ":customer": CUSTOMER}
            ),
        )
        return sorted(items, key=lambda i: i["sk"])

    def put_many(self, work: Sequence[tuple[str, Delivery]], now: datetime) -> None:
        """Leave work for the stream, each (complaint id, delivery) in that complaint's partition, outside the
        complaint's own changes (as a cluster alert does): what a staff change could not do in its request.
        A hundred items a transaction; a failure part-way keeps the ones stored (the caller's retry stores
        what is still to do again: each such delivery does its work once however often it is carried out)."""
        items = [
            i
            for owner, delivery in work
            for i in outbox_items(keys.complaint(owner), owner, [delivery], now, 0, tag=secrets.token_hex(4))
        ]
        for start in range(0, len(items), MAX_TRANSACTION):
            chunk = items[start : start + MAX_TRANSACTION]
            writes = [{"Put": {"TableName": self._table, "Item": to_item(i)}} for i in chunk]
            self._client.transact_write_items(TransactItems=writes)

    def pending(self, older_than: datetime, limit: int = 100) -> list[OutboxKey]:
        """Keys of items still pending since before `older_than` (the sweeper's work)."""
        found: list[OutboxKey] = []
        for n in range(SHARDS):
            page = self._client.query(
                TableName=self._table,
                IndexName="outbox_pending",
                Limit=limit,
                KeyConditionExpression="outbox_pk = :pk AND outbox_sk < :cutoff",
                ExpressionAttributeValues=to_item({":pk": f"{keys.OUTBOX_PARTITION}{n}", ":cutoff": iso(older_than)}),
            )
            found += [(i["pk"], i["sk"]) for i in map(from_item, page["Items"])]
        return found


def new_outbox_items(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The outbox items a stream batch inserted, as inserted, per owner (a complaint id or a username)
    in stream order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage") or {}
        sk = image.get("sk", {}).get("S", "")
        if record.get("eventName") == "INSERT" and sk.startswith(keys.OUTBOX):
            item = from_item(image)
            found.setdefault(item.get("complaint_id") or item["username"], []).append(item)
    return found


def key_of(item: dict[str, Any]) -> OutboxKey:
    return item["pk"], item["sk"]


def _key(key: OutboxKey) -> dict[str, Any]:
    return to_item({"pk": key[0], "sk": key[1]})


@dataclass(frozen=True)
class Claimed:
    """An outbox item leased to one delivery: what to carry out, for whom, and the lease it holds."""

    key: OutboxKey
    owner: str  # the complaint id, or the staff member's username
    delivery: Delivery
    token: str
    lease_until: datetime


def outbox_items(
    owner_pk: str, owner: str, deliveries: Sequence[Delivery], now: datetime, version: int, tag: str = ""
) -> list[dict[str, Any]]:
    """New pending items in the owner's partition, visible to the sweeper's index. `version` is the
    owner's version the change makes; `tag` tells apart items the same complaint causes at the same
    moment outside its own changes (one per cluster alert)."""
    items = []
    for n, delivery in enumerate(deliveries):
        sk = f"{keys.OUTBOX}{iso(now)}#{version:05d}#{n:03d}" + (f"#{tag}" if tag else "")
        owner_field = {"username": owner} if isinstance(delivery, StaffSync) else {"complaint_id": owner}
        items.append(
            {
                "pk": owner_pk,
                "sk": sk,
                "type": "outbox",
                "status": "pending",
                **owner_field,
                "created_at": now,
                **keys.outbox_pending(owner, sk, now),
                **_fields(delivery),
            }
        )
    return items


def link_token_items(complaint_id: str, deliveries: Sequence[Delivery], now: datetime) -> list[dict[str, Any]]:
    """The look-up items of the link tokens the deliveries carry (`LINK#<hash>`, one GetItem from a link
    to its complaint), stored in the same transaction as the messages that carry them."""
    return [
        {
            "pk": keys.link_token(d.link.hash),
            "sk": keys.TOKEN,
            "type": "link_token",
            "kind": d.link.kind,
            "complaint_id": complaint_id,
            "issued_at": now,
        }
        for d in deliveries
        if isinstance(d, CustomerMessage) and d.link is not None
    ]


def _fields(delivery: Delivery) -> dict[str, Any]:
    if isinstance(delivery, CustomerMessage):
        return {
            "kind": CUSTOMER,
            "message": delivery.kind.value,
            "channel": delivery.channel,
            "to": delivery.to,
            "subject": delivery.subject,
            "customer_text": delivery.text,
            "link_kind": delivery.link.kind if delivery.link else None,
        }
    if isinstance(delivery, Notification):
        return {"kind": "notify", "event": delivery.event, "recipient": delivery.recipient, "text": delivery.text}
    if isinstance(delivery, TimerSync):
        # "" for no time: an absent `timer_at` marks an item stored before the times were kept with it
        at, previous = (iso(t) if t else "" for t in (delivery.at, delivery.previous))
        return {"kind": "timer", "clock": delivery.clock.value, "timer_at": at, "previous_at": previous}
    if isinstance(delivery, DuplicateMark):
        return {"kind": "duplicate_mark", "other": delivery.other, "linked": delivery.linked}
    if isinstance(delivery, Reassignment):
        return {
            "kind": "reassign",
            "leaving": delivery.leaving,
            "by": delivery.by,
            "reason": delivery.reason,
            "to": delivery.to,
        }
    return {"kind": "staff_sync", "subscriptions": delivery.subscriptions}


def _claimed(item: dict[str, Any]) -> Claimed:
    kind = item["kind"]
    if kind == CUSTOMER:
        delivery: Delivery = CustomerMessage(
            kind=MessageKind(item["message"]),
            channel=item["channel"],
            to=item.get("to") or "",
            text=item.get("customer_text") or "",
            subject=item.get("subject"),
        )
    elif kind == "notify":
        delivery = Notification(item["recipient"], item["event"], item["text"])
    elif kind == "timer":
        delivery = TimerSync(
            Clock(item["clock"]),
            parse_time(item.get("timer_at")),
            parse_time(item.get("previous_at")),
            at_unknown="timer_at" not in item,
        )
    elif kind == "duplicate_mark":
        delivery = DuplicateMark(item["other"], bool(item["linked"]))
    elif kind == "reassign":
        delivery = Reassignment(item["leaving"], item["by"], item["reason"], item.get("to"))
    else:
        delivery = StaffSync(item["username"], bool(item.get("subscriptions")))
    return Claimed(
        key=(item["pk"], item["sk"]),
        owner=item.get("complaint_id") or item["username"],
        delivery=delivery,
        token=item["lease_token"],
        lease_until=parse_required_time(item["lease_until"]),
    )


def sent_messages(items: Iterable[dict[str, Any]]) -> list[SentMessage]:
    """The messages to the customer among a complaint's items, oldest first."""
    return [_sent_message(i) for i in sorted(items, key=lambda i: i["sk"]) if _is_to_customer(i)]


def _is_to_customer(item: dict[str, Any]) -> bool:
    return item.get("type") == "outbox" and item.get("kind") == CUSTOMER


def _sent_message(item: dict[str, Any]) -> SentMessage:
    done = item.get("status") == "done"
    if done:
        state = {OPTED_OUT: "opted_out", WITHDRAWN: "failed"}.get(item.get("result") or "", "sent")
    else:
        state = "failed" if item.get("last_error") else "pending"
    at = parse_time(item.get("done_at")) if done else None
    return SentMessage(
        kind=MessageKind(item["message"]),
        at=at or parse_required_time(item["created_at"]),
        channel=item["channel"],
        state=state,
    )
