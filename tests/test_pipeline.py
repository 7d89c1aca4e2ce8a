"""End to end, as users run it: the ``apiscribe`` command on real projects, in subprocesses.

The reference API (examples/refapi) is recorded under a real waitress server on 127.0.0.1;
the small ``pipeline_fixtures`` shop project has one good endpoint, one with a bad docstring
and one whose scenario raises.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

FIXTURE = Path(__file__).resolve().parent / "pipeline_fixtures"


def apiscribe(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiscribe", *args],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "api-docs"
    result = apiscribe("generate", "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_generate_documents_the_reference_api(generated: Path) -> None:
    docs = sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*.md"))
    sections = {d.split("/")[1] for d in docs}
    assert len(docs) >= 15
    assert {"organizations", "teams", "projects", "releases"} <= sections
    page = (generated / "endpoints/releases/put-organization-release-details.md").read_text()
    assert '"api_path": "/api/0/organizations/{organization_slug}/releases/{version}/", ' in page
    assert "Authorization: Bearer <token>" in page
    assert "127.0.0.1" not in page
    assert (generated / "openapi.json").is_file()


def test_generate_twice_gives_identical_bytes_and_matches_committed(
    generated: Path, tmp_path: Path
) -> None:
    again = tmp_path / "api-docs"
    result = subprocess.run(
        [sys.executable, "api-docs/generate.py", "--output", str(again), "-q"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert tree_bytes(again) == tree_bytes(generated)
    committed = {
        rel: data for rel, data in tree_bytes(ROOT / "api-docs").items()
        if rel != "generate.py"
    }
    assert committed == tree_bytes(generated), "api-docs/ is stale: run apiscribe generate"


def test_generate_leaves_unchanged_files_untouched(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "api-docs"
    shutil.copytree(generated, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    stale = out / "endpoints/teams/removed-endpoint.md"
    stale.write_text("---\n{}\n---\n")
    result = apiscribe("generate", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "0 file(s) written" in result.stderr and "1 removed" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    shutil.copytree(FIXTURE, project)
    return project


def test_bad_endpoints_fail_the_run_but_not_the_others(shop: Path) -> None:
    old = shop / "api-docs/endpoints/items/get-item-details.md"
    old.parent.mkdir(parents=True)
    committed = (
        "---\n" + "{\n"
        '  "api_path": "/api/items/{item_id}/", \n  "authentication": "", \n'
        '  "description": "", \n  "example_request": "", \n  "example_response": "", \n'
        '  "method": "GET", \n  "parameters": null, \n  "path_parameters": null, \n'
        '  "query_parameters": null, \n  "sidebar_order": 3, \n'
        '  "title": "Retrieve an Item (committed)", \n  "warning": null\n}\n---\n'
    )
    old.write_text(committed)
    result = apiscribe("generate", cwd=shop)
    assert result.returncode == 1
    assert (
        "shop/views.py:35: error unknown-field: unknown field ':returns:' (endpoint post-items)"
        in result.stderr
    )
    assert (
        "shop/scenarios.py:20: error scenario-failed: scenario 'GetItem' failed: "
        "RuntimeError: the item service is down (endpoint get-item-details)" in result.stderr
    )
    assert "2 error(s), 0 warning(s)" in result.stderr
    written = shop / "api-docs/endpoints/items/get-items.md"
    assert "GET /api/items/ HTTP/1.1" in written.read_text()
    assert old.read_text() == committed, "a broken endpoint must keep its committed doc"
    assert not (shop / "api-docs/endpoints/items/post-items.md").exists()
    assert "Retrieve an Item (committed)" in (shop / "api-docs/openapi.json").read_text()


def test_server_that_does_not_start_is_named_and_nothing_is_written(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("shop.wsgi:", "shop.missing:"))
    result = apiscribe("generate", cwd=shop)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the app server did not start (exited with status 1)")
    assert "-m apiscribe.recording.app_process --app shop.missing:application" in result.stderr
    assert "Traceback" not in result.stderr.split("\n")[0]
    assert not (shop / "api-docs").exists()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_ctrl_c_stops_the_server(shop: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "apiscribe", "generate"],
        cwd=shop, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL, env={**os.environ, "SHOP_SLOW": "1"},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "slow scenario started"
        servers = _children(process.pid)
        assert servers, "the app server should be running"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "Interrupted." in stderr
    time.sleep(0.2)
    for pid in servers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text(), f"server {pid} outlived the run"
    assert not (shop / "api-docs").exists()


def test_build_makes_the_site_from_committed_docs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = apiscribe("build", "--no-generate", "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    docs = list((ROOT / "api-docs/endpoints").rglob("*.md"))
    for doc in docs:
        page = site / doc.parent.name / doc.stem / "index.html"
        assert page.is_file(), page


def test_mkdocs_build_strict_passes_on_the_repository(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "releases" / "index.html").is_file()


def test_committed_openapi_passes_the_validator() -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(str(ROOT / "api-docs" / "openapi.json"))
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    operations = [op for item in spec["paths"].values() for op in item.values()]
    assert len(operations) == len(list((ROOT / "api-docs/endpoints").rglob("*.md")))
    assert {t["name"] for t in spec["tags"]} == {"Organizations", "Teams", "Projects", "Releases"}
