"""The published code samples work: every endpoint's curl, HTTPie, Python and JavaScript
sample of the reference API (examples/refapi), run as published against the live app.

The samples are those the pages show, built from the committed JSON docs
(``api-docs/endpoints``). For each language the app starts fresh (``AppServer``: new seed
data, new token) and the scenarios run again in the order ``apiscribe generate`` recorded
them, their set-up (``client.prepare``) included, so that every sample meets the data its
example was recorded on (the ids a scenario created before it, say). Where the recording
sent the request that became an endpoint's example, this test runs that endpoint's sample
instead, with the docs' base URL turned into the server's and ``<token>`` into the real one,
and hands the scenario what the sample received. A sample passes when its program exits 0,
the HTTP status is the recorded one, and the body fits the response schema: the one
``api-docs/openapi.json`` declares, else the one the endpoint documents, else the one learned
(:mod:`apiscribe.recording.learn`) from the recorded example.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from apiscribe.config import load_config
from apiscribe.documents.pointer import pointer_of
from apiscribe.model import ApiModel, Endpoint
from apiscribe.model.http import is_json
from apiscribe.pipeline import load_api_docs
from apiscribe.recording.client import RecordingClient
from apiscribe.recording.learn import with_learned_schemas
from apiscribe.recording.recorder import path_matches
from apiscribe.recording.server import AppServer
from apiscribe.scenarios import registered
from apiscribe.views.markdown import endpoint_page
from apiscribe.views.samples import form_parts

from .conftest import ROOT

CONFIG = load_config(ROOT)
#: The program each language's sample runs with (Python's is this interpreter).
PROGRAMS = {"curl": "curl", "HTTPie": "http", "Python": sys.executable, "JavaScript": "node"}
#: The venv's scripts (HTTPie's http) first, then the system's programs.
TOOL_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
PROXIES = {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"}
# Asks the app (in a child process: this one never imports Django) for the recording order.
ORDER = """
import json
from pathlib import Path
from apiscribe.config import load_config
from apiscribe.pipeline import load_source
model, _ = load_source(load_config(Path.cwd()))
print(json.dumps([[ep.name, list(ep.scenarios)] for ep in model.endpoints]))
"""


@dataclass
class Ran:
    """What a sample's run gave: its exit status, the HTTP status and the body it read
    (parsed JSON, text, or None when the program said nothing readable)."""

    exit_code: int
    status: int | None
    body: Any
    stderr: str


def scenario_order(tmp_path: Path) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    env = {**os.environ, "REFAPI_DATABASE": str(tmp_path / "order.sqlite3")}
    env.pop("REFAPI_TOKEN", None)
    result = subprocess.run([sys.executable, "-c", ORDER], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    endpoints = {name: tuple(names) for name, names in json.loads(result.stdout)}
    order = list(dict.fromkeys(name for names in endpoints.values() for name in names))
    return order, endpoints


def scenarios_of_refapi() -> dict[str, Any]:
    """The registered scenarios, imported with the app's folders on ``sys.path`` for the
    import only (as tests/test_refapi.py does)."""
    paths = [str(path) for path in CONFIG.python_paths]
    sys.path[:0] = paths
    try:
        importlib.import_module(CONFIG.scenarios)
    finally:
        for path in paths:
            sys.path.remove(path)
    return registered()


def response_schema(openapi: dict[str, Any], model: ApiModel, ep: Endpoint
                    ) -> dict[str, Any] | None:
    """The schema the live body must fit, as a root that its ``$ref``s resolve in."""
    exchange = ep.example.exchange
    assert exchange is not None
    status = str(exchange.response.status)
    operation = openapi["paths"].get(ep.api_path, {}).get(ep.method.lower(), {})
    for media, content in operation.get("responses", {}).get(status, {}).get("content", {}
                                                                               ).items():
        if is_json(media) and "schema" in content:
            pointer = pointer_of(["paths", ep.api_path, ep.method.lower(), "responses",
                                  status, "content", media, "schema"])
            return {**openapi, "$ref": "#" + pointer}
    learned = with_learned_schemas(ep, [exchange])
    for response in learned.responses or ():
        for content in response.content if response.status == status else ():
            if is_json(content.media_type) and isinstance(content.schema, dict):
                return {**content.schema, "components": {"schemas": dict(model.schemas)}}
    return None


def tool_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXIES}
    return {**env, "PATH": TOOL_PATH, "HTTPIE_CONFIG_DIR": str(workdir / ".httpie")}


def _run(command: list[str], workdir: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, cwd=workdir, env=tool_env(workdir), capture_output=True,
                          timeout=60, check=False)


def _body(data: bytes) -> Any:
    text = data.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_curl(code: str, workdir: Path) -> Ran:
    out = workdir / "body"
    result = _run(["bash", "-c", f"{code} -sS -o {shlex.quote(str(out))} -w '%{{http_code}}'"],
                  workdir)
    body = _body(out.read_bytes()) if out.exists() else ""
    status = result.stdout.decode()
    return Ran(result.returncode, int(status) if status.isdigit() else None, body,
               result.stderr.decode(errors="replace"))


def run_httpie(code: str, workdir: Path) -> Ran:
    result = _run(["bash", "-c", f"{code} --print=hb"], workdir)
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    if not _:
        head, _, body = result.stdout.partition(b"\n\n")
    match = re.match(rb"HTTP/[\d.]+ (\d{3})", head)
    return Ran(result.returncode, int(match.group(1)) if match else None,
               _body(body.removesuffix(b"\n")), result.stderr.decode(errors="replace"))


def run_python(code: str, workdir: Path) -> Ran:
    """The sample prints the status, then the body (as Python reads it back)."""
    (workdir / "sample.py").write_text(code, encoding="utf-8")
    result = _run([sys.executable, "sample.py"], workdir)
    status, _, printed = result.stdout.decode().partition("\n")
    printed = printed.removesuffix("\n")
    try:
        body = ast.literal_eval(printed)
    except (ValueError, SyntaxError):
        body = printed
    return Ran(result.returncode, int(status) if status.isdigit() else None, body,
               result.stderr.decode(errors="replace"))


def run_javascript(code: str, workdir: Path) -> Ran:
    """The sample as an ES module, with one line after it that saves what it read."""
    saved = workdir / "result.json"
    trailer = ('\nawait import("node:fs").then((fs) => fs.writeFileSync('
               f"{json.dumps(str(saved))}, JSON.stringify([response.status, data])));\n")
    (workdir / "sample.mjs").write_text(code + trailer, encoding="utf-8")
    result = _run(["node", "sample.mjs"], workdir)
    status, body = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else (
        None, None)
    return Ran(result.returncode, status, body, result.stderr.decode(errors="replace"))


RUNNERS: dict[str, Callable[[str, Path], Ran]] = {
    "curl": run_curl, "HTTPie": run_httpie, "Python": run_python, "JavaScript": run_javascript,
}


class Replay:
    """A scenario client that sends the set-up as recorded, and runs the sample instead of
    the request that became an endpoint's example."""

    def __init__(self, server: AppServer, endpoints: dict[str, tuple[str, ...]],
                 sample: Callable[[Endpoint], httpx.Response], model: ApiModel) -> None:
        self.client = RecordingClient(server.url, server.token)
        self.endpoints, self.sample, self.model = endpoints, sample, model
        self.scenario = ""
        self.done: set[str] = set()

    def prepare(self, method: str, path: str, **options: Any) -> httpx.Response:
        return self.client.prepare(method, path, **options)

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        url = httpx.URL(path, params=options.get("params"))
        target = url.raw_path.decode()
        for ep in self.model.endpoints:
            exchange = ep.example.exchange
            if (exchange is None or ep.name in self.done
                    or self.scenario not in self.endpoints.get(ep.name, ())
                    or method.upper() != ep.method.upper()
                    or not path_matches(ep.api_path, url.path)):
                continue
            self.done.add(ep.name)
            assert target == exchange.request.target, (
                f"{ep.name}: scenario {self.scenario!r} now sends {method} {target}, the "
                f"docs show {exchange.request.target} (run apiscribe generate)")
            return self.sample(ep)
        return self.client.prepare(method, path, **options)


def body_problem(ep: Endpoint, ran: Ran, schema: dict[str, Any] | None) -> str:
    exchange = ep.example.exchange
    assert exchange is not None
    if not exchange.response.body:
        return "" if ran.body in ("", None) else f"body {ran.body!r} where none was recorded"
    if schema is None:
        return "no response schema to check the body against"
    errors = sorted(Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(ran.body),
        key=lambda e: list(e.absolute_path))
    return "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                     for e in errors[:3])


@pytest.mark.parametrize("label", list(RUNNERS))
def test_every_sample_works_against_the_live_reference_api(
    label: str, tmp_path: Path
) -> None:
    program = PROGRAMS[label]
    if shutil.which(program, path=TOOL_PATH) is None:
        pytest.skip(f"{program} is not installed: the {label} samples cannot run")
    model, diagnostics = load_api_docs(CONFIG)
    assert not diagnostics
    openapi = json.loads((CONFIG.output_dir / "openapi.json").read_text(encoding="utf-8"))
    order, endpoints = scenario_order(tmp_path)
    scenarios = scenarios_of_refapi()
    problems: list[str] = []

    with AppServer(CONFIG) as server:

        def sample(ep: Endpoint) -> httpx.Response:
            exchange = ep.example.exchange
            assert exchange is not None
            (code,) = [s.code for s in endpoint_page(model, ep).request_samples
                       if s.label == label]
            code = code.replace(model.base_url.rstrip("/"), server.url)
            code = code.replace("<token>", server.token)
            workdir = tmp_path / ep.name
            workdir.mkdir()
            for part in form_parts(exchange.request) or ():
                if part.filename:
                    (workdir / part.filename).write_text(part.value, encoding="utf-8")
            ran = RUNNERS[label](code, workdir)
            recorded = exchange.response.status
            if ran.exit_code != 0 or ran.status != recorded:
                problems.append(f"{ep.name}: exit {ran.exit_code}, HTTP {ran.status} (recorded "
                                f"{recorded}): {ran.stderr.strip()[-500:]}")
            elif problem := body_problem(ep, ran, response_schema(openapi, model, ep)):
                problems.append(f"{ep.name}: {problem}")
            content = ran.body if isinstance(ran.body, str) else json.dumps(ran.body)
            return httpx.Response(ran.status or 599, content=content.encode())

        replay = Replay(server, endpoints, sample, model)
        for name in order:
            replay.scenario = name
            try:
                scenarios[name](replay)
            except Exception as exc:  # a broken sample can break its scenario: go on
                problems.append(f"scenario {name}: {type(exc).__name__}: {exc}")
        replay.client.close()

    missed = [ep.name for ep in model.endpoints if ep.name not in replay.done]
    problems += [f"{name}: no scenario sent its example request" for name in missed]
    if problems:
        pytest.fail(f"{len(problems)} {label} sample(s) failed:\n" + "\n".join(problems))
    assert len(replay.done) == len(model.endpoints) == 30
