"""Wrong access codes are counted per complaint and client address, within a daily cap per complaint:
a guesser locks out only their own address, and the customer with the right code is never throttled."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters.dynamo import from_item, to_item
from chalicelib.wiring import adapters
from tests.real_cases import BLADE

TEN_AM_SHANGHAI = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
SHANGHAI_MIDNIGHT = datetime(2026, 11, 24, 16, 0, tzinfo=timezone.utc)


@pytest.fixture
def at(monkeypatch):
    """Set the time the status route sees."""
    def set_time(moment: datetime) -> None:
        monkeypatch.setattr("chalicelib.handlers.public.now", lambda: moment)
    return set_time


@pytest.fixture
def from_address(monkeypatch):
    """Set the client address (requestContext.identity.sourceIp) the Chalice test client sends."""
    def set_address(ip: str) -> None:
        monkeypatch.setattr("chalice.local.LambdaEventConverter.LOCAL_SOURCE_IP", ip)
    return set_address


def look_up(api, receipt, code):
    return api.call("GET", receipt["status_url"], headers={"X-Access-Code": code})


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 10**6:06d}"


def test_another_address_with_the_right_code_is_answered_while_a_guessing_address_is_locked_out(
        api, from_address):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    from_address("203.0.113.5")
    assert [look_up(api, receipt, wrong(receipt["access_code"], n)).status_code for n in range(1, 7)] == \
        [404] * 5 + [429]
    refused = look_up(api, receipt, receipt["access_code"])
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    from_address("198.51.100.20")
    assert look_up(api, receipt, receipt["access_code"]).status_code == 200


def test_the_right_code_ten_times_in_a_row_from_one_address_is_never_throttled(api, from_address):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    from_address("203.0.113.9")
    assert look_up(api, receipt, wrong(receipt["access_code"])).status_code == 404  # one typo first
    assert [look_up(api, receipt, receipt["access_code"]).status_code for _ in range(10)] == [200] * 10


def test_fifty_wrong_codes_a_day_from_all_addresses_refuse_the_complaint_until_the_day_ends(
        api, from_address, at):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    at(TEN_AM_SHANGHAI)
    answers = []
    for address in range(10):  # 5 each: no address is over its own limit
        from_address(f"192.0.2.{address + 1}")
        answers += [look_up(api, receipt, wrong(receipt["access_code"], n + 1)).status_code for n in range(5)]
    assert answers == [404] * 50
    from_address("198.51.100.77")
    refused = look_up(api, receipt, receipt["access_code"])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == (SHANGHAI_MIDNIGHT - TEN_AM_SHANGHAI).total_seconds()
    at(SHANGHAI_MIDNIGHT + timedelta(seconds=1))
    assert look_up(api, receipt, receipt["access_code"]).status_code == 200


def test_the_client_address_is_stored_only_as_a_keyed_hash(api, from_address):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    from_address("203.0.113.66")
    look_up(api, receipt, wrong(receipt["access_code"]))
    a = adapters()
    page = a.complaints._client.query(
        TableName=a.settings.table_name, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues=to_item({":pk": f"ATTEMPTS#{receipt['complaint_id']}"}))
    items = [from_item(i) for i in page["Items"]]
    assert items and "203.0.113.66" not in repr(items) and "203-0-113-66" not in repr(items)
