"""ComplaintSearch: one page of a list, by Query on the index a plan names, and a complainant's complaints
by the keyed hash of their phone, account or name (never Scan)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import from_item, iso, to_item
from chalicelib.domain.listing import Plan
from chalicelib.resources import GLOBAL_INDEXES, SHARDS

# filter name -> attribute path on the complaint item
ATTRIBUTES = {
    "status": ("status",),
    "assignee": ("assignee",),
    "territory": ("territory",),
    "sku": ("product", "sku"),
    "batch": ("product", "batch"),
    "category": ("category",),
    "channel": ("channel",),
    "severity": ("severity",),
}
# plan.by -> (index, the partitions of one key value)
_INDEXES = {
    "due": ("by_due", lambda _: [keys.due_partition(n) for n in range(SHARDS)]),
    "assignee": ("by_assignee", lambda v: [keys.ASSIGNEE_PARTITION + v]),
    "sku": ("by_sku", lambda v: [keys.SKU_PARTITION + v]),
    "territory": ("by_territory", lambda v: [keys.TERRITORY_PARTITION + v]),
    "status": ("by_status", lambda v: [keys.status_partition(v, n) for n in range(SHARDS)]),
    "month": ("by_month", lambda v: [keys.month_partition(v, n) for n in range(SHARDS)]),
}
# a search's kind -> the index (and its partition prefix) its keyed hash is looked up in
_FIND_INDEXES = {
    "phone": ("by_phone", keys.PHONE_PARTITION),
    "account_id": ("by_account", keys.ACCOUNT_PARTITION),
    "name": ("by_name", keys.NAME_PARTITION),
}
_FIRST = "\u0000"
_LAST = "\uffff"


class ComplaintSearch:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table = table_name

    def page(
        self, plan: Plan, limit: int, tier: int = 0, after: str | None = None, now_key: str | None = None
    ) -> tuple[list[dict[str, Any]], tuple[int, str] | None]:
        """Up to `limit` items after the position (`tier`, `after`) and the position after the last one."""
        found: list[dict[str, Any]] = []
        for t in range(tier, len(plan.tiers)):
            wanted = limit - len(found)
            items = self._tier(plan, plan.tiers[t], wanted, after if t == tier else None, now_key)
            found += items
            if len(found) >= limit:
                last_sk = found[-1][GLOBAL_INDEXES[_INDEXES[plan.by][0]][1]]
                return found, (t, last_sk)
        return found, None

    def find(
        self, by: str, key_hash: str, limit: int, name: str | None = None, assignee: str | None = None
    ) -> list[dict[str, Any]]:
        """A complainant's complaints, newest first, by the keyed hash of their phone, account id or the first
        characters of their name (one Query; another page only when filters leave fewer than asked for):
        up to `limit` complaint items; with `name`, only those whose normalised name begins with it; with
        `assignee`, only theirs."""
        index, prefix = _FIND_INDEXES[by]
        pk, _ = GLOBAL_INDEXES[index]
        names, values = {"#pk": pk}, {":p": prefix + key_hash}
        filters = []
        if name:
            names.update({"#fk": "find_keys", "#n": "name"})
            values[":name"] = name
            filters.append("begins_with(#fk.#n, :name)")
        if assignee:
            names["#a"] = "assignee"
            values[":a"] = assignee
            filters.append("#a = :a")
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :p",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
            "ScanIndexForward": False,
            "Limit": limit if not filters else max(limit, 50),
        }
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            page = self._client.query(**request)
            items += map(from_item, page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:limit]

    def _tier(
        self, plan: Plan, values: tuple[str, ...], wanted: int, after: str | None, now_key: str | None
    ) -> list[dict[str, Any]]:
        index, partitions_of = _INDEXES[plan.by]
        pk, sk = GLOBAL_INDEXES[index]
        merged: list[dict[str, Any]] = []
        for partition in [p for value in (values or ("",)) for p in partitions_of(value)]:
            merged += self._partition(plan, index, pk, sk, partition, wanted, after, now_key)
        merged.sort(key=lambda i: i[sk], reverse=plan.sort == "received")
        return merged[:wanted]

    def _partition(
        self,
        plan: Plan,
        index: str,
        pk: str,
        sk: str,
        partition: str,
        wanted: int,
        after: str | None,
        now_key: str | None,
    ) -> list[dict[str, Any]]:
        names = {"#pk": pk, "#sk": sk}
        values: dict[str, Any] = {":p": partition}
        condition = "#pk = :p AND " + self._range(plan, after, now_key, values)
        filters = []
        for n, (name, value) in enumerate(sorted(plan.residual.items())):
            path = ".".join(f"#f{n}_{i}" for i in range(len(ATTRIBUTES[name])))
            names.update({f"#f{n}_{i}": part for i, part in enumerate(ATTRIBUTES[name])})
            values[f":f{n}"] = value
            filters.append(f"{path} = :f{n}")
        if plan.sort == "due" and (plan.received_from or plan.received_to):
            names["#r"] = "received_at"
            values.update(
                {
                    ":rf": iso(plan.received_from) if plan.received_from else "",
                    ":rt": (iso(plan.received_to) if plan.received_to else "") + _LAST,
                }
            )
            filters.append("#r BETWEEN :rf AND :rt")
        request = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
            "ScanIndexForward": plan.sort == "due",
            "Limit": max(wanted, 10),
        }
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        items: list[dict[str, Any]] = []
        while len(items) < wanted:
            page = self._client.query(**request)
            items += [i for i in map(from_item, page["Items"]) if i[sk] != after]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return items[:wanted]

    @staticmethod
    def _range(plan: Plan, after: str | None, now_key: str | None, values: dict[str, Any]) -> str:
        """The sort-key range: below the cursor (newest first) or above it (most overdue first)."""
        if plan.sort == "due":
            values[":lo"] = (after or "0") + _FIRST
            values[":hi"] = now_key or _LAST
            return "#sk BETWEEN :lo AND :hi"
        values[":lo"] = iso(plan.received_from) if plan.received_from else "0"
        values[":hi"] = after or ((iso(plan.received_to) + _LAST) if plan.received_to else _LAST)
        return "#sk BETWEEN :lo AND :hi"
