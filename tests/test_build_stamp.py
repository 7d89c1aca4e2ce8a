"""The build stamp: a site whose inputs and code have not changed is not built again, and a
site rebuilt after a change is byte for byte the site a cold build makes.

Through the command line: ``apiscribe convert SPEC --to site`` and ``apiscribe build
--no-generate`` on a project of the reference API's committed JSON docs.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from apiscribe.cli import main
from apiscribe.site import build_stamp
from apiscribe.site.stamp import STAMP_FILE, read_stamp

from .conftest import ROOT

#: The reference API's committed OpenAPI document: 30 operations.
SPEC = ROOT / "api-docs" / "openapi.json"
KEPT = "nothing changed since the site"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def times(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}


def spec_file(tmp_path: Path) -> Path:
    """A spec of several operations, copied so that a test may edit it."""
    target = tmp_path / "spec.json"
    shutil.copyfile(SPEC, target)
    return target


def test_an_unchanged_spec_leaves_the_site_as_it_is(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    first = run("convert", str(spec), "--to", "site", "-o", str(tmp_path / "out"))
    assert KEPT not in first.output
    site = tmp_path / "out" / "site"
    built, stamped = tree(site), times(site)
    stamp = read_stamp(site)
    assert stamp is not None and stamp.endpoints > 0
    again = run("convert", str(spec), "--to", "site", "-o", str(tmp_path / "out"))
    assert KEPT in again.output
    assert (tree(site), times(site)) == (built, stamped)  # not a byte, not a time touched


def test_a_rebuild_after_a_change_is_the_cold_build(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    out = tmp_path / "out"
    run("convert", str(spec), "--to", "site", "-o", str(out))
    document = json.loads(spec.read_text(encoding="utf-8"))
    operations = [op for item in document["paths"].values() for key, op in item.items()
                  if isinstance(op, dict) and key in ("get", "put", "post", "delete", "patch")]
    edited = random.Random(12).choice(operations)
    edited["description"] = "Edited: " + str(edited.get("description", ""))
    spec.write_text(json.dumps(document, indent=2), encoding="utf-8")

    rebuilt = run("convert", str(spec), "--to", "site", "-o", str(out))
    assert KEPT not in rebuilt.output
    cold = tmp_path / "cold"
    run("convert", str(spec), "--to", "site", "-o", str(cold))
    assert tree(out / "site") == tree(cold / "site")
    assert any(b"Edited: " in data for data in tree(out / "site").values())


def reference_project(root: Path) -> Path:
    shutil.copytree(ROOT / "api-docs", root / "api-docs")
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "pyproject.toml").write_text("[tool.apiscribe]\n", encoding="utf-8")
    return root


def build(root: Path) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        return CliRunner().invoke(main, ["build", "--no-generate"], catch_exceptions=False)


def test_build_keeps_an_unchanged_site_and_rebuilds_a_changed_one(tmp_path: Path) -> None:
    root = reference_project(tmp_path / "project")
    first = build(root)
    assert first.exit_code == 0 and KEPT not in first.output, first.output
    site = tree(root / "site")
    again = build(root)
    assert again.exit_code == 0 and KEPT in again.output, again.output
    assert tree(root / "site") == site

    # One JSON doc's title changes: the site is rebuilt, and is what a cold build makes.
    doc = next((root / "api-docs" / "endpoints" / "releases").glob("get-*.md"))
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace('"title": "', '"title": "Edited ', 1), encoding="utf-8")
    changed = build(root)
    assert changed.exit_code == 0 and KEPT not in changed.output, changed.output
    cold = reference_project(tmp_path / "cold")
    shutil.copyfile(doc, cold / doc.relative_to(root))
    assert build(cold).exit_code == 0
    assert tree(root / "site") == tree(cold / "site")
    assert tree(root / "site") != site


def test_the_stamp_follows_every_input_and_option(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "x.md").write_text("one", encoding="utf-8")
    first = build_stamp([folder], ["strict"])
    assert build_stamp([folder], ["strict"]) == first
    assert build_stamp([folder], ["lenient"]) != first
    (folder / "a" / "x.md").write_text("two", encoding="utf-8")
    assert build_stamp([folder], ["strict"]) != first
    (folder / "a" / "x.md").rename(folder / "a" / "y.md")
    renamed = build_stamp([folder], ["strict"])
    assert renamed not in (first, build_stamp([folder / "a" / "y.md"], ["strict"]))
    # A folder that is not there yet reads as an empty one.
    assert build_stamp([tmp_path / "none"]) == build_stamp([(tmp_path / "empty")])


def test_a_broken_stamp_means_a_rebuild(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    out = tmp_path / "out"
    run("convert", str(spec), "--to", "site", "-o", str(out))
    (out / "site" / STAMP_FILE).write_text("{not json", encoding="utf-8")
    again = run("convert", str(spec), "--to", "site", "-o", str(out))
    assert KEPT not in again.output
    assert read_stamp(out / "site") is not None


def test_a_kept_site_repeats_what_its_build_said(tmp_path: Path) -> None:
    # A spec with an error still builds into an empty folder (exit 1); run again unchanged,
    # the site is kept and the same error is said again, with the same exit code.
    spec = spec_file(tmp_path)
    document = json.loads(spec.read_text(encoding="utf-8"))
    operation = next(iter(next(iter(document["paths"].values())).values()))
    operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/Nowhere"})
    spec.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["convert", str(spec), "--to", "site", "-o", str(out)])
    assert first.exit_code == 1 and (out / "site" / "index.html").is_file(), first.output
    errors = [line for line in first.output.splitlines() if " error " in line]
    assert errors
    again = runner.invoke(main, ["convert", str(spec), "--to", "site", "-o", str(out)])
    assert again.exit_code == 1 and KEPT in again.output
    assert [line for line in again.output.splitlines() if " error " in line] == errors
