"""GitHub's REST description (13 MB, 1,223 operations) becomes a site that MkDocs builds in
strict mode with a page for every operation: speed is never bought by dropping pages.

The description is read from ``APISCRIBE_GITHUB_SPEC`` (``.ci/run`` downloads
``@octokit/openapi`` 23.0.2 from the npm registry and sets it), else from the benchmarks'
cache; without it the test skips, saying where it looked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from apiscribe.model.routes import METHODS
from apiscribe.pipeline import load
from apiscribe.site import build_site, write_mkdocs_config
from apiscribe.views import markdown

GITHUB = Path(os.environ.get("APISCRIBE_GITHUB_SPEC",
                             "/work/cache/octokit/package/generated/api.github.com.json"))


@pytest.mark.slow
def test_githubs_description_builds_strict_with_a_page_per_operation(tmp_path: Path) -> None:
    if not GITHUB.is_file():
        pytest.skip(f"GitHub's REST description is not at {GITHUB} (.ci/run downloads it and "
                    "sets APISCRIBE_GITHUB_SPEC)")
    document = json.loads(GITHUB.read_text(encoding="utf-8"))
    operations = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method in METHODS}
    model, _ = load(str(GITHUB))  # its example problems are diagnostics, not lost pages
    assert model is not None
    assert {(ep.api_path, ep.method.upper()) for ep in model.endpoints} >= operations

    (tmp_path / "mkdocs.yml").write_text(
        write_mkdocs_config(title=model.title, api_docs=""), encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml", site_dir=tmp_path / "site", strict=True, model=model)

    missing = [f"{slug}/{stem}" for slug, entries in markdown.page_paths(model).items()
               for stem, _ in entries
               if not (tmp_path / "site" / slug / stem / "index.html").is_file()]
    assert missing == []
    assert sum(len(entries) for entries in markdown.page_paths(model).values()) == len(
        model.endpoints) >= len(operations) >= 1000
