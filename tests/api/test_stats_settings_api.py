"""Statistics parameters and cluster settings, each on a fresh stack."""
from __future__ import annotations

import pytest

from tests.real_cases import BLADE


@pytest.mark.parametrize("query, field", [("by=colour", "by"), ("from=2026-13-01", "from"),
                                          ("from=2026-11-02&to=2026-11-01", "to"), ("period=week", "period")])
def test_bad_stats_parameters_name_the_parameter(api, query, field):
    response = api.call("GET", f"/api/v1/staff/stats?{query}", user="manager1")
    assert response.status_code == 400 and response.data["error"]["fields"][0]["field"] == field


def test_the_threshold_and_window_are_settings(api, monkeypatch):
    from chalicelib.reset import reset

    monkeypatch.setenv("CLUSTER_THRESHOLD", "2")
    reset()
    assert api.call("POST", "/api/v1/complaints", BLADE).status_code == 201
    api.pump.drain_stream()
    assert api.call("GET", "/api/v1/staff/alerts", user="manager1").data["items"] == []
    assert api.call("POST", "/api/v1/complaints", BLADE).status_code == 201
    api.pump.drain_stream()
    alert = api.call("GET", "/api/v1/staff/alerts", user="manager1").data
    lots = [(a["batch"], a["production_date"], a["shared"], a["count"]) for a in alert["items"]]
    assert alert["threshold"] == 2 and lots == [("080520-2", "2008-05-20", ["batch", "production_date"], 2)]
