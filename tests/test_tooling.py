"""ruff and mypy, as configured in pyproject.toml, pass on the whole project."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(ROOT / ".venv" / "bin")) or shutil.which(
        name, path=str(sys.prefix + "/bin")
    )
    if found is None:
        pytest.skip(f"{name} is not installed (it comes with the [test] extra)")
    return found


def test_ruff_passes() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "generator", "tests", "examples", "api-docs"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes() -> None:
    result = subprocess.run(
        [_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
