"""`make run`: the whole system on one machine, no AWS account.

Starts moto in server mode, creates every resource with its demo data, serves the
Chalice app, and pumps stream records and due schedules into the app's own handlers.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from http.server import HTTPServer

ROOT = Path(__file__).resolve().parent.parent


class RoomyThreadedServer(ThreadingMixIn, HTTPServer):
    """Chalice's threaded server with a deeper accept queue, so bursts are not reset."""

    daemon_threads = True
    request_queue_size = 1024


def start_moto(host: str, port: int):
    from moto.server import ThreadedMotoServer

    from infra import moto_patches

    moto_patches.apply()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    return server


def serve_app(host: str, port: int):
    """The Chalice app behind Chalice's local gateway (it runs built-in authorizers)."""
    from chalice.config import Config
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    from infra import local_gateway

    local_gateway.apply()

    sys.path.insert(0, str(ROOT))
    from app import app

    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)  # what `chalice local` does: per-thread request
    app.__class__ = CustomLocalChalice
    config = Config.create(chalice_stage="local", app_name="complaints", chalice_app=app,
                           project_dir=str(ROOT), lambda_timeout=60)
    return LocalDevServer(app, config, host, port, server_cls=RoomyThreadedServer)


def start(host: str = "127.0.0.1", moto_port: int = 5000, app_port: int = 8000, demo: bool = True):
    """Start everything in this process; returns (moto server, app server, stop event, environment)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    moto = start_moto(host, moto_port)
    from infra import local_stack

    env = local_stack.bootstrap(f"http://{host}:{moto_port}", demo=demo)
    os.environ.update(env)
    from chalicelib import clients
    from infra.pump import pump_for_app

    clients.reset()
    app_server = serve_app(host, app_port)
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    stop = threading.Event()
    threading.Thread(target=pump_for_app().run, args=(stop,), daemon=True).start()
    return moto, app_server, stop, env


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
    moto, app_server, stop, env = start(host, moto_port, app_port)
    Path(ROOT / ".local-stack.json").write_text(json.dumps(env, indent=2))
    print(banner(host, app_port, moto_port), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        app_server.shutdown()
        moto.stop()


if __name__ == "__main__":
    main()
