"""StaffDirectory: staff members, territories, routes, accounts and responsible departments in the table.

Routing is data: a territory lists its provinces/cities and its salesperson, and
writing it writes one ROUTE item per place so that intake finds the salesperson with
one BatchGetItem. Role items (`ROLE#<role>`) list who has a role, for notifications
addressed to "every manager". The console's lists are Queries too: staff through the role
items (everyone has at least one role), territories through one `TERRITORIES` partition
holding a copy of each territory (a few dozen small items, written only by admins). Accounts, which a
company may have thousands of, are listed in one `ACCOUNTS` partition twice over: by id and by the name as
`normal_name` writes it, so that a look-up by the beginning of either is one Query of a few items. The
responsible departments are the items of one `DEPARTMENTS` partition.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, overload

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import batch_get, cancellation_codes, from_item, query_all, to_item
from chalicelib.adapters.outbox import OutboxKey, outbox_items
from chalicelib.adapters.recent import ROUTING_TTL, Recent
from chalicelib.domain.deliveries import StaffSync
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.finding import normal_name
from chalicelib.domain.model import DEFAULT_COMPENSATION_LIMIT, Role, StaffMember
from chalicelib.domain.routing import ANY_CITY, Route, place


@dataclass(frozen=True)
class Account:
    """A customer account the company serves (a distributor, a hotel, ...): who serves it, whether it is key."""

    account_id: str
    name: str
    type: str  # a CustomerType other than consumer
    territory: str | None
    salesperson: str | None
    key_account: bool = False
    revision: int = 0


@dataclass(frozen=True)
class Routing:
    """What intake learns from the routing items: the routes found, and whether the account is a key account."""

    routes: dict[str, Route]
    key_account: bool


class StaffDirectory:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name
        self._routing_items: Recent[tuple[str, str], dict[str, Any]] = Recent(ROUTING_TTL)
        self._role_lists: Recent[str, list[str]] = Recent(ROUTING_TTL)

    # staff -----------------------------------------------------------------------------
    @overload
    def put_staff(self, member: StaffMember, sync: StaffSync, now: datetime) -> OutboxKey: ...
    @overload
    def put_staff(
        self, member: StaffMember, sync: StaffSync | None = None, now: datetime | None = None
    ) -> OutboxKey | None: ...
    def put_staff(
        self, member: StaffMember, sync: StaffSync | None = None, now: datetime | None = None
    ) -> OutboxKey | None:
        """Store the profile (the truth about a member) and the role lists that follow it. With `sync`,
        the same transaction leaves an outbox item to make the log-in and subscriptions match it, so a
        failure part-way is carried on until done; its key is returned (to carry it out at once).
        Only over the revision `member` was read at: ConcurrentChange if someone changed it since."""
        old = self.staff(member.username)
        me = keys.staff(member.username)
        profile = self._put(
            {"pk": me, "sk": keys.PROFILE, "type": "staff", **_staff_fields(member), "revision": member.revision + 1}
        )
        if member.revision:
            profile["Put"].update(
                ConditionExpression="revision = :read", ExpressionAttributeValues=to_item({":read": member.revision})
            )
        else:
            profile["Put"]["ConditionExpression"] = "attribute_not_exists(revision)"
        writes = [profile]
        listed, was_listed = _lists_of(member), _lists_of(old) if old else set()
        writes += [self._put({"pk": pk, "sk": me, "type": "role"}) for pk in sorted(listed)]
        writes += [self._delete(pk, me) for pk in sorted(was_listed - listed)]
        outbox = outbox_items(me, member.username, [sync], now, 0, tag=secrets.token_hex(4)) if sync and now else []
        writes += [self._put(item) for item in outbox]
        self._role_lists.forget()
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                raise ConcurrentChange(member.username) from error
            raise
        return (outbox[0]["pk"], outbox[0]["sk"]) if outbox else None

    def staff(self, username: str) -> StaffMember | None:
        item = self._get(keys.staff(username), keys.PROFILE)
        return _staff_from_item(item) if item else None

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, ordered by username: the role lists, then their profiles."""
        usernames = sorted(
            {u for role in Role for u in self.usernames_with_role(role)} | set(self._listed(keys.INACTIVE_LIST))
        )
        items = batch_get(self._client, self._table, [(keys.staff(u), keys.PROFILE) for u in usernames])
        return sorted((_staff_from_item(i) for i in items), key=lambda m: m.username)

    def usernames_with_role(self, role: Role) -> list[str]:
        """The active members with `role` (a deactivated member is on no role list), as listed at most
        ROUTING_TTL ago: a notification to a role reads no list of its own."""
        pk = keys.role(role)
        return self._role_lists.get_many([pk], lambda pks: {p: self._listed(p) for p in pks})[pk] or []

    def _listed(self, pk: str) -> list[str]:
        return sorted(i["sk"].removeprefix(keys.STAFF) for i in self._query(pk))

    # territories, routes, accounts ---------------------------------------------------------
    def put_territory(self, code: str, name: str, places: list[dict[str, str | None]], salesperson: str | None) -> None:
        """Store a territory and the routes of its places ({"province", "city" or None})."""
        old = self.territory(code)
        routes = {_route_key(p) for p in places}
        writes = [
            self._put(
                {
                    "pk": keys.territory(code),
                    "sk": keys.META,
                    "type": "territory",
                    "code": code,
                    "name": name,
                    "places": places,
                    "salesperson": salesperson,
                }
            )
        ]
        writes.append(
            self._put(
                {
                    "pk": keys.TERRITORY_LIST,
                    "sk": keys.territory(code),
                    "type": "territory_entry",
                    "code": code,
                    "name": name,
                    "places": places,
                    "salesperson": salesperson,
                }
            )
        )
        writes += [
            self._put(
                {
                    "pk": keys.route(k),
                    "sk": keys.ROUTE_SK,
                    "type": "route",
                    "territory": code,
                    "salesperson": salesperson,
                }
            )
            for k in sorted(routes)
        ]
        if old:
            gone = {_route_key(p) for p in old["places"]} - routes
            writes += [self._delete(keys.route(k), keys.ROUTE_SK) for k in sorted(gone)]
        self._routing_items.forget()
        self._client.transact_write_items(TransactItems=writes)

    def territory(self, code: str) -> dict[str, Any] | None:
        return self._get(keys.territory(code), keys.META)

    def territories(self) -> list[dict[str, Any]]:
        """Every territory, ordered by code (one Query on the list partition)."""
        return self._query(keys.TERRITORY_LIST)

    def route_territories(self, places: list[dict[str, str | None]]) -> list[str | None]:
        """For each place, the territory its route belongs to now (None: no route yet)."""
        places_keys = [_route_key(p) for p in places]
        found = self.find_routes({k: ("route", k) for k in places_keys})
        return [found[k].territory if k in found else None for k in places_keys]

    # accounts ------------------------------------------------------------------------------
    def put_account(
        self,
        account_id: str,
        name: str,
        territory: str | None,
        salesperson: str | None,
        key_account: bool = False,
        *,
        account_type: str = "other",
        revision: int | None = None,
    ) -> Account:
        """Store an account (its id as `normal_account` writes it) with its list entries; a key account's
        complaints are `major` (domain/severity.py), a complaint naming it goes to its salesperson.

        With `revision` (the one the caller read: 0 for a new account), only over that revision:
        ConcurrentChange if someone changed or created it since. Without it the account is replaced
        whatever it was (the demo bootstrap). Returns the account as stored, with its new revision."""
        old = self.account(account_id)
        stored = (old.revision if old else 0) + 1
        account = Account(account_id, name, account_type, territory, salesperson, key_account, stored)
        fields = {"type": "account", **_account_fields(account)}
        meta = self._put({"pk": keys.account(account_id), "sk": keys.META, **fields})
        if revision is not None:
            meta["Put"].update(_over_revision(revision))
        writes = [
            meta,
            self._put({"pk": keys.ACCOUNT_LIST, "sk": keys.account(account_id), **fields, "type": "account_entry"}),
            self._put({"pk": keys.ACCOUNT_LIST, "sk": _name_key(account), **fields, "type": "account_name"}),
        ]
        if old and _name_key(old) != _name_key(account):
            writes.append(self._delete(keys.ACCOUNT_LIST, _name_key(old)))
        self._transact(writes, account_id)
        return account

    def account(self, account_id: str) -> Account | None:
        item = self._get(keys.account(account_id), keys.META)
        return _account_from_item(item) if item else None

    def accounts(self, limit: int, after: str | None = None) -> tuple[list[Account], str | None]:
        """A page of the accounts in the order of their ids, and the id to continue after (None: the last page)."""
        request: dict[str, Any] = {}
        if after:
            request["ExclusiveStartKey"] = to_item({"pk": keys.ACCOUNT_LIST, "sk": keys.account(after)})
        items = self._query_prefix(keys.ACCOUNT_LIST, keys.ACCOUNT, limit + 1, **request)
        page = [_account_from_item(i) for i in items[:limit]]
        return page, (page[-1].account_id if len(items) > limit else None)

    def find_accounts(self, id_prefix: str | None, name_prefix: str | None, limit: int) -> list[Account]:
        """The accounts whose id or name (as `normal_name` writes it) begins so, by id: one Query each."""
        found: dict[str, Account] = {}
        if id_prefix:
            for item in self._query_prefix(keys.ACCOUNT_LIST, keys.account(id_prefix), limit):
                found[item["account_id"]] = _account_from_item(item)
        if name_prefix:
            for item in self._query_prefix(keys.ACCOUNT_LIST, keys.ACCOUNT_NAME + name_prefix, limit):
                found[item["account_id"]] = _account_from_item(item)
        return [found[k] for k in sorted(found)][:limit]

    def delete_account(self, account_id: str) -> bool:
        """Remove an account and its list entries; False if there was none. Complaints naming it later are
        routed by their place, and the manager sees the id as an unregistered one."""
        old = self.account(account_id)
        if old is None:
            return False
        meta = self._delete(keys.account(account_id), keys.META)
        meta["Delete"]["ConditionExpression"] = "attribute_exists(pk)"
        writes = [meta, self._delete(keys.ACCOUNT_LIST, keys.account(account_id))]
        writes.append(self._delete(keys.ACCOUNT_LIST, _name_key(old)))
        try:
            self._transact(writes, account_id)
        except ConcurrentChange:  # deleted meanwhile by someone else
            return False
        return True

    # responsible departments -------------------------------------------------------------------
    def put_department(self, code: str, name: str, revision: int | None = None) -> dict[str, Any]:
        """Store a responsible department; with `revision` (0: a new one) only over that revision."""
        old = self.department(code)
        item = {"code": code, "name": name, "revision": (old["revision"] if old else 0) + 1}
        put = self._put({"pk": keys.DEPARTMENT_LIST, "sk": keys.department(code), "type": "department", **item})
        if revision is not None:
            put["Put"].update(_over_revision(revision))
        self._transact([put], code)
        return item

    def department(self, code: str) -> dict[str, Any] | None:
        item = self._get(keys.DEPARTMENT_LIST, keys.department(code))
        return _department_of(item) if item else None

    def departments(self) -> list[dict[str, Any]]:
        """Every responsible department ({"code", "name", "revision"}), by code: one Query."""
        return [_department_of(i) for i in self._query(keys.DEPARTMENT_LIST)]

    def delete_department(self, code: str) -> bool:
        """Remove a department from the list; False if there was none. Complaints keep its code."""
        delete = self._delete(keys.DEPARTMENT_LIST, keys.department(code))
        delete["Delete"]["ConditionExpression"] = "attribute_exists(pk)"
        try:
            self._client.delete_item(**delete["Delete"])
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]:
        """Fetch the routing items named by `routing.route_lookups` in one round trip."""
        return self.find_routing(lookups).routes

    def find_routing(self, lookups: dict[str, tuple[str, str]]) -> Routing:
        """The routes of `find_routes` and whether the customer's account is a key account, from the same
        round trip (the account's item is one of the routing items), or from the items as read less than
        ROUTING_TTL ago: no call at all."""
        if not lookups:
            return Routing({}, False)
        wanted = {kind: _lookup_key(*ref) for kind, ref in lookups.items()}
        read = self._routing_items.get_many(list(wanted.values()), self._read_items)
        found = {key: item for key, item in read.items() if item is not None}
        account = found.get(wanted["account"]) if "account" in wanted else None
        return Routing(
            {
                kind: Route(found[key].get("territory"), found[key].get("salesperson"))
                for kind, key in wanted.items()
                if key in found
            },
            bool(account and account.get("key_account")),
        )

    # plumbing --------------------------------------------------------------------------------
    def _read_items(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        items = batch_get(self._client, self._table, wanted, consistent=True)  # what was just written counts
        return {(i["pk"], i["sk"]): i for i in items}

    def _transact(self, writes: list[dict[str, Any]], what: str) -> None:
        self._routing_items.forget()
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            if "ConditionalCheckFailed" in cancellation_codes(error):
                raise ConcurrentChange(what) from error
            raise

    def _query_prefix(self, pk: str, prefix: str, limit: int, **request: Any) -> list[dict[str, Any]]:
        """At most `limit` items of a partition whose sort key begins with `prefix`, in order."""
        items: list[dict[str, Any]] = []
        request.update(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_item({":pk": pk, ":prefix": prefix}),
        )
        while len(items) < limit:
            page = self._client.query(**request, Limit=limit - len(items))
            items += [from_item(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self._table, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=True)
        return from_item(response["Item"]) if "Item" in response else None

    def _query(self, pk: str) -> list[dict[str, Any]]:
        return query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_item({":pk": pk}),
        )

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": to_item(item)}}

    def _delete(self, pk: str, sk: str) -> dict[str, Any]:
        return {"Delete": {"TableName": self._table, "Key": to_item({"pk": pk, "sk": sk})}}


def _over_revision(revision: int) -> dict[str, Any]:
    """The condition of a write over the revision read (0: there was none, or one stored before revisions)."""
    if revision == 0:
        return {"ConditionExpression": "attribute_not_exists(revision)"}
    return {"ConditionExpression": "revision = :read", "ExpressionAttributeValues": to_item({":read": revision})}


def _name_key(account: Account) -> str:
    return keys.account_by_name(normal_name(account.name), account.account_id)


def _account_fields(a: Account) -> dict[str, Any]:
    return {
        "account_id": a.account_id,
        "name": a.name,
        "account_type": a.type,
        "territory": a.territory,
        "salesperson": a.salesperson,
        "key_account": a.key_account,
        "revision": a.revision,
    }


def _account_from_item(item: dict[str, Any]) -> Account:
    return Account(
        account_id=item["account_id"],
        name=item.get("name") or item["account_id"],
        type=item.get("account_type") or "other",
        territory=item.get("territory"),
        salesperson=item.get("salesperson"),
        key_account=bool(item.get("key_account")),
        revision=int(item.get("revision", 0)),
    )


def _department_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"code": item["code"], "name": item["name"], "revision": int(item.get("revision", 0))}


def _route_key(p: dict[str, str | None]) -> str:
    return f"{place(p['province'])}#{place(p.get('city')) or ANY_CITY}"


def _lookup_key(kind: str, value: str) -> tuple[str, str]:
    return (keys.account(value), keys.META) if kind == "account" else (keys.route(value), keys.ROUTE_SK)


def _lists_of(member: StaffMember) -> set[str]:
    """The lists a member is on: one per role, or the deactivated list (so the staff list still shows them)."""
    return {keys.role(r) for r in member.roles} if member.active else {keys.INACTIVE_LIST}


def _staff_fields(m: StaffMember) -> dict[str, Any]:
    return {
        "username": m.username,
        "name": m.name,
        "roles": sorted(m.roles),
        "phone": m.phone,
        "email": m.email,
        "territories": m.territories,
        "compensation_limit": m.compensation_limit,
        "active": m.active,
        "tokens_valid_after": m.tokens_valid_after,
    }


def _staff_from_item(item: dict[str, Any]) -> StaffMember:
    return StaffMember(
        username=item["username"],
        name=item["name"],
        roles=frozenset(Role(r) for r in item.get("roles", [])),
        phone=item.get("phone"),
        email=item.get("email"),
        territories=list(item.get("territories", [])),
        compensation_limit=Decimal(item.get("compensation_limit", DEFAULT_COMPENSATION_LIMIT)),
        active=bool(item.get("active", True)),
        revision=int(item.get("revision", 0)),
        tokens_valid_after=int(item.get("tokens_valid_after", 0)),
    )
