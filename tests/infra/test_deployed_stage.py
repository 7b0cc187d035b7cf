"""A deployed stage (dev, prod) has no /dev/... routes: the Lambda app (app.py) holds none, and where the
local runner adds them (infra/dev_routes.py) they answer 404 outside the local stage and touch nothing."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.reset import reset

ROOT = Path(__file__).resolve().parents[2]


def call(stage: str, method: str, path: str, body: str = ""):
    from chalice.test import Client

    from infra.dev_routes import local_app

    reset()  # settings are read once per process; the stage's variables change here
    with Client(local_app(), stage_name=stage) as client:
        response = client.http.request(method, path, headers={"Content-Type": "application/json"},
                                       body=body.encode())
    reset()
    return response


def test_the_lambda_app_has_no_dev_route():
    # a fresh interpreter: this one may have added them already (infra.dev_routes.local_app)
    done = subprocess.run([sys.executable, "-c", "import json; from app import app; print(json.dumps(sorted(app.routes)))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    routes = json.loads(done.stdout)
    assert "/api/v1/complaints" in routes and not [p for p in routes if p.startswith("/dev")]


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
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in ("dev", "prod"):
        assert config["stages"][stage]["environment_variables"]["STAGE"] == stage


def _schedules(stack) -> list[str]:
    from chalicelib import clients

    scheduler = clients.client("scheduler")
    return [s["Name"] for s in scheduler.list_schedules(GroupName=stack["SCHEDULE_GROUP"])["Schedules"]]
