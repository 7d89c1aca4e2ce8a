"""``apiscribe check`` as CI runs it: real corpus, real project, every output format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from .conftest import CORPUS, ROOT, SEED

FIXTURE = Path(__file__).resolve().parent / "pipeline_fixtures"
SENTRY = CORPUS / "sentry-docs"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not beside the checkout"
)


def check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiscribe", "check", "--no-cache", *args],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=600,
        stdin=subprocess.DEVNULL,
    )


def lines_with(output: str, code: str) -> list[str]:
    return [
        line for line in output.splitlines()
        if f" error {code}: " in line or f" warning {code}: " in line
    ]


@needs_corpus
def test_sentry_docs_lies_are_each_reported_once_with_the_right_file() -> None:
    result = check(str(SENTRY))
    assert result.returncode == 1
    out = result.stdout
    mismatch = lines_with(out, "example-path-mismatch")
    assert len(mismatch) == 1
    assert mismatch[0].startswith(f"{SENTRY}/releases/put-organization-release-details.md:")
    errors = lines_with(out, "error-example")
    assert sorted(line.split(":")[0] for line in errors) == [
        f"{SENTRY}/projects/delete-project-details.md",
        f"{SENTRY}/projects/put-project-details.md",
        f"{SENTRY}/releases/put-organization-release-details.md",
    ]
    assert "(404 NOT FOUND)" in next(e for e in errors if "releases/" in e)
    assert sum("500 INTERNAL SERVER ERROR" in e.upper() for e in errors) == 2
    no_example = lines_with(out, "no-example")
    assert len(no_example) == len({line.split(":")[0] for line in no_example}) == 25
    no_auth = sorted(line.split(":")[0] for line in lines_with(out, "no-authentication"))
    assert len(no_auth) == 6
    assert f"{SENTRY}/releases/get-organization-releases.md" in no_auth
    assert "53 file(s) checked" in out


@needs_corpus
def test_the_seed_reports_its_wrong_path_and_its_404() -> None:
    result = check(str(SEED))
    assert result.returncode == 1
    assert (
        f"{SEED}:8: error example-path-mismatch: example request path "
        "/api/0/organization/the-interstellar-jurisdiction/releases/3000/ does not match "
        "the route /api/0/organizations/{organization_slug}/releases/{version}/"
    ) in result.stdout
    assert len(lines_with(result.stdout, "error-example")) == 1


def test_the_reference_api_docs_pass_with_staleness(tmp_path: Path) -> None:
    result = check("--junit", str(tmp_path / "report.xml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " error(s)" in result.stdout and ": 0 error(s), 0 warning(s)" in result.stdout
    suite = ET.parse(tmp_path / "report.xml").getroot()
    assert suite.get("failures") == "0"
    assert int(suite.get("tests", "0")) >= 16


@needs_corpus
def test_github_and_json_formats(tmp_path: Path) -> None:
    github = check("--format", "github", str(SEED))
    assert github.returncode == 1
    assert f"::error file={SEED},line=8,title=example-path-mismatch::example request path" in (
        github.stdout
    )
    as_json = check("--format", "json", str(SEED))
    payload = json.loads(as_json.stdout)
    codes = {d["code"] for d in payload["diagnostics"]}
    assert {"example-path-mismatch", "error-example"} <= codes
    assert payload["summary"]["errors"] == 2
    junit = tmp_path / "junit.xml"
    check("--junit", str(junit), str(SENTRY))
    suite = ET.parse(junit).getroot()
    assert suite.get("tests") == "53"
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert f"{SENTRY}/projects/put-project-details.md" in failed


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    doc = tmp_path / "get-things.md"
    doc.write_text(
        "---\n{\n"
        '  "api_path": "/things/", \n  "authentication": "", \n  "description": "", \n'
        '  "example_request": "", \n  "example_response": "", \n  "method": "GET", \n'
        '  "parameters": null, \n  "path_parameters": null, \n  "query_parameters": null, \n'
        '  "sidebar_order": 1, \n  "title": "List Things", \n  "warning": null\n}\n---\n'
    )
    plain = check(str(doc))
    assert plain.returncode == 0, plain.stdout
    assert "warning no-example" in plain.stdout and "warning no-authentication" in plain.stdout
    assert check("--strict", str(doc)).returncode == 1


def test_bad_files_are_diagnostics_and_the_others_are_still_checked(tmp_path: Path) -> None:
    (tmp_path / "bad-utf8.yaml").write_bytes(b"openapi: 3.1.0\ninfo:\n  title: \xff\n")
    (tmp_path / "bad.json").write_text('{"openapi": "3.1.0",\n  "info": }\n')
    (tmp_path / "dup.yaml").write_text(
        "openapi: 3.1.0\ninfo:\n  title: A\n  title: B\n  version: '1'\npaths: {}\n"
    )
    (tmp_path / "bad-yaml.yaml").write_text("openapi: 3.1.0\ninfo: [unclosed\n")
    good = tmp_path / "good.yaml"
    good.write_text("openapi: 3.1.0\ninfo:\n  title: A\n  version: '1'\npaths: {}\n")
    result = check(str(tmp_path))
    assert result.returncode == 1
    out = result.stdout
    assert f"{tmp_path}/bad-utf8.yaml:3: error bad-utf8:" in out
    assert f"{tmp_path}/bad.json:2: error bad-json:" in out
    assert f"{tmp_path}/dup.yaml:4: error duplicate-key:" in out
    assert f"{tmp_path}/bad-yaml.yaml:" in out and "error bad-yaml:" in out
    assert f"{tmp_path}/good.yaml" not in out
    assert "5 file(s) checked: 4 error(s)" in out


def test_invalid_spec_reports_every_error(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps({
        "openapi": "3.1.0",
        "info": {"title": "T"},
        "paths": {"/a": {"get": {"responses": {"200": {"descriptio": "x"}}}}},
    }, indent=2))
    result = check(str(spec))
    assert result.returncode == 1
    assert len(lines_with(result.stdout, "spec-invalid")) >= 2


def test_check_never_writes(tmp_path: Path) -> None:
    def snapshot() -> dict[str, tuple[int, bytes]]:
        return {
            str(p): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted((ROOT / "api-docs").rglob("*")) if p.is_file()
        }

    before = snapshot()
    result = check("--no-stale")
    assert result.returncode == 0, result.stdout
    assert snapshot() == before


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The shop fixture with its two deliberate faults mended, generated once."""
    root = tmp_path / "shop"
    shutil.copytree(FIXTURE, root)
    views = root / "shop/views.py"
    views.write_text(views.read_text().replace("        :returns: the new item.\n", ""))
    scenarios = root / "shop/scenarios.py"
    scenarios.write_text(scenarios.read_text().replace(
        '    raise RuntimeError("the item service is down")',
        '    client.request("GET", "/api/items/7/")',
    ))
    generated = subprocess.run(
        [sys.executable, "-m", "apiscribe", "generate", "-q"], cwd=root,
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert generated.returncode == 0, generated.stderr
    return root


def test_staleness_lists_stale_missing_and_extra_files(project: Path) -> None:
    assert check(cwd=project).returncode == 0
    docs = project / "api-docs/endpoints/items"
    (docs / "get-items.md").write_text(
        (docs / "get-items.md").read_text().replace("Return every item.", "Old words.")
    )
    (docs / "post-items.md").unlink()
    shutil.copy(docs / "get-item-details.md", docs / "get-old-items.md")
    result = check(cwd=project)
    assert result.returncode == 1
    out = result.stdout
    assert "api-docs/endpoints/items/get-items.md:7: error stale-file: differs from what " \
        "the generator produces now" in out
    assert "api-docs/endpoints/items/post-items.md: error missing-file:" in out
    assert "api-docs/endpoints/items/get-old-items.md: error extra-file:" in out


def test_a_generator_crash_is_a_failure(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("shop.wsgi:", "shop.missing:"))
    result = check(cwd=project)
    assert result.returncode == 1
    assert "api-docs: error generator-failed: the generator failed: the app server did " \
        "not start" in result.stdout


def test_usage_errors_exit_2() -> None:
    result = check("--format", "xml")
    assert result.returncode == 2
    result = check(os.path.join("no", "such", "file.json"))
    assert result.returncode == 2


def test_cached_verdicts_and_example_checks_give_the_same_report(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {type: integer}\n"
        "              example: not a number\n"
    )
    cache = tmp_path / "cache"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "apiscribe", "check", "--cache-dir", str(cache), str(spec)],
            capture_output=True, text=True, check=False, timeout=120,
        )

    first, second = run(), run()
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout
    assert f"{spec}:12: error response-schema:" in first.stdout
    # One entry per document: the spec checks and the example checks are one verdict.
    assert len(list((cache / "specs").glob("*.json"))) == 1
