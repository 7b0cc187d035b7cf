"""Cold start, the app: a fresh process imports the Lambda entry module and answers one submission.

Run by bench/run.py with the stack's environment; prints one JSON line with its own timings.
"""
import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # Lambda puts the deployment package (app.py at its root) on the path

from app import app  # noqa: E402  the handler module Lambda imports

IMPORTED = time.perf_counter()
event = json.loads(sys.argv[1])
response = app(event, None)
ANSWERED = time.perf_counter()
print(json.dumps({"status": response["statusCode"], "import_s": IMPORTED - STARTED,
                  "answer_s": ANSWERED - IMPORTED, "body": response["body"][:200]}), flush=True)
