"""``apiscribe convert`` on real OpenAPI/Swagger documents: every view, and a strict site build."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiscribe.cli import main

from .conftest import CORPUS

SPECS = sorted((CORPUS / "openapi").glob("*")) if CORPUS.is_dir() else []

needs_corpus = pytest.mark.skipif(
    not SPECS, reason="the shared corpus (../shared/corpus/openapi) is not beside the checkout"
)


def convert(source: str, target: str, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["convert", source, "--to", target, "--out", str(out), "-q", *extra],
        catch_exceptions=False,
    )
    return result.exit_code, result.stderr


@needs_corpus
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_corpus_spec_converts_to_all_four_views(spec: Path, tmp_path: Path) -> None:
    for target in ("jsondocs", "openapi", "markdown"):
        code, err = convert(str(spec), target, tmp_path / target)
        assert code == 0, f"{target}: {err}"
    docs = list((tmp_path / "jsondocs").rglob("*.md"))
    pages = list((tmp_path / "markdown").rglob("*.md"))
    assert docs and len(pages) > len(docs)  # one page per operation, plus the indexes
    document = json.loads((tmp_path / "openapi" / "openapi.json").read_text())
    assert document["openapi"].startswith("3.")
    code, err = convert(str(spec), "site", tmp_path / "site")
    assert code == 0, err
    assert (tmp_path / "site" / "site" / "index.html").is_file()


@needs_corpus
def test_a_spec_served_over_http_converts(tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(CORPUS / "openapi"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/oai_v3.0_petstore.yaml"
        code, err = convert(url, "openapi", tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, err
    paths = json.loads((tmp_path / "openapi.json").read_text())["paths"]
    assert set(paths) == {"/pets", "/pets/{petId}"}


BROKEN = """\
openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Nowhere"}
"""


def test_a_failed_run_overwrites_nothing_in_the_output_folder(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text(BROKEN)
    out = tmp_path / "out"
    out.mkdir()
    (out / "openapi.json").write_text("the previous good output\n")
    code, err = convert(str(spec), "openapi", out)
    assert code == 1
    assert f"{spec}:5: error undeclared-path-parameter: path parameter 'id' of GET " \
        "/things/{id} is not declared" in err
    # The spec checks run too: the reference to nowhere is their error (one diagnostic for
    # one problem: the importer's ref-not-found at the same place is dropped).
    assert f"{spec}:12: error spec-invalid: unresolvable reference: nothing at " \
        "'#/components/schemas/Nowhere'" in err
    assert "ref-not-found" not in err
    assert "warning output-kept: the input has errors, so nothing in the output folder " \
        "was changed" in err
    assert (out / "openapi.json").read_text() == "the previous good output\n"
    assert [p.name for p in out.iterdir()] == ["openapi.json"]


#: What the spec checks find in GitHub's (valid) description: examples that do not match
#: their schemas. They make the exit code 1; everything is still converted.
EXAMPLE_CODES = {"response-schema", "request-schema"}


def error_codes(err: str) -> set[str]:
    return set(re.findall(r"^\S.*?:\d+: error ([a-z-]+): ", err, re.MULTILINE))


@pytest.mark.slow
def test_githubs_rest_description_converts_and_builds(tmp_path: Path, github_spec: Path) -> None:
    spec = github_spec
    code, err = convert(str(spec), "site", tmp_path)
    assert (code, error_codes(err)) == (1, EXAMPLE_CODES), err[-3000:]
    assert (tmp_path / "project" / "mkdocs.yml").is_file()
    pages = list((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 1223  # one page per operation, plus the indexes
    assert (tmp_path / "site" / "index.html").is_file()
    result = subprocess.run(
        [sys.executable, "-m", "apiscribe", "convert", str(spec), "--to", "openapi",
         "--out", str(tmp_path / "spec"), "-q"],
        capture_output=True, text=True, check=False,
    )
    assert (result.returncode, error_codes(result.stderr)) == (1, EXAMPLE_CODES), (
        result.stderr[-3000:])
    document = json.loads((tmp_path / "spec" / "openapi.json").read_text())
    operations = sum(
        1 for item in document["paths"].values() for key in item
        if key in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    )
    assert operations == 1223
