"""Cluster alerts once per set of complaints: through the API, the stream and moto, each test on a fresh stack."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.adapters.dynamo import from_item, to_item
from chalicelib.domain import clusters
from chalicelib.domain.clusters import Member
from chalicelib.domain.model import Role
from tests.real_cases import ODOR, body


def lot_case(n: int, sku="V2047", batch="B-0001", production_date="2008-11-29") -> dict:
    product = {**ODOR["product"], "sku": sku, "batch": batch, "production_date": production_date}
    return body(ODOR, product=product, description=f"{ODOR['description']} (第 {n} 包)")


def record(api, case) -> str:
    response = api.call("POST", "/api/v1/complaints", case)
    assert response.status_code == 201, response.body
    return response.data["complaint_id"]


def listed(api) -> list[dict]:
    api.pump.drain_stream()
    response = api.call("GET", "/api/v1/staff/alerts", user="quality1")
    assert response.status_code == 200, response.body
    return response.data["items"]


def notification_items(complaint_ids) -> list[dict]:
    """The cluster-alert notifications stored in the complaints' outboxes (one per recipient and alert)."""
    from chalicelib.wiring import adapters

    a = adapters()
    found = []
    for cid in complaint_ids:
        page = a.complaints._client.query(
            TableName=a.settings.table_name, ConsistentRead=True,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
            ExpressionAttributeValues=to_item({":pk": f"COMPLAINT#{cid}", ":p": "OUTBOX#"}))
        found += [i for i in map(from_item, page["Items"]) if i.get("event") == "cluster_alert"]
    return found


def told(api) -> list[tuple[str, str, str]]:
    return sorted((m["recipient"], m["channel"], m["text"]) for m in api.outbox() if m["event"] == "cluster_alert")


@pytest.fixture
def staff_told(api):
    """Who hears of an alert on the demo stack: one quality engineer and one manager."""
    from chalicelib.wiring import adapters

    directory = adapters().directory
    assert directory.usernames_with_role(Role.QUALITY) == ["quality1"]
    assert directory.usernames_with_role(Role.MANAGER) == ["manager1"]
    return ["manager1", "quality1"]


def test_three_complaints_sharing_sku_batch_and_date_raise_one_alert_labelled_with_both(api, staff_told):
    cids = [record(api, lot_case(n)) for n in range(3)]
    alerts = listed(api)
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert["sku"], alert["batch"], alert["production_date"]) == ("V2047", "B-0001", "2008-11-29")
    assert alert["shared"] == ["batch", "production_date"] and alert["cluster_id"] == "V2047#batch#B-0001"
    assert sorted(alert["complaint_ids"]) == sorted(cids) and alert["count"] == 3
    assert {c["complaint_id"] for c in alert["complaints"]} == set(cids)

    notes = notification_items(cids)
    assert sorted(n["recipient"] for n in notes) == staff_told  # 2 notifications: quality and manager, once each
    messages = told(api)
    assert [(r, ch) for r, ch, _ in messages] == [("manager1", "email"), ("manager1", "sms"),
                                                  ("quality1", "email"), ("quality1", "sms")]
    text = messages[0][2]
    assert "批次 B-0001 / 生产日期 2008-11-29" in text and "3 起投诉" in text
    assert "张先生" not in text and "138" not in text

    later = record(api, lot_case(3))  # a later complaint of the same lot joins the alert, nobody is told again
    alerts = listed(api)
    assert len(alerts) == 1 and alerts[0]["count"] == 4 and later in alerts[0]["complaint_ids"]
    assert alerts[0]["shared"] == ["batch", "production_date"]
    assert told(api) == messages and len(notification_items([*cids, later])) == 2


def test_a_stream_replay_changes_nothing(api, staff_told):
    from infra.pump import pump_for_app

    cids = [record(api, lot_case(n)) for n in range(4)]
    before, messages = listed(api), told(api)
    assert len(before) == 1 and len(messages) == 4
    replay = pump_for_app()  # a new reader from the start of the stream: every record again
    assert replay.drain_stream() > 0
    assert listed(api) == before and told(api) == messages and len(notification_items(cids)) == 2


def test_a_date_only_and_a_batch_only_cluster_each_alert_by_what_they_share(api, staff_told):
    by_date = [record(api, lot_case(n, batch=f"B-{n}")) for n in range(3)]  # one day, three batches
    by_batch = [record(api, lot_case(n, sku="V2131", production_date=f"2008-05-2{n}")) for n in range(3)]
    alerts = {a["sku"]: a for a in listed(api)}
    assert len(alerts) == 2
    date_alert, batch_alert = alerts["V2047"], alerts["V2131"]
    assert (date_alert["batch"], date_alert["production_date"], date_alert["shared"]) == (
        None, "2008-11-29", ["production_date"])
    assert sorted(date_alert["complaint_ids"]) == sorted(by_date)
    assert (batch_alert["batch"], batch_alert["production_date"], batch_alert["shared"]) == (
        "B-0001", None, ["batch"])
    assert sorted(batch_alert["complaint_ids"]) == sorted(by_batch)

    assert len(notification_items(by_date)) == 2 and len(notification_items(by_batch)) == 2
    texts = {text for _, _, text in told(api)}
    assert len(texts) == 2
    date_text = next(t for t in texts if "V2047" in t)
    batch_text = next(t for t in texts if "V2131" in t)
    assert "生产日期 2008-11-29" in date_text and "批次" not in date_text
    assert "批次 B-0001" in batch_text and "生产日期" not in batch_text


def forget_members(a, complaints):
    """Remove the rows intake wrote for the complaints in their lots (observe adds them again)."""
    from chalicelib.adapters import keys
    from chalicelib.adapters.dynamo import iso
    from chalicelib.clients import client

    for c in complaints:
        for lot in clusters.lots(c):
            client("dynamodb").delete_item(TableName=a.settings.table_name, Key={
                "pk": {"S": keys.lot(lot)}, "sk": {"S": f"{keys.MEMBER}{iso(c.received_at)}#{c.id}"}})


@pytest.mark.parametrize("cut_in", ["first_read", "second_read", "save"])
def test_two_stream_batches_at_once_raise_one_alert(api, staff_told, monkeypatch, cut_in):
    """The third complaint's batch and the second's run at once: the second's batch runs whole while the
    third's is between its reads of the two lots' complaints (or just before it saves the alert)."""
    from chalicelib.adapters.clusters import ClusterStore
    from chalicelib.services import alerts
    from chalicelib.wiring import adapters

    with monkeypatch.context() as quiet:  # the stream's own alert consumer waits: this test plays it
        quiet.setattr(alerts, "observe_stream", lambda records, a, now: 0)
        cids = [record(api, lot_case(n)) for n in range(3)]
        api.pump.drain_stream()
    a = adapters()
    now = datetime.now(timezone.utc)
    complaints = {c.id: c for c in a.complaints.get_many(cids)}
    forget_members(a, [complaints[cid] for cid in cids[1:]])  # as if the second and third came after the first

    def observe(cid):
        named = clusters.lots(complaints[cid])
        return alerts.observe(Member(cid, complaints[cid].received_at, frozenset(named)), named, a, now)

    assert observe(cids[0]) == 0
    if cut_in == "save":  # the other batch has written the second complaint's rows, not yet read any
        for lot in clusters.lots(complaints[cids[1]]):
            a.clusters.add_member(lot, Member(cids[1], complaints[cids[1]].received_at, frozenset()))
    calls = {"members": 0, "save": 0}
    real_members, real_save = ClusterStore.members, ClusterStore.save_alert
    other = {"raised": None}

    def cut(kind):
        calls[kind] += 1
        wanted = {"first_read": ("members", 1), "second_read": ("members", 2), "save": ("save", 1)}[cut_in]
        if (kind, calls[kind]) == wanted and other["raised"] is None:
            other["raised"] = -1
            other["raised"] = observe(cids[1])  # the other stream batch, start to end

    def members(self, lot, start, end):
        cut("members")
        return real_members(self, lot, start, end)

    def save_alert(self, *args, **kwargs):
        cut("save")
        return real_save(self, *args, **kwargs)

    with monkeypatch.context() as race:
        race.setattr(ClusterStore, "members", members)
        race.setattr(ClusterStore, "save_alert", save_alert)
        raised = observe(cids[2])
    assert sorted([raised, other["raised"]]) == [0, 1]

    alerts_listed = listed(api)  # the stream's consumer now sees every record: it adds nothing
    assert len(alerts_listed) == 1 and alerts_listed[0]["shared"] == ["batch", "production_date"]
    assert sorted(alerts_listed[0]["complaint_ids"]) == sorted(cids)
    assert sorted(n["recipient"] for n in notification_items(cids)) == staff_told
    assert len(told(api)) == 4


def test_a_lot_newly_named_whose_complaints_were_alerted_joins_that_alert_and_nobody_is_told_again(api, staff_told):
    """The third complaint had no production date when the batch alerted; once it names the date, the date's
    complaints are the batch's: the one alert now names both, and quality and the manager are not told again."""
    from chalicelib.services import alerts
    from chalicelib.wiring import adapters

    cids = [record(api, lot_case(n)) for n in range(2)] + [record(api, lot_case(2, production_date=None))]
    before = listed(api)
    assert [(a["batch"], a["production_date"], a["shared"]) for a in before] == [("B-0001", None, ["batch"])]
    messages = told(api)
    assert len(messages) == 4

    a = adapters()
    third = a.complaints.get(cids[2])
    named = ["V2047#batch#B-0001", "V2047#date#2008-11-29"]
    for _ in range(2):  # the change as the stream hands it over, and once more (a replay)
        assert alerts.observe(Member(third.id, third.received_at, frozenset(named)), named[1:], a,
                              datetime.now(timezone.utc)) == 0
    after = listed(api)
    assert len(after) == 1 and after[0]["cluster_id"] == before[0]["cluster_id"]
    assert (after[0]["batch"], after[0]["production_date"], after[0]["shared"]) == (
        "B-0001", "2008-11-29", ["batch", "production_date"])
    assert sorted(after[0]["complaint_ids"]) == sorted(cids) and after[0]["count"] == 3
    assert told(api) == messages and len(notification_items(cids)) == 2

    later = record(api, lot_case(3))  # a fourth names both: it joins the one alert through either lot
    assert [(a["count"], later in a["complaint_ids"]) for a in listed(api)] == [(4, True)]
    assert told(api) == messages
