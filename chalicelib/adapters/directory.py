"""StaffDirectory: staff members, territories, routes and accounts in the table.

Routing is data: a territory lists its provinces/cities and its salesperson, and
writing it writes one ROUTE item per place so that intake finds the salesperson with
one BatchGetItem. Role items (`ROLE#<role>`) list who has a role, for notifications
addressed to "every manager". The console's lists are Queries too: staff through the role
items (everyone has at least one role), territories through one `TERRITORIES` partition
holding a copy of each territory (a few dozen small items, written only by admins).
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
from chalicelib.domain.deliveries import StaffSync
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.domain.model import DEFAULT_COMPENSATION_LIMIT, Role, StaffMember
from chalicelib.domain.routing import ANY_CITY, Route, place


@dataclass(frozen=True)
class Routing:
    """What intake learns from the routing items: the routes found, and whether the account is a key account."""

    routes: dict[str, Route]
    key_account: bool


class StaffDirectory:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

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
        """The active members with `role` (a deactivated member is on no role list)."""
        return self._listed(keys.role(role))

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

    def put_account(
        self, account_id: str, name: str, territory: str | None, salesperson: str, key_account: bool = False
    ) -> None:
        """Store an account; a key account's complaints are `major` (domain/severity.py)."""
        self._client.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "pk": keys.account(account_id),
                    "sk": keys.META,
                    "type": "account",
                    "account_id": account_id,
                    "name": name,
                    "territory": territory,
                    "salesperson": salesperson,
                    "key_account": key_account,
                }
            ),
        )

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]:
        """Fetch the routing items named by `routing.route_lookups` in one round trip."""
        return self.find_routing(lookups).routes

    def find_routing(self, lookups: dict[str, tuple[str, str]]) -> Routing:
        """The routes of `find_routes` and whether the customer's account is a key account, from the same
        round trip (the account's item is one of the routing items)."""
        if not lookups:
            return Routing({}, False)
        wanted = {kind: _lookup_key(*ref) for kind, ref in lookups.items()}
        items = batch_get(self._client, self._table, list(wanted.values()), consistent=True)  # never misroute
        found = {(i["pk"], i["sk"]): i for i in items}
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
