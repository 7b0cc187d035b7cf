"""A deployed stage (dev, prod) has no /dev/... routes: they answer 404 and touch nothing."""
import pytest

from chalicelib import clients


def call(stage: str, method: str, path: str, body: str = ""):
    from chalice.test import Client

    from app import app

    clients.reset()  # settings are read once per process; the stage's variables change here
    with Client(app, stage_name=stage) as client:
        response = client.http.request(method, path, headers={"Content-Type": "application/json"},
                                       body=body.encode())
    clients.reset()
    return response


@pytest.mark.parametrize("stage", ["dev", "prod"])
@pytest.mark.parametrize("method, path, body", [
    ("GET", "/dev/outbox", ""),
    ("POST", "/dev/scheduler/fire", '{"until": "2099-01-01T00:00:00+00:00"}'),
])
def test_a_deployed_stage_answers_404_on_the_dev_routes(stack, stage, method, path, body):
    fired_before = _schedules(stack)
    response = call(stage, method, path, body)
    assert response.status_code == 404, response.body
    assert _schedules(stack) == fired_before


def test_the_local_stage_serves_them(stack):
    assert call("local", "GET", "/dev/outbox").status_code == 200


def test_the_stage_variable_comes_from_the_chalice_config_of_each_stage():
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).resolve().parents[2] / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        assert config["stages"][stage]["environment_variables"]["STAGE"] == stage


def _schedules(stack) -> list[str]:
    scheduler = clients.client("scheduler")
    return [s["Name"] for s in scheduler.list_schedules(GroupName=stack["SCHEDULE_GROUP"])["Schedules"]]
