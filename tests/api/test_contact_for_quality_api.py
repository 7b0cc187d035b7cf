"""Quality sees the complainant's name and phone only when it asks, and the asking is in the history (18.11)."""
from __future__ import annotations

from tests.api.test_admin_api import ok
from tests.real_cases import BLADE


def test_quality_sees_the_contact_masked_until_it_asks_and_the_asking_is_recorded(api):
    cid = ok(api.call("POST", "/api/v1/complaints", BLADE), 201)["complaint_id"]
    masked = ok(api.call("GET", f"/api/v1/staff/complaints/{cid}", user="quality1"))
    assert masked["contact_hidden"] is True
    assert masked["customer"]["name"] == "张**" and masked["customer"]["phone"] == "*" * 10 + "8000"
    assert "13800138000" not in str(masked)
    for row in (ok(api.call("GET", "/api/v1/staff/complaints?limit=5", user="quality1"))["items"]
                + ok(api.call("GET", f"/api/v1/staff/search?q={cid}", user="quality1"))["items"]):
        assert row["customer"]["name"] == "张**"
    shown = ok(api.call("GET", f"/api/v1/staff/complaints/{cid}?reveal=contact", user="quality1"))
    assert shown["contact_hidden"] is False and shown["customer"]["phone"] == "+8613800138000"
    assert [h["actor"] for h in shown["history"] if h["action"] == "contact_viewed"] == ["quality1"]
    for user in ("service1", "manager1", "leader1", "admin1"):
        seen = ok(api.call("GET", f"/api/v1/staff/complaints/{cid}", user=user))
        assert seen["contact_hidden"] is False and seen["customer"]["name"] == "张先生", user
    again = ok(api.call("GET", f"/api/v1/staff/complaints/{cid}?reveal=contact", user="manager1"))
    assert len([h for h in again["history"] if h["action"] == "contact_viewed"]) == 1  # who sees it anyway: no entry
