"""The bundled reference API (examples/refapi), tested as a real API over real HTTP.

The app runs under waitress in a child process (``AppServer``); this process never imports
Django or the app's views. Facts that need Django (routes, docstrings) come from a child
Python process that prints them as JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from apiscribe.config import load_config
from apiscribe.recording.server import AppServer

from .conftest import ROOT

ORG = "the-interstellar-jurisdiction"
EXAMPLES = ROOT / "examples"
DATETIME_ERROR = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
NOT_FOUND = {"detail": "The requested resource does not exist"}

# Prints the documented endpoints in URLconf order, as JSON, from a Django-configured child.
INSPECT = r"""
import json, re
import django
django.setup()
from django.urls import get_resolver
from django.urls.resolvers import RoutePattern, URLResolver
from apiscribe.scenarios import registered, scenarios_of

def piece(pattern):
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text.lstrip("^").rstrip("$"))

def walk(patterns, prefix):
    for item in patterns:
        path = prefix + piece(item.pattern)
        if isinstance(item, URLResolver):
            yield from walk(item.url_patterns, path)
            continue
        view = getattr(item.callback, "view_class", None)
        for method in ("get", "post", "put", "patch", "delete"):
            if view is not None and method in vars(view):
                func = vars(view)[method]
                yield {
                    "method": method.upper(),
                    "path": "/" + path,
                    "view": view.__name__,
                    "section": view.doc_section.value,
                    "section_slug": view.doc_section.name.lower(),
                    "doc": func.__doc__ or "",
                    "scenarios": list(scenarios_of(func)),
                }

print(json.dumps({
    "endpoints": list(walk(get_resolver().url_patterns, "")),
    "registered": list(registered()),
}))
"""

FIELD = re.compile(r"^:(\w+)(?: (\S+))?(?: (\w+))?:(.*)$")
TYPES = {
    "string", "int", "integer", "bool", "boolean", "float", "number", "url", "datetime",
    "array", "array[string]", "object", "dict", "file",
}  # fmt: skip


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REFAPI_TOKEN", None)
    env["PYTHONPATH"] = os.pathsep.join([str(EXAMPLES), str(ROOT / "generator")])
    env.update(extra)
    return env


def run_child(code: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=child_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def parse_doc(doc: str) -> dict[str, Any]:
    """Title, underline and fields (kind, type, name, text) of a docstring in Sentry's format."""
    lines = [line.strip() for line in doc.strip("\n").splitlines()]
    fields: list[tuple[str, str, str, str]] = []
    for line in lines[2:]:
        match = FIELD.match(line)
        if match:
            kind, type_, name, text = match.groups()
            fields.append((kind, type_ or "", name or "", text.strip()))
    return {"title": lines[0], "underline": lines[1], "fields": fields}


@pytest.fixture(scope="module")
def structure(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("refapi-inspect") / "db.sqlite3"
    result = run_child(INSPECT, DJANGO_SETTINGS_MODULE="refapi.settings", REFAPI_DATABASE=str(db))
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    with AppServer(load_config(ROOT)) as app:
        yield app


@pytest.fixture(scope="module")
def api(server: AppServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield client


def new_org(api: httpx.Client, slug: str) -> str:
    """An organization of its own for a test, with team ``core`` and project ``engine``."""
    assert api.post("/api/0/organizations/", json={"name": slug, "slug": slug}).status_code == 201
    team = api.post(f"/api/0/organizations/{slug}/teams/", json={"name": "Core"})
    assert team.status_code == 201
    project = api.post(f"/api/0/teams/{slug}/core/projects/", json={"name": "Engine"})
    assert project.status_code == 201
    return slug


# Authentication and errors


def test_requests_without_a_token_are_refused(server: AppServer) -> None:
    response = httpx.get(server.url + "/api/0/organizations/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_requests_with_a_wrong_token_are_refused(server: AppServer) -> None:
    wrong = {"Authorization": "Bearer not-the-token"}
    response = httpx.get(server.url + "/api/0/organizations/", headers=wrong)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_routes_and_objects_are_json_404s(api: httpx.Client) -> None:
    for path in (
        "/api/0/nothing-here/",
        "/api/0/organizations/no-such-org/",
        f"/api/0/teams/{ORG}/no-such-team/",
        f"/api/0/projects/{ORG}/no-such-project/",
        f"/api/0/organizations/{ORG}/releases/0.0.0-missing/",
        f"/api/0/organizations/{ORG}/releases/2.0rc2/files/999/",
    ):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
        assert response.headers["Content-Type"] == "application/json"


# Organizations, teams, projects


def test_organization_lifecycle(api: httpx.Client) -> None:
    created = api.post("/api/0/organizations/", json={"name": "Acme Rockets"})
    assert created.status_code == 201
    body = created.json()
    assert (body["slug"], body["name"]) == ("acme-rockets", "Acme Rockets")
    assert sorted(body) == ["dateCreated", "id", "name", "slug"]

    again = api.post("/api/0/organizations/", json={"name": "Other", "slug": "acme-rockets"})
    assert again.status_code == 409
    assert again.json() == {"slug": ["An organization with this slug already exists."]}
    missing = api.post("/api/0/organizations/", json={"slug": "nameless"})
    assert missing.status_code == 400
    assert missing.json() == {"name": ["This field is required."]}

    renamed = api.put("/api/0/organizations/acme-rockets/", json={"name": "Acme Jets"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Acme Jets"
    assert api.get("/api/0/organizations/acme-rockets/").json()["name"] == "Acme Jets"

    deleted = api.delete("/api/0/organizations/acme-rockets/")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert api.get("/api/0/organizations/acme-rockets/").status_code == 404


def test_organization_details_list_teams_and_projects(api: httpx.Client) -> None:
    body = api.get(f"/api/0/organizations/{ORG}/").json()
    assert body["name"] == "The Interstellar Jurisdiction"
    assert [t["slug"] for t in body["teams"]] == ["ancient-gabelers", "powerful-abolitionist"]
    assert [p["slug"] for p in body["projects"]] == [
        "prime-mover",
        "pump-station",
        "the-spoiled-yoghurt",
    ]
    assert body["dateCreated"] == "2018-11-06T21:19:55.101000Z"


def test_team_lifecycle(api: httpx.Client) -> None:
    org = new_org(api, "team-tests")
    created = api.post(f"/api/0/organizations/{org}/teams/", json={"name": "Night Shift"})
    assert created.status_code == 201
    assert created.json()["slug"] == "night-shift"
    clash = api.post(f"/api/0/organizations/{org}/teams/", json={"name": "Core"})
    assert clash.status_code == 409
    assert clash.json() == {"slug": ["A team with this slug already exists."]}
    bad_slug = api.put(f"/api/0/teams/{org}/night-shift/", json={"slug": "no spaces"})
    assert bad_slug.status_code == 400
    assert list(bad_slug.json()) == ["slug"]

    updated = api.put(f"/api/0/teams/{org}/night-shift/", json={"slug": "day-shift"})
    assert updated.status_code == 200
    assert updated.json()["organization"]["slug"] == org
    listed = api.get(f"/api/0/organizations/{org}/teams/").json()
    assert [t["slug"] for t in listed] == ["core", "day-shift"]

    assert api.delete(f"/api/0/teams/{org}/day-shift/").status_code == 204
    assert api.get(f"/api/0/teams/{org}/day-shift/").status_code == 404
    api.delete(f"/api/0/organizations/{org}/")


def test_project_lifecycle(api: httpx.Client) -> None:
    org = new_org(api, "project-tests")
    body = {"name": "Gearbox", "platform": "python"}
    created = api.post(f"/api/0/teams/{org}/core/projects/", json=body)
    assert created.status_code == 201
    project = created.json()
    assert (project["slug"], project["platform"], project["team"]["slug"]) == (
        "gearbox",
        "python",
        "core",
    )
    assert project["latestRelease"] is None
    listed = api.get(f"/api/0/teams/{org}/core/projects/").json()
    assert [p["slug"] for p in listed] == ["engine", "gearbox"]

    clash = api.put(f"/api/0/projects/{org}/gearbox/", json={"slug": "engine"})
    assert clash.status_code == 409
    assert clash.json() == {"slug": ["A project with this slug already exists."]}
    updated = api.put(f"/api/0/projects/{org}/gearbox/", json={"platform": "go"})
    assert updated.json()["platform"] == "go"
    assert api.get(f"/api/0/projects/{org}/gearbox/").json()["organization"]["slug"] == org

    assert api.delete(f"/api/0/projects/{org}/gearbox/").status_code == 204
    assert api.get(f"/api/0/projects/{org}/gearbox/").status_code == 404
    everywhere = [(p["organization"]["slug"], p["slug"]) for p in pages(api, "/api/0/projects/")]
    assert (org, "engine") in everywhere
    assert everywhere == sorted(everywhere)
    api.delete(f"/api/0/organizations/{org}/")


# Releases, commits, deploys


def test_release_lifecycle(api: httpx.Client) -> None:
    org = new_org(api, "release-tests")
    base = f"/api/0/organizations/{org}/releases/"
    body = {"version": "engine@1.2.0", "ref": "abc123", "projects": ["engine"]}
    created = api.post(base, json=body)
    assert created.status_code == 201
    release = created.json()
    assert (release["version"], release["shortVersion"]) == ("engine@1.2.0", "1.2.0")
    assert release["projects"] == [{"name": "Engine", "slug": "engine"}]
    assert (release["commitCount"], release["deployCount"]) == (0, 0)

    duplicate = api.post(base, json=body)
    assert duplicate.status_code == 409
    assert duplicate.json() == {"version": ["A release with this version already exists."]}
    unknown = api.post(base, json={"version": "2", "projects": ["nope", "engine"]})
    assert unknown.status_code == 400
    assert unknown.json() == {"projects": ["Invalid project slugs: nope"]}
    no_version = api.post(base, json={"projects": ["engine"]})
    assert no_version.json() == {"version": ["This field is required."]}

    detail = base + "engine@1.2.0/"
    bad_url = api.put(detail, json={"url": "not a url"})
    assert (bad_url.status_code, bad_url.json()) == (400, {"url": ["Enter a valid URL."]})
    bad_date = api.put(detail, json={"dateReleased": "yesterday"})
    assert (bad_date.status_code, bad_date.json()) == (400, {"dateReleased": [DATETIME_ERROR]})

    update = {"url": "https://vcs.invalid/engine/1.2.0", "dateReleased": "2020-01-02T03:04:05Z"}
    updated = api.put(detail, json=update)
    assert updated.status_code == 200
    assert updated.json()["url"] == update["url"]
    assert api.get(detail).json()["dateReleased"] == "2020-01-02T03:04:05Z"

    sha = "c87b3e186a6c51731d2e69f1e5c8763d1aa02f49"
    hashed = api.post(base, json={"version": sha, "projects": ["engine"]}).json()
    assert hashed["shortVersion"] == "c87b3e1"
    assert api.get(f"/api/0/projects/{org}/engine/").json()["latestRelease"] == {"version": sha}

    assert api.delete(detail).status_code == 204
    assert api.get(detail).status_code == 404
    assert [r["version"] for r in api.get(base).json()] == [sha]
    api.delete(f"/api/0/organizations/{org}/")


def test_commits_are_set_through_the_release_update(api: httpx.Client) -> None:
    org = new_org(api, "commit-tests")
    base = f"/api/0/organizations/{org}/releases/"
    api.post(base, json={"version": "1.0", "projects": ["engine"]})
    commits = [
        {
            "id": "a" * 40,
            "message": "Second",
            "author_name": "Ada",
            "author_email": "ada@example.invalid",
            "timestamp": "2020-01-02T00:00:00Z",
        },
        {"id": "b" * 40, "message": "First", "repository": "acme/engine"},
    ]
    updated = api.put(base + "1.0/", json={"commits": commits})
    assert updated.status_code == 200
    release = updated.json()
    assert release["commitCount"] == 2
    assert release["lastCommit"]["id"] == "a" * 40
    assert release["authors"] == [{"name": "Ada", "email": "ada@example.invalid"}]

    listed = api.get(base + "1.0/commits/")
    assert [c["id"] for c in listed.json()] == ["a" * 40, "b" * 40]
    assert listed.json()[0]["dateCreated"] == "2020-01-02T00:00:00Z"
    assert listed.json()[1]["repository"] == "acme/engine"

    invalid = api.put(base + "1.0/", json={"commits": [{"message": "no id"}]})
    assert invalid.status_code == 400
    assert invalid.json() == {"commits": {"0": {"id": ["This field is required."]}}}
    replaced = api.put(base + "1.0/", json={"commits": []}).json()
    assert (replaced["commitCount"], replaced["lastCommit"]) == (0, None)
    api.delete(f"/api/0/organizations/{org}/")


def test_deploys_are_created_and_listed(api: httpx.Client) -> None:
    org = new_org(api, "deploy-tests")
    api.post(f"/api/0/organizations/{org}/releases/", json={"version": "9", "projects": ["engine"]})
    path = f"/api/0/organizations/{org}/releases/9/deploys/"
    body = {
        "environment": "production",
        "name": "nine",
        "dateStarted": "2020-05-01T10:00:00Z",
        "dateFinished": "2020-05-01T10:05:00Z",
    }
    created = api.post(path, json=body)
    assert created.status_code == 201
    deploy = created.json()
    assert sorted(deploy) == ["dateFinished", "dateStarted", "environment", "id", "name", "url"]
    assert (deploy["environment"], deploy["dateFinished"]) == ("production", body["dateFinished"])
    second = api.post(path, json={"environment": "staging"})
    assert second.status_code == 201

    assert [d["environment"] for d in api.get(path).json()] == ["staging", "production"]
    release = api.get(f"/api/0/organizations/{org}/releases/9/").json()
    assert (release["deployCount"], release["lastDeploy"]["environment"]) == (2, "staging")

    missing = api.post(path, json={"name": "no environment"})
    assert (missing.status_code, missing.json()) == (
        400,
        {"environment": ["This field is required."]},
    )
    backwards = api.post(path, json={**body, "dateFinished": "2020-05-01T09:00:00Z"})
    assert backwards.json() == {"dateFinished": ["The deploy cannot finish before it starts."]}
    api.delete(f"/api/0/organizations/{org}/")


def test_release_files_upload_list_retrieve_delete(api: httpx.Client) -> None:
    org = new_org(api, "file-tests")
    api.post(f"/api/0/organizations/{org}/releases/", json={"version": "3", "projects": ["engine"]})
    path = f"/api/0/organizations/{org}/releases/3/files/"
    content = b"console.log('hi');\n"
    uploaded = api.post(
        path,
        data={"name": "~/static/app.js", "header": ["Content-Type: text/javascript", "X-A:b"]},
        files={"file": ("app.js", content, "text/javascript")},
    )
    assert uploaded.status_code == 201
    item = uploaded.json()
    assert item["name"] == "~/static/app.js"
    assert item["headers"] == {"Content-Type": "text/javascript", "X-A": "b"}
    assert (item["size"], item["sha1"]) == (len(content), hashlib.sha1(content).hexdigest())

    unnamed = api.post(path, files={"file": ("vendor.js", b"v", "text/javascript")})
    assert unnamed.json()["name"] == "vendor.js"
    clash = api.post(path, data={"name": "~/static/app.js"}, files={"file": ("a", b"", "x/y")})
    assert clash.status_code == 409
    assert clash.json() == {"name": ["A file with this name already exists for the release."]}
    no_file = api.post(path, data={"name": "~/nothing.js"})
    assert (no_file.status_code, no_file.json()) == (400, {"file": ["No file was submitted."]})
    bad_header = api.post(path, data={"header": "nocolon"}, files={"file": ("b", b"", "x/y")})
    assert bad_header.json() == {"header": ["Expected 'Key: value', got 'nocolon'."]}

    assert [f["name"] for f in api.get(path).json()] == ["vendor.js", "~/static/app.js"]
    detail = f"{path}{item['id']}/"
    assert api.get(detail).json() == item
    download = api.get(detail, params={"download": "1"})
    assert download.content == content
    assert download.headers["Content-Type"] == "text/javascript"
    assert download.headers["Content-Disposition"] == 'attachment; filename="app.js"'

    renamed = api.put(detail, json={"name": "~/static/main.js"})
    assert renamed.json()["name"] == "~/static/main.js"
    deleted = api.delete(detail)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (api.get(detail).status_code, api.get(detail).json()) == (404, NOT_FOUND)
    api.delete(f"/api/0/organizations/{org}/")


# Pagination


LINK = re.compile(r'<([^>]+)>; rel="(previous|next)"; results="(true|false)"; cursor="([^"]+)"')


def links(response: httpx.Response) -> dict[str, tuple[str, str, str]]:
    found = LINK.findall(response.headers["Link"])
    return {rel: (url, results, cursor) for url, rel, results, cursor in found}


def pages(api: httpx.Client, path: str) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following ``next`` links."""
    items: list[dict[str, Any]] = []
    response = api.get(path)
    while True:
        items.extend(response.json())
        url, results, _ = links(response)["next"]
        if results == "false":
            return items
        response = api.get(url)


def test_release_list_spans_two_pages_with_sentry_link_headers(
    api: httpx.Client, server: AppServer
) -> None:
    path = f"/api/0/organizations/{ORG}/releases/"
    first = api.get(path)
    url = server.url + path
    assert first.headers["Link"] == (
        f'<{url}?cursor=5:-1:1>; rel="previous"; results="false"; cursor="5:-1:1", '
        f'<{url}?cursor=5:1:0>; rel="next"; results="true"; cursor="5:1:0"'
    )
    assert [r["version"] for r in first.json()] == [
        "2.0rc2",
        "2b6af31b2edccc73a629108b17344dfe20858780",
        "17642328ead24b51867165985996d04b29310337",
        "prime-mover@0.9.0",
        "pump-station@1.0.1",
    ]
    second = api.get(links(first)["next"][0])
    assert [r["version"] for r in second.json()] == ["pump-station@1.0.0"]
    assert links(second) == {
        "previous": (f"{url}?cursor=5:0:1", "true", "5:0:1"),
        "next": (f"{url}?cursor=5:2:0", "false", "5:2:0"),
    }
    back = api.get(links(second)["previous"][0])
    assert back.json() == first.json()


def test_pagination_keeps_other_query_parameters(api: httpx.Client, server: AppServer) -> None:
    path = f"/api/0/organizations/{ORG}/releases/"
    response = api.get(path, params={"query": "pump-station@", "per_page": "1"})
    assert [r["version"] for r in response.json()] == ["pump-station@1.0.1"]
    assert links(response)["next"] == (
        f"{server.url}{path}?query=pump-station%40&per_page=1&cursor=1:1:0",
        "true",
        "1:1:0",
    )
    everything = pages(api, path + "?query=pump-station%40&per_page=1")
    assert [r["version"] for r in everything] == ["pump-station@1.0.1", "pump-station@1.0.0"]


def test_bad_cursor_and_page_size_are_400s(api: httpx.Client) -> None:
    path = f"/api/0/organizations/{ORG}/teams/"
    cursor = api.get(path, params={"cursor": "five"})
    assert (cursor.status_code, cursor.json()) == (400, {"detail": "Invalid cursor parameter."})
    size = api.get(path, params={"per_page": "1000"})
    assert (size.status_code, size.json()) == (
        400,
        {"per_page": ["Enter a whole number from 1 to 100."]},
    )


# Documentation facts, scenarios, seed


def test_documented_endpoints_follow_the_docstring_format(structure: dict[str, Any]) -> None:
    endpoints = structure["endpoints"]
    assert len(endpoints) >= 15
    assert {e["section"] for e in endpoints} == {"Organizations", "Teams", "Projects", "Releases"}
    for endpoint in endpoints:
        where = f"{endpoint['method']} {endpoint['path']}"
        doc = parse_doc(endpoint["doc"])
        assert doc["underline"] == "`" * len(doc["title"]), where
        route = re.findall(r"\{(\w+)\}", endpoint["path"])
        pparams = [name for kind, _, name, _ in doc["fields"] if kind == "pparam"]
        assert pparams == route, where
        for kind, type_, _, _ in doc["fields"]:
            assert kind in {"pparam", "qparam", "param", "auth", "warning"}, where
            if kind in {"pparam", "qparam", "param"}:
                assert type_ in TYPES, where
        assert ("auth", "", "", "required") in doc["fields"], where
    warned = [e for e in endpoints if ":warning:" in e["doc"]]
    assert [(e["method"], e["path"]) for e in warned] == [
        ("DELETE", "/api/0/organizations/{organization_slug}/")
    ]


def test_every_documented_method_has_its_own_scenario(structure: dict[str, Any]) -> None:
    attached = [name for e in structure["endpoints"] for name in e["scenarios"]]
    assert all(len(e["scenarios"]) == 1 for e in structure["endpoints"])
    assert sorted(attached) == sorted(set(attached))
    assert sorted(attached) == sorted(structure["registered"])


def test_list_endpoints_document_the_cursor(structure: dict[str, Any], api: httpx.Client) -> None:
    for endpoint in structure["endpoints"]:
        if endpoint["method"] != "GET":
            continue
        documented = ":qparam string cursor:" in endpoint["doc"]
        path = endpoint["path"].format(
            organization_slug=ORG,
            team_slug="powerful-abolitionist",
            project_slug="pump-station",
            version="2.0rc2",
            file_id="1",
        )
        response = api.get(path)
        assert response.status_code == 200, path
        assert documented == isinstance(response.json(), list), path
        assert documented == ("Link" in response.headers), path


class Recorder:
    """A scenario client over httpx that keeps what ``request`` sent and received."""

    def __init__(self, server: AppServer) -> None:
        headers = {"Authorization": f"Bearer {server.token}"}
        self.http = httpx.Client(base_url=server.url, headers=headers, timeout=30)
        self.exchanges: list[tuple[str, httpx.Response]] = []
        self.current = ""

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        assert path.startswith("/api/0/"), path
        assert "Authorization" not in (options.get("headers") or {})
        return self.http.request(method, path, **options)

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        response = self._send(method, path, **options)
        self.exchanges.append((self.current, response))
        return response

    def prepare(self, method: str, path: str, **options: Any) -> httpx.Response:
        return self._send(method, path, **options)


NOW = re.compile(r"(?!2018-)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def run_scenarios(order: list[str]) -> list[tuple[str, str, str, int, str, str]]:
    sys.path.insert(0, str(EXAMPLES))
    try:
        import refapi.scenarios  # noqa: F401  (registers the scenarios)
    finally:
        sys.path.remove(str(EXAMPLES))
    from apiscribe.scenarios import registered

    found = registered()
    with AppServer(load_config(ROOT)) as server:
        client = Recorder(server)
        for name in order:
            client.current = name
            found[name](client)
        client.http.close()
        return [
            (
                name,
                r.request.method,
                r.request.url.raw_path.decode(),
                r.status_code,
                NOW.sub("<now>", r.text),
                r.headers.get("Link", "").replace(server.url, "<server>"),
            )
            for name, r in client.exchanges
        ]


def test_scenarios_succeed_and_record_the_same_exchanges_twice(
    structure: dict[str, Any],
) -> None:
    order = [name for e in structure["endpoints"] for name in e["scenarios"]]
    first = run_scenarios(order)
    assert [item[0] for item in first] == order
    for name, method, path, status, _, _ in first:
        assert 200 <= status < 300, (name, method, path, status)
    assert "<now>" in dict((item[0], item[4]) for item in first)["CreateNewOrganization"]
    assert run_scenarios(order) == first


def test_seed_refuses_to_run_without_a_token(tmp_path: Path) -> None:
    code = "import refapi.seed; refapi.seed.setup()"
    result = run_child(code, REFAPI_DATABASE=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "refapi.seed.SeedError: REFAPI_TOKEN is not set: set it to the API token the seed "
        "should create (apiscribe sets it when it starts the app)"
    )


def test_scenarios_import_without_django() -> None:
    result = run_child("import sys, refapi.scenarios; print('django' in sys.modules)")
    assert (result.returncode, result.stdout.strip()) == (0, "False"), result.stderr
