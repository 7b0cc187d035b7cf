"""What a complaint costs in AWS at list prices, computed from what the bench measured: the app's calls
(bench.common.CallCounter), the request units of its DynamoDB calls (CapacityMeter, from the sizes of
the items they touch) and the handlers' times.

DynamoDB charges by item size, not by call: a write by the larger of the item's size before and after,
rounded up to 1 KB per item, twice in a transaction, once more for each index the item is in (an index
whose key changes: a delete and a put there); a read by 4 KB (a Query by the total size of the items it
reads, before any filter). The meter reads every item a write touches just before and just after the
call, and runs every Query again without its projection and filter, with a client of its own (not
counted as the app's calls; its time is kept apart and taken out of the handlers' times).
"""
from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

# List prices, us-east-1, on-demand, free tiers left out (a deployment past its first million of each).
# DynamoDB on-demand (since 1 Nov 2024): https://aws.amazon.com/dynamodb/pricing/on-demand/
PRICE_PER_WRU = 0.625 / 1e6
PRICE_PER_RRU = 0.125 / 1e6
# Lambda, arm64: https://aws.amazon.com/lambda/pricing/
PRICE_PER_GB_SECOND = 0.0000133334
PRICE_PER_LAMBDA_REQUEST = 0.20 / 1e6
# API Gateway, REST API (first 333 million a month): https://aws.amazon.com/api-gateway/pricing/
PRICE_PER_API_REQUEST = 3.50 / 1e6
# EventBridge Scheduler, per invocation: https://aws.amazon.com/eventbridge/pricing/
PRICE_PER_SCHEDULER_INVOCATION = 1.00 / 1e6
# SNS, per API request (Publish), deliveries apart: https://aws.amazon.com/sns/pricing/
PRICE_PER_SNS_REQUEST = 0.50 / 1e6
EXCLUDED = ("SMS and e-mail deliveries (SNS SMS, SES: priced per message and country)",
            "the timer function's run when a schedule fires", "CloudWatch Logs and metrics", "storage",
            "data transfer", "DynamoDB stream reads (free to Lambda)")

WRITE_UNIT, READ_UNIT = 1024, 4096
_KEY_WORDS = re.compile(r"[#:][A-Za-z0-9_]+")
_NOT_READ = ("ProjectionExpression", "FilterExpression", "Select", "AttributesToGet", "QueryFilter", "ScanFilter",
             "ConditionalOperator", "ReturnConsumedCapacity")


# ------------------------------------------------------------------------------------------------ item sizes

def item_size(item: dict[str, Any] | None) -> int:
    """Bytes of an item in DynamoDB's JSON form, as DynamoDB counts them: names and values in UTF-8,
    a number 1 byte per two significant digits plus 1, 3 bytes and 1 per element for a list or map."""
    return sum(len(name.encode()) + _value_size(value) for name, value in (item or {}).items())


def _value_size(value: dict[str, Any]) -> int:
    [(kind, x)] = value.items()
    if kind == "S":
        return len(x.encode())
    if kind == "N":
        return _number_size(x)
    if kind == "B":
        return len(x)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in x)
    if kind == "NS":
        return sum(_number_size(n) for n in x)
    if kind == "BS":
        return sum(len(b) for b in x)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in x)
    return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in x.items())  # M


def _number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    return math.ceil(len(digits) / 2) + 1


def read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    """Read request units of reading `size` bytes at once (an absent item still costs the least unit)."""
    units = max(1, math.ceil(size / READ_UNIT)) * (1.0 if consistent else 0.5)
    return units * (2 if transactional else 1)


@dataclass(frozen=True)
class Write:
    """One item written: what it is, its size, and the write units it cost in the table and its indexes."""

    what: str  # the key's prefixes, e.g. COMPLAINT/META
    size: int
    transactional: bool
    table_units: int
    indexes: int  # index writes (an index entry deleted and one put count two)
    index_units: int


def write_of(before: dict | None, after: dict | None, key: dict, transactional: bool,
             check_only: bool = False) -> Write:
    """What writing one item cost, from its images before and after the call (a ConditionCheck, or a
    write whose condition failed, leaves it as it was: the table's units, no index write)."""
    from chalicelib.resources import GLOBAL_INDEXES

    size = max(item_size(before), item_size(after))
    table_units = max(1, math.ceil(size / WRITE_UNIT)) * (2 if transactional else 1)
    indexes = index_units = 0
    if not check_only and before != after:
        for pk, sk in GLOBAL_INDEXES.values():
            old, new = _index_key(before, pk, sk), _index_key(after, pk, sk)
            for image, present in ((before, old is not None and old != new), (after, new is not None)):
                if present:
                    indexes += 1
                    index_units += max(1, math.ceil(item_size(image) / WRITE_UNIT))
    names = [next(iter(key[a].values())).split("#", 1)[0] for a in ("pk", "sk") if a in key]
    return Write("/".join(names), size, transactional, table_units, indexes, index_units)


def _index_key(item: dict | None, pk: str, sk: str) -> tuple | None:
    if not item or pk not in item or sk not in item:
        return None
    return (str(item[pk]), str(item[sk]))


@dataclass
class Charge:
    """The request units of one DynamoDB call of the app."""

    phase: str
    operation: str
    rru: float = 0.0
    writes: list[Write] = field(default_factory=list)

    @property
    def wru(self) -> int:
        return sum(w.table_units + w.index_units for w in self.writes)


# ------------------------------------------------------------------------------------------------ the meter

class CapacityMeter:
    """Request units of the app's DynamoDB calls, while `measure()` is open (outside it, nothing is read)."""

    def __init__(self, counter: Any):
        self._counter = counter  # for the phase a call belongs to (request, stream, poller)
        self._sink: list[Charge] | None = None
        self._lock = threading.Lock()
        self._own = threading.local()
        self._reader: Any = None

    def attach(self) -> None:
        import boto3

        from chalicelib.clients import client

        self._reader = boto3.session.Session().client("dynamodb")  # the bench's own: not hooked
        events = client("dynamodb").meta.events
        events.register("provide-client-params.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    @contextmanager
    def measure(self) -> Iterator[list[Charge]]:
        self._sink = found = []
        try:
            yield found
        finally:
            self._sink = None

    def own_seconds(self) -> float:
        """Seconds this thread has spent in the meter's own reads (to take out of a handler's time)."""
        return getattr(self._own, "seconds", 0.0)

    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if self._sink is None:
            return
        started = time.perf_counter()
        targets = list(_written(model.name, params))
        befores = [self._item(table, key) for table, key, *_ in targets]
        context["bench_meter"] = (self._counter.phase, params, targets, befores)
        self._own.seconds = self.own_seconds() + time.perf_counter() - started

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        state = context.pop("bench_meter", None)
        if state is None or self._sink is None:
            return
        started = time.perf_counter()
        phase, params, targets, befores = state
        charge = Charge(phase, model.name)
        for (table, key, transactional, check_only), before in zip(targets, befores):
            charge.writes.append(write_of(before, self._item(table, key), key, transactional, check_only))
        charge.rru = self._read_units(model.name, params)
        with self._lock:
            self._sink.append(charge)
        self._own.seconds = self.own_seconds() + time.perf_counter() - started

    def _item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        return self._reader.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def _read_units(self, operation: str, params: dict[str, Any]) -> float:
        if operation == "GetItem":
            return read_units(item_size(self._item(params["TableName"], params["Key"])),
                              bool(params.get("ConsistentRead")))
        if operation == "BatchGetItem":  # each item on its own, as a GetItem
            return sum(read_units(item_size(self._item(table, key)), bool(asked.get("ConsistentRead")))
                       for table, asked in params["RequestItems"].items() for key in asked["Keys"])
        if operation == "TransactGetItems":
            return sum(read_units(item_size(self._item(g["Get"]["TableName"], g["Get"]["Key"])), True, True)
                       for g in params["TransactItems"])
        if operation in ("Query", "Scan"):
            return read_units(sum(item_size(i) for i in self._read_again(operation, params)),
                              bool(params.get("ConsistentRead")))
        return 0.0

    def _read_again(self, operation: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The items the call read (the same page), whole: without its projection and filter."""
        again = {k: v for k, v in params.items() if k not in _NOT_READ}
        used = set(_KEY_WORDS.findall(again.get("KeyConditionExpression", "")))
        for words in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
            if words in again:
                again[words] = {k: v for k, v in again[words].items() if k in used}
                if not again[words]:
                    del again[words]
        return getattr(self._reader, operation.lower())(**again)["Items"]


def _written(operation: str, params: dict[str, Any]) -> Iterator[tuple[str, dict, bool, bool]]:
    """(table, key, transactional, condition check only) of every item a call writes."""
    from chalicelib.resources import TABLE_KEY

    def key_of(item: dict[str, Any]) -> dict[str, Any]:
        return {a: item[a] for a in TABLE_KEY if a in item}

    if operation == "PutItem":
        yield params["TableName"], key_of(params["Item"]), False, False
    elif operation in ("UpdateItem", "DeleteItem"):
        yield params["TableName"], params["Key"], False, False
    elif operation == "TransactWriteItems":
        for entry in params["TransactItems"]:
            [(kind, op)] = entry.items()
            yield op["TableName"], key_of(op["Item"]) if kind == "Put" else op["Key"], True, kind == "ConditionCheck"
    elif operation == "BatchWriteItem":
        for table, requests in params["RequestItems"].items():
            for request in requests:
                put = request.get("PutRequest")
                yield table, key_of(put["Item"]) if put else request["DeleteRequest"]["Key"], False, False


# ------------------------------------------------------------------------------------------------ the cost

@dataclass
class Usage:
    """What operations used end to end in AWS terms (request and stream; the stream poller's reads are
    Lambda's own in AWS, not billed)."""

    wru: float = 0.0
    rru: float = 0.0
    api_requests: int = 0
    lambda_requests: int = 0
    lambda_ms: int = 0  # billed: each invocation rounded up to the millisecond
    gb_seconds: float = 0.0  # the same, times each function's memory
    schedules: int = 0
    publishes: int = 0
    writes: list[Write] = field(default_factory=list)
    reads: Counter = field(default_factory=Counter)  # read units by operation

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.wru + other.wru, self.rru + other.rru, self.api_requests + other.api_requests,
                     self.lambda_requests + other.lambda_requests, self.lambda_ms + other.lambda_ms,
                     self.gb_seconds + other.gb_seconds, self.schedules + other.schedules,
                     self.publishes + other.publishes, self.writes + other.writes, self.reads + other.reads)


def usage_of(calls: Counter, charges: list[Charge], invocations: list[tuple[float, int]], lambda_requests: int,
             api_requests: int = 1) -> Usage:
    """`calls`: (phase, service.Operation) -> count; `invocations`: (seconds, memory MB) of each Lambda
    invocation whose time was measured; `lambda_requests` may count more (one whose time is inside another's)."""
    billed = [c for c in charges if c.phase in ("request", "stream")]
    ops = Counter({op: n for (phase, op), n in calls.items() if phase in ("request", "stream")})
    ms = [(math.ceil(seconds * 1000), memory) for seconds, memory in invocations]
    reads: Counter = Counter()
    for c in billed:
        reads[c.operation] += c.rru
    return Usage(
        wru=sum(c.wru for c in billed), rru=sum(c.rru for c in billed), api_requests=api_requests,
        lambda_requests=lambda_requests, lambda_ms=sum(m for m, _ in ms),
        gb_seconds=sum(m / 1000 * memory / 1024 for m, memory in ms),
        schedules=ops["scheduler.CreateSchedule"], publishes=ops["sns.Publish"],
        writes=[w for c in billed for w in c.writes], reads=+reads)


def lines(usage: Usage) -> list[tuple[str, str, str, float]]:
    """(item, list price, quantity per complaint, dollars per complaint)."""
    u = usage
    return [
        ("DynamoDB writes", _per_million(PRICE_PER_WRU, "WRU"), f"{u.wru:g} WRU", u.wru * PRICE_PER_WRU),
        ("DynamoDB reads", _per_million(PRICE_PER_RRU, "RRU"), f"{u.rru:g} RRU", u.rru * PRICE_PER_RRU),
        ("Lambda requests", _per_million(PRICE_PER_LAMBDA_REQUEST), f"{u.lambda_requests}",
         u.lambda_requests * PRICE_PER_LAMBDA_REQUEST),
        ("Lambda duration (arm64)", f"${PRICE_PER_GB_SECOND:.10f}".rstrip("0") + " per GB-s",
         f"{u.lambda_ms} ms, {u.gb_seconds:.4f} GB-s", u.gb_seconds * PRICE_PER_GB_SECOND),
        ("API Gateway (REST)", _per_million(PRICE_PER_API_REQUEST), f"{u.api_requests}",
         u.api_requests * PRICE_PER_API_REQUEST),
        ("Scheduler invocations", _per_million(PRICE_PER_SCHEDULER_INVOCATION), f"{u.schedules}",
         u.schedules * PRICE_PER_SCHEDULER_INVOCATION),
        ("SNS Publish requests", _per_million(PRICE_PER_SNS_REQUEST), f"{u.publishes}",
         u.publishes * PRICE_PER_SNS_REQUEST),
    ]


def _per_million(price: float, unit: str = "") -> str:
    return f"${price * 1e6:.3f} per million {unit}".rstrip()


def per_thousand(usage: Usage) -> float:
    return 1000 * sum(dollars for *_, dollars in lines(usage))


def report(submission: Usage, workflow: Usage, workflow_label: str, notes: list[str], target: float) -> bool:
    """Print the cost with its inputs; True when the submission's is within `target` dollars per 1,000."""
    print(f"  {'per complaint':<24} {'list price':<24} {'submission':>22} {'$ / 1,000':>9}   "
          f"{'with the workflow':>22} {'$ / 1,000':>9}")
    for (item, price, quantity, dollars), (*_, more, more_dollars) in zip(lines(submission), lines(workflow)):
        print(f"  {item:<24} {price:<24} {quantity:>22} {dollars * 1000:>9.5f}   "
              f"{more:>22} {more_dollars * 1000:>9.5f}")
    total = per_thousand(submission)
    ok = total <= target
    print(f"  submission end to end (request + stream): ${total:.4f} per 1,000 complaints   "
          f"(target <= ${target}: {'ok' if ok else 'MISSED'})")
    print(f"  with the workflow ({workflow_label}): ${per_thousand(workflow):.4f} per 1,000 complaints   (no target)")
    for note in notes:
        print(f"  {note}")
    print("  items the submission wrote: " + describe_writes(submission.writes))
    print("  its reads: " + ", ".join(f"{op} {units:g} RRU" for op, units in submission.reads.most_common()))
    print("  excluded: " + "; ".join(EXCLUDED), flush=True)
    return ok


def describe_writes(writes: list[Write]) -> str:
    """The items written, by kind (key prefixes), most units first: how many writes, their sizes, their units
    in the table (tx: in a transaction) and in indexes."""
    groups: dict[tuple[str, bool], list[Write]] = {}
    for w in writes:
        groups.setdefault((w.what, w.transactional), []).append(w)

    def units(ws: list[Write]) -> int:
        return sum(w.table_units + w.index_units for w in ws)

    described = []
    for (what, transactional), ws in sorted(groups.items(), key=lambda g: -units(g[1])):
        sizes = sorted(w.size / 1024 for w in ws)
        size = f"{sizes[0]:.2f}" + (f"-{sizes[-1]:.2f}" if sizes[-1] - sizes[0] >= 0.01 else "")
        indexes = sum(w.indexes for w in ws)
        described.append(f"{what} x{len(ws)} {size} KB: {'tx ' if transactional else ''}"
                         f"{sum(w.table_units for w in ws)} WRU"
                         + (f" + {indexes} index writes {sum(w.index_units for w in ws)} WRU" if indexes else ""))
    return "; ".join(described)
