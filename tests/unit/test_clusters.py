"""Cluster alerts once per set of complaints: the planning rules, without AWS."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.domain import clusters
from chalicelib.domain.clusters import Alert, ClusterRule, Cover, Member, Open
from chalicelib.domain.model import Role

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
RULE = ClusterRule(threshold=3, window=timedelta(days=30))
B1, B2, B3 = "V2047#batch#B1", "V2047#batch#B2", "V2047#batch#B3"
D1, D2, D3 = "V2047#date#2026-11-01", "V2047#date#2026-11-02", "V2047#date#2026-11-03"


def member(n: int, *lots: str) -> Member:
    return Member(f"C-{n}", NOW + timedelta(hours=n), frozenset(lots))


def rows(*members: Member) -> dict[str, list[Member]]:
    """What each lot's partition holds: a row of every member in each lot it names."""
    found: dict[str, list[Member]] = {}
    for m in members:
        for lot in m.lots:
            found.setdefault(lot, []).append(m)
    return found


def plan(newcomer, nearby, alerts=None):
    lots = sorted(newcomer.lots)  # batch before date, as clusters.lots names them
    return clusters.plan(newcomer, lots, nearby, alerts or dict.fromkeys(lots), RULE, NOW)


def test_three_complaints_sharing_batch_and_date_make_one_alert_labelled_with_both():
    c1, c2, c3 = (member(n, B1, D1) for n in (1, 2, 3))
    steps = plan(c3, rows(c1, c2, c3))
    assert len(steps) == 1 and isinstance(steps[0], Open)
    alert = steps[0].alert
    assert alert.lots == (B1, D1) and alert.complaint_ids == ("C-1", "C-2", "C-3") and alert.count == 3
    assert clusters.shared(alert) == {"batch": "B1", "date": "2026-11-01"}
    notes = clusters.notifications(alert, RULE)
    assert [n.role for n in notes] == [Role.QUALITY, Role.MANAGER]  # one note each: one message per alert
    assert notes[0].text == (
        "【投诉预警】产品 V2047 批次 B1 / 生产日期 2026-11-01 在 30 天内已有 3 起投诉（C-1, C-2, C-3），请尽快排查。"
    )


def test_a_date_only_cluster_alerts_by_production_date_and_never_calls_it_a_batch():
    c1, c2, c3 = member(1, B1, D1), member(2, B2, D1), member(3, B3, D1)
    steps = plan(c3, rows(c1, c2, c3))
    assert [type(s) for s in steps] == [Open] and steps[0].alert.lots == (D1,)
    assert clusters.shared(steps[0].alert) == {"date": "2026-11-01"}
    text = clusters.notifications(steps[0].alert, RULE)[0].text
    assert "生产日期 2026-11-01" in text and "批次" not in text


def test_a_batch_only_cluster_alerts_by_batch():
    c1, c2, c3 = member(1, B1, D1), member(2, B1, D2), member(3, B1, D3)
    steps = plan(c3, rows(c1, c2, c3))
    assert [type(s) for s in steps] == [Open] and steps[0].alert.lots == (B1,)
    text = clusters.notifications(steps[0].alert, RULE)[0].text
    assert "批次 B1" in text and "生产日期" not in text


def test_a_date_whose_complaints_are_more_than_the_batch_s_is_a_second_alert():
    c0 = member(0, B2, D1)
    c1, c2, c3 = (member(n, B1, D1) for n in (1, 2, 3))
    steps = plan(c3, rows(c0, c1, c2, c3))
    assert [(s.alert.lots, s.alert.count) for s in steps] == [((B1,), 3), ((D1,), 4)]


def test_a_row_not_yet_visible_in_one_lot_is_seen_through_the_other():
    """Another stream batch wrote C-2's batch row but not yet its date row: C-2 still counts for the date."""
    c1, c2, c3 = (member(n, B1, D1) for n in (1, 2, 3))
    nearby = rows(c1, c2, c3)
    nearby[D1] = [m for m in nearby[D1] if m.complaint_id != "C-2"]
    steps = plan(c3, nearby)
    assert len(steps) == 1 and steps[0].alert.lots == (B1, D1)
    assert clusters.seen(D1, nearby) == [c1, c3, c2] and member(2) == c2  # identity: id and time, not the lots


def test_a_lot_newly_named_whose_set_was_alerted_joins_that_alert_silently():
    """C-3 had no production date when its batch alerted; its date, added later, makes the same set."""
    c1, c2, c3 = (member(n, B1, D1) for n in (1, 2, 3))
    sent = Alert(B1, c1.received_at, c3.received_at, ("C-1", "C-2", "C-3"), NOW, 3)
    steps = clusters.plan(c3, [D1], rows(c1, c2, c3), {B1: sent, D1: None}, RULE, NOW)
    assert steps == [Cover(Alert(B1, c1.received_at, c3.received_at, ("C-1", "C-2", "C-3"), NOW, 3, (D1,)), sent, D1)]
    assert clusters.shared(steps[0].alert) == {"batch": "B1", "date": "2026-11-01"}


def test_below_the_threshold_nothing_is_planned():
    c1, c2 = member(1, B1, D1), member(2, B1, D1)
    assert plan(c2, rows(c1, c2)) == []


def test_a_complaint_joining_a_shared_alert_keeps_its_lots():
    alert = clusters.opened(B1, [member(n, B1, D1) for n in (1, 2, 3)], NOW, [D1])
    grown = clusters.joined(alert, member(4, B1, D2))
    assert grown.lots == (B1, D1) and grown.count == 4 and grown.same_as(alert)
