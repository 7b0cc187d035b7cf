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

from chalicelib.adapters.dynamo import from_item, to_item
from chalicelib.domain.model import Role, StaffMember
from chalicelib.domain.routing import ANY_CITY, Route, place

TERRITORY_LIST = "TERRITORIES"


class StaffDirectory:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    # staff -----------------------------------------------------------------------------
    def put_staff(self, member: StaffMember) -> None:
        old = self.staff(member.username)
        writes = [self._put({"pk": f"STAFF#{member.username}", "sk": "PROFILE", "type": "staff",
                             **_staff_fields(member)})]
        writes += [self._put({"pk": f"ROLE#{r}", "sk": f"STAFF#{member.username}", "type": "role"})
                   for r in member.roles]
        if old:
            writes += [self._delete(f"ROLE#{r}", f"STAFF#{member.username}") for r in old.roles - member.roles]
        self._client.transact_write_items(TransactItems=writes)

    def staff(self, username: str) -> StaffMember | None:
        item = self._get(f"STAFF#{username}", "PROFILE")
        return _staff_from_item(item) if item else None

    def all_staff(self) -> list[StaffMember]:
        """Every staff member, ordered by username: the role lists, then their profiles."""
        usernames = sorted({u for role in Role for u in self.usernames_with_role(role)})
        items = self._batch_get([(f"STAFF#{u}", "PROFILE") for u in usernames])
        return sorted((_staff_from_item(i) for i in items), key=lambda m: m.username)

    def usernames_with_role(self, role: Role) -> list[str]:
        page = self._client.query(
            TableName=self._table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=to_item({":pk": f"ROLE#{role}"}))
        return sorted(from_item(i)["sk"].removeprefix("STAFF#") for i in page["Items"])

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


def _route_key(p: dict[str, str | None]) -> str:
    return f"{place(p['province'])}#{place(p.get('city')) or ANY_CITY}"


def _lookup_key(kind: str, value: str) -> tuple[str, str]:
    return (f"ACCOUNT#{value}", "META") if kind == "account" else (f"ROUTE#{value}", "ROUTE")


def _staff_fields(m: StaffMember) -> dict[str, Any]:
    return {"username": m.username, "name": m.name, "roles": sorted(m.roles), "phone": m.phone,
            "email": m.email, "territories": m.territories, "compensation_limit": m.compensation_limit}


def _staff_from_item(item: dict[str, Any]) -> StaffMember:
    return StaffMember(
        username=item["username"], name=item["name"], roles=frozenset(Role(r) for r in item.get("roles", [])),
        phone=item.get("phone"), email=item.get("email"), territories=list(item.get("territories", [])),
        compensation_limit=Decimal(item.get("compensation_limit", "200")))
