"""Make moto's DynamoDB behave like DynamoDB where the system relies on it, for the local stack.

1. Atomic operations. DynamoDB applies a conditional write or a transaction atomically; moto's
   threaded server lets concurrent requests interleave (two retries of one submission could
   both pass `attribute_not_exists`, and a query could see a table change under it). One lock
   around every item operation restores that.
2. Transactions without table copies. moto deep-copies every table a transaction touches, to
   roll back on a cancellation, so each complaint costs time in proportion to the whole table
   and a rolled-back copy strands the table's stream readers. Here every condition is checked
   first, under the lock, and only then are the writes made; if a write still fails, only the
   items it touched are restored.
3. Item values answered as they are. moto 5 builds every response by walking the operation's
   output shape member by member; an item's values (AttributeValue: `{"S": ...}`, `{"M": {...}}`)
   are already in wire form, and walking them was most of the time of a GetItem, a Query or a
   stream read. They are copied into the response unchanged, as moto 4 did (values holding
   binary data still take the walk, which base64-encodes them).
4. Less work per request in moto's server: it listed its own package directory (some 150
   `isdir` calls) and inspected the handler class on every request; both are computed once.
   Connections are kept alive (HTTP/1.1), so a client does not connect, and the server does
   not start a thread, for every call.
5. A Query reads its partition only. moto's Query sorted every item of the table, then kept
   the ones of the asked partition (and sorted those again): each Query cost time in
   proportion to the whole table, so everything slowed down as complaints piled up. A base
   table Query now looks at its partition's items only, an index Query at every item without
   the first sort; the results are sorted as before.
   An index Query (a global index with one hash key attribute) looks only at the items holding the
   asked value: each table keeps, once its first index Query came, which items hold which index
   key value, refreshed after every write of an item (put, update, delete, in a transaction or not).
6. An item's size is checked once per write. moto summed the size of every attribute already
   set before setting each next one (quadratic in the number of attributes; a complaint has
   dozens, some nested). The limit and the way the size is counted are moto's.

Applied by the local runner and the test suite before moto starts serving (`apply()`).
"""
from __future__ import annotations

import copy
import functools
import inspect
import threading
import weakref
from typing import Any

_LOCK = threading.RLock()
_LOCKED = ("put_item", "update_item", "delete_item", "get_item", "query", "scan", "transact_write_items")
_applied = False
ITEM_SIZE_LIMIT = 405_000  # moto's: between DynamoDB's measured 409 and 410 KB


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    DynamoDBBackend.transact_write_items = _transact_write_items
    for name, argument in (("put_item", "item_attrs"), ("update_item", "key"), ("delete_item", "key")):
        setattr(DynamoDBBackend, name, _refreshing(getattr(DynamoDBBackend, name), argument))
    for name in _LOCKED:  # the lock holds a write and the refresh of its index keys together
        setattr(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
    _answer_item_values_as_they_are()
    _less_work_per_request()
    Table.query = _query_one_partition(Table.query)
    Item.__init__ = _item_init
    _applied = True


def _item_init(self, hash_key, range_key, attrs: dict[str, Any]) -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict(values)  # its constructor does not check each attribute again


class _IndexKeys:
    """For each global index of one table with a single hash key attribute: index hash value -> the table
    keys (hash, range) of the items that hold it."""

    def __init__(self, table) -> None:
        self.attrs = {i.name: hashes[0]["AttributeName"] for i in table.global_indexes
                      if len(hashes := [k for k in i.schema if k["KeyType"] == "HASH"]) == 1}
        self.holders: dict[str, dict[Any, set[tuple[Any, Any]]]] = {name: {} for name in self.attrs}
        self._held: dict[tuple[Any, Any], list[tuple[str, Any]]] = {}
        for partition in table.items.values():
            for item in (partition.values() if table.range_key_attr else [partition]):
                self.refresh(table, item.hash_key, item.range_key)

    def refresh(self, table, hash_key: Any, range_key: Any) -> None:
        key = (hash_key, range_key)
        for name, value in self._held.pop(key, []):
            self.holders[name].get(value, set()).discard(key)
        partition = table.items.get(hash_key)
        item = partition if not table.range_key_attr or partition is None else partition.get(range_key)
        if item is None:
            return
        held = [(name, value) for name, attr in self.attrs.items() if (value := item.attrs.get(attr)) is not None]
        for name, value in held:
            self.holders[name].setdefault(value, set()).add(key)
        self._held[key] = held

    def items(self, table, index_name: str, value: Any) -> list[Any]:
        found = []
        for hash_key, range_key in self.holders[index_name].get(value, ()):
            partition = table.items[hash_key]
            found.append(partition[range_key] if table.range_key_attr else partition)
        return found


_INDEX_KEYS: "weakref.WeakKeyDictionary[Any, _IndexKeys]" = weakref.WeakKeyDictionary()


def _index_keys(table) -> _IndexKeys:
    if table not in _INDEX_KEYS:
        _INDEX_KEYS[table] = _IndexKeys(table)
    return _INDEX_KEYS[table]


def _refreshing(method, argument: str):
    """A backend write that refreshes the index keys of the item it wrote (if its table keeps them);
    `argument`: the parameter that holds the item or its key."""
    @functools.wraps(method)
    def wrapper(self, table_name, *args, **kwargs):
        try:
            return method(self, table_name, *args, **kwargs)
        finally:
            table = self.tables.get(table_name)
            if table is not None and table in _INDEX_KEYS:
                from moto.dynamodb.models.dynamo_type import DynamoType

                key = kwargs[argument] if argument in kwargs else args[0]
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                _INDEX_KEYS[table].refresh(table, hash_key, range_key)
    return wrapper


class _QueryView:
    """The table as moto's Query sees it: the same in all but `all_items`, which yields without
    sorting and, for a base table Query, only the partition asked for (for an index Query, only the
    items holding the asked value, when the index has one hash key attribute)."""

    def __init__(self, table, hash_key, index: tuple[str, Any] | None = None):
        self._table = table
        self._hash_key = hash_key
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        if self._index is not None:
            return _index_keys(self._table).items(self._table, *self._index)
        if self._hash_key is None:
            partitions = self._table.items.values()
        else:
            partition = self._table.items.get(self._hash_key)
            partitions = [] if partition is None else [partition]
        if self._table.range_key_attr is None:
            return list(partitions)
        return [item for partition in partitions for item in partition.values()]


def _query_one_partition(query):
    signature = inspect.signature(query)

    @functools.wraps(query)
    def wrapper(self, *args, **kwargs):
        asked = signature.bind(self, *args, **kwargs).arguments
        index_name = asked.get("index_name")
        if not index_name:
            return query(_QueryView(self, asked["hash_key"]), *args, **kwargs)
        conditions = asked.get("hash_key_conditions") or []
        if index_name in _index_keys(self).attrs and len(conditions) <= 1 and asked.get("hash_key") is not None:
            return query(_QueryView(self, None, (index_name, asked["hash_key"])), *args, **kwargs)
        return query(_QueryView(self, None), *args, **kwargs)
    return wrapper


def _less_work_per_request() -> None:
    from moto import backends
    from moto.core import responses, utils
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    responses.method_names_from_class = functools.cache(utils.method_names_from_class)
    MotoRequestHandler.protocol_version = "HTTP/1.1"


def _answer_item_values_as_they_are() -> None:
    from moto.core.serialize import BaseJSONSerializer

    walk = BaseJSONSerializer._serialize

    def serialize(self, serialized, value, shape, key):
        if shape.name == "AttributeValue" and isinstance(value, dict) and not _holds_bytes(value):
            serialized[key] = value
        else:
            walk(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize = serialize


def _holds_bytes(value: Any) -> bool:
    """Binary values (B, BS) are base64-encoded by moto's walk; those items take it."""
    if isinstance(value, dict):
        return any(_holds_bytes(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_bytes(v) for v in value)
    return isinstance(value, bytes)


def _locked(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _LOCK:
            return method(*args, **kwargs)
    return wrapper


def _transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException, TooManyTransactionsException, TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    ops = []
    seen: set[tuple[str, str]] = set()
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        key = _key(self, op_type, op)
        marker = (op["TableName"], str(sorted(key.items())))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        ops.append((op_type, op, key))
    reasons = [_check(self, op, key) for _, op, key in ops]
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    before = [(op["TableName"], key, _snapshot(self, op["TableName"], key)) for _, op, key in ops]
    try:
        for op_type, op, key in ops:
            _write(self, op_type, op, key)
    except Exception:
        for table_name, key, item in before:
            _restore(self, table_name, key, item)
        raise


def _key(backend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _check(backend, op: dict[str, Any], key: dict[str, Any]) -> tuple[Any, Any, Any]:
    from moto.dynamodb.comparisons import get_filter_expression

    expression = op.get("ConditionExpression")
    if expression is None:
        return None, None, None
    current = backend.get_item(op["TableName"], key)
    condition = get_filter_expression(expression, op.get("ExpressionAttributeNames"),
                                      op.get("ExpressionAttributeValues"))
    if condition.expr(current):
        return None, None, None
    old = current.to_json()["Attributes"] if current and op.get(
        "ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
    return "ConditionalCheckFailed", "The conditional request failed", old


def _write(backend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(op["TableName"], op["Item"])
    elif op_type == "Delete":
        backend.delete_item(op["TableName"], key)
    elif op_type == "Update":
        backend.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                            expression_attribute_names=names, expression_attribute_values=values)


def _snapshot(backend, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
    current = backend.get_item(table_name, key)
    return copy.deepcopy(current.to_json()["Attributes"]) if current else None


def _restore(backend, table_name: str, key: dict[str, Any], item: dict[str, Any] | None) -> None:
    if item is None:
        if backend.get_item(table_name, key) is not None:
            backend.delete_item(table_name, key)
    else:
        backend.put_item(table_name, item)
