from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters.outbox import outbox_items
from chalicelib.domain.deliveries import Notification
from chalicelib.services import delivery
from chalicelib.wiring import adapters

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def put_notification(a, n=0):
    item = outbox_items("COMPLAINT#C-20261124-AAAAAA", "C-20261124-AAAAAA", [Notification("sales_cs", "assigned", "新投诉")],
                        NOW, 1, tag=str(n))[0]
    from chalicelib.adapters.dynamo import to_item
    a.complaints._client.put_item(TableName=a.settings.table_name, Item=to_item(item))
    return item["pk"], item["sk"]


def published(stack) -> int:
    import requests
    topics = requests.get(f"{stack['AWS_ENDPOINT_URL']}/moto-api/data.json").json()["sns"]["Topic"]
    return sum(len(t["sent_notifications"]) for t in topics)


def test_an_item_is_published_once_however_often_it_is_delivered(stack):
    a = adapters()
    key = put_notification(a)
    assert delivery.deliver(key, a, NOW) is True
    assert delivery.deliver(key, a, NOW + timedelta(minutes=5)) is False
    assert published(stack) == 1
    assert a.outbox.pending(NOW + timedelta(days=1)) == []


def test_an_item_leased_to_another_worker_is_left_to_it(stack):
    a = adapters()
    key = put_notification(a)
    assert a.outbox.claim(key, NOW) is not None
    assert delivery.deliver(key, a, NOW + timedelta(seconds=10)) is False
    assert delivery.deliver(key, a, NOW + timedelta(minutes=2)) is True  # the lease ran out


def test_a_failed_publish_stays_pending_and_the_sweeper_delivers_it_later(stack, monkeypatch):
    a = adapters()
    key = put_notification(a)
    original = a.notifier.publish

    def broken(*args, **kwargs):
        raise ConnectionError("sns down")

    monkeypatch.setattr(a.notifier, "publish", broken)
    with pytest.raises(ConnectionError):
        delivery.deliver(key, a, NOW)
    assert a.outbox.pending(NOW + timedelta(minutes=5)) == [key]
    monkeypatch.setattr(a.notifier, "publish", original)
    assert delivery.sweep(a, NOW + timedelta(minutes=5)) == 1
    assert published(stack) == 1
