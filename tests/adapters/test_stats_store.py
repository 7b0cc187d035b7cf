"""StatsStore.apply_many: several changes summed into few transactions, each applied exactly once, in order."""
from __future__ import annotations

from collections import Counter
from datetime import date

from chalicelib.wiring import adapters

DAY = date(2026, 11, 30)


def _moves(group: str, n: int = 1) -> dict:
    return {(DAY, "category", group): Counter(count=n), (DAY, "all", "all"): Counter(count=n)}


def _sums() -> dict:
    found = adapters().stats.sums([DAY], [])
    return {group: dict(c) for dimension, groups in found.items() for group, c in groups.items()
            if dimension in ("category", "all")}


def test_changes_of_many_complaints_are_summed_once_each_and_a_replay_adds_nothing(stack):
    store = adapters().stats
    changes = [(f"C-20261130-{n:06d}", 1, _moves("odor" if n % 2 else "mould")) for n in range(60)]
    changes += [("C-20261130-000001", 2, _moves("odor", -1)), ("C-20261130-000001", 3, _moves("odor", 5))]
    assert store.apply_many(changes) == 62
    assert _sums() == {"all": {"count": 64}, "odor": {"count": 34}, "mould": {"count": 30}}
    assert store.apply_many(changes) == 0  # a stream batch handed over again
    more = [("C-20261130-000100", 1, _moves("odor")), ("C-20261130-000001", 3, _moves("odor", 5))]
    assert store.apply_many(more) == 1  # the new one only: the other was applied already
    assert _sums() == {"all": {"count": 65}, "odor": {"count": 35}, "mould": {"count": 30}}


def test_a_complaints_later_change_is_not_applied_before_its_earlier_one(stack):
    store = adapters().stats
    cid = "C-20261130-LATER1"
    assert store.apply_many([(cid, 1, _moves("odor")), (cid, 2, _moves("odor", 2)), (cid, 3, _moves("odor", 3))]) == 3
    assert _sums()["odor"] == {"count": 6}
