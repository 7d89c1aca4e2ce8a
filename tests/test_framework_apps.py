"""The three test apps under ``tests/apps/``, documented as their teams would do it.

Each app is written the way its framework's docs teach and carries its own pytest tests;
none has a line written for apiscribe. For each one this runs, as a user would, each in its
own process (Django is configured once per process):

1. the app's own tests with ``pytest --apiscribe-record=PATH``;
2. ``apiscribe generate --app module:object --recordings PATH --out DIR``, twice (the second
   run writes nothing);
3. ``apiscribe check`` on what it wrote;
4. ``apiscribe convert`` to a MkDocs project and ``mkdocs build --strict`` on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent / "apps"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class App:
    folder: str
    target: str
    #: Every route the app serves, as ``METHOD /path``.
    routes: frozenset[str]
    #: Values the app's tests send as credentials: never published.
    secrets: tuple[str, ...] = ()


TEST_APPS = [
    App("fastapi_notes", "notes.main:app", frozenset({
        "GET /health", "GET /v1/notes/", "POST /v1/notes/", "GET /v1/notes/{note_id}",
        "PUT /v1/notes/{note_id}", "DELETE /v1/notes/{note_id}", "GET /v1/users/{username}",
    }), secrets=("alice-secret-token", "bob-secret-token")),
    App("flask_library", "library:create_app()", frozenset({
        "GET /books/", "POST /books/", "GET /books/{book_id}", "PATCH /books/{book_id}",
        "DELETE /books/{book_id}", "GET /authors/", "GET /authors/{author_id}",
    })),
    App("drf_shop", "shop_project.wsgi:application", frozenset({
        "GET /api/categories/", "GET /api/categories/{id}/", "GET /api/products/",
        "POST /api/products/", "GET /api/products/{id}/", "PUT /api/products/{id}/",
        "PATCH /api/products/{id}/", "DELETE /api/products/{id}/",
        "POST /api/products/{id}/restock/",
    })),
]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module", params=TEST_APPS, ids=lambda app: app.folder)
def documented(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> tuple[App, Path, str]:
    """The app's tests recorded and the app generated: ``(app, output folder, stderr)``."""
    app: App = request.param
    folder = APPS / app.folder
    work = tmp_path_factory.mktemp(app.folder)
    recordings = work / "recordings.json"
    tests = run([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 f"--apiscribe-record={recordings}"], folder)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    out = work / "api-docs"
    generate = run([str(BIN / "apiscribe"), "generate", "--app", app.target,
                    "--recordings", str(recordings), "--out", str(out)], folder)
    assert generate.returncode == 0, generate.stderr
    return app, out, generate.stderr


def _documented_routes(out: Path) -> set[str]:
    spec = json.loads((out / "openapi.json").read_text())
    return {f"{method.upper()} {path}" for path, item in spec["paths"].items()
            for method in item}


def test_every_route_is_documented(documented: tuple[App, Path, str]) -> None:
    app, out, _ = documented
    assert _documented_routes(out) == app.routes
    docs = list((out / "endpoints").rglob("*.md"))
    assert len(docs) == len(app.routes)


def test_every_route_has_a_recorded_example(documented: tuple[App, Path, str]) -> None:
    _, out, stderr = documented
    assert "no-example" not in stderr
    for doc in (out / "endpoints").rglob("*.md"):
        text = doc.read_text()
        assert '"example_request": ""' not in text, doc
        assert '"example_response": "HTTP/1.1 ' in text, doc


def test_examples_publish_no_credentials(documented: tuple[App, Path, str]) -> None:
    """Every credential the tests sent (read back from the recordings) is ``<token>``."""
    app, out, _ = documented
    recorded = json.loads((out.parent / "recordings.json").read_text())
    sent = {value.partition(" ")[2] or value
            for exchange in recorded["exchanges"]
            for name, value in exchange["request"]["headers"]
            if name.lower() in ("authorization", "x-token")}
    assert sent or not app.secrets
    text = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    for secret in sent | set(app.secrets):
        assert secret not in text
    if sent:
        assert "<token>" in text


def test_check_passes(documented: tuple[App, Path, str]) -> None:
    _, out, _ = documented
    check = run([str(BIN / "apiscribe"), "check", str(out / "openapi.json"),
                 str(out / "endpoints")], out.parent)
    assert check.returncode == 0, check.stderr
    assert " 0 error(s)" in check.stdout + check.stderr


def test_generating_again_changes_nothing(documented: tuple[App, Path, str]) -> None:
    app, out, _ = documented
    recordings = out.parent / "recordings.json"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = run([str(BIN / "apiscribe"), "generate", "--app", app.target,
                 "--recordings", str(recordings), "--out", str(out)], APPS / app.folder)
    assert again.returncode == 0, again.stderr
    assert " 0 file(s) written" in again.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_site_builds_strict(documented: tuple[App, Path, str]) -> None:
    _, out, _ = documented
    site = out.parent / "site"
    convert = run([str(BIN / "apiscribe"), "convert", str(out / "endpoints"), "--to", "site",
                   "--out", str(site)], out.parent)
    assert convert.returncode == 0, convert.stderr
    strict = run([str(BIN / "mkdocs"), "build", "--strict", "-q", "-f",
                  str(site / "project" / "mkdocs.yml"), "-d", str(out.parent / "strict")],
                 out.parent)
    assert strict.returncode == 0, strict.stderr
    pages = list((out.parent / "strict").rglob("index.html"))
    assert len(pages) > len(list((out / "endpoints").rglob("*.md")))


DRF_OWN_SCHEMA = '''
import json, sys
from pathlib import Path
from apiscribe.sources.apps import django_app, import_app
from apiscribe.sources.apps.enrich import enrich
from apiscribe.sources.openapi import read_document

app = import_app("shop_project.wsgi:application", (Path.cwd(),))
described = django_app.describe(app, spectacular=False)
spec = read_document(described.document, "shop")
model, found = enrich(spec.model, described.handlers, Path.cwd())
patch = described.document["paths"]["/api/products/{id}/"]["patch"]
schema = patch["requestBody"]["content"]["application/json"]["schema"]
patched = described.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
print(json.dumps({
    "routes": sorted(f"{e.method} {e.api_path}" for e in model.endpoints),
    "titles": sorted(e.title for e in model.endpoints),
    "patch_required": patched.get("required"),
    "errors": [d.code for d in [*spec.diagnostics, *found] if d.level == "error"],
}))
'''


def test_drf_without_drf_spectacular_uses_drfs_own_generator() -> None:
    """The same app through ``rest_framework.schemas.openapi`` (what a project without
    drf-spectacular gets): every route, the action summaries, and PATCH bodies partial."""
    result = run([str(BIN / "python"), "-c", DRF_OWN_SCHEMA], APPS / "drf_shop")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    drf = next(app for app in TEST_APPS if app.folder == "drf_shop")
    assert set(found["routes"]) == drf.routes
    assert "Partially update a product" in found["titles"]
    assert "Add a product to the catalogue." in found["titles"]
    assert found["patch_required"] is None
    assert found["errors"] == []
