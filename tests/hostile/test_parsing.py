"""Parsing: whatever a spec, a JSON doc or a download holds, apiscribe reads it as plain data
within limits. A bad input is a diagnostic naming the file and the line or JSON pointer, and
exit 1; never a traceback, never code run, never NaN or Infinity in an output.

Every case goes through the command line: ``apiscribe check`` and ``apiscribe convert``, and
``apiscribe generate`` for a recordings file. The limits are those of
``apiscribe.documents.limits``; a test at the nesting limit shows that every later stage
handles what the limit lets in.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from apiscribe.cli import main
from apiscribe.documents.limits import (
    MAX_INPUT_BYTES,
    MAX_NESTING,
    JsonNumbers,
    data_problem,
    parsed_json_problem,
)

from ..conftest import ROOT, SEED

APISCRIBE = Path(sys.executable).with_name("apiscribe")
TOO_DEEP = f"too-deep: nesting too deep: more than {MAX_NESTING} levels of arrays and objects"
#: Where the example of the one operation of :func:`spec` is, and how deep it starts.
EXAMPLE = "/paths/~1things/get/responses/200/content/application~1json/example"
EXAMPLE_DEPTH = 9


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert "internal error" not in result.output, result.output
    assert not isinstance(result.exception, RecursionError | MemoryError)
    return result


def check(path: Path) -> Result:
    return run("check", "--no-cache", str(path))


def convert(path: Path | str, to: str, out: Path) -> Result:
    return run("convert", str(path), "--to", to, "-o", str(out))


def assert_refused(cases: list[tuple[Path, str]], out: Path) -> None:
    """``check`` and ``convert --to jsondocs`` each fail on every path, saying ``expected``."""
    for path, expected in cases:
        for result in (check(path), convert(path, "jsondocs", out)):
            assert result.exit_code == 1
            assert expected in result.output


def spec(example: Any = "ok", schema: Any = None) -> dict[str, Any]:
    """A valid OpenAPI 3.0 document: one operation whose response holds ``example``."""
    media = {"schema": schema if schema is not None else {}, "example": example}
    return {"openapi": "3.0.3", "info": {"title": "Things", "version": "1"},
            "paths": {"/things": {"get": {"responses": {"200": {
                "description": "ok", "content": {"application/json": media}}}}}}}


def spec_yaml(example: str) -> str:
    """:func:`spec` as YAML, the example written as given (on line 12)."""
    return ("openapi: 3.0.3\n"
            "info:\n"
            "  title: Things\n"
            "  version: '1'\n"
            "paths:\n"
            "  /things:\n"
            "    get:\n"
            "      responses:\n"
            "        '200':\n"
            "          description: ok\n"
            "          content:\n"
            f"            application/json: {{schema: {{}}, example: {example}}}\n")


def seed_doc(**changes: Any) -> str:
    """The seed JSON doc with some keys changed, written the way apiscribe writes it."""
    if not SEED.is_file():
        pytest.skip(f"the shared seed JSON doc is not beside the checkout ({SEED})")
    text = SEED.read_text(encoding="utf-8")
    doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
    doc.update(changes)
    body = json.dumps(doc, sort_keys=True, indent=2, separators=(", ", ": "))
    return "---\n# A JSON doc\n" + body + "\n---\n"


def write_doc(tmp_path: Path, text: str | bytes, name: str = "put-release") -> Path:
    path = tmp_path / "docs" / "releases" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def line_of(path: Path, needle: str) -> int:
    """The line of ``path`` that holds ``needle`` first."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} in an output")


def outputs_parse_strictly(out: Path) -> None:
    """Every JSON output, and the JSON of every JSON doc, holds no NaN or Infinity."""
    for path in out.rglob("*") if out.exists() else ():
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if path.suffix == ".json":
            json.loads(text, parse_constant=refuse_constant)
        elif path.suffix == ".md" and text.startswith("---\n#"):
            json.loads(text[text.index("{"):text.rindex("}") + 1],
                       parse_constant=refuse_constant)


# -- 1. YAML tags that would run code --------------------------------------------------------


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch {mark}']",
    "!!python/object/apply:subprocess.call [['touch', '{mark}']]",
    "!!python/object/new:os.system ['touch {mark}']",
    "!!python/name:os.system ''",
    "!!python/module:os ''",
])
def test_yaml_tags_that_make_objects_are_refused_and_nothing_runs(tmp_path: Path,
                                                                  tag: str) -> None:
    mark = tmp_path / "ran"
    path = tmp_path / "spec.yaml"
    path.write_text(spec_yaml(tag.format(mark=mark)))
    name = tag.split()[0]
    expected = (f"{path}:12: error bad-yaml: invalid YAML: the tag '{name}' is not allowed: "
                "apiscribe reads YAML as plain data (no tag makes an object or runs code)")
    for result in (check(path), convert(path, "openapi", tmp_path / "out")):
        assert result.exit_code == 1
        assert expected in result.output
    assert not mark.exists()
    assert not (tmp_path / "out" / "openapi.json").exists()


def test_a_referenced_yaml_file_is_read_as_safely(tmp_path: Path) -> None:
    mark = tmp_path / "ran"
    path = tmp_path / "spec.yaml"
    path.write_text(spec_yaml("ok").replace("schema: {}", "schema: {$ref: 'other.yaml#/Thing'}"))
    (tmp_path / "other.yaml").write_text(
        f"Thing:\n  description: !!python/object/apply:os.system ['touch {mark}']\n")
    assert check(path).exit_code == 1
    result = convert(path, "openapi", tmp_path / "out")
    assert result.exit_code == 1
    assert (f"{tmp_path / 'other.yaml'}:2: error bad-yaml: invalid YAML: the tag "
            "'!!python/object/apply:os.system' is not allowed") in result.output
    assert not mark.exists()


# -- 2. YAML aliases ------------------------------------------------------------------------


def billion_laughs(levels: int = 10, width: int = 10) -> str:
    lines = ["openapi: 3.0.3", "info: {title: Things, version: '1'}", "paths: {}",
             "x-lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"x-lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * width) + "]"
              for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def _bounded() -> None:
    """In the child: at most 1 GB of address space (a billion laughs needs far more)."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("command", ["check", "convert"])
def test_an_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path: Path,
                                                              command: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs())  # 10**10 values once expanded, in 700 bytes
    args = ([command, "--no-cache", str(path)] if command == "check" else
            [command, str(path), "--to", "openapi", "-o", str(tmp_path / "out")])
    started = time.monotonic()
    done = subprocess.run([str(APISCRIBE), *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=_bounded)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert elapsed < 30
    # The first alias whose expansion crosses the bound: lol6 holds 10**7 values.
    assert (f"{path}:10: error bad-yaml: invalid YAML: aliases expand the document past "
            "5000000 values [/x-lol6]") in output
    assert "Traceback" not in output
    assert not (tmp_path / "out" / "openapi.json").exists()


@pytest.mark.parametrize(("text", "line", "pointer"), [
    ("x-loop: &loop [*loop]\n", 4, "/x-loop/0"),
    ("x-loop: &loop\n  again: *loop\n", 5, "/x-loop/again"),
    ("x-outer: &outer\n  inner:\n    - deeper: *outer\n", 6, "/x-outer/inner/0/deeper"),
])
def test_an_alias_inside_its_own_node_is_refused(tmp_path: Path, text: str, line: int,
                                                 pointer: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("openapi: 3.0.3\ninfo: {title: Things, version: '1'}\npaths: {}\n" + text)
    started = time.monotonic()
    for result in (check(path), convert(path, "openapi", tmp_path / "out")):
        assert result.exit_code == 1
        assert (f"{path}:{line}: error bad-yaml: invalid YAML: an alias refers to a node that "
                f"contains it [{pointer}]") in result.output
    assert time.monotonic() - started < 30


# -- 3. Nesting ------------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [500, 100_000])
def test_a_json_spec_nested_too_deep_is_a_diagnostic(tmp_path: Path, depth: int) -> None:
    # 500 levels parse, but are past what the validator and the views can follow; 100,000
    # are past what the parser can.
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec("EXAMPLE")).replace('"EXAMPLE"', nested(depth)))
    for result in (check(path), convert(path, "jsondocs", tmp_path / "docs"),
                   convert(path, "openapi", tmp_path / "openapi"),
                   convert(path, "markdown", tmp_path / "md")):
        assert result.exit_code == 1
        assert f"{path}:1: error {TOO_DEEP}" in result.output
    assert not any((tmp_path / "openapi").rglob("*.json"))


@pytest.mark.parametrize("text", [
    nested(MAX_NESTING), nested(MAX_NESTING + 1), '{"a": ' + nested(MAX_NESTING - 1) + "}",
    '{"a": ' + nested(MAX_NESTING) + "}", '[1, {"b": [' + "{}" + "]}]",
    "[" * (MAX_NESTING - 1) + '{"c": {}}' + "]" * (MAX_NESTING - 1),
    '{"x": [1.5, "NaN"], "y": NaN}', '[{"big": 1e999}]', '{"ok": [-Infinity]}', "3", '"s"',
])
def test_a_parse_that_walks_only_the_nesting_finds_what_a_full_walk_finds(text: str) -> None:
    # parse_json walks only the containers when every number was one JSON has a place for
    numbers = JsonNumbers()
    data = json.loads(text, parse_constant=numbers.constant, parse_float=numbers.number)
    assert parsed_json_problem(data, numbers) == data_problem(data)


def test_a_yaml_spec_nested_too_deep_is_a_diagnostic(tmp_path: Path) -> None:
    for depth, expected in ((500, f"error {TOO_DEEP} [{EXAMPLE}"),
                            (100_000, f"error {TOO_DEEP} (line 12, column")):
        path = tmp_path / f"spec{depth}.yaml"
        path.write_text(spec_yaml(nested(depth)))
        for result in (check(path), convert(path, "jsondocs", tmp_path / "docs")):
            assert result.exit_code == 1
            assert f"{path}:12: {expected}" in result.output


@pytest.mark.parametrize("depth", [500, 100_000])
def test_a_json_doc_nested_too_deep_is_a_diagnostic(tmp_path: Path, depth: int) -> None:
    path = write_doc(tmp_path, f'---\n# h\n{{\n  "method": "GET", \n  "title": {nested(depth)}'
                     '\n}\n---\n')
    for result in (check(path), convert(path, "jsondocs", tmp_path / "out"),
                   convert(path.parent, "openapi", tmp_path / "openapi")):
        assert result.exit_code == 1
        assert f"{path}:5: error {TOO_DEEP}" in result.output
        assert "(endpoint put-release)" in result.output


@pytest.mark.parametrize("key", ["example_request", "example_response"])
def test_an_example_body_nested_too_deep_is_a_diagnostic(tmp_path: Path, key: str) -> None:
    text = seed_doc()
    doc = json.loads(text[text.index("{"):text.rindex("}") + 1])
    head = doc[key].partition("\n\n")[0].replace("Content-Length: 0\n", "")
    path = write_doc(tmp_path, seed_doc(**{key: head + "\n\n" + nested(100_000)}))
    line = line_of(path, f'"{key}"')
    expected = (f"{path}:{line}: error too-deep: the body of '{key}': nesting too deep: more "
                f"than {MAX_NESTING} levels of arrays and objects (endpoint put-release) [/{key}]")
    for result in (check(path), convert(path.parent, "openapi", tmp_path / "openapi"),
                   convert(path.parent, "markdown", tmp_path / "md"),
                   convert(path.parent, "jsondocs", tmp_path / "jsondocs")):
        assert result.exit_code == 1
        assert expected in result.output


def test_a_repeated_key_before_deep_nesting_still_reports_the_nesting(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    head = '{"info": {"title": "A", "title": "B"}, "x": '
    path.write_text(head + nested(100_000) + "}")
    result = check(path)
    assert result.exit_code == 1
    column = len(head) + MAX_NESTING  # the object is the first level
    assert f"{path}:1: error {TOO_DEEP} (line 1, column {column})" in result.output


TINY_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/things")
def things():
    """List things."""
    return {"things": []}
'''


RECORDINGS_HEAD = '{"format": "apiscribe-recordings", "version": 1, "exchanges": '


@pytest.mark.parametrize(("recordings", "expected"), [
    (RECORDINGS_HEAD + nested(100_000) + "}", f"recordings.json:1: error {TOO_DEEP} (line 1, "
     f"column {len(RECORDINGS_HEAD) + MAX_NESTING})"),
    ('{"format": "apiscribe-recordings", "version": 1, "tests": {}, "exchanges": [], '
     '"x": NaN}', "recordings.json:1: error bad-json: invalid JSON: NaN is not allowed in JSON "
     "[/x]"),
])
def test_a_recordings_file_is_read_like_every_json_document(tmp_path: Path, recordings: str,
                                                           expected: str) -> None:
    pytest.importorskip("flask")
    (tmp_path / "tiny_parsing_app.py").write_text(TINY_APP)
    (tmp_path / "recordings.json").write_text(recordings)
    done = subprocess.run([str(APISCRIBE), "generate", "--app", "tiny_parsing_app:app",
                           "--recordings", "recordings.json", "-o", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"Error: cannot read the recordings: {tmp_path}/{expected}" in done.stderr
    assert "Traceback" not in done.stderr


LIVE_APP = TINY_APP.replace("from flask import Flask", "from flask import Flask, Response") + '''

@app.get("/deep")
def deep():
    """A body nested deeper than any reader takes."""
    return Response("[" * 5000 + "]" * 5000, mimetype="application/json")


@app.get("/nan")
def nan():
    """A float that Python's own json.dumps writes as NaN."""
    return Response('{"ratio": NaN}', mimetype="application/json")
'''

LIVE_TESTS = '''from tiny_parsing_app import app


def test_every_route():
    client = app.test_client()
    for path in ("/things", "/deep", "/nan"):
        assert client.get(path).status_code == 200
'''


def test_bodies_a_live_app_returns_past_the_limits_name_their_endpoints(tmp_path: Path) -> None:
    # A real app's tests, recorded by the pytest plugin: its deep and NaN bodies are refused
    # with the endpoint named, and the good endpoint is written.
    pytest.importorskip("flask")
    (tmp_path / "tiny_parsing_app.py").write_text(LIVE_APP)
    (tmp_path / "test_tiny.py").write_text(LIVE_TESTS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    recorded = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "--apiscribe-record=recordings.json", "test_tiny.py"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    done = subprocess.run([str(APISCRIBE), "generate", "--app", "tiny_parsing_app:app",
                           "--recordings", "recordings.json", "-o", "out"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    recordings = tmp_path / "recordings.json"
    assert (f"{recordings}: error {TOO_DEEP.partition(':')[0]}: test_tiny.py::test_every_route: "
            f"the recorded response body: {TOO_DEEP.partition(': ')[2]}; the endpoint has no "
            "example (endpoint deep)") in done.stderr
    assert (f"{recordings}: error bad-json: test_tiny.py::test_every_route: the recorded "
            "response body: NaN is not allowed in JSON; the endpoint has no example "
            "(endpoint nan)") in done.stderr
    assert "GET /things" in (tmp_path / "out" / "endpoints" / "default" / "things.md").read_text()
    outputs_parse_strictly(tmp_path / "out")


def test_nesting_up_to_the_limit_is_read_checked_and_converted(tmp_path: Path) -> None:
    # The deepest schema and example the limit lets in: every later stage must handle them.
    levels = MAX_NESTING - EXAMPLE_DEPTH
    schema: Any = {"type": "string"}
    example: Any = "deep"
    for _ in range(levels):
        schema, example = {"type": "array", "items": schema}, [example]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec(example, schema)))
    result = check(path)
    assert result.exit_code == 0, result.output
    for to in ("jsondocs", "openapi", "markdown"):
        result = convert(path, to, tmp_path / to)
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "openapi" / "openapi.json").read_text())


# -- 4. Duplicate keys -----------------------------------------------------------------------


def test_a_duplicate_key_is_an_error_naming_the_key_and_its_line(tmp_path: Path) -> None:
    yaml_spec = tmp_path / "spec.yaml"
    yaml_spec.write_text(spec_yaml("ok").replace("  title: Things\n",
                                                 "  title: Things\n  title: Others\n"))
    json_spec = tmp_path / "spec.json"
    json_spec.write_text('{\n  "openapi": "3.0.3",\n  "info": {"title": "A", "version": "1"},\n'
                         '  "paths": {},\n  "info": {"title": "B", "version": "1"}\n}\n')
    doc = write_doc(tmp_path, seed_doc().replace('  "method": "PUT", \n',
                                                 '  "method": "PUT", \n  "method": "GET", \n'))
    cases = [
        (yaml_spec, f"{yaml_spec}:4: error duplicate-key: duplicate key 'title' (first defined "
         "on line 3)"),
        (json_spec, f"{json_spec}:5: error duplicate-key: duplicate key 'info' (first defined "
         "on line 3) [/info]"),
        (doc, f"{doc}:10: error duplicate-key: duplicate key 'method' (first defined on line 9) "
         "(endpoint put-release) [/method]"),
    ]
    assert_refused(cases, tmp_path / "out")


# -- 5. Encodings ----------------------------------------------------------------------------


def test_bytes_that_are_not_utf8_are_named_by_their_offset_and_line(tmp_path: Path) -> None:
    latin1 = "Caf\u00e9".encode("latin-1")
    json_spec = tmp_path / "spec.json"
    json_spec.write_bytes(json.dumps(spec("X"), indent=1).encode().replace(b'"X"',
                                                                       b'"' + latin1 + b'"'))
    yaml_spec = tmp_path / "spec.yaml"
    yaml_spec.write_bytes(spec_yaml("ok").encode().replace(b"Things", latin1))
    doc = write_doc(tmp_path, seed_doc().encode().replace(b'"PUT"', b'"' + latin1 + b'"'))
    offsets = {path: path.read_bytes().index(b"\xe9") for path in (json_spec, yaml_spec, doc)}
    line = line_of(json_spec, "\ufffd")
    cases = [
        (json_spec, f"{json_spec}:{line}: error bad-utf8: the file is not UTF-8 at byte "
         f"{offsets[json_spec]}: 0xe9 at line {line}, column 24 (invalid continuation byte)"),
        (yaml_spec, f"{yaml_spec}:3: error bad-utf8: the file is not UTF-8 at byte "
         f"{offsets[yaml_spec]}: 0xe9 at line 3, column 13 (invalid continuation byte)"),
        (doc, f"{doc}:9: error bad-utf8: the file is not UTF-8 at byte {offsets[doc]}: 0xe9 "
         "at line 9, column 17 (invalid continuation byte)"),
    ]
    assert_refused(cases, tmp_path / "out")


def test_a_utf8_byte_order_mark_is_read_normally(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    json_spec = tmp_path / "spec.json"
    json_spec.write_bytes(bom + json.dumps(spec()).encode())
    yaml_spec = tmp_path / "spec.yaml"
    yaml_spec.write_bytes(bom + spec_yaml("ok").encode())
    for path in (json_spec, yaml_spec):
        result = check(path)
        assert result.exit_code == 0, result.output
        assert convert(path, "openapi", tmp_path / path.suffix[1:]).exit_code == 0
    if not SEED.is_file():
        pytest.skip(f"the shared seed JSON doc is not beside the checkout ({SEED})")
    doc = write_doc(tmp_path, bom + SEED.read_bytes())
    result = convert(doc, "jsondocs", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "releases" / "put-release.md").read_bytes() == SEED.read_bytes()


# -- 6. Size ---------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    with path.open("wb") as stream:
        stream.truncate(50 * 10**9)  # 50 GB that take no room: reading them would never end
    doc = write_doc(tmp_path, b"")
    os.truncate(doc, MAX_INPUT_BYTES + 1)
    started = time.monotonic()
    for file in (path, doc):
        for result in (check(file), convert(file, "jsondocs", tmp_path / "out")):
            assert result.exit_code == 1
            assert (f"{file}: error unreadable: cannot read the file: it is larger than the "
                    f"input size limit of {MAX_INPUT_BYTES} bytes") in result.output
            assert "hint: set APISCRIBE_MAX_INPUT_BYTES to a larger number" in result.output
    assert time.monotonic() - started < 30


def test_the_size_limit_can_be_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec("x" * 2000)))
    monkeypatch.setenv("APISCRIBE_MAX_INPUT_BYTES", "2000")
    result = check(path)
    assert result.exit_code == 1
    assert "it is larger than the input size limit of 2000 bytes" in result.output
    monkeypatch.setenv("APISCRIBE_MAX_INPUT_BYTES", "3000")
    assert check(path).exit_code == 0
    monkeypatch.setenv("APISCRIBE_MAX_INPUT_BYTES", "lots")
    result = check(path)
    assert result.exit_code == 2
    assert "Error: APISCRIBE_MAX_INPUT_BYTES must be a number of bytes, not 'lots'" in (
        result.output)


class _Server:
    """An HTTP server on 127.0.0.1 answering a spec of ``size`` bytes, with or without a
    Content-Length."""

    def __init__(self, size: int) -> None:
        body = json.dumps(spec("x" * size)).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if self.path == "/sized.json":
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 1000):
                    chunk = body[start:start + 1000]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that stops reading at its limit is what the tests expect."""


@pytest.fixture
def server() -> Iterator[_Server]:
    served = _Server(5000)
    yield served
    served.server.shutdown()
    served.server.server_close()


def test_a_download_has_the_same_size_limit(tmp_path: Path, server: _Server,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APISCRIBE_MAX_INPUT_BYTES", "3000")
    for name in ("sized.json", "chunked.json"):
        url = f"{server.url}/{name}"
        result = convert(url, "openapi", tmp_path / name)
        assert result.exit_code == 1
        assert (f"{url}: error unreadable: cannot load {url}: the document is larger than the "
                "input size limit of 3000 bytes") in result.output
    monkeypatch.setenv("APISCRIBE_MAX_INPUT_BYTES", "10000")
    result = convert(f"{server.url}/chunked.json", "openapi", tmp_path / "fits")
    assert result.exit_code == 0, result.output


def test_the_size_limit_is_documented() -> None:
    assert MAX_INPUT_BYTES == 64_000_000
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    assert "**size**: 64 MB (64,000,000 bytes)" in readme
    assert "`APISCRIBE_MAX_INPUT_BYTES`" in readme
    for command in ("check", "convert"):
        text = " ".join(run(command, "--help").output.split())
        assert "over 64 MB is refused (APISCRIBE_MAX_INPUT_BYTES sets another limit" in text


# -- 7. NaN and Infinity ---------------------------------------------------------------------


@pytest.mark.parametrize(("example", "words"), [
    ("{a: .nan}", "NaN is not allowed in JSON"),
    ("{a: .inf}", "Infinity is not allowed in JSON"),
    ("{a: -.Inf}", "-Infinity is not allowed in JSON"),
    ("{a: 1e400}", "Infinity is not allowed in JSON"),
])
def test_nan_and_infinity_in_a_yaml_spec_are_refused(tmp_path: Path, example: str,
                                                     words: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(spec_yaml(example))
    expected = f"{path}:12: error bad-yaml: invalid YAML: {words} [{EXAMPLE}/a]"
    for to in ("openapi", "jsondocs", "markdown"):
        result = convert(path, to, tmp_path / to)
        assert result.exit_code == 1
        assert expected in result.output
        outputs_parse_strictly(tmp_path / to)
    assert expected in check(path).output


@pytest.mark.parametrize(("literal", "words"), [
    ("NaN", "NaN is not allowed in JSON"),
    ("Infinity", "Infinity is not allowed in JSON"),
    ("-Infinity", "-Infinity is not allowed in JSON"),
    ("1e400", "the number 1e400 is too large (it would read as Infinity)"),
])
def test_nan_and_infinity_in_a_json_spec_are_refused(tmp_path: Path, literal: str,
                                                     words: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec({"a": "X"}), indent=1).replace('"X"', literal))
    expected = (f"{path}:{line_of(path, literal)}: error bad-json: invalid JSON: {words} "
                f"[{EXAMPLE}/a]")
    for to in ("openapi", "jsondocs"):
        result = convert(path, to, tmp_path / to)
        assert result.exit_code == 1
        assert expected in result.output
        outputs_parse_strictly(tmp_path / to)
    assert expected in check(path).output


@pytest.mark.parametrize(("body", "words"), [
    ('{"id": NaN}', "NaN is not allowed in JSON"),
    ('[Infinity]', "Infinity is not allowed in JSON"),
    ('{"id": 1e999}', "the number 1e999 is too large (it would read as Infinity)"),
])
def test_nan_and_infinity_in_a_json_doc_example_name_the_endpoint(tmp_path: Path, body: str,
                                                                  words: str) -> None:
    response = "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" + body
    path = write_doc(tmp_path, seed_doc(example_response=response))
    expected = (f"{path}:{line_of(path, 'example_response')}: error bad-json: invalid JSON in "
                f"the body of 'example_response': {words} (endpoint put-release) "
                "[/example_response]")
    for to in ("openapi", "jsondocs", "markdown"):
        result = convert(path.parent, to, tmp_path / to)
        assert result.exit_code == 1
        assert expected in result.output
        outputs_parse_strictly(tmp_path / to)
    assert expected in check(path).output


def test_nan_and_infinity_in_a_json_doc_field_are_refused(tmp_path: Path) -> None:
    path = write_doc(tmp_path, seed_doc(sidebar_order=12345).replace("12345", "1e400"))
    result = convert(path, "openapi", tmp_path / "out")
    assert result.exit_code == 1
    assert (f"{path}:{line_of(path, 'sidebar_order')}: error bad-json: invalid JSON: the "
            "number 1e400 is too large (it would read as Infinity) (endpoint put-release) "
            "[/sidebar_order]") in result.output
    outputs_parse_strictly(tmp_path / "out")


def test_large_finite_numbers_still_give_strict_json(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec({"big": 1.7e308, "small": -1.7e308, "tiny": 5e-324})))
    for to in ("openapi", "jsondocs"):
        result = convert(path, to, tmp_path / to)
        assert result.exit_code == 0, result.output
        outputs_parse_strictly(tmp_path / to)
    spec_out = json.loads((tmp_path / "openapi" / "openapi.json").read_text())
    media = spec_out["paths"]["/things"]["get"]["responses"]["200"]["content"]
    assert media["application/json"]["example"]["big"] == 1.7e308


@pytest.mark.parametrize(("name", "text", "line"), [
    ("spec.json", "null\n", 1), ("spec.yaml", "", 1), ("spec.yaml", "# nothing here\n", 1),
    ("doc", "---\n# h\nnull\n---\n", 3),
])
def test_a_document_that_is_only_null_is_an_error(tmp_path: Path, name: str, text: str,
                                                   line: int) -> None:
    path = write_doc(tmp_path, text) if name == "doc" else tmp_path / name
    path.write_text(text, encoding="utf-8")
    for result in (check(path), convert(path, "jsondocs", tmp_path / "out")):
        assert result.exit_code == 1, result.output
        assert f"{path}:{line}: error empty-document: the document is empty" in result.output
