"""What each clock has left, in its own unit, as the detail and the queue rows give it to the console."""
from __future__ import annotations

from datetime import UTC, datetime

from tests.api.test_admin_api import ok
from tests.real_cases import BLADE, SEAL_OPEN


def test_the_detail_and_the_queue_say_what_each_clock_has_left_in_its_unit(api):
    normal = ok(api.call("POST", "/api/v1/complaints", {**SEAL_OPEN, "customer": {
        **SEAL_OPEN["customer"], "account_id": None}}), 201)["complaint_id"]
    critical = ok(api.call("POST", "/api/v1/complaints", BLADE), 201)["complaint_id"]
    detail = ok(api.call("GET", f"/api/v1/staff/complaints/{normal}", user="service1"))
    left = detail["deadlines"]["first_contact"]["left"]
    assert detail["severity"] == "normal"
    assert left["unit"] == "business_hours" and 0 < left["amount"] <= 9 and left["business_day_hours"] == 9
    blade = ok(api.call("GET", f"/api/v1/staff/complaints/{critical}", user="service1"))
    assert blade["deadlines"]["first_contact"]["left"]["unit"] == "hours"
    due = datetime.fromisoformat(blade["deadlines"]["first_contact"]["due_at"])
    wall_hours = (due - datetime.now(UTC)).total_seconds() / 3600
    assert abs(blade["deadlines"]["first_contact"]["left"]["amount"] - wall_hours) < 0.05
    rows = ok(api.call("GET", "/api/v1/staff/complaints?limit=10", user="service1"))["items"]
    row = next(r for r in rows if r["complaint_id"] == normal)
    assert row["left"]["first_contact"]["unit"] == "business_hours"
    contacted = ok(api.call("POST", f"/api/v1/staff/complaints/{normal}/actions",
                            {"action": "contact", "note": "已联系"}, user=detail["assignee"]))
    resolution = contacted["deadlines"]["resolution"]["left"]
    assert resolution["unit"] == "business_days" and 6 < resolution["amount"] <= 7
    assert "left" not in contacted["deadlines"]["first_contact"]  # stopped: nothing left to count
