"""The bench's cost arithmetic (bench/cost.py): item sizes and request units as DynamoDB counts them."""
from __future__ import annotations

from collections import Counter

from bench import cost


def test_item_size_counts_names_and_values_in_utf8():
    assert cost.item_size({"pk": {"S": "ab"}}) == 4
    assert cost.item_size({"名": {"S": "张"}}) == 6  # three bytes each
    assert cost.item_size({"n": {"N": "12345"}}) == 1 + 4  # 5 significant digits: 3 bytes + 1
    assert cost.item_size({"n": {"N": "100"}}) == 1 + 2  # trailing zeros are not significant
    assert cost.item_size({"b": {"BOOL": True}, "z": {"NULL": True}}) == 4
    assert cost.item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + 1 + 1 + 1
    assert cost.item_size({"l": {"L": [{"S": "v"}, {"N": "1"}]}}) == 1 + 3 + (1 + 1) + (1 + 2)
    assert cost.item_size(None) == 0


def test_read_units_round_up_to_4_kb_and_halve_when_eventually_consistent():
    assert cost.read_units(0, consistent=True) == 1  # an absent item still costs the least unit
    assert cost.read_units(4096, consistent=True) == 1
    assert cost.read_units(4097, consistent=True) == 2
    assert cost.read_units(4097, consistent=False) == 1
    assert cost.read_units(100, consistent=True, transactional=True) == 2


def _item(size_attr: int, **keys: str) -> dict:
    item = {"pk": {"S": "COMPLAINT#1"}, "sk": {"S": "META"}, "x": {"S": "a" * size_attr}}
    item.update({name: {"S": value} for name, value in keys.items()})
    return item


KEY = {"pk": {"S": "COMPLAINT#1"}, "sk": {"S": "META"}}


def test_a_new_item_costs_a_unit_per_kb_per_copy_twice_in_a_transaction():
    new = _item(1500, by_status_pk="STATUS#assigned#1", by_status_sk="x", by_sku_pk="SKU#1", by_sku_sk="x")
    write = cost.write_of(None, new, KEY, transactional=True)
    assert (write.table_units, write.indexes, write.index_units) == (2 * 2, 2, 2 * 2)
    assert write.what == "COMPLAINT/META"


def test_an_index_whose_key_changes_is_a_delete_and_a_put_one_that_is_left_a_delete():
    before = _item(10, by_status_pk="STATUS#received#1", by_status_sk="x", outbox_pk="OUTBOX#1", outbox_sk="t")
    after = _item(10, by_status_pk="STATUS#assigned#1", by_status_sk="x")
    write = cost.write_of(before, after, KEY, transactional=False)
    assert (write.table_units, write.indexes, write.index_units) == (1, 3, 3)


def test_an_unchanged_item_or_a_condition_check_writes_no_index():
    item = _item(10, by_status_pk="STATUS#assigned#1", by_status_sk="x")
    assert cost.write_of(item, item, KEY, transactional=True).indexes == 0
    check = cost.write_of(item, item, KEY, transactional=True, check_only=True)
    assert (check.table_units, check.indexes) == (2, 0)


def test_a_write_costs_the_larger_image():
    assert cost.write_of(_item(3000), _item(10), KEY, transactional=False).table_units == 3


def test_usage_and_cost_per_thousand_come_from_the_measured_figures():
    write = cost.write_of(None, _item(10), KEY, transactional=True)
    charges = [cost.Charge("request", "TransactWriteItems", 0, [write]), cost.Charge("stream", "GetItem", 1.0),
               cost.Charge("poller", "DescribeTable", 5.0)]  # the poller's are Lambda's own: not billed
    calls = Counter({("stream", "scheduler.CreateSchedule"): 1, ("stream", "sns.Publish"): 2})
    usage = cost.usage_of(calls, charges, [(0.0101, 512), (0.02, 1024)], lambda_requests=2)
    assert (usage.wru, usage.rru, usage.schedules, usage.publishes) == (2, 1.0, 1, 2)
    assert usage.lambda_ms == 11 + 20
    assert abs(usage.gb_seconds - (0.011 * 0.5 + 0.020 * 1.0)) < 1e-12
    expected = (2 * cost.PRICE_PER_WRU + 1 * cost.PRICE_PER_RRU + 2 * cost.PRICE_PER_LAMBDA_REQUEST
                + usage.gb_seconds * cost.PRICE_PER_GB_SECOND + cost.PRICE_PER_API_REQUEST
                + cost.PRICE_PER_SCHEDULER_INVOCATION + 2 * cost.PRICE_PER_SNS_REQUEST)
    assert abs(cost.per_thousand(usage) - 1000 * expected) < 1e-12
    assert (usage + usage).wru == 4
