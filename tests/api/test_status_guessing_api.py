"""The public status look-up cannot be used to guess access codes, and ids give nothing away."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from tests.real_cases import BLADE, ODOR


def look_up(api, receipt, code):
    return api.call("GET", receipt["status_url"], headers={"X-Access-Code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_after_five_wrong_codes_the_complaint_refuses_even_the_right_one_for_a_while(api, monkeypatch):
    receipt = api.call("POST", "/api/v1/complaints", BLADE).data
    other = api.call("POST", "/api/v1/complaints", ODOR).data
    for _ in range(5):
        assert look_up(api, receipt, wrong(receipt["access_code"])).status_code == 404
    refused = look_up(api, receipt, receipt["access_code"])
    assert refused.status_code == 429 and refused.data["error"]["code"] == "too_many_attempts"
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert look_up(api, other, other["access_code"]).status_code == 200  # only the guessed one is locked
    later = datetime.now(timezone.utc) + timedelta(minutes=16)
    monkeypatch.setattr("chalicelib.handlers.public.now", lambda: later)
    assert look_up(api, receipt, receipt["access_code"]).status_code == 200


def test_guessing_unknown_ids_is_limited_the_same_way(api):
    unknown = {"status_url": "/api/v1/complaints/C-20261124-ZZZZZZ/status"}
    answers = [look_up(api, unknown, "123456").status_code for _ in range(6)]
    assert answers == [404] * 5 + [429]


def test_ids_carry_only_the_day_and_a_random_part(api):
    ids = [api.call("POST", "/api/v1/complaints", ODOR).data["complaint_id"] for _ in range(3)]
    assert all(re.fullmatch(r"C-\d{8}-[0-9A-HJKMNP-TV-Z]{6}", i) for i in ids)
    assert len({i[:10] for i in ids}) == 1 and len({i[11:] for i in ids}) == 3
