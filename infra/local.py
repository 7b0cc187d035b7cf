"""`make run`: the whole system on one machine, no AWS account.

Three processes, as the parts are apart in AWS: the local AWS (moto in server mode,
`infra/local_aws.py`), this one (every resource created with its demo data, then the Chalice
app served), and the pump (`infra/pump.py`: stream records and due schedules handed to the
app's own handlers, at lower priority). Stopping this process stops the other two.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import HTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class RoomyThreadedServer(ThreadingMixIn, HTTPServer):
    """Chalice's threaded server with a deeper accept queue, so bursts are not reset."""

    daemon_threads = True
    request_queue_size = 1024


def start_local_aws(host: str, port: int, seconds: float = 60) -> subprocess.Popen:
    """moto in its own process; returns once it answers."""
    from infra.local_aws import SENT_PATH

    process = subprocess.Popen([sys.executable, "-m", "infra.local_aws", host, str(port)], cwd=ROOT)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://{host}:{port}{SENT_PATH}", timeout=1).close()
            return process
        except urllib.error.HTTPError:  # answered (no topic named): up
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the local AWS (moto) did not come up")


def serve_app(host: str, port: int):
    """The Chalice app, with the dev routes, behind Chalice's local gateway (it runs built-in authorizers)."""
    from chalice.config import Config
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    from infra import local_gateway

    local_gateway.apply()

    sys.path.insert(0, str(ROOT))
    from infra.dev_routes import local_app

    app = local_app()

    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)  # what `chalice local` does: per-thread request
    app.__class__ = CustomLocalChalice
    config = Config.create(chalice_stage="local", app_name="complaints", chalice_app=app,
                           project_dir=str(ROOT), lambda_timeout=60)
    return LocalDevServer(app, config, host, port, server_cls=RoomyThreadedServer)


def start(host: str = "127.0.0.1", moto_port: int = 5000, app_port: int = 8000,
          demo: bool = True) -> tuple[Any, list[subprocess.Popen], dict[str, str]]:
    """Start everything; returns (app server, child processes to stop, last first; environment)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    aws = start_local_aws(host, moto_port)
    try:
        from infra import local_stack

        env = local_stack.bootstrap(f"http://{host}:{moto_port}", demo=demo)
        env["PUBLIC_BASE_URL"] = f"http://{host}:{app_port}"  # the links in the customer's SMS
        os.environ.update(env)
        pump = subprocess.Popen([sys.executable, "-m", "infra.pump"], cwd=ROOT, env=dict(os.environ))
    except BaseException:
        aws.kill()
        raise
    from chalicelib.reset import reset

    reset()
    app_server = serve_app(host, app_port)
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    return app_server, [pump, aws], env


def banner(host: str, app_port: int, moto_port: int) -> str:
    from infra.local_stack import DEMO_PASSWORD, STAFF

    logins = "\n".join(f"    {m.username:<10} {'/'.join(sorted(m.roles)):<8} {m.name}" for m in STAFF)
    base = f"http://{host}:{app_port}"
    return f"""
Complaint system running (stage local, no AWS account needed)
  public form     {base}/
  staff console   {base}/console
  API             {base}/api/v1/openapi.json
  dev outbox      {base}/dev/outbox      (SMS and e-mails that would have been sent)
  local AWS       http://{host}:{moto_port}   (moto server)
  demo logins (password for all: {DEMO_PASSWORD}, local stack only):
{logins}
Press Ctrl+C to stop.
"""


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    host = os.environ.get("HOST", "127.0.0.1")
    moto_port = int(os.environ.get("MOTO_PORT", "5000"))
    app_port = int(os.environ.get("PORT", "8000"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a supervisor: clean up as on Ctrl+C
    app_server, children, env = start(host, moto_port, app_port)
    try:
        Path(ROOT / ".local-stack.json").write_text(json.dumps(env, indent=2))
        print(banner(host, app_port, moto_port), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        app_server.shutdown()
        for child in children:  # the pump before the AWS it talks to
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


if __name__ == "__main__":
    main()
