"""Shared test fixtures.

Golden files live under ``tests/golden/``. Refresh them all with::

    python -m pytest --update-goldens

When a comparison fails, the rendered tree is written beside the golden one as
``<name>_out/`` so the difference can be inspected with ``diff -r``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

#: The test apps under ``tests/apps/`` carry their own tests, run by their own pytest
#: (``tests/test_framework_apps.py`` runs them to record examples), not by this suite.
collect_ignore_glob = ["apps/*"]
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seeds" / "000_6ae769dba68f0529.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(autouse=True, scope="session")
def _users_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The commands the tests run keep what they cache (``check``'s verdicts, ``convert``'s
    Markdown) in a folder of this session, not in the user's cache folder; and the key that
    signs the cache files that run code in a state folder of this session."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("users-cache"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("users-state"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


def _read_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _write_tree(folder: Path, tree: Mapping[str, str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for rel, text in tree.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


GoldenCompare = Callable[[str, Mapping[str, str]], None]


@pytest.fixture
def golden_tree(request: pytest.FixtureRequest) -> GoldenCompare:
    """Compare a rendered ``{path: text}`` tree with ``tests/golden/<name>/``.

    Missing, extra and changed files are all reported.
    """
    update = bool(request.config.getoption("--update-goldens"))

    def compare(name: str, tree: Mapping[str, str]) -> None:
        folder = GOLDEN / name
        out = GOLDEN / f"{name}_out"
        if update:
            _write_tree(folder, tree)
            shutil.rmtree(out, ignore_errors=True)
            return
        if not folder.is_dir():
            pytest.fail(f"no golden tree {folder}; run: python -m pytest --update-goldens")
        expected = _read_tree(folder)
        actual = dict(tree)
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        changed = sorted(p for p in set(expected) & set(actual) if expected[p] != actual[p])
        if missing or extra or changed:
            _write_tree(out, actual)
            pytest.fail(
                f"rendered tree differs from {folder} (output written to {out}):\n"
                f"  missing: {missing}\n  extra: {extra}\n  changed: {changed}\n"
                "refresh with: python -m pytest --update-goldens"
            )
        shutil.rmtree(out, ignore_errors=True)

    return compare


GITHUB_PACKAGE = "@octokit/openapi@23.0.2"
#: Where the benchmarks (BENCHMARKS.md) unpack GitHub's REST description; used when present.
GITHUB_LOCAL = Path("/work/cache/octokit/package/generated/api.github.com.json")


@pytest.fixture(scope="session")
def github_spec(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """GitHub's REST description (OpenAPI 3.0.3, 1,223 operations, 13 MB).

    Taken from ``$APISCRIBE_GITHUB_SPEC`` or the benchmarks' folder when present; otherwise
    fetched once with ``npm pack @octokit/openapi@23.0.2`` into pytest's cache (or a
    temporary folder). Tests that use it skip, saying why, when npm cannot fetch it.
    """
    import os
    import subprocess

    for candidate in (os.environ.get("APISCRIBE_GITHUB_SPEC", ""), str(GITHUB_LOCAL)):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    cache = getattr(pytestconfig, "cache", None)
    folder = cache.mkdir("octokit") if cache is not None else tmp_path_factory.mktemp("octokit")
    found = folder / "package" / "generated" / "api.github.com.json"
    if found.is_file():
        return found
    if shutil.which("npm") is None:
        pytest.skip(f"GitHub's REST description needs npm to fetch {GITHUB_PACKAGE}")
    try:
        subprocess.run(["npm", "pack", GITHUB_PACKAGE], cwd=folder, check=True,
                       capture_output=True, timeout=300)
        subprocess.run(["tar", "xzf", "octokit-openapi-23.0.2.tgz"], cwd=folder, check=True,
                       capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"npm could not fetch {GITHUB_PACKAGE}: {exc}")
    return found


_CORPUS_NAMES = ("CORPUS", "SEED", "OPENAPI", "SENTRY", "SPECS", "corpus")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``../shared`` beside the checkout, skip the tests that read the corpus."""
    if CORPUS.is_dir():
        return
    import inspect

    skip = pytest.mark.skip(reason=f"the shared corpus is not beside the checkout ({CORPUS})")
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            continue
        if any(name in source for name in _CORPUS_NAMES):
            item.add_marker(skip)
