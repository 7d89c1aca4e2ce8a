"""Child process entry: run the app's set-up hook, then serve the app on loopback: a WSGI app
under waitress, an ASGI app (FastAPI, Starlette, Django's ASGI handler) under uvicorn.

Started by :class:`apiscribe.recording.server.AppServer`; not meant to be run by hand::

    python -m apiscribe.recording.app_process --app refapi.wsgi:application \\
        --setup refapi.seed:setup

It binds port 0 on 127.0.0.1 and prints ``APISCRIBE-LISTENING <port>`` once it listens;
SIGTERM and SIGINT stop it.
"""

from __future__ import annotations

import argparse
import inspect
import signal
import socket
import sys
from typing import Any

from ..imports import import_object

READY = "APISCRIBE-LISTENING"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apiscribe.recording.app_process")
    parser.add_argument("--app", required=True,
                        help="WSGI or ASGI application, as module:attribute")
    parser.add_argument("--setup", default="", help="set-up callable run before serving")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    if args.setup:
        import_object(args.setup)()
    app = import_object(args.app)
    if is_asgi(app):
        serve_asgi(app, args.host)
    else:
        serve_wsgi(app, args.host, args.threads)
    return 0


def is_asgi(app: Any) -> bool:
    """Whether ``app`` is an ASGI application (an async callable), not a WSGI one."""
    call = type(app).__call__ if not inspect.isroutine(app) else app
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(call)


def serve_wsgi(app: Any, host: str, threads: int) -> None:
    import waitress

    server = waitress.create_server(app, host=host, port=0, threads=threads)

    def stop(signum: int, frame: object) -> None:
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"{READY} {server.effective_port}", flush=True)
    server.run()


def serve_asgi(app: Any, host: str) -> None:
    try:
        import uvicorn
    except ImportError:
        sys.exit("an ASGI app is served with uvicorn: pip install 'apiscribe[fastapi]'")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    listener.listen(128)
    config = uvicorn.Config(app, log_level="warning", lifespan="auto", access_log=False)
    server = uvicorn.Server(config)
    print(f"{READY} {listener.getsockname()[1]}", flush=True)
    server.run(sockets=[listener])  # uvicorn stops on SIGTERM and SIGINT itself


if __name__ == "__main__":
    sys.exit(main())
