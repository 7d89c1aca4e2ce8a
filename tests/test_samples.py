"""The example code runs: curl, HTTPie, Python (httpx) and JavaScript (Node's fetch) samples,
each sent to a loopback server, deliver the recorded request; shell samples split into the
intended arguments, Python parses, JavaScript passes ``node --check``, and every sample has
the same, percent-encoded URL."""

from __future__ import annotations

import ast
import json
import os
import shlex
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
    # HTTPie items that need escapes, an empty header, a form HTTPie encodes the same.
    "urlencoded": ("POST", "/api/0/search/?q=caf%C3%A9", [
        Header("Content-Type", "application/x-www-form-urlencoded"),
        Header("X-Empty", ""),
        Header("X-At", "@not-a-file"),
        Header("X-Eq", "=x"),
    ], "name=J%C3%B6rg&note=%40home&eq=%3Da&a%3Ab=c&empty="),
    # Recorded as the framework saw it: spaces, non-ASCII, a lone "%", curl's glob brackets.
    "unencoded": ("GET", "/api/0/items/a b/\u00e9/?q=x y&r=100%&s=[1]&t=%2F", [], None),
}
#: The target every client must send (where the recorded one is not already encoded).
SENT_TARGETS = {"unencoded": "/api/0/items/a%20b/%C3%A9/?q=x%20y&r=100%25&s=%5B1%5D&t=%2F"}


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


# The venv's scripts (HTTPie's http) first, then the system's programs.
TOOL_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def tool_env(home: Path) -> dict[str, str]:
    """The environment samples run in: the venv's tools on PATH, and HTTPie reading no
    user configuration (``HTTPIE_CONFIG_DIR`` is a fresh folder)."""
    return {**os.environ, "PATH": TOOL_PATH, "HTTPIE_CONFIG_DIR": str(home / ".httpie")}


def run_sample(server: RecordingServer, tmp_path: Path, case: str, label: str) -> None:
    request = request_to(server, *CASES[case])
    url = f"http://127.0.0.1:{server.server_address[1]}"
    (code,) = [c for lab, _, c in code_samples(url, request,
                                                response_content_type="application/json")
               if lab == label]
    (tmp_path / "vendor.min.js").write_text("!function(){}();\n", encoding="utf-8")
    commands = {
        "curl": ["bash", "-c", code + " --silent --show-error"],
        "HTTPie": ["bash", "-c", code],
        "Python": [sys.executable, "-c", code],
        "JavaScript": ["node", "--input-type=module", "-e", code],
    }
    program = {"curl": "curl", "HTTPie": "http", "JavaScript": "node"}.get(label)
    if program is not None and shutil.which(program, path=TOOL_PATH) is None:
        pytest.skip(f"{program} is not installed")
    before = len(server.received)
    result = subprocess.run(commands[label], cwd=tmp_path, capture_output=True, text=True,
                            check=False, timeout=60, env=tool_env(tmp_path))
    assert result.returncode == 0, result.stderr
    (received,) = server.received[before:]
    check(request, received)
    assert received.target == SENT_TARGETS.get(case, received.target)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("label", ["curl", "HTTPie", "Python", "JavaScript"])
def test_sample_delivers_the_recorded_request(
    server: RecordingServer, tmp_path: Path, case: str, label: str
) -> None:
    run_sample(server, tmp_path, case, label)




# -- the samples as text ------------------------------------------------------------------

BASE = "https://api.example.com/base"
HOSTILE = HttpRequest("POST", "/base/api/0/x/?q=it's", (
    Header("Host", "api.example.com"),
    Header("X-Note", "a'b \"c\" $HOME `pwd` \\ \u00e9 ; & | <b>"),
    Header("Content-Type", "application/json"),
), '{"k": "it\'s \\"q\\" $HOME `x` \\\\ \\u0007 </script>", "n": 1e400, "__proto__": []}')


def sample_requests() -> dict[str, HttpRequest]:
    requests = {case: HttpRequest(method, target, (Header("Host", "api.example.com"), *headers),
                                  body)
                for case, (method, target, headers, body) in CASES.items()}
    return {**requests, "hostile": HOSTILE}


def samples_of(request: HttpRequest) -> dict[str, str]:
    return {label: code for label, _, code in code_samples(BASE, request)}


def shell_words(code: str) -> list[str]:
    """The sample's words as shlex reads them, once the line continuations that end every
    line but the last (`` \\`` and a newline, then two spaces) are joined."""
    return shlex.split(code.replace(" \\\n  ", " "))


def bash_words(code: str) -> list[str]:
    """The arguments bash gives the sample's program (the ground truth of shell quoting)."""
    program, _, rest = code.partition(" ")
    result = subprocess.run(["bash", "-c", "printf '%s\\0' " + rest], capture_output=True,
                            check=True)
    return [program, *result.stdout.decode().split("\0")[:-1]]


@pytest.mark.parametrize("case", sorted(sample_requests()))
@pytest.mark.parametrize("label", ["curl", "HTTPie"])
def test_shell_samples_split_into_the_intended_arguments(case: str, label: str) -> None:
    code = samples_of(sample_requests()[case])[label]
    words = bash_words(code)
    if "$'" in code:
        # Control characters (a CR) are written as bash's $'...', which the page cannot
        # mangle and shlex does not read: bash alone splits them.
        assert case == "text" and "\r" in words[-1]
    else:
        assert shell_words(code) == words


def test_httpie_arguments() -> None:
    url = "https://api.example.com/base/api/0/"
    requests = sample_requests()
    assert shell_words(samples_of(requests["json"])["HTTPie"]) == [
        "http", "--ignore-stdin", "PUT", url + "items/1/?q=a%20b&x='",
        "Authorization:Bearer <token>", "Content-Type:application/json", "--raw=" + JSON_BODY,
    ]
    assert shell_words(samples_of(requests["form"])["HTTPie"]) == [
        "http", "--ignore-stdin", "--multipart", "POST", url + "files/",
        "Authorization:Bearer <token>", "name=~/it's.js", "header=\\@not-a-file",
        "file@vendor.min.js;type=application/javascript",
    ]
    assert shell_words(samples_of(requests["urlencoded"])["HTTPie"]) == [
        "http", "--ignore-stdin", "--form", "POST", url + "search/?q=caf%C3%A9",
        "Content-Type:application/x-www-form-urlencoded", "X-Empty;", "X-At:\\@not-a-file",
        "X-Eq:\\=x", "name=J\u00f6rg", "note=\\@home", "eq=\\=a", "a\\:b=c", "empty=",
    ]
    assert shell_words(samples_of(requests["get"])["HTTPie"]) == [
        "http", "--ignore-stdin", "GET", url + "items/?cursor=0:100:0", "Authorization:Bearer <t>",
    ]


def test_httpie_falls_back_to_raw_or_to_no_sample() -> None:
    # A body without Content-Type: HTTPie's default (JSON) is removed.
    plain = HttpRequest("POST", "/x", (Header("Host", "h"),), "a=1")
    assert shell_words(samples_of(plain)["HTTPie"])[-2:] == ["Content-Type:", "--raw=a=1"]
    # A file HTTPie cannot name (it sends a path's base name): the body goes as recorded.
    body = FORM_BODY.replace('filename="vendor.min.js"', 'filename="dist/vendor.min.js"')
    form = HttpRequest("POST", "/x", (
        Header("Host", "h"), Header("Content-Type", "multipart/form-data; boundary=B")), body)
    assert bash_words(samples_of(form)["HTTPie"])[3:] == [  # CRs: $'...'
        "https://h/base/x", "Content-Type:multipart/form-data; boundary=B", "--raw=" + body]
    # A form HTTPie would encode otherwise is sent as it is.
    spaced = HttpRequest("POST", "/x", (
        Header("Host", "h"), Header("Content-Type", "application/x-www-form-urlencoded")),
        "q=a%20b")
    assert shell_words(samples_of(spaced)["HTTPie"])[-1] == "--raw=q=a%20b"
    # A backslash before a separator cannot be an HTTPie item: no HTTPie sample.
    odd = HttpRequest("GET", "/x", (Header("Host", "h"), Header("X-Path", "C:\\:x")), None)
    assert list(samples_of(odd)) == ["HTTP", "curl", "Python", "JavaScript"]


@pytest.mark.parametrize("case", sorted(sample_requests()))
def test_python_samples_parse(case: str) -> None:
    ast.parse(samples_of(sample_requests()[case])["Python"])


def test_javascript_samples_pass_node_check(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    for case, request in sample_requests().items():
        module = tmp_path / f"{case}.mjs"
        module.write_text(samples_of(request)["JavaScript"], encoding="utf-8")
        result = subprocess.run(["node", "--check", str(module)], capture_output=True,
                                text=True, check=False, timeout=60)
        assert result.returncode == 0, (case, result.stderr)


def sample_urls(samples: dict[str, str]) -> list[str]:
    """The URL each sample sends to (curl and HTTPie as the shell reads them)."""
    curl_words = [w for w in bash_words(samples["curl"]) if w.startswith("https://")]
    httpie_words = [w for w in bash_words(samples["HTTPie"]) if w.startswith("https://")]
    python_call = ast.parse(samples["Python"]).body[1]
    assert isinstance(python_call, ast.Assign) and isinstance(python_call.value, ast.Call)
    python_url = ast.literal_eval(python_call.value.args[1])
    javascript_url = json.loads(samples["JavaScript"].split("await fetch(")[1].split(", {")[0])
    return [*curl_words, *httpie_words, python_url, javascript_url]


@pytest.mark.parametrize(("target", "url"), [
    # Already encoded: kept as it is (no double encoding), reserved characters too.
    ("/base/a%20b/?q=%2F&r=it's&s=a:b@c", "https://api.example.com/base/a%20b/?q=%2F&r=it's&s=a:b@c"),
    # Unsafe: spaces, non-ASCII, a lone "%", brackets and braces, quotes.
    ('/base/a b/\u00e9?q=100%&r={x}[1]&s="<>"', "https://api.example.com/base/a%20b/%C3%A9"
     "?q=100%25&r=%7Bx%7D%5B1%5D&s=%22%3C%3E%22"),
    # The base URL's path put in front of a target that lacks it.
    ("/api/0/?q=1", "https://api.example.com/base/api/0/?q=1"),
])
def test_every_sample_has_the_same_full_encoded_url(target: str, url: str) -> None:
    request = HttpRequest("GET", target, (Header("Host", "api.example.com"),), None)
    samples = samples_of(request)
    assert sample_urls(samples) == [url] * 4
    assert samples["HTTP"].startswith(f"GET {url.removeprefix('https://api.example.com')} ")


def test_shell_quote() -> None:
    assert shell_quote("it's") == "'it'\\''s'"
    assert shell_quote("a\r\nb'\\") == "$'a\\r\nb\\'\\\\'"
    assert shell_quote("bell\x07") == "$'bell\\x07'"
