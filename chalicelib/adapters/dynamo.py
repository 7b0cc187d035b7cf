"""DynamoDB item conversion shared by the repositories."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from chalicelib.resources import SHARDS

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def plain(value: Any) -> Any:
    """Dataclasses, enums, times and floats as values DynamoDB stores (str, Decimal, list, map)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.repr and getattr(value, f.name) is not None
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with offset; sorts as text in time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_time(text: str | None) -> datetime | None:
    """An optional stored time: None when absent or empty."""
    return datetime.fromisoformat(text) if text else None


def parse_required_time(text: str) -> datetime:
    """A stored time that is always there (written by `iso` from a required field)."""
    return datetime.fromisoformat(text)


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in plain(data).items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def shard(key: str) -> int:
    """A stable shard number for spreading one logical partition over several."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % SHARDS


def cancellation_codes(error: Exception) -> list[str]:
    """The per-item reasons of a cancelled transaction ('None' where an item was fine)."""
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return [r.get("Code", "None") for r in reasons]


def query_all(client: Any, **request: Any) -> list[dict[str, Any]]:
    """Every item a Query matches, page after page, as plain values."""
    items: list[dict[str, Any]] = []
    while True:
        page = client.query(**request)
        items += [from_item(i) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def batch_get(client: Any, table: str, keys: list[tuple[str, str]], consistent: bool = False) -> list[dict[str, Any]]:
    """The items of `keys` (pk, sk) that exist, 100 keys a request; keys a throttled read leaves
    unprocessed are asked for again, so none is missed."""
    items: list[dict[str, Any]] = []
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 100):
        pending = {
            table: {
                "Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in unique[start : start + 100]],
                "ConsistentRead": consistent,
            }
        }
        while pending:
            response = client.batch_get_item(RequestItems=pending)
            items += [from_item(i) for i in response["Responses"].get(table, [])]
            pending = response.get("UnprocessedKeys") or {}
    return items
