"""Accounts and responsible departments in the table: revisions, the list partition, never a Scan."""
from __future__ import annotations

import pytest

from chalicelib.adapters import keys
from chalicelib.adapters.dynamo import to_item
from chalicelib.domain.errors import ConcurrentChange
from chalicelib.wiring import adapters


def test_an_account_is_stored_over_the_revision_read(stack):
    directory = adapters().directory
    first = directory.put_account("ACC-1", "甲经销商", "HN-CS", "sales_cs", account_type="distributor", revision=0)
    assert first.revision == 1 and directory.account("ACC-1") == first
    directory.put_account("ACC-1", "甲经销商", "HN-CS", "sales_wh", account_type="distributor", revision=1)
    with pytest.raises(ConcurrentChange):
        directory.put_account("ACC-1", "甲经销商", "HN-CS", "sales_gz", account_type="distributor", revision=1)
    with pytest.raises(ConcurrentChange):
        directory.put_account("ACC-NEW", "乙", "HN-CS", "sales_cs", revision=2)
    assert directory.account("ACC-1").salesperson == "sales_wh"


def test_an_account_stored_before_revisions_is_changed_as_revision_0(stack):
    """The demo bootstrap's accounts of earlier versions had no revision attribute."""
    a = adapters()
    a.directory._client.put_item(TableName=a.directory._table, Item=to_item({
        "pk": keys.account("OLD-1"), "sk": keys.META, "type": "account", "account_id": "OLD-1", "name": "老客户",
        "territory": "HN-CS", "salesperson": "sales_cs", "key_account": True}))
    old = a.directory.account("OLD-1")
    assert old.revision == 0 and old.type == "other" and old.key_account
    assert a.directory.put_account("OLD-1", "老客户", "HN-CS", "sales_cs", True, revision=0).revision == 1


def test_accounts_are_found_by_the_beginning_of_their_id_or_name_and_paged_by_id(stack):
    directory = adapters().directory
    for n, name in enumerate(("湘江东酒店", "湘江西酒店", "汉江酒店")):
        directory.put_account(f"HOTEL-X{n}", name, "HN-CS", "sales_cs", account_type="hotel")
    assert [a.account_id for a in directory.find_accounts("HOTEL-X", None, 10)] == ["HOTEL-X0", "HOTEL-X1",
                                                                                    "HOTEL-X2"]
    assert [a.account_id for a in directory.find_accounts(None, "湘江", 10)] == ["HOTEL-X0", "HOTEL-X1"]
    assert [a.account_id for a in directory.find_accounts("HOTEL-X", "湘江", 1)] == ["HOTEL-X0"]
    page, after = directory.accounts(2)
    rest, end = directory.accounts(100, after)
    ids = [a.account_id for a in page + rest]
    assert len(page) == 2 and end is None and ids == sorted(ids) and len(ids) == len(set(ids))
    assert {"HOTEL-X0", "HOTEL-CS-001", "DIST-WH-001"} <= set(ids)


def test_a_removed_account_leaves_no_entry_and_routes_nothing(stack):
    directory = adapters().directory
    directory.put_account("GONE-1", "停用客户", "HN-CS", "sales_wh", True)
    assert directory.find_routing({"account": ("account", "GONE-1")}).key_account
    assert directory.delete_account("GONE-1") and not directory.delete_account("GONE-1")
    assert directory.find_accounts("GONE", "停用", 10) == []
    routing = directory.find_routing({"account": ("account", "GONE-1")})
    assert routing.routes == {} and not routing.key_account


def test_departments_are_one_partition_with_revisions(stack):
    directory = adapters().directory
    assert {d["code"] for d in directory.departments()} >= {"PROD", "ROLL", "WH", "LOGI"}
    directory.put_department("QA", "品质部", revision=0)
    with pytest.raises(ConcurrentChange):
        directory.put_department("QA", "品质管理部", revision=0)
    assert directory.put_department("QA", "品质管理部", revision=1) == {"code": "QA", "name": "品质管理部",
                                                                          "revision": 2}
    assert directory.delete_department("QA") and not directory.delete_department("QA")
    assert directory.department("QA") is None
