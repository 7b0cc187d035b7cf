"""The packaged prod stage, built and linted once for every test of tests/infra that reads it."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGE = "prod"


@pytest.fixture(scope="session")
def packaged():
    """`make lint STAGE=prod`: build/prod/sam.json and deployment.zip, cfn-lint and checkov clean."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT", "MAKE", "MFLAGS"))}
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    run = subprocess.run(["make", "--no-print-directory", "lint", f"STAGE={STAGE}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, f"make lint failed:\n{run.stdout[-6000:]}\n{run.stderr[-6000:]}"
    assert "Failed checks: 0" in run.stdout, run.stdout[-3000:]
    build = ROOT / "build" / STAGE
    text = (build / "sam.json").read_text()
    return {"template": json.loads(text), "text": text, "path": build / "sam.json",
            "zip": build / "deployment.zip", "output": run.stdout}
