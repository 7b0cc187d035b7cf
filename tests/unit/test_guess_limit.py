"""The quotas a status look-up takes from: one per client address and window, one per complaint and day."""
from datetime import datetime, timezone

from chalicelib.domain.access import GuessLimit, client_tag

NOW = datetime(2026, 11, 24, 15, 50, tzinfo=timezone.utc)  # 23:50 in Shanghai


def test_a_look_up_takes_from_its_address_window_and_from_the_complaint_day_ending_at_shanghai_midnight():
    window, day = GuessLimit().quotas("C-20261124-7KQ3XZ", "tag", NOW)
    assert (window.client, window.limit, window.ends) == ("tag", 5, datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc))
    assert (day.client, day.limit, day.period) == (None, 50, "2026-11-24")
    assert day.ends == datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc) and day.seconds_left(NOW) == 600


def test_an_address_is_kept_only_as_a_short_keyed_hash():
    tag = client_tag("secret", "203.0.113.5")
    assert tag == client_tag("secret", "203.0.113.5") != client_tag("other secret", "203.0.113.5")
    assert len(tag) == 20 and set(tag) <= set("0123456789abcdef")
