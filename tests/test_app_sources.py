"""Apps named as ``module:object``: FastAPI, Starlette and Flask read through their own
metadata, docstrings over it, and the errors for what is not an app.

The apps here are small modules written into a temporary folder and imported from it, as
``generate --app`` imports a team's code. Django REST framework apps need a process of their
own (Django is configured once per process): ``test_framework_apps.py`` covers them.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiscribe.cli import main
from apiscribe.diagnostics import ApiscribeError
from apiscribe.model import ApiModel, Endpoint
from apiscribe.sources.apps import load

#: The folder apps are written to, and ``write(name, source)``, which writes one there.
AppModule = tuple[Path, Callable[[str, str], Path]]


@pytest.fixture
def app_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppModule]:
    """The folder apps are imported from, and a writer of modules into it."""
    names: list[str] = []

    def write(name: str, source: str) -> Path:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        names.append(name)
        return tmp_path

    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path, write
    for name in names:
        sys.modules.pop(name, None)


def _by_route(model: ApiModel) -> dict[str, Endpoint]:
    return {f"{ep.method} {ep.api_path}": ep for ep in model.endpoints}


FASTAPI_APP = '''
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


class Item(BaseModel):
    id: int
    name: str


async def token(x_token: Annotated[str, Header()]) -> str:
    return x_token


router = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(token)])


@router.get("/{item_id}", response_model=Item)
async def read_item(item_id: int) -> Item:
    """Read an item.

    Any item, by its id.
    """
    raise HTTPException(status_code=404, detail="Item not found")


@router.post("/", response_model=Item, status_code=201, summary="Add an item")
async def create_item(item: Item) -> Item:
    """Store a new item.

    The id is yours to choose.
    """
    return item


@router.delete("/{item_id}", status_code=204, deprecated=True)
async def delete_item(item_id: int) -> None:
    """Delete an item.

    :pparam string item_id: the item's id.
    :qparam int force: delete even when referenced.
    :auth: required
    """


admin = FastAPI()


@admin.get("/stats")
async def stats() -> dict[str, int]:
    """Counts of everything."""
    return {}


async def ping(request):
    """Answer pong."""
    return PlainTextResponse("pong")


app = FastAPI(title="Items")
app.include_router(router, prefix="/v2")
app.mount("/admin", admin)
app.mount("/plain", Starlette(routes=[Route("/ping", ping)]))
'''


def test_fastapi_routers_mounts_and_models(app_module: AppModule) -> None:
    root, write = app_module
    write("items_app", FASTAPI_APP)
    model, diagnostics = load("items_app:app", root=root)
    routes = _by_route(model)
    assert set(routes) == {"GET /v2/items/{item_id}", "POST /v2/items/", "DELETE /v2/items/"
                           "{item_id}", "GET /admin/stats", "GET /plain/ping"}
    read = routes["GET /v2/items/{item_id}"]
    assert (read.title, read.description) == ("Read an item.", "Any item, by its id.")
    assert read.name == "read-item" and read.section == "items"
    assert [(p.name, p.location, p.schema["type"]) for p in read.parameters] == [
        ("item_id", "path", "integer"), ("x-token", "header", "string")]
    assert {r.status for r in read.responses or ()} == {"200", "422"}
    assert read.source is not None and read.source.file == "items_app.py"
    assert read.source.line == FASTAPI_APP.splitlines().index(
        "async def read_item(item_id: int) -> Item:") + 1
    create = routes["POST /v2/items/"]
    assert create.title == "Add an item"  # the route's own summary wins over the docstring
    assert create.request_body is not None and create.request_body.content
    assert routes["DELETE /v2/items/{item_id}"].deprecated
    assert routes["GET /admin/stats"].title == "Counts of everything."
    assert routes["GET /plain/ping"].title == "Answer pong."
    assert not [d for d in diagnostics if d.level == "error"]


def test_a_docstring_that_disagrees_with_the_framework_is_a_warning(
        app_module: AppModule) -> None:
    root, write = app_module
    write("items_app", FASTAPI_APP)
    model, diagnostics = load("items_app:app", root=root)
    delete = _by_route(model)["DELETE /v2/items/{item_id}"]
    assert delete.authentication == "required"
    item_id = next(p for p in delete.parameters if p.name == "item_id")
    assert item_id.schema["type"] == "integer"  # the framework's type
    assert item_id.description == "the item's id."  # the docstring's text
    found = {(d.code, d.line): d.message for d in diagnostics if d.endpoint == delete.name}
    lines = FASTAPI_APP.splitlines()
    type_line = lines.index("    :pparam string item_id: the item's id.") + 1
    unknown_line = lines.index("    :qparam int force: delete even when referenced.") + 1
    assert "the framework says integer" in found[("docstring-disagrees", type_line)]
    assert "does not know" in found[("docstring-disagrees", unknown_line)]
    assert all(d.file == "items_app.py" for d in diagnostics if d.endpoint == delete.name)


def test_plain_starlette_routes_and_converters(app_module: AppModule) -> None:
    root, write = app_module
    write("plain_app", '''
        from starlette.applications import Starlette
        from starlette.endpoints import HTTPEndpoint
        from starlette.responses import JSONResponse
        from starlette.routing import Mount, Route


        class Order(HTTPEndpoint):
            async def get(self, request):
                """Get an order."""
                return JSONResponse({})

            async def delete(self, request):
                """Cancel an order."""
                return JSONResponse({})


        async def track(request):
            return JSONResponse({})


        app = Starlette(routes=[
            Mount("/shop", routes=[
                Route("/orders/{order_id:int}", Order),
                Route("/parcels/{code:uuid}/{rest:path}", track),
            ]),
        ])
    ''')
    model, diagnostics = load("plain_app:app", root=root)
    routes = _by_route(model)
    assert set(routes) == {"GET /shop/orders/{order_id}", "DELETE /shop/orders/{order_id}",
                           "GET /shop/parcels/{code}/{rest}"}
    assert routes["DELETE /shop/orders/{order_id}"].title == "Cancel an order."
    assert routes["GET /shop/orders/{order_id}"].parameters[0].schema == {"type": "integer"}
    parcel = routes["GET /shop/parcels/{code}/{rest}"]
    assert [p.schema for p in parcel.parameters] == [
        {"type": "string", "format": "uuid"}, {"type": "string"}]
    # Every route is documented; one without a docstring says so.
    assert [d.endpoint for d in diagnostics if d.code == "no-docstring"] == [parcel.name]


FLASK_APP = '''
from flask import Blueprint, Flask, jsonify
from flask.views import MethodView

shelves = Blueprint("shelves", __name__, url_prefix="/shelves")
admin = Blueprint("admin", __name__, url_prefix="/admin")


class ShelfAPI(MethodView):
    def get(self, shelf_id):
        """Get a shelf.

        With the books on it.
        """
        return jsonify({})

    def put(self, shelf_id):
        """Replace a shelf."""
        return jsonify({})


shelves.add_url_rule("/<int:shelf_id>", view_func=ShelfAPI.as_view("shelf"))


@shelves.route("/<any(fiction, poetry):genre>/<float:weight>", methods=["GET", "POST"])
def by_genre(genre, weight):
    """Shelves of one genre."""
    return jsonify([])


@shelves.get("/")
def index():
    """All shelves."""
    return jsonify([])


@admin.get("/")
def index():  # noqa: F811
    """The admin's start page."""
    return jsonify({})


def create_app():
    app = Flask("library")
    app.register_blueprint(shelves)
    app.register_blueprint(admin)
    return app
'''


def test_flask_url_map_blueprints_and_method_views(app_module: AppModule) -> None:
    root, write = app_module
    write("shelf_app", FLASK_APP)
    model, diagnostics = load("shelf_app:create_app()", root=root)
    routes = _by_route(model)
    assert set(routes) == {"GET /shelves/{shelf_id}", "PUT /shelves/{shelf_id}",
                           "GET /shelves/{genre}/{weight}", "POST /shelves/{genre}/{weight}",
                           "GET /shelves/", "GET /admin/"}
    shelf = routes["GET /shelves/{shelf_id}"]
    assert (shelf.title, shelf.description) == ("Get a shelf.", "With the books on it.")
    assert shelf.section == "shelves" and shelf.name == "get-shelf-api"
    assert shelf.parameters[0].schema == {"type": "integer"}
    assert routes["PUT /shelves/{shelf_id}"].title == "Replace a shelf."
    genre = routes["GET /shelves/{genre}/{weight}"]
    assert [p.schema for p in genre.parameters] == [
        {"type": "string", "enum": ["fiction", "poetry"]}, {"type": "number"}]
    # One function, two methods: two operations with distinct names.
    assert genre.name != routes["POST /shelves/{genre}/{weight}"].name
    # Two functions called index in two blueprints take Flask's own endpoint names.
    assert {routes["GET /shelves/"].name, routes["GET /admin/"].name} == {
        "shelves-index", "admin-index"}
    assert not [d for d in diagnostics if d.level == "error"]
    assert len({ep.name for ep in model.endpoints}) == len(model.endpoints)


def test_an_app_that_cannot_be_imported(app_module: AppModule) -> None:
    root, write = app_module
    write("broken_app", "import not_a_module_anywhere\n")
    with pytest.raises(ApiscribeError) as raised:
        load("broken_app:app", root=root)
    assert raised.value.exit_code == 1
    assert "broken_app:app" in raised.value.message
    assert "No module named 'not_a_module_anywhere'" in raised.value.message


def test_an_object_that_is_no_app(app_module: AppModule) -> None:
    root, write = app_module
    write("not_app", "app = {'routes': []}\n")
    with pytest.raises(ApiscribeError) as raised:
        load("not_app:app", root=root)
    assert raised.value.exit_code == 2
    for kind in ("FastAPI", "Starlette", "Flask", "Django"):
        assert kind in raised.value.hint


def test_command_line_errors_for_apps(app_module: AppModule,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, write = app_module
    write("not_app", "app = 42\n")
    monkeypatch.chdir(root)
    runner = CliRunner()
    unknown = runner.invoke(main, ["generate", "--app", "not_app:app", "--out", "out"])
    assert unknown.exit_code == 2
    assert "no kind of app apiscribe reads" in unknown.output
    missing = runner.invoke(main, ["generate", "--app", "nowhere_at_all:app", "-o", "out"])
    assert missing.exit_code == 1
    assert "cannot import the app nowhere_at_all:app: ModuleNotFoundError" in missing.output
    no_colon = runner.invoke(main, ["generate", "--app", "not_app", "-o", "out"])
    assert no_colon.exit_code == 2
    assert "module:object" in no_colon.output
    assert not (root / "out").exists()


def test_a_third_party_app_from_the_command_line_alone(
        app_module: AppModule, monkeypatch: pytest.MonkeyPatch) -> None:
    """No pyproject.toml: --app, --pythonpath and --out are enough."""
    root, write = app_module
    write("shelf_app", FLASK_APP)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    sys.modules.pop("shelf_app", None)
    result = CliRunner().invoke(main, ["generate", "--app", "shelf_app:create_app()",
                                       "--pythonpath", str(root), "--out", "docs"])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(elsewhere / "docs").as_posix()
                     for p in (elsewhere / "docs").rglob("*.md"))
    assert "endpoints/shelves/get-shelf-api.md" in written
    assert len(written) == 6
    # Nothing recorded: every route is still there, and each says it has no example.
    assert result.output.count("warning no-example") == 6


def test_scenarios_fill_in_what_no_test_covers_under_uvicorn(
        app_module: AppModule, monkeypatch: pytest.MonkeyPatch) -> None:
    """An endpoint no test called is recorded from its scenario, with the ASGI app served by
    uvicorn on 127.0.0.1; the endpoint the tests covered keeps the tests' example."""
    root, write = app_module
    write("svc", '''
        from fastapi import FastAPI

        from apiscribe.scenarios import attach_scenarios

        app = FastAPI(title="Service")


        @app.get("/status")
        async def status() -> dict[str, str]:
            """Say how the service is."""
            return {"status": "green"}


        @app.get("/version")
        @attach_scenarios(["GetVersion"])
        async def version() -> dict[str, str]:
            """Say which version runs."""
            return {"version": "3.2.1"}
    ''')
    write("svc_scenarios", '''
        from apiscribe.scenarios import scenario


        @scenario("GetVersion")
        def get_version(client):
            client.request("GET", "/version")
    ''')
    from apiscribe.formats.recordings import dump_recordings, exchange_entry

    recordings = root / "recordings.json"
    from datetime import UTC, datetime

    entry = exchange_entry("tests/test_svc.py::test_status", False, "GET", "/status",
                           [("host", "testserver")], None, 200, "OK",
                           [("content-type", "application/json")], b'{"status":"green"}')
    recordings.write_text(dump_recordings({"tests/test_svc.py::test_status": "passed"},
                                          [entry], datetime(2026, 12, 5, tzinfo=UTC)))
    (root / "pyproject.toml").write_text(textwrap.dedent('''
        [tool.apiscribe]
        app = "svc:app"
        scenarios = "svc_scenarios"
        recordings = "recordings.json"
        pythonpath = ["."]
        base_url = "https://svc.example.com"
    '''))
    monkeypatch.chdir(root)
    sys.modules.pop("svc_scenarios", None)
    result = CliRunner().invoke(main, ["generate", "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 error(s), 0 warning(s)\n")
    version = (root / "api-docs" / "endpoints" / "default" / "version.md").read_text()
    assert "GET /version HTTP/1.1\\nHost: svc.example.com" in version
    assert '\\"version\\": \\"3.2.1\\"' in version
    status = (root / "api-docs" / "endpoints" / "default" / "status.md").read_text()
    assert '\\"status\\": \\"green\\"' in status


DUPLICATES = '''
from fastapi import FastAPI

app = FastAPI(title="Things")


@app.get("/a/{thing_id}", operation_id="FIRST")
async def read_a(thing_id: int) -> dict[str, int]:
    """Read from A."""
    return {"id": thing_id}


@app.get("/b/{thing_id}", operation_id="SECOND")
async def read_b(thing_id: int) -> dict[str, int]:
    """Read from B."""
    return {"id": thing_id}
'''


def test_two_routes_under_one_name_overwrite_neither_doc(
        app_module: AppModule, monkeypatch: pytest.MonkeyPatch) -> None:
    root, write = app_module
    monkeypatch.chdir(root)
    runner = CliRunner()
    write("things", DUPLICATES.replace("FIRST", "thing_a").replace("SECOND", "thing_b"))
    first = runner.invoke(main, ["generate", "--app", "things:app", "-o", "out", "-q"])
    assert first.exit_code == 0, first.output
    docs = {p: p.read_bytes() for p in (root / "out").rglob("*.md")}
    assert {p.name for p in docs} == {"read-a.md", "read-b.md"}

    sys.modules.pop("things", None)
    write("things", DUPLICATES.replace("FIRST", "thing_a").replace("SECOND", "thing_a")
          .replace("Read from", "Now reads from"))
    with pytest.warns(UserWarning, match="Duplicate Operation ID"):
        second = runner.invoke(main, ["generate", "--app", "things:app", "-o", "out"])
    assert second.exit_code == 1
    assert ("error duplicate-operation-id: operationId 'thing_a' of GET /b/{thing_id} is "
            "already used by GET /a/{thing_id}") in second.output
    assert {p: p.read_bytes() for p in (root / "out").rglob("*.md")} == docs


def test_a_flask_app_that_flask_smorest_describes_uses_its_spec(
        app_module: AppModule) -> None:
    root, write = app_module
    write("smorest_app", SMOREST_APP)
    model, diagnostics = load("smorest_app:create_app()", root=root)
    routes = _by_route(model)
    assert set(routes) == {"GET /pets/", "POST /pets/", "GET /pets/{pet_id}"}
    listing = routes["GET /pets/"]
    assert [(p.name, p.location) for p in listing.parameters] == [("name", "query")]
    assert {r.status for r in listing.responses or ()} >= {"200", "422"}
    add = routes["POST /pets/"]
    assert add.request_body is not None and add.request_body.content  # marshmallow's schema
    assert routes["GET /pets/{pet_id}"].parameters[0].schema["type"] == "integer"
    assert listing.source is not None and listing.source.file == "smorest_app.py"
    assert model.title == "Pets"
    assert not [d for d in diagnostics if d.level == "error"]


SMOREST_APP = '''
import marshmallow as ma
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint


class PetSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    name = ma.fields.String(required=True)


class PetQueryArgs(ma.Schema):
    name = ma.fields.String()


blp = Blueprint("pets", "pets", url_prefix="/pets", description="Operations on pets")


@blp.route("/")
class Pets(MethodView):
    @blp.arguments(PetQueryArgs, location="query")
    @blp.response(200, PetSchema(many=True))
    def get(self, args):
        """List pets"""
        return []

    @blp.arguments(PetSchema)
    @blp.response(201, PetSchema)
    def post(self, new_data):
        """Add a new pet"""
        return {"id": 1, **new_data}


@blp.route("/<int:pet_id>")
class PetsById(MethodView):
    @blp.response(200, PetSchema)
    def get(self, pet_id):
        """Get pet by ID"""
        return {"id": pet_id, "name": "x"}


def create_app():
    app = Flask(__name__)
    app.config.update(API_TITLE="Pets", API_VERSION="v1", OPENAPI_VERSION="3.0.2")
    api = Api(app)
    api.register_blueprint(blp)
    return app
'''
