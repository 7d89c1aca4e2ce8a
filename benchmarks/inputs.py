"""The documents the benchmarks run on: GitHub's REST description, fetched once and cached,
and a copy of it whose examples all match their schemas.

GitHub's description is npm's ``@octokit/openapi@23.0.2`` (``package/generated/
api.github.com.json``, 13 MB, 1,223 operations), downloaded from the npm registry into
``$APISCRIBE_BENCH_CACHE`` (default ``/work/cache``); the archive and the description are
checked by SHA-256. 611 of its
response examples do not match their schemas; apiscribe reports them as errors, and a run
with errors never overwrites an output folder or passes the plugin, so the rebuild and
``mkdocs serve`` benchmarks use :func:`github_clean`: the same description without those
examples (their operations keep their other examples and their schemas).

    .venv/bin/python benchmarks/inputs.py      # fetch, clean and print the paths
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import urllib.request
from pathlib import Path

CACHE = Path(os.environ.get("APISCRIBE_BENCH_CACHE", "/work/cache"))
GITHUB_URL = "https://registry.npmjs.org/@octokit/openapi/-/openapi-23.0.2.tgz"
GITHUB_MEMBER = "package/generated/api.github.com.json"
TGZ_SHA256 = "71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c"
GITHUB_SHA256 = "829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a"
SENTRY = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "openapi" / (
    "sentry-2022-05-18-openapi-derefed.json")


def github() -> Path:
    """GitHub's description, fetched into the cache the first time."""
    path = CACHE / "octokit" / GITHUB_MEMBER
    if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == GITHUB_SHA256:
        return path
    with urllib.request.urlopen(GITHUB_URL, timeout=120) as response:
        archive = response.read()
    found = hashlib.sha256(archive).hexdigest()
    if found != TGZ_SHA256:
        raise SystemExit(f"{GITHUB_URL} has SHA-256 {found}, not {TGZ_SHA256}")
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        member = tar.extractfile(GITHUB_MEMBER)
        assert member is not None, f"{GITHUB_URL} has no {GITHUB_MEMBER}"
        data = member.read()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _parent(document: object, pointer: str) -> tuple[object, str]:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node = document
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    return node, parts[-1]


def github_clean() -> Path:
    """GitHub's description without the examples apiscribe finds errors in (made once)."""
    from apiscribe.pipeline import load

    source = github()
    path = CACHE / "octokit" / "api.github.com.clean.json"
    if path.is_file() and path.stat().st_mtime >= source.stat().st_mtime:
        return path
    document = json.loads(source.read_text(encoding="utf-8"))
    diagnostics = load(str(source))[1]
    for _ in range(3):  # an example dropped from components leaves references to drop next
        errors = [d for d in diagnostics if d.level == "error"]
        if not errors:
            break
        for pointer in sorted({d.pointer for d in errors}, reverse=True):
            # .../examples/NAME/value, .../examples/NAME/$ref or .../example: drop the example
            if pointer.endswith(("/value", "/$ref")):
                pointer = pointer.rsplit("/", 1)[0]
            parent, key = _parent(document, pointer)
            if isinstance(parent, dict):
                parent.pop(key, None)
        path.write_text(json.dumps(document), encoding="utf-8")
        diagnostics = load(str(path))[1]
    path.write_text(json.dumps(document), encoding="utf-8")
    errors = [d for d in diagnostics if d.level == "error"]
    if errors:
        path.unlink(missing_ok=True)
        raise SystemExit(f"the clean copy still has {len(errors)} error(s): {errors[0].format()}")
    return path


if __name__ == "__main__":
    print(github())
    print(github_clean())
