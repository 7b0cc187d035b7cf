"""StaffDirectory: staff members, territories, routes and accounts in the table.

Routing is data: a territory lists its provinces/cities and its salesperson, and
writing it writes one ROUTE item per place so that intake finds the salesperson with
one BatchGetItem. Role items (`ROLE#<role>`) list who has a role, for notifications
addressed to "every manager". The console's lists are Queries too: staff through the role
items (everyone has at least one role), territories through one `TERRITORIES` partition
holding a copy of each territory (a few dozen small items, written only by admins).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import secrets
from datetime import datetime

from chalicelib.adapters.dynamo import from_item, iso, shard, to_item
from chalicelib.domain.model import Role, StaffMember
from chalicelib.domain.routing import ANY_CITY, Route, place

TERRITORY_LIST = "TERRITORIES"
INACTIVE_LIST = "STAFF_INACTIVE"  # deactivated members, so that the staff list still shows them


class StaffDirectory:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    # staff -----------------------------------------------------------------------------
    def put_staff(self, member: StaffMember, sync: dict[str, Any] | None = None) -> None:
        """Store the profile (the truth about a member) and the role lists that follow it. With `sync`
        (an outbox item from `staff_sync_item`), the same transaction asks for the log-in groups and
        subscriptions to be made to match it, so a failure part-way is carried on until done."""
        old = self.staff(member.username)
        writes = [self._put({"pk": f"STAFF#{member.username}", "sk": "PROFILE", "type": "staff",
                             **_staff_fields(member)})]
        listed = {f"ROLE#{r}" for r in member.roles} if member.active else {INACTIVE_LIST}
        was_listed = ({f"ROLE#{r}" for r in old.roles} if old.active else {INACTIVE_LIST}) if old else set()
        writes += [self._put({"pk": pk, "sk": f"STAFF#{member.username}", "type": "role"}) for pk in sorted(listed)]
        writes += [self._delete(pk, f"STAFF#{member.username}") for pk in sorted(was_listed - listed)]
        if sync:
            writes.append(self._put(sync))
        self._client.transact_write_items(TransactItems=writes)

    def staff(self, username: str) -> StaffMember | None:
        item = self._get(f"STAFF#{username}", "PROFILE")
        return _staff_from_item(item) if item else None

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, ordered by username: the role lists, then their profiles."""
        usernames = sorted({u for role in Role for u in self.usernames_with_role(role)} | set(self._listed(INACTIVE_LIST)))
        items = self._batch_get([(f"STAFF#{u}", "PROFILE") for u in usernames])
        return sorted((_staff_from_item(i) for i in items), key=lambda m: m.username)

    def usernames_with_role(self, role: Role) -> list[str]:
        """The active members with `role` (a deactivated member is on no role list)."""
        return self._listed(f"ROLE#{role}")

    def _listed(self, pk: str) -> list[str]:
        return sorted(i["sk"].removeprefix("STAFF#") for i in self._query(pk))

    # territories, routes, accounts ---------------------------------------------------------
    def put_territory(self, code: str, name: str, places: list[dict[str, str | None]],
                      salesperson: str | None) -> None:
        """Store a territory and the routes of its places ({"province", "city" or None})."""
        old = self.territory(code)
        keys = {_route_key(p) for p in places}
        writes = [self._put({"pk": f"TERRITORY#{code}", "sk": "META", "type": "territory", "code": code,
                             "name": name, "places": places, "salesperson": salesperson})]
        writes.append(self._put({"pk": TERRITORY_LIST, "sk": f"TERRITORY#{code}", "type": "territory_entry",
                                 "code": code, "name": name, "places": places, "salesperson": salesperson}))
        writes += [self._put({"pk": f"ROUTE#{k}", "sk": "ROUTE", "type": "route", "territory": code,
                              "salesperson": salesperson}) for k in sorted(keys)]
        if old:
            gone = {_route_key(p) for p in old["places"]} - keys
            writes += [self._delete(f"ROUTE#{k}", "ROUTE") for k in sorted(gone)]
        self._client.transact_write_items(TransactItems=writes)

    def territory(self, code: str) -> dict[str, Any] | None:
        return self._get(f"TERRITORY#{code}", "META")

    def territories(self) -> list[dict[str, Any]]:
        """Every territory, ordered by code (one Query on the list partition)."""
        return self._query(TERRITORY_LIST)

    def route_territories(self, places: list[dict[str, str | None]]) -> list[str | None]:
        """For each place, the territory its route belongs to now (None: no route yet)."""
        keys = [_route_key(p) for p in places]
        found = self.find_routes({k: ("route", k) for k in keys})
        return [found[k].territory if k in found else None for k in keys]

    def put_account(self, account_id: str, name: str, territory: str | None, salesperson: str) -> None:
        self._client.put_item(TableName=self._table, Item=to_item({
            "pk": f"ACCOUNT#{account_id}", "sk": "META", "type": "account", "account_id": account_id,
            "name": name, "territory": territory, "salesperson": salesperson}))

    def find_routes(self, lookups: dict[str, tuple[str, str]]) -> dict[str, Route]:
        """Fetch the routing items named by `routing.route_lookups` in one round trip."""
        if not lookups:
            return {}
        keys = {kind: _lookup_key(*ref) for kind, ref in lookups.items()}
        pending = {self._table: {
            "Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in set(keys.values())], "ConsistentRead": True}}
        found = {}
        while pending:  # a throttled read answers some keys as unprocessed: ask again, never misroute
            response = self._client.batch_get_item(RequestItems=pending)
            found.update({(i["pk"], i["sk"]): i for i in map(from_item, response["Responses"].get(self._table, []))})
            pending = response.get("UnprocessedKeys") or {}
        return {kind: Route(found[key].get("territory"), found[key].get("salesperson"))
                for kind, key in keys.items() if key in found}

    # plumbing --------------------------------------------------------------------------------
    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self._table, Key=to_item({"pk": pk, "sk": sk}))
        return from_item(response["Item"]) if "Item" in response else None

    def _query(self, pk: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request = {"TableName": self._table, "KeyConditionExpression": "pk = :pk",
                   "ExpressionAttributeValues": to_item({":pk": pk})}
        while True:
            page = self._client.query(**request)
            items += [from_item(i) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            pending = {self._table: {"Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in keys[start:start + 100]]}}
            while pending:
                response = self._client.batch_get_item(RequestItems=pending)
                items += [from_item(i) for i in response["Responses"].get(self._table, [])]
                pending = response.get("UnprocessedKeys") or {}
        return items

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": to_item(item)}}

    def _delete(self, pk: str, sk: str) -> dict[str, Any]:
        return {"Delete": {"TableName": self._table, "Key": to_item({"pk": pk, "sk": sk})}}


def staff_sync_item(username: str, now: datetime, subscriptions: bool) -> dict[str, Any]:
    """An outbox item in the member's partition: make their log-in (groups, attributes, enabled) and, with
    `subscriptions`, their SMS/e-mail subscriptions match the stored profile. Carried out like any other
    outbox item (the stream, the sweeper), so it is retried until done; doing it twice changes nothing."""
    sk = f"OUTBOX#{iso(now)}#{secrets.token_hex(4)}"
    return {"pk": f"STAFF#{username}", "sk": sk, "type": "outbox", "status": "pending", "kind": "staff_sync",
            "username": username, "subscriptions": subscriptions, "created_at": now,
            "outbox_pk": f"OUTBOX#{shard(username + sk)}", "outbox_sk": iso(now)}


def _route_key(p: dict[str, str | None]) -> str:
    return f"{place(p['province'])}#{place(p.get('city')) or ANY_CITY}"


def _lookup_key(kind: str, value: str) -> tuple[str, str]:
    return (f"ACCOUNT#{value}", "META") if kind == "account" else (f"ROUTE#{value}", "ROUTE")


def _staff_fields(m: StaffMember) -> dict[str, Any]:
    return {"username": m.username, "name": m.name, "roles": sorted(m.roles), "phone": m.phone,
            "email": m.email, "territories": m.territories, "compensation_limit": m.compensation_limit,
            "active": m.active, "tokens_valid_after": m.tokens_valid_after}


def _staff_from_item(item: dict[str, Any]) -> StaffMember:
    return StaffMember(
        username=item["username"], name=item["name"], roles=frozenset(Role(r) for r in item.get("roles", [])),
        phone=item.get("phone"), email=item.get("email"), territories=list(item.get("territories", [])),
        compensation_limit=Decimal(item.get("compensation_limit", "200")),
        active=bool(item.get("active", True)), tokens_valid_after=int(item.get("tokens_valid_after", 0)))
