"""Carrying out the outbox, against fakes: every notification once, a failure retried until it works."""
from __future__ import annotations

import pytest

from chalicelib.services import delivery
from chalicelib.services.intake import Submission, submit
from tests.services.conftest import NOW, odor
from tests.services.fakes import later


def recorded(fakes):
    return submit(Submission(odor(), [], "public", None), fakes, NOW)["complaint_id"]


def test_each_item_is_carried_out_once_however_often_it_is_delivered(fakes):
    cid = recorded(fakes)
    for _ in range(3):
        for key in list(fakes.outbox.inserted):
            delivery.deliver(key, fakes, NOW)
    assert [(r, e, c) for r, e, c, _ in fakes.notifier.sent] == [("sales_cs", "assigned", cid)]
    assert (cid, "first_contact") in fakes.timers.schedules


def test_a_failed_publish_is_left_pending_and_sent_once_by_the_sweeper(fakes):
    recorded(fakes)
    fakes.notifier.failing = 1
    with pytest.raises(ConnectionError):
        delivery.deliver(fakes.outbox.inserted[0], fakes, NOW)
    assert fakes.notifier.sent == []
    assert delivery.sweep(fakes, later(NOW, minutes=5)) >= 1
    assert delivery.sweep(fakes, later(NOW, minutes=10)) == 0
    assert len(fakes.notifier.sent) == 1


def test_an_item_leased_to_another_delivery_is_left_to_it(fakes):
    recorded(fakes)
    key = fakes.outbox.inserted[0]
    assert fakes.outbox.claim(key, NOW) is not None
    assert delivery.deliver(key, fakes, later(NOW, seconds=10)) is False
    assert delivery.deliver(key, fakes, later(NOW, minutes=2)) is True
