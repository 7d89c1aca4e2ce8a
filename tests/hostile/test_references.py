"""References and the network: a spec's ``$ref`` never reads a file outside the input's folder
or reaches a host unless asked, and a URL that never answers fails in bounded time.

Every case goes through ``apiscribe check`` and ``apiscribe convert`` (the importer and the
spec checks each read references: both follow the one policy).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiscribe.cli import main

SECRET = "outside-the-folder-7c1e9a"


def _spec(refs: dict[str, str]) -> dict[str, object]:
    """A spec with one operation per reference, each response schema being that $ref."""
    paths = {
        f"/{name}": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": ref}}}}}}}
        for name, ref in refs.items()
    }
    return {"openapi": "3.0.3", "info": {"title": "Refs", "version": "1"}, "paths": paths}


def _write(folder: Path, refs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "spec.json"
    spec.write_text(json.dumps(_spec(refs), indent=1))
    return spec


def _everything(result_output: str, out: Path) -> str:
    written = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()) \
        if out.exists() else ""
    return result_output + written


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A JSON schema file beside (not inside) the input's folder, holding a marker."""
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"type": "string", "description": SECRET}))
    return secret


def test_references_outside_the_folder_are_refused_and_never_read(
        tmp_path: Path, outside: Path) -> None:
    spec = _write(tmp_path / "api", {
        "file-url": outside.as_uri(),
        "parent": "../secret.json",
        "absolute": str(outside),
        "passwd": "file:///etc/passwd",
        "deep": "../../../../../../etc/passwd#/x",
    })
    runner = CliRunner()
    for args in (["check", "--no-cache", str(spec)],
                 ["convert", str(spec), "--to", "markdown", "-o", str(tmp_path / "md")],
                 ["convert", str(spec), "--to", "openapi", "-o", str(tmp_path / "oa")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.output.count("error ref-outside-folder") == 5, result.output
        assert "ref-outside-folder: 5" in result.output
        for out in (tmp_path / "md", tmp_path / "oa"):
            text = _everything(result.output, out)
            assert SECRET not in text
            assert "root:x:0:0" not in text
    assert "$ref '../secret.json' points outside the folder of" in result.output


class _Listener:
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.paths.append(self.path)
                body = json.dumps({"type": "string", "description": SECRET}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    served = _Listener()
    yield served
    served.close()


def test_remote_references_reach_no_host_by_default(tmp_path: Path,
                                                   listener: _Listener) -> None:
    spec = _write(tmp_path / "api", {"remote": f"{listener.url}/schema.json",
                                     "other": f"{listener.url}/other.json#/x"})
    runner = CliRunner()
    for args in (["check", "--no-cache", str(spec)],
                 ["convert", str(spec), "--to", "markdown", "-o", str(tmp_path / "md")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1
        assert result.output.count("error ref-remote-refused") == 2, result.output
        assert "hint: allow remote references to follow it (--allow-remote-refs)" in (
            result.output)
    assert listener.paths == []
    # Asked for, the same references are followed (the listener does answer).
    allowed = runner.invoke(main, ["convert", str(spec), "--to", "openapi", "-o",
                                   str(tmp_path / "oa"), "--allow-remote-refs"])
    assert "ref-remote-refused" not in allowed.output
    assert "/schema.json" in listener.paths
    checked = runner.invoke(main, ["check", "--no-cache", "--allow-remote-refs", str(spec)])
    assert "ref-remote-refused" not in checked.output


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_a_spec_url_that_never_answers_fails_after_the_timeout(
        tmp_path: Path, silent_port: int) -> None:
    url = f"http://127.0.0.1:{silent_port}/openapi.json"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["convert", url, "--to", "markdown", "-o",
                                       str(tmp_path / "out"), "--timeout", "1"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert f"{url}: error unreadable: cannot load {url}: no complete answer within 1 " \
        "seconds" in result.output
    assert elapsed < 15
    assert not (tmp_path / "out").exists()


def test_a_referenced_file_that_does_not_parse_is_named_with_its_line(tmp_path: Path) -> None:
    # check and convert say the same: which file, which line, what is wrong with it.
    (tmp_path / "bad.yaml").write_text("ok: 1\nitems: [1, 2\n", encoding="utf-8")
    spec = _write(tmp_path, {"schema": "bad.yaml#/ok"})
    expected = "bad.yaml:3: error bad-yaml: invalid YAML: expected ',' or ']'"
    checked = CliRunner().invoke(main, ["check", "--no-cache", str(spec)])
    assert checked.exit_code == 1
    assert f"unresolvable reference 'bad.yaml#/ok': {expected}" in checked.output
    converted = CliRunner().invoke(main, ["convert", str(spec), "--to", "openapi", "-o",
                                          str(tmp_path / "out")])
    assert converted.exit_code == 1 and expected in converted.output
