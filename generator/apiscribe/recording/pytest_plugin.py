"""The pytest plugin: examples recorded from the tests a team already runs.

Registered under the ``pytest11`` entry point and off until asked for::

    pytest --apiscribe-record recordings.json

records every request the tests make through a framework's test client, with its response:

- Django's test ``Client`` and DRF's ``APIClient`` (both go through ``Client.request``);
- Flask's test client (``FlaskClient.open``);
- Starlette's and FastAPI's ``TestClient`` (an ``httpx.Client``; its ``send``).

Each exchange remembers the test that made it, and whether that test carries
``@pytest.mark.apiscribe_example``; each test's outcome is kept, so ``generate`` can leave
out what failed tests sent. The file is written once, when the session ends, atomically.
Nothing is redacted here: ``apiscribe generate --recordings`` applies the same redaction and
stand-ins as the live recorder when it reads the file.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ..formats.recordings import dump_recordings, exchange_entry
from ..writer import encode, write_file_atomic

MARKER = "apiscribe_example"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apiscribe", "apiscribe: API docs from the tests' requests")
    group.addoption(
        "--apiscribe-record", metavar="PATH", default=None,
        help="record every request made through a Django, DRF, Flask or Starlette/FastAPI "
        "test client, with its response, into PATH (JSON) for 'apiscribe generate "
        "--recordings PATH'",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: this test's requests are the docs' examples of the endpoints "
        "they call (ahead of the first 2xx exchange of any other test)")
    target = config.getoption("apiscribe_record", default=None)
    if target:
        recorder = Recorder(Path(target))
        config.pluginmanager.register(recorder, "apiscribe-recorder")
        config.add_cleanup(recorder.uninstall)


class Recorder:
    """Collects the exchanges of one test session and writes them when it ends."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.exchanges: list[dict[str, Any]] = []
        self.outcomes: dict[str, str] = {}
        self.test = ""
        self.marked = False
        self._local = threading.local()
        self._undo: list[Callable[[], None]] = []

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Last, once every plugin (pytest-django among them) has set its framework up.
        self.install()

    # -- pytest hooks --------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: object) -> Iterator[None]:
        self.test = item.nodeid
        self.marked = item.get_closest_marker(MARKER) is not None
        self.outcomes.setdefault(item.nodeid, "passed")
        try:
            return (yield)
        finally:
            self.test, self.marked = "", False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.outcomes[report.nodeid] = "failed"
        elif report.skipped and report.when == "setup":
            self.outcomes[report.nodeid] = "skipped"

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        text = dump_recordings(self.outcomes, self.exchanges, datetime.now(UTC))
        self.target.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomic(self.target, encode(text))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line(
            f"apiscribe: {len(self.exchanges)} exchange(s) from "
            f"{len({x['test'] for x in self.exchanges})} test(s) recorded in {self.target}")

    # -- recording -----------------------------------------------------------------------

    def add(self, method: str, target: str, headers: Iterable[tuple[str, str]],
            body: bytes | None, status: int, reason: str,
            response_headers: Iterable[tuple[str, str]], response_body: bytes | None) -> None:
        if not self.test:  # a request made outside any test (a session fixture's setup)
            return
        self.exchanges.append(exchange_entry(self.test, self.marked, method, target, headers,
                                             body, status, reason, response_headers,
                                             response_body))

    def install(self) -> None:
        for patch in (_patch_httpx, _patch_flask, _patch_django):
            undo = patch(self)
            if undo is not None:
                self._undo.append(undo)

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def outermost(self) -> bool:
        """Whether this call is not inside another recorded call (a redirect followed)."""
        return not getattr(self._local, "depth", 0)

    def enter(self) -> None:
        self._local.depth = getattr(self._local, "depth", 0) + 1

    def leave(self) -> None:
        self._local.depth -= 1


def _swap(owner: Any, name: str, make: Callable[[Any], Any]) -> Callable[[], None]:
    original = getattr(owner, name)
    setattr(owner, name, make(original))
    return lambda: setattr(owner, name, original)


def _patch_httpx(recorder: Recorder) -> Callable[[], None] | None:
    try:
        from starlette.testclient import TestClient
    except ImportError:
        return None
    # The HTTP client class TestClient is built on (httpx's, or its successor's).
    base = next((c for c in TestClient.__mro__[1:] if "send" in vars(c)), None)
    if base is None:
        return None

    def make(original: Any) -> Any:
        def send(client: Any, request: Any, **kwargs: Any) -> Any:
            response = original(client, request, **kwargs)
            if isinstance(client, TestClient) and recorder.outermost():
                response.read()
                target = request.url.raw_path.decode("ascii")
                recorder.add(request.method, target, request.headers.multi_items(),
                             request.content, response.status_code, response.reason_phrase,
                             response.headers.multi_items(), response.content)
            return response
        return send

    return _swap(base, "send", make)


def _patch_flask(recorder: Recorder) -> Callable[[], None] | None:
    try:
        from flask.testing import FlaskClient
        from werkzeug.test import Client
    except ImportError:
        return None
    sent: dict[str, bytes] = {}

    def make_run(original: Any) -> Any:
        def run_wsgi_app(client: Any, environ: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            # The app reads the body once: keep a copy, and give it a fresh stream.
            stream = environ.get("wsgi.input")
            data = stream.read() if stream is not None else b""
            environ["wsgi.input"] = io.BytesIO(data)
            sent["body"] = data
            return original(client, environ, *args, **kwargs)
        return run_wsgi_app

    def make_open(original: Any) -> Any:
        def open(client: Any, *args: Any, **kwargs: Any) -> Any:
            outer = recorder.outermost()
            recorder.enter()
            try:
                response = original(client, *args, **kwargs)
            finally:
                recorder.leave()
            request = getattr(response, "request", None)
            if outer and request is not None:
                target = request.full_path.rstrip("?") if request.query_string else request.path
                recorder.add(request.method, target, list(request.headers.items()),
                             sent.pop("body", b""), response.status_code,
                             response.status.partition(" ")[2], list(response.headers.items()),
                             response.get_data())
            return response
        return open

    undo_run = _swap(Client, "run_wsgi_app", make_run)
    undo_open = _swap(FlaskClient, "open", make_open)

    def undo() -> None:
        undo_open()
        undo_run()

    return undo


def _patch_django(recorder: Recorder) -> Callable[[], None] | None:
    try:
        from django.test.client import Client, FakePayload
    except ImportError:
        return None

    def make(original: Any) -> Any:
        def request(client: Any, **environ: Any) -> Any:
            payload = environ.get("wsgi.input")
            body = payload.read() if payload is not None else b""
            if payload is not None:
                environ["wsgi.input"] = FakePayload(body)
            response = original(client, **environ)
            query = environ.get("QUERY_STRING", "")
            target = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
            content = None if getattr(response, "streaming", False) else response.content
            recorder.add(environ.get("REQUEST_METHOD", "GET"), target, _environ_headers(environ),
                         body, response.status_code, response.reason_phrase,
                         list(response.headers.items()), content)
            return response
        return request

    return _swap(Client, "request", make)


def _environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").title(), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").title(), str(value)))
    return headers
