"""A delivery that stalls past its outbox lease neither sends again what another delivery sent, nor marks
done over that delivery's lease. The lease is shortened to one second so that a stall is a short sleep."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from chalicelib.adapters.dynamo import from_item, to_item
from chalicelib.adapters.outbox import outbox_items
from chalicelib.domain.deliveries import Notification
from chalicelib.services import delivery
from chalicelib.wiring import adapters

LEASE = timedelta(seconds=1)
STALL = 1.2  # seconds: longer than the lease


@pytest.fixture
def a(stack, monkeypatch):
    monkeypatch.setattr("chalicelib.adapters.outbox.LEASE", LEASE)
    return adapters()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def put_notification(a, n: int = 0) -> tuple[str, str]:
    item = outbox_items("COMPLAINT#C-20261201-AAAAAA", "C-20261201-AAAAAA", [Notification("sales_cs", "assigned", "新投诉 C-20261201-AAAAAA")],
                        utcnow(), 1, tag=str(n))[0]
    a.complaints._client.put_item(TableName=a.settings.table_name, Item=to_item(item))
    return item["pk"], item["sk"]


def stored(a, key) -> dict:
    return from_item(a.complaints._client.get_item(
        TableName=a.settings.table_name, Key=to_item({"pk": key[0], "sk": key[1]}), ConsistentRead=True)["Item"])


def published(stack) -> list[str]:
    topics = requests.get(f"{stack['AWS_ENDPOINT_URL']}/moto-api/data.json", timeout=10).json()["sns"]["Topic"]
    return [n[0] for t in topics for n in t["sent_notifications"]]  # message ids


def once(action):
    """Run `action` the first time only (the stall strikes the first deliverer, not the second)."""
    done = []

    def run() -> None:
        if not done:
            done.append(True)
            action()
    return run


def test_a_delivery_stalled_past_its_lease_after_the_claim_does_not_publish_what_another_sent(a, stack,
                                                                                             monkeypatch):
    # GIVEN a first deliverer that claims, then stalls past its lease while a second one delivers
    key = put_notification(a)
    claim = a.outbox.claim

    def second_delivers() -> None:
        time.sleep(STALL)
        assert delivery.deliver(key, a, utcnow()) is True

    stall = once(second_delivers)

    def claim_then_stall(*args, **kwargs):
        item = claim(*args, **kwargs)
        stall()
        return item

    monkeypatch.setattr(a.outbox, "claim", claim_then_stall)
    # WHEN the first deliverer goes on
    delivery.deliver(key, a, utcnow())
    # THEN the notification went out once, as the second deliverer recorded it
    assert len(published(stack)) == 1
    assert stored(a, key)["status"] == "done" and stored(a, key)["result"] == published(stack)[0]


def test_a_delivery_whose_publish_outlived_its_lease_does_not_mark_done_over_the_next_one(a, stack, monkeypatch,
                                                                                         caplog):
    # GIVEN a first deliverer whose publish is slow: its lease runs out, a second one claims and delivers
    key = put_notification(a)
    publish = a.notifier.publish
    second = []

    def second_delivers() -> None:
        time.sleep(STALL)
        assert delivery.deliver(key, a, utcnow()) is True
        second.append(stored(a, key)["result"])

    stall = once(second_delivers)

    def slow_publish(*args, **kwargs):
        stall()
        return publish(*args, **kwargs)

    monkeypatch.setattr(a.notifier, "publish", slow_publish)
    # WHEN the first publish comes back at last
    with caplog.at_level(logging.WARNING, logger="chalicelib.services.delivery"):
        marked_done = delivery.deliver(key, a, utcnow())
    # THEN the item keeps the second deliverer's record, and the likely duplicate is logged without its text
    assert stored(a, key)["result"] == second[0]
    assert marked_done is False
    assert len(published(stack)) == 2  # SNS has no deduplication: this one could not be prevented
    assert "possible duplicate" in caplog.text
    assert "新投诉" not in caplog.text and "sales_cs" not in caplog.text


def test_an_item_claimed_late_in_a_batch_holds_a_whole_lease_from_its_claim(a, stack, monkeypatch):
    # GIVEN two items in one sweep, the first of which takes longer to publish than a lease
    keys = [put_notification(a, 0), put_notification(a, 1)]
    publish = a.notifier.publish
    lease_left_at_publish = []

    def slow_then_observe(*args, **kwargs):
        if not lease_left_at_publish:
            lease_left_at_publish.append(None)
            time.sleep(STALL)
        else:
            item = next(stored(a, k) for k in keys if stored(a, k)["status"] == "pending")
            lease_left_at_publish.append(datetime.fromisoformat(item["lease_until"]) - utcnow())
        return publish(*args, **kwargs)

    monkeypatch.setattr(a.notifier, "publish", slow_then_observe)
    # WHEN the sweep runs
    assert delivery.deliver_pending(a, utcnow()) == 2
    # THEN the second item was still leased while it was published
    assert lease_left_at_publish[1] > timedelta(0)
    assert len(published(stack)) == 2
