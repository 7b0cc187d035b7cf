"""What must hold once AWS works again: stored once, delivered once, schedules as the complaints say,
sums as the complaints say."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from chalicelib.adapters.dynamo import to_item
from chalicelib.domain import stats
from chalicelib.services import delivery
from chalicelib.wiring import adapters
from infra.scheduler import LocalScheduler

FAILED_CALL = 4  # 1 attempt + max_attempts=3 retries (chalicelib/clients.py): this many failed attempts fail one call
LATER = timedelta(minutes=5)  # leases (60 s) have run out and the sweeper (items older than 2 min) has run


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def submit(api, case, key: str | None = None, user: str | None = None, expect: int | None = 201):
    headers = {"Idempotency-Key": key} if key else {}
    path = "/api/v1/staff/complaints" if user else "/api/v1/complaints"
    if user:
        case = {**case, "channel": "hotline"}
    response = api.call("POST", path, case, user=user, headers=headers)
    if expect is not None:
        assert response.status_code == expect, response.body
    return response


def act(api, complaint_id, user, action, expect: int | None = 200, **data):
    response = api.call("POST", f"/api/v1/staff/complaints/{complaint_id}/actions", {"action": action, **data},
                        user=user)
    if expect is not None:
        assert response.status_code == expect, response.body
    return response


def assert_retryable(response) -> None:
    """The client is told to come back: 503 unavailable with Retry-After, no stack trace."""
    assert response.status_code == 503, response.body
    assert response.data["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert b"Traceback" not in response.body and b"botocore" not in response.body


def settle(api) -> None:
    """What AWS does once everything works again: the stream retries its batches, then (later) the
    sweeper picks up whatever is still pending."""
    for _ in range(3):
        api.pump.drain_stream()
    delivery.sweep(adapters(), utcnow() + LATER)
    api.pump.drain_stream()


def listed(api) -> list[str]:
    """Every complaint id the staff list shows (a manager sees all), duplicates kept."""
    ids, cursor = [], None
    while True:
        path = "/api/v1/staff/complaints?limit=100" + (f"&cursor={cursor}" if cursor else "")
        response = api.call("GET", path, user="manager1")
        assert response.status_code == 200, response.body
        ids += [i["complaint_id"] for i in response.data["items"]]
        cursor = response.data["next_cursor"]
        if not cursor:
            return ids


def assert_stored_once(api, complaint_ids) -> None:
    ids = listed(api)
    assert sorted(ids) == sorted(set(complaint_ids)), (ids, complaint_ids)
    for cid in set(complaint_ids):
        history = api.call("GET", f"/api/v1/staff/complaints/{cid}", user="manager1").data["history"]
        assert [h["action"] for h in history].count("received") == 1


def outbox_items(complaint_id: str) -> list[dict]:
    a = adapters()
    from chalicelib.adapters.dynamo import from_item

    page = a.complaints._client.query(
        TableName=a.settings.table_name, ConsistentRead=True,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues=to_item({":pk": f"COMPLAINT#{complaint_id}", ":p": "OUTBOX#"}))
    return [from_item(i) for i in page["Items"]]


def assert_delivered_exactly_once(api, complaint_ids) -> list[dict]:
    """Every outbox item is done, and SNS sent exactly one message per notification item (its recorded
    message id), none missing and none twice. Returns the messages of these complaints."""
    a = adapters()
    assert a.outbox.pending(utcnow() + timedelta(days=400)) == []
    messages = [m for m in api.outbox() if m["complaint_id"] in set(complaint_ids)]
    for cid in set(complaint_ids):
        items = outbox_items(cid)
        assert items and all(i["status"] == "done" for i in items), items
        notify = [i for i in items if i["kind"] == "notify"]
        published = Counter(m["message_id"] for m in messages if m["complaint_id"] == cid and m["channel"] == "sms")
        assert sorted(published) == sorted(i["result"] for i in notify), (cid, published, notify)
        assert set(published.values()) <= {1}  # one SMS per publish (each staff member has one phone)
        sent = Counter((m["event"], m["recipient"]) for m in messages if m["complaint_id"] == cid
                       and m["channel"] == "sms")
        assert sent == Counter((i["event"], i["recipient"]) for i in notify)
        texted = [i for i in items if i["kind"] == "customer" and i["channel"] == "sms" and i["result"] != "opted_out"]
        assert all("customer_text" not in i for i in items), "a sent message keeps its text (the access code)"
        ids = Counter(m["message_id"] for m in customer_sms())
        assert [ids[i["result"]] for i in texted] == [1] * len(texted), (cid, texted)
    return messages


def customer_sms() -> list[dict]:
    """Every SMS published straight to a phone number, as moto recorded it (message_id, phone_number, message)."""
    import requests

    data = requests.get(f"{adapters().settings.endpoint_url}/moto-api/data.json", timeout=10).json()
    return data["sns"].get("SMS", [])


def _whole_second_after(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def assert_schedules_match(complaint_ids) -> None:
    """Exactly one schedule per clock that should fire, at the time the complaint says; none else."""
    a = adapters()
    scheduled: dict[tuple[str, str], list[datetime]] = {}
    for s in LocalScheduler.of_app().due(utcnow() + timedelta(days=400)):
        scheduled.setdefault((s["input"]["complaint_id"], s["input"]["clock"]), []).append(s["at"])
    for cid in set(complaint_ids):
        complaint = a.complaints.get(cid)
        for clock, deadline in complaint.deadlines.items():
            wanted = [_whole_second_after(deadline.timer_at)] if deadline.timer_at else []
            assert scheduled.pop((cid, clock.value), []) == wanted, (cid, clock)
    assert not {k: v for k, v in scheduled.items() if k[0] in set(complaint_ids)}


def assert_stats_match(api, complaint_ids) -> dict:
    """The running sums equal the sums of the complaints as they are now: nothing counted twice or missed."""
    a = adapters()
    complaints = a.complaints.get_many(list(set(complaint_ids)))
    expected, days = Counter(), set()
    for complaint in complaints:
        for (day, dimension, _), sums in stats.contribution(complaint).items():
            if dimension == stats.ALL:
                expected.update(sums)
                days.add(day)
    response = api.call("GET", f"/api/v1/staff/stats?from={min(days)}&to={max(days)}&by=category",
                        user="manager1")
    assert response.status_code == 200, response.body
    total = response.data["total"]
    assert total == {k: v for k, v in vars(stats.Figures.of(expected)).items()}, (total, expected)
    assert total["count"] == len(complaints)
    return total


def assert_all_well(api, complaint_ids) -> None:
    settle(api)
    assert_stored_once(api, complaint_ids)
    assert_delivered_exactly_once(api, complaint_ids)
    assert_schedules_match(complaint_ids)
    assert_stats_match(api, complaint_ids)
