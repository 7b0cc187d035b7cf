"""What a cold start loads: the Lambda entry module and a public submission's validation, in a fresh
interpreter, leave the staff models, the OpenAPI document, the admin service, phonenumbers and openpyxl for the
requests that need them (bench/README.md has the cold start figures)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADED_ON_DEMAND = ("chalicelib.api.staff_models", "chalicelib.api.openapi", "chalicelib.services.admin",
                    "phonenumbers", "openpyxl")
COLD_START = f"""
import json, sys
from app import app
from chalicelib.api import errors, models
from tests.real_cases import BLADE
errors.parse_body(models.PublicComplaintIn, json.dumps(BLADE), "zh")
print(json.dumps([name for name in {LOADED_ON_DEMAND!r} if name in sys.modules]))
"""


def test_a_public_cold_start_loads_nothing_it_does_not_use():
    done = subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []

