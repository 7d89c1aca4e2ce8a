"""The artefact users get: build the wheel, install it in a fresh venv, and use it there."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SEED


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (built,) = dist.glob("apiscribe-*.whl")
    return built


def test_wheel_carries_the_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {n for n in names if n.startswith("apiscribe/templates/")}
    assert "apiscribe/templates/endpoint.md.j2" in templates
    assert "apiscribe/cli.py" in names
    assert "apiscribe/site/apiscribe.css" in names  # the stylesheet the plugin adds
    assert not any(n.startswith(("tests/", "examples/")) for n in names)


@pytest.mark.slow
def test_installed_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True, capture_output=True, text=True,
    )
    cli = env_dir / "bin" / "apiscribe"
    helped = subprocess.run([str(cli), "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0
    assert "Usage: apiscribe [OPTIONS] COMMAND" in helped.stdout
    for command in ("generate", "build", "convert"):
        assert command in helped.stdout

    # A render from the installed package alone: its templates, outside the checkout.
    source = tmp_path / "in" / "releases"
    source.mkdir(parents=True)
    (source / "put-organization-release-details.md").write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    rendered = subprocess.run(
        [str(cli), "convert", str(tmp_path / "in"), "--to", "markdown", "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert rendered.returncode == 0, rendered.stderr
    page = (out / "releases" / "put-organization-release-details.md").read_text()
    assert "\n# Update an Organization's Release\n" in page
    assert "/api/0/organizations/{organization_slug}/releases/{version}/" in page
