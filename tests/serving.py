"""``mkdocs serve`` for the tests that watch a served site change: started on 127.0.0.1 in a
project folder, waited for, and stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

MKDOCS = Path(sys.executable).with_name("mkdocs")


def env() -> dict[str, str]:
    """The environment, with this Python's scripts first on PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
            f"{os.environ.get('PATH', '')}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def mkdocs_serve(root: Path, log: Path, *options: str) -> Iterator[str]:
    """``mkdocs serve`` in ``root``, its output in ``log``: yields the site's URL, and stops
    the server (printing the end of its output, which pytest shows on failure)."""
    port = free_port()
    with log.open("wb") as output:
        server = subprocess.Popen([str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}", *options],
                                  cwd=root, env=env(), stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        print(log.read_text(encoding="utf-8", errors="replace")[-3000:])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def wait_for(url: str, text: str, seconds: float) -> bool:
    """Whether ``url`` serves ``text`` within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if text in fetch(url):
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False
