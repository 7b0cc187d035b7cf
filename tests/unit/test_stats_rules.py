"""Statistics as running sums and cluster alerts: the rules, without AWS."""
from __future__ import annotations

import copy
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import clusters, stats
from chalicelib.domain.clusters import Alert, ClusterRule, Decision, Member
from chalicelib.domain.commands import COMMANDS
from chalicelib.domain.intake import RecordComplaint, open_complaint
from chalicelib.domain.model import (
    Actor, Category, Channel, Clock, Customer, Product, Role, StaffMember,
)
from chalicelib.domain.routing import Route
from chalicelib.domain.workflow import Context, perform

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
SALES = StaffMember("sales_cs", "李明", frozenset({Role.SALES}), territories=["HN-CS"])


def complaint(category=Category.ODOR, sku="V2047", batch="B1", at=NOW, cid="C-20261124-AAAAAA"):
    command = RecordComplaint(Channel.HOTLINE, category, "有异味", Customer("张先生", "+8613800138000"),
                              Product(sku=sku, batch=batch, production_date=date(2026, 11, 1)))
    return open_complaint(command, cid, "hash", Route("HN-CS", "sales_cs"), "service1", at)


def act(c, action, when, user="sales_cs", role=Role.SALES, **data):
    perform(c, COMMANDS[action](**data), Context(actor=Actor(user, frozenset({role})), now=when, assignee=SALES))
    c.effects.clear()
    c.new_history.clear()


def told(c, after: timedelta, rating: int | None = None):
    """Walk a complaint until the customer is told `after` receipt (and rates it)."""
    act(c, "contact", c.received_at + timedelta(minutes=30), note="已联系")
    act(c, "close_unsubstantiated", c.received_at + after, explanation="属正常现象")
    if rating:
        act(c, "record_satisfaction", c.received_at + after + timedelta(days=3), rating=rating, comment="-")
    return c


def total(*complaints) -> stats.Figures:
    sums = Counter()
    for c in complaints:
        sums.update(stats.counters(c))
    return stats.Figures.of(sums)


def test_a_new_complaint_counts_once_in_every_dimension_of_its_receipt_day():
    c = complaint()
    moves = stats.contribution(c)
    assert {(d, g) for _, d, g in moves} == {("all", "all"), ("category", "odor"), ("sku", "V2047"),
                                              ("batch", "B1"), ("territory", "HN-CS"), ("assignee", "sales_cs"),
                                              ("channel", "hotline"), ("responsible_department", "-")}
    assert {day for day, _, _ in moves} == {date(2026, 11, 24)}
    assert all(sums == Counter(count=1, open=1) for sums in moves.values())


def test_the_receipt_day_is_the_shanghai_day():
    late_evening_utc = datetime(2026, 11, 23, 17, 30, tzinfo=timezone.utc)  # 01:30 on the 24th in Shanghai
    assert stats.receipt_day(complaint(at=late_evening_utc)) == date(2026, 11, 24)


def test_a_change_moves_only_what_changed_and_a_non_change_moves_nothing():
    before = complaint()
    after = copy.deepcopy(before)
    act(after, "contact", NOW + timedelta(minutes=20), note="已联系")
    moves = stats.delta(before, after)
    assert len(moves) == 8 and all(m == Counter(first_contact_decided=1, first_contact_met=1) for m in moves.values())
    assert stats.delta(after, copy.deepcopy(after)) == {}


def test_a_regrouping_takes_one_from_the_old_group_and_gives_it_to_the_new():
    before = complaint()
    after = copy.deepcopy(before)
    after.assignee = "sales_wh"
    moves = stats.delta(before, after)
    assert moves[(date(2026, 11, 24), "assignee", "sales_cs")]["count"] == -1
    assert moves[(date(2026, 11, 24), "assignee", "sales_wh")]["count"] == 1
    assert (date(2026, 11, 24), "all", "all") not in moves


def test_closed_complaints_are_not_open_and_breached_open_ones_are_overdue():
    closed = told(complaint(), timedelta(hours=5), rating=4)
    act(closed, "close", NOW + timedelta(days=4), user="service1", role=Role.SERVICE, note="结案")
    breached = complaint(cid="C-20261124-BBBBBB")
    breached.deadlines[Clock.FIRST_CONTACT].breached = True
    figures = total(closed, breached, complaint(cid="C-20261124-CCCCCC"))
    assert (figures.count, figures.open, figures.overdue) == (3, 2, 1)


def test_deadlines_met_count_stopped_clocks_in_time_and_every_breach():
    in_time = told(complaint(), timedelta(hours=5))
    breached = complaint(cid="C-20261124-BBBBBB")
    breached.deadlines[Clock.FIRST_CONTACT].breached = True
    still_running = complaint(cid="C-20261124-CCCCCC")
    late = complaint(cid="C-20261124-DDDDDD")
    act(late, "contact", NOW + timedelta(days=5), note="太晚了")
    figures = total(in_time, breached, still_running, late)
    assert figures.first_contact_met_pct == pytest.approx(100 / 3, abs=0.05)  # in_time of in_time, breached, late
    assert figures.resolution_met_pct == 100.0


def test_the_median_hours_to_the_customer_being_told_and_the_satisfaction_average():
    cases = [told(complaint(cid=f"C-20261124-{n:06d}"), timedelta(hours=h, minutes=10), rating=r)
             for n, (h, r) in enumerate([(2, 5), (30, 3), (7, 4), (100, 1)])]
    figures = total(*cases, complaint(cid="C-20261124-ZZZZZZ"))
    assert figures.median_hours_to_customer_told == (7 + 30) / 2
    assert figures.satisfaction_average == pytest.approx((5 + 3 + 4 + 1) / 4)
    assert total(*cases[:3]).median_hours_to_customer_told == 7


def test_figures_of_nothing_are_empty_not_zero():
    figures = stats.Figures.of(Counter())
    assert figures.count == 0 and figures.median_hours_to_customer_told is None
    assert figures.satisfaction_average is None and figures.first_contact_met_pct is None


def test_very_slow_handling_falls_into_the_last_hour_bucket():
    slow = told(complaint(), timedelta(days=200))
    assert stats.counters(slow)[f"h{stats.MAX_HOURS}"] == 1


# --- cluster alerts ----------------------------------------------------------------------------

RULE = ClusterRule(threshold=3, window=timedelta(days=30))


def members(*days: int) -> list[Member]:
    return [Member(f"C-{d:02d}", NOW + timedelta(days=d)) for d in days]


def test_a_complaint_names_its_lot_by_batch_and_by_production_date():
    assert clusters.lots(complaint(sku="v2047", batch=" b1 ")) == ["V2047#batch#B1", "V2047#date#2026-11-01"]
    assert clusters.lots(complaint(sku=None)) == []


@pytest.mark.parametrize("days, newcomer, expected", [
    ((0, 10), 20, Decision.OPEN),  # the third within 30 days
    ((0,), 20, Decision.NONE),  # only two
    ((0, 10), 45, Decision.NONE),  # the first is too old for a window with the newcomer
    ((-25, 3), 0, Decision.OPEN),  # a letter dated between two others
])
def test_a_cluster_is_the_threshold_within_one_window(days, newcomer, expected):
    new = members(newcomer)[0]
    assert clusters.decide(new, members(*days), None, RULE) is expected


def test_later_complaints_join_the_open_alert_and_a_quiet_lot_can_alert_again():
    alert = clusters.opened("V2047#batch#B1", members(0, 5, 10), NOW)
    assert clusters.decide(members(30)[0], members(0, 5, 10), alert, RULE) is Decision.JOIN
    grown = clusters.joined(alert, members(30)[0])
    assert grown.complaint_ids == ("C-00", "C-05", "C-10", "C-30") and grown.opened_at == alert.opened_at
    assert grown.count == 4 and clusters.joined(grown, members(30)[0]) is grown  # a replay adds nothing
    assert clusters.decide(members(90)[0], members(80, 85), grown, RULE) is Decision.OPEN
    assert grown.is_open(NOW + timedelta(days=59), RULE) and not grown.is_open(NOW + timedelta(days=61), RULE)


def test_the_alert_text_names_the_lot_and_the_complaints_but_no_customer():
    alert = Alert("V2047#date#2026-11-01", NOW, NOW, ("C-1", "C-2", "C-3"), NOW, 3)
    notes = clusters.notifications(alert, RULE)
    assert {n.role for n in notes} == {Role.QUALITY, Role.MANAGER}
    assert "V2047" in notes[0].text and "2026-11-01" in notes[0].text and "C-3" in notes[0].text
    assert "张" not in notes[0].text and "138" not in notes[0].text


@pytest.mark.parametrize("start, end, today, days, months", [
    ("2026-11-01", "2026-11-25", "2026-11-25", [], ["2026-11-01"]),  # this month so far: one month row
    ("2026-10-01", "2026-10-31", "2026-11-25", [], ["2026-10-01"]),
    ("2026-10-30", "2026-12-02", "2026-12-25", ["2026-10-30", "2026-10-31", "2026-12-01", "2026-12-02"],
     ["2026-11-01"]),
    ("2026-11-01", "2026-11-20", "2026-11-25", [f"2026-11-{d:02d}" for d in range(1, 21)], []),
    ("2026-11-24", "2026-11-24", "2026-11-24", ["2026-11-24"], []),
])
def test_a_period_reads_whole_months_as_months_and_the_edges_as_days(start, end, today, days, months):
    from chalicelib.services.stats import split_period

    read = split_period(date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(today))
    assert read == ([date.fromisoformat(d) for d in days], [date.fromisoformat(m) for m in months])


def test_a_huge_cluster_lists_its_latest_complaints_and_counts_them_all():
    alert = clusters.opened("V2047#batch#B1", members(0, 1, 2), NOW)
    for day in range(3, 3 + 2 * clusters.LISTED):
        alert = clusters.joined(alert, Member(f"C-{day:04d}", NOW + timedelta(days=day / 100)))
    assert alert.count == 3 + 2 * clusters.LISTED and len(alert.complaint_ids) == clusters.LISTED
    assert alert.complaint_ids[-1] == f"C-{2 + 2 * clusters.LISTED:04d}"
    assert f"{alert.count} 起投诉" in clusters.notifications(alert, RULE)[0].text
