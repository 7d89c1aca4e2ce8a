"""The GitHub Actions example in the README: actions pinned to exact versions, and the least
permissions (``contents: read``; ``pages: write`` only in the deploy job)."""

from __future__ import annotations

import re

import yaml

from ..conftest import ROOT

_PINNED = re.compile(r"\A[\w.-]+/[\w.-]+@(?:v\d+\.\d+\.\d+|[0-9a-f]{40})\Z")


def _workflow() -> dict:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("# .github/workflows/api-docs.yml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    assert isinstance(workflow, dict)
    return workflow


def test_every_action_is_pinned_to_an_exact_version() -> None:
    uses = [step["uses"] for job in _workflow()["jobs"].values()
            for step in job["steps"] if "uses" in step]
    assert uses
    assert [u for u in uses if not _PINNED.match(u)] == []


def test_the_workflow_asks_for_the_least_permissions() -> None:
    workflow = _workflow()
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", workflow["permissions"])
        writes = {k for k, v in granted.items() if v == "write"}
        assert writes <= ({"pages", "id-token"} if name == "deploy" else set()), name
        assert granted.get("contents") == "read", name
    assert workflow["jobs"]["deploy"]["permissions"]["pages"] == "write"
