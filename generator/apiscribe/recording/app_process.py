"""Child process entry: run the app's set-up hook, then serve it with waitress on loopback.

Started by :class:`apiscribe.recording.server.AppServer`; not meant to be run by hand::

    python -m apiscribe.recording.app_process --app refapi.wsgi:application \\
        --setup refapi.seed:setup

It binds port 0 on 127.0.0.1 and prints ``APISCRIBE-LISTENING <port>`` once it listens.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from typing import Any

READY = "APISCRIBE-LISTENING"


def import_object(spec: str) -> Any:
    """Import ``module:attribute`` (``module.attr`` paths after the colon are followed)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected 'module:attribute', got {spec!r}")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apiscribe.recording.app_process")
    parser.add_argument("--app", required=True, help="WSGI application, as module:attribute")
    parser.add_argument("--setup", default="", help="set-up callable run before serving")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)

    import waitress

    if args.setup:
        import_object(args.setup)()
    app = import_object(args.app)
    server = waitress.create_server(app, host=args.host, port=0, threads=args.threads)

    def stop(signum: int, frame: object) -> None:
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"{READY} {server.effective_port}", flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
