"""The example code runs: curl, Python (httpx) and JavaScript (Node's fetch) samples, each
sent to a loopback server, deliver the recorded request."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

from apiscribe.model import Header, HttpRequest
from apiscribe.views.samples import FormPart, code_samples, form_parts, shell_quote


@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class RecordingServer(ThreadingHTTPServer):
    """Keeps every request it receives; answers 200 with a small JSON body."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.received: list[Received] = []


class _Recorder(BaseHTTPRequestHandler):
    server: RecordingServer

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append(Received(self.command, self.path, headers, body))
        payload = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _record

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    httpd = RecordingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def request_to(server: RecordingServer, method: str, target: str, headers: list[Header],
               body: str | None) -> HttpRequest:
    host = Header("Host", f"127.0.0.1:{server.server_address[1]}")
    return HttpRequest(method, target, (host, *headers), body)


JSON_BODY = '{\n  "note": "it\'s `x` | <b> \\u00e9 \\ud83d\\ude00",\n  "n": 1.50,\n  "ok": true\n}'
FORM_BODY = (
    "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n~/it's.js\r\n"
    "--B\r\nContent-Disposition: form-data; name=\"header\"\r\n\r\n@not-a-file\r\n"
    "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vendor.min.js\"\r\n"
    "Content-Type: application/javascript\r\n\r\n!function(){}();\n\r\n--B--\r\n"
)
CASES = {
    "json": ("PUT", "/api/0/items/1/?q=a%20b&x='", [
        Header("Authorization", "Bearer <token>"),
        Header("Content-Type", "application/json"),
    ], JSON_BODY),
    "text": ("POST", "/api/0/notes/", [Header("Content-Type", "text/plain")],
             "line one\r\nit's $HOME `pwd` \"quoted\"\n"),
    "form": ("POST", "/api/0/files/", [
        Header("Authorization", "Bearer <token>"),
        Header("Content-Type", "multipart/form-data; boundary=B"),
    ], FORM_BODY),
    "get": ("GET", "/api/0/items/?cursor=0:100:0", [Header("Authorization", "Bearer <t>")],
            None),
}


def received_form(received: Received) -> list[FormPart] | None:
    request = HttpRequest(received.method, received.target,
                          (Header("Content-Type", received.headers["content-type"]),),
                          received.body.decode())
    return form_parts(request)


def check(request: HttpRequest, received: Received) -> None:
    # Clients may percent-encode more of the query (Node encodes "'").
    assert (received.method, unquote(received.target)) == (request.method, unquote(request.target))
    for header in request.headers:
        name = header.name.lower()
        if name not in ("host", "content-type") or (
            name == "content-type" and form_parts(request) is None
        ):
            assert received.headers[name] == header.value, name
    if request.body is None:
        assert received.body == b""
    elif form_parts(request) is not None:
        assert received_form(received) == form_parts(request)
    elif request.header("Content-Type") == "application/json":
        assert json.loads(received.body) == json.loads(request.body)
    else:
        assert received.body == request.body.encode()


def run_sample(server: RecordingServer, tmp_path: Path, case: str, label: str) -> None:
    request = request_to(server, *CASES[case])
    url = f"http://127.0.0.1:{server.server_address[1]}"
    raw = "unused"
    (code,) = [c for lab, _, c in code_samples(url, request, raw,
                                                response_content_type="application/json")
               if lab == label]
    (tmp_path / "vendor.min.js").write_text("!function(){}();\n", encoding="utf-8")
    commands = {
        "curl": ["bash", "-c", code + " --silent --show-error"],
        "Python": [sys.executable, "-c", code],
        "JavaScript": ["node", "--input-type=module", "-e", code],
    }
    program = commands[label][0]
    if program != sys.executable and shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    before = len(server.received)
    result = subprocess.run(commands[label], cwd=tmp_path, capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    (received,) = server.received[before:]
    check(request, received)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("label", ["curl", "Python", "JavaScript"])
def test_sample_delivers_the_recorded_request(
    server: RecordingServer, tmp_path: Path, case: str, label: str
) -> None:
    run_sample(server, tmp_path, case, label)


def test_shell_quote() -> None:
    assert shell_quote("it's") == "'it'\\''s'"
    assert shell_quote("a\r\nb'\\") == "$'a\\r\nb\\'\\\\'"
    assert shell_quote("bell\x07") == "$'bell\\x07'"
