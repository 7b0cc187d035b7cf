"""The rules of finding complaints and of possible duplicates (domain/finding.py), without AWS."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain.finding import (
    Find, FindBy, complaint_id_in, find_keys, lookup_hash, mark_duplicate, mark_possible_duplicates, normal_account,
    normal_name, partition_of, possible_duplicates,
)
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import Category, Channel, Customer, MarkDuplicate, Product, Status

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
SECRET = "k" * 32


def complaint(cid: str, sku: str | None = "V2047", category=Category.ODOR, days_ago: float = 0, phone="+8613800138000"):
    command = RecordComplaint(channel=Channel.WEB, category=category, description="有油漆味",
                              customer=Customer(name="张先生", phone=phone), product=Product(sku=sku),
                              received_at=NOW - timedelta(days=days_ago))
    c = open_complaint(command, cid, "h", None, "public", NOW)
    c.new_history.clear()
    c.effects.clear()
    return c


@pytest.mark.parametrize("text", ["C-20261201-ABC123", "c-20261201-abc123", "20261201-ABC123", "C20261201ABC123",
                                  " C-20261201-abc123 ", "Ｃ－２０２６１２０１－ＡＢＣ１２３"])
def test_a_complaint_number_in_any_case_with_or_without_its_prefix(text):
    assert complaint_id_in(text) == "C-20261201-ABC123"


@pytest.mark.parametrize("text", ["C-2026120-ABC123", "C-20261201-ABCI23", "13800138000", "张先生", "HOTEL-CS-001"])
def test_what_is_no_complaint_number(text):
    assert complaint_id_in(text) is None  # I is no Crockford letter; a phone or name is not a number


def test_names_compare_without_case_width_spaces_or_middle_dots():
    assert normal_name("Anna  Smith") == normal_name("ＡＮＮＡ smith") == "annasmith"
    assert normal_name("阿卜杜·热合曼") == normal_name("阿卜杜 热合曼") == "阿卜杜热合曼"


def test_account_ids_compare_in_upper_case_and_a_name_is_none():
    assert normal_account(" hotel-cs-001 ") == "HOTEL-CS-001"
    assert normal_account("王经理") is None and normal_account("Zhang Wei") is None


def test_the_keys_are_keyed_hashes_and_a_name_is_found_by_its_first_two_characters():
    keys = find_keys(SECRET, Customer(name="张先生", phone="+8613800138000", account_id="hotel-cs-001"))
    assert keys.phone == lookup_hash(SECRET, FindBy.PHONE, "+8613800138000") != lookup_hash("x" * 32, FindBy.PHONE,
                                                                                          "+8613800138000")
    assert keys.account == partition_of(SECRET, Find(FindBy.ACCOUNT_ID, "HOTEL-CS-001"))
    assert keys.name_prefix == partition_of(SECRET, Find(FindBy.NAME, "张先")) == partition_of(
        SECRET, Find(FindBy.NAME, "张先生"))
    assert keys.name == "张先生"
    assert "13800138000" not in str(keys.phone) and len(keys.phone) == 32
    assert find_keys(SECRET, Customer(name="王", phone="+8613800138000")).name_prefix is None


def test_an_open_complaint_of_the_same_sku_within_30_days_may_be_the_same_matter():
    new = complaint("C-20261201-NEW000")
    earlier = [complaint("C-20261125-SAME00", days_ago=6), complaint("C-20261020-OLD000", days_ago=31),
               complaint("C-20261125-OTHER0", sku="V2131", days_ago=6),
               complaint("C-20261125-NOSKU0", sku=None, days_ago=6)]
    closed = complaint("C-20261126-CLOSED", days_ago=5)
    closed.status = Status.CLOSED
    merged = complaint("C-20261126-MERGED", days_ago=5)
    merged.merged_into = "C-20261125-SAME00"
    assert possible_duplicates(new, [*earlier, closed, merged, new]) == ["C-20261125-SAME00"]


def test_without_a_sku_the_category_tells():
    new = complaint("C-20261201-NEW000", sku=None, category=Category.FOREIGN_MATTER)
    same = complaint("C-20261130-SAME00", sku=None, category=Category.FOREIGN_MATTER, days_ago=1)
    other = complaint("C-20261130-OTHER0", sku=None, category=Category.DUSTING, days_ago=1)
    assert possible_duplicates(new, [same, other]) == ["C-20261130-SAME00"]


def test_a_new_duplicate_is_marked_and_marks_the_other_back_once():
    new, earlier = complaint("C-20261201-NEW000"), complaint("C-20261130-SAME00", days_ago=1)
    mark_possible_duplicates(new, [earlier], NOW)
    assert new.possible_duplicate_of == [earlier.id]
    assert new.effects == [MarkDuplicate(earlier.id)]
    assert [h.action for h in new.new_history] == ["possible_duplicate"]
    assert mark_duplicate(earlier, new.id, True, NOW) is True
    assert mark_duplicate(earlier, new.id, True, NOW) is False  # a delivery carried out twice changes nothing
    assert earlier.possible_duplicate_of == [new.id]
    assert mark_duplicate(earlier, new.id, False, NOW) is True and earlier.possible_duplicate_of == []
    earlier.status = Status.CLOSED
    assert mark_duplicate(earlier, new.id, True, NOW) is False


def test_production_dates_do_not_matter_only_the_sku():
    new, earlier = complaint("C-20261201-NEW000"), complaint("C-20261130-SAME00", days_ago=1)
    earlier.product.production_date = date(2008, 11, 29)
    earlier.product.sku = " v2047 "
    assert possible_duplicates(new, [earlier]) == [earlier.id]
