"""The Django REST framework source: URLconf + docstrings -> model.

Django is configured once per process: the first test here sets it up with
``drf_fixtures.settings``. The views below need nothing from the settings, so the tests also
pass when another module configured Django first.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from apiscribe.config import Config
from apiscribe.diagnostics import ApiscribeError, Diagnostic
from apiscribe.model import Endpoint, Parameter, ParamLocation, RequestBody, SourceLocation
from apiscribe.model.types import schema_of
from apiscribe.sources.drf import load

TESTS = Path(__file__).resolve().parent
SETTINGS = "drf_fixtures.settings"

MakeApp = Callable[[dict[str, str]], tuple[Config, str]]


@pytest.fixture(autouse=True)
def _restore_process_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """``load`` puts folders on sys.path and sets DJANGO_SETTINGS_MODULE: undo both."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", SETTINGS)


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest) -> MakeApp:
    """Write a package of modules (``urls`` is the URLconf) under a fresh project root."""
    package = "app_" + re.sub(r"\W+", "_", request.node.name)

    def make(files: dict[str, str]) -> tuple[Config, str]:
        folder = tmp_path / package
        folder.mkdir()
        (folder / "__init__.py").write_text("", encoding="utf-8")
        for name, text in files.items():
            (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        config = Config(
            root=tmp_path, pythonpath=(".", str(TESTS)), django_settings=SETTINGS,
            urlconf=f"{package}.urls", title="Inline API",
        )
        return config, package

    return make


def param(name: str, type_name: str, description: str, location: ParamLocation,
          required: bool = False) -> Parameter:
    """A parameter as a docstring documents it: its type word and the schema it stands for."""
    return Parameter(name, location, description, required=required,
                     schema=schema_of(type_name), type_name=type_name)


def fixture_line(name: str, after: str, text: str) -> int:
    """The line of ``text`` in tests/drf_fixtures/<name>, first one after ``after``."""
    lines = (TESTS / "drf_fixtures" / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if text in lines[i]) + 1


def fixture_config() -> Config:
    return Config(
        root=TESTS, pythonpath=(".",), django_settings=SETTINGS, urlconf="drf_fixtures.urls",
        title="Fixture API", base_url="https://api.test", version="2.1.0",
    )


def test_the_fixture_app_becomes_sections_of_endpoints_in_urlconf_order() -> None:
    model, diagnostics = load(fixture_config())

    assert diagnostics == []
    assert (model.title, model.base_url, model.version) == (
        "Fixture API", "https://api.test", "2.1.0"
    )
    assert [(s.slug, s.title) for s in model.sections] == [
        ("organizations", "Organizations"), ("releases", "Releases"), ("projects", "Projects"),
    ]
    org = "/api/0/organizations/{organization_slug}"
    assert [
        (e.section, e.sidebar_order, e.name, e.method, e.api_path) for e in model.endpoints
    ] == [
        ("organizations", 1, "get-organization-details", "GET", f"{org}/"),
        ("releases", 1, "get-organization-releases", "GET", f"{org}/releases/"),
        ("releases", 2, "post-organization-releases", "POST", f"{org}/releases/"),
        ("releases", 3, "put-organization-release-details", "PUT", f"{org}/releases/{{version}}/"),
        ("releases", 4, "delete-organization-release-details", "DELETE",
         f"{org}/releases/{{version}}/"),
        ("releases", 5, "get-release-file-details", "GET",
         f"{org}/releases/{{version}}/files/{{name}}"),
        ("projects", 1, "get-project-stats", "GET",
         "/api/0/projects/{organization_slug}/{project_id}/stats/"),
    ]


def test_the_seed_endpoint_is_read_from_its_view() -> None:
    model, _ = load(fixture_config())

    endpoint = next(e for e in model.endpoints if e.name == "put-organization-release-details")

    assert endpoint == Endpoint(
        name="put-organization-release-details",
        section="releases",
        method="PUT",
        api_path="/api/0/organizations/{organization_slug}/releases/{version}/",
        title="Update an Organization's Release",
        description="Update a release. This can change some metadata associated with\n"
        "the release (the ref, url, and dates).",
        warning=None,
        authentication="required",
        operation_id="put-organization-release-details",
        parameters=(
            param("organization_slug", "string",
                  "the slug of the organization the release belongs to.", "path", True),
            param("version", "string", "the version identifier of the release.", "path", True),
        ),
        request_body=RequestBody(fields=(
            param("ref", "string", "an optional commit reference.  This is useful if a "
                  "tagged version has been provided.", "body"),
            param("url", "url", "a URL that points to the release.  This can be the path "
                  "to an online interface to the sourcecode for instance.", "body"),
        )),
        sidebar_order=3,
        source=SourceLocation(
            "drf_fixtures/views.py",
            fixture_line("views.py", "class OrganizationReleaseDetailsEndpoint", "def put("),
        ),
        scenarios=("UpdateRelease",),
    )


def test_warnings_query_parameters_and_empty_auth_reach_the_model() -> None:
    model, _ = load(fixture_config())
    by_name = {e.name: e for e in model.endpoints}

    stats = by_name["get-project-stats"]
    assert stats.warning == "This endpoint may change in the future without notice."
    assert stats.authentication == ""
    assert stats.request_body is None
    assert stats.parameters_in("query") == (
        param("since", "timestamp", "a timestamp to set the start of the query.", "query"),
        param("stat", "array[string]", "the stats to return.", "query"),
    )
    assert by_name["get-organization-releases"].parameters_in("query") == (
        param("query", "string", 'this parameter can be used to create a "starts with" '
              "filter for the version.", "query"),
    )
    assert by_name["get-release-file-details"].description == ""


def test_route_parameters_must_match_the_pparam_fields(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": """
            from django.urls import path

            from .views import KeyDetailsEndpoint, KeyIndexEndpoint

            urlpatterns = [
                path(
                    "projects/<slug:project_slug>/keys/<str:key_id>/",
                    KeyDetailsEndpoint.as_view(),
                ),
                path("projects/<slug:project_slug>/keys/", KeyIndexEndpoint.as_view()),
            ]
            """,
        "views.py": '''
            from rest_framework.views import APIView


            class KeyDetailsEndpoint(APIView):
                doc_section = "projects"

                def get(self, request, project_slug, key_id):
                    """
                    Retrieve a Client Key
                    `````````````````````

                    :pparam string project_slug: the slug of the project.
                    :pparam string keyid: the id of the key.
                    """


            class KeyIndexEndpoint(APIView):
                doc_section = "projects"

                def get(self, request, project_slug):
                    """
                    List a Project's Client Keys

                    :pparam string project_slug: the slug of the project.
                    """
            ''',
    })

    model, diagnostics = load(config)

    views = f"{pkg}/views.py"
    path = "/projects/{project_slug}/keys/{key_id}/"
    assert diagnostics == [
        Diagnostic(views, 13, "error", "unknown-path-parameter",
                   f"path parameter 'keyid' is not in the route {path}", "",
                   "get-key-details", "Did you mean 'key_id'?"),
        Diagnostic(views, 9, "error", "undocumented-path-parameter",
                   f"route parameter 'key_id' of {path} is not documented", "",
                   "get-key-details", "add ':pparam TYPE key_id: description'"),
    ]
    assert [(e.name, e.sidebar_order, e.source) for e in model.endpoints] == [
        ("get-key-details", 1, SourceLocation(views, 7)),
        ("get-key-index", 2, SourceLocation(views, 20)),
    ]


def test_docstring_problems_name_the_file_line_and_endpoint(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": """
            from django.urls import path

            from . import views

            urlpatterns = [path("teams/", views.TeamIndexView.as_view())]
            """,
        "views.py": '''
            import functools

            from rest_framework.views import APIView


            def logged(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    return func(*args, **kwargs)
                return wrapper


            class TeamIndexView(APIView):
                doc_section = "teams"

                def get(self, request):
                    """List Teams"""

                @logged
                def post(self, request):
                    """Create a Team
                    ===

                    :param strin name: the name of the team.
                    :returns: the team.
                    """

                def delete(self, request):
                    return None
            ''',
    })

    model, diagnostics = load(config)

    views = f"{pkg}/views.py"
    assert diagnostics == [
        Diagnostic(views, 24, "error", "unknown-type",
                   "unknown type 'strin' of body parameter 'name'", "", "post-team-index",
                   "Did you mean 'string'?"),
        Diagnostic(views, 25, "error", "unknown-field", "unknown field ':returns:'", "",
                   "post-team-index",
                   "known fields: :pparam:, :qparam:, :param:, :auth:, :warning:"),
        Diagnostic(views, 28, "warning", "undocumented-method",
                   "TeamIndexView.delete has no docstring; it is left out of the docs", "",
                   "delete-team-index",
                   "add a docstring with a title, or remove doc_section from the class"),
    ]
    assert [(e.name, e.title, e.source) for e in model.endpoints] == [
        ("get-team-index", "List Teams", SourceLocation(views, 16)),
        ("post-team-index", "Create a Team", SourceLocation(views, 20)),
    ]


def test_regex_routes_nested_includes_and_view_names(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": r"""
            from django.urls import include, path, re_path

            from . import views

            urlpatterns = [
                re_path(r"^api/(?P<version>v[0-9]+)/", include([
                    path("", include(f"{__package__}.team_urls")),
                    re_path(
                        r"^files/(?P<name>[^/]+)\.json\Z",
                        views.ProjectDSymFilesEndpoint.as_view(),
                    ),
                ])),
                path("plain/<uuid:key>/", views.PlainView.as_view()),
            ]
            """,
        "team_urls.py": """
            from django.urls import path

            from .views import OrganizationAPIView, Endpoint

            urlpatterns = [
                path("orgs/<int:org_id>/", OrganizationAPIView.as_view()),
                path("bare/", Endpoint.as_view()),
            ]
            """,
        "views.py": '''
            import enum

            from django.views import View
            from rest_framework.views import APIView


            class Section(enum.Enum):
                DEBUG_FILES = "Debug Information Files"
                ORGANIZATIONS = 1


            class ProjectDSymFilesEndpoint(APIView):
                doc_section = Section.DEBUG_FILES

                def get(self, request, version, name):
                    """Retrieve a File

                    :pparam string version: the API version.
                    :pparam string name: the file name.
                    """


            class OrganizationAPIView(APIView):
                doc_section = Section.ORGANIZATIONS

                def patch(self, request, version, org_id):
                    """Update an Organization

                    :pparam string version: the API version.
                    :pparam int org_id: the organization.
                    """


            class Endpoint(APIView):
                doc_section = None

                def get(self, request, version):
                    """Not documented: doc_section is None."""


            class PlainView(View):
                doc_section = "plain_django"

                def get(self, request, key):
                    """A Plain Django View

                    :pparam uuid key: the key.
                    """
            ''',
    })

    model, diagnostics = load(config)

    views = f"{pkg}/views.py"
    assert [(s.slug, s.title) for s in model.sections] == [
        ("organizations", "Organizations"),
        ("debug-files", "Debug Information Files"),
        ("plain_django", "Plain Django"),
    ]
    assert [(e.name, e.api_path) for e in model.endpoints] == [
        ("patch-organization", "/api/{version}/orgs/{org_id}/"),
        ("get-project-d-sym-files", "/api/{version}/files/{name}.json"),
        ("get-plain", "/plain/{key}/"),
    ]
    assert diagnostics == [
        Diagnostic(views, 44, "error", "invalid-section",
                   "section 'plain_django' of PlainView is not a safe path segment", "",
                   "get-plain", "use only lowercase letters a-z, digits and '-'"),
        Diagnostic(views, 47, "error", "unknown-type",
                   "unknown type 'uuid' of path parameter 'key'", "", "get-plain",
                   "known types: array, bool, boolean, datetime, dict, file, float, int, "
                   "integer, list, number, object, querystring, str, string, timestamp, url, "
                   "and array[TYPE]"),
    ]


def test_unnamed_groups_and_regex_syntax_are_reported_at_the_route(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": r"""
            from django.urls import include, re_path

            from .views import EventView, ReleaseView

            urlpatterns = [
                re_path(r"^events/([0-9]+)/$", EventView.as_view()),
                re_path(r"^(?:v1/)?", include([
                    re_path(r"^releases/?$", ReleaseView.as_view()),
                ])),
            ]
            """,
        "views.py": '''
            from rest_framework.views import APIView


            class EventView(APIView):
                doc_section = "events"

                def get(self, request, *args):
                    """Retrieve an Event"""


            class ReleaseView(APIView):
                doc_section = "releases"

                def get(self, request):
                    """List Releases"""

                def post(self, request):
                    """Create a Release"""
            ''',
    })

    model, diagnostics = load(config)

    urls = f"{pkg}/urls.py"
    regex_hint = "use only literal text and (?P<name>...) groups, or write it with path()"
    route_problems = [
        ("unsupported-route", 7, "route '^(?:v1/)?' uses '(?:v1/)', which has no path form"),
        ("unsupported-route", 7, "route '^(?:v1/)?' uses '?', which has no path form"),
        ("unsupported-route", 8, "route '^releases/?$' uses '?', which has no path form"),
    ]
    assert diagnostics == [
        Diagnostic(urls, 6, "error", "unnamed-group",
                   "route '^events/([0-9]+)/$' has an unnamed group '([0-9]+)'", "",
                   "get-event", "name it, as in (?P<name>...), and document it with :pparam"),
    ] + [
        Diagnostic(urls, line, "error", code, message, "", name, regex_hint)
        for name in ("get-release", "post-release")
        for code, line, message in route_problems
    ]
    assert [(e.name, e.api_path) for e in model.endpoints] == [
        ("get-event", "/events/{arg1}/"),
        ("get-release", "/(?:v1/)?releases/?"),
        ("post-release", "/(?:v1/)?releases/?"),
    ]


def test_duplicate_names_are_reported_with_both_places(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": """
            from django.urls import path

            from . import old, views

            urlpatterns = [
                path("keys/", views.KeyView.as_view()),
                path("legacy/keys/", old.KeyView.as_view()),
                path("teams/", views.TeamView.as_view()),
            ]
            """,
        "views.py": '''
            from rest_framework.views import APIView


            class KeyView(APIView):
                doc_section = "keys"

                def get(self, request):
                    """List Keys"""


            class TeamView(APIView):
                doc_section = "teams"

                def get(self, request):
                    """List Teams"""
            ''',
        "old.py": '''
            from rest_framework.views import APIView


            class KeyView(APIView):
                doc_section = "keys"

                def get(self, request):
                    """List Keys (old)"""
            ''',
    })

    model, diagnostics = load(config)

    assert diagnostics == [
        Diagnostic(f"{pkg}/old.py", 7, "error", "duplicate-endpoint",
                   f"endpoint name 'get-key' is used twice: GET /keys/ ({pkg}/views.py:7) and "
                   f"GET /legacy/keys/ ({pkg}/old.py:7)", "", "get-key",
                   "each documented view class needs its own name; rename one of them"),
    ]
    assert [(e.section, e.sidebar_order, e.name, e.title) for e in model.endpoints] == [
        ("keys", 1, "get-key", "List Keys"),
        ("keys", 2, "get-key", "List Keys (old)"),
        ("teams", 1, "get-team", "List Teams"),
    ]


def test_a_section_must_be_an_enum_member_or_a_string(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": """
            from django.urls import path

            from .views import CountView

            urlpatterns = [path("count/", CountView.as_view())]
            """,
        "views.py": '''
            from rest_framework.views import APIView


            class CountView(APIView):
                doc_section = 3

                def get(self, request):
                    """Count"""
            ''',
    })

    model, diagnostics = load(config)

    assert diagnostics == [
        Diagnostic(f"{pkg}/views.py", 7, "error", "invalid-section",
                   "doc_section of CountView must be an Enum member or a string, not int", "",
                   "get-count"),
    ]
    assert [(s.slug, [e.name for e in s.endpoints]) for s in model.sections] == [
        ("3", ["get-count"]),
    ]


def test_a_urlconf_that_cannot_be_imported_is_an_error(app: MakeApp) -> None:
    config, pkg = app({"urls.py": "from .missing import views\n"})

    with pytest.raises(ApiscribeError) as caught:
        load(config)

    assert caught.value.message == (
        f"cannot load the URLconf {pkg}.urls: ModuleNotFoundError: "
        f"No module named '{pkg}.missing'"
    )
    assert caught.value.hint == (
        "check pythonpath, django_settings and urlconf in [tool.apiscribe]"
    )


def test_a_urlconf_without_urlpatterns_is_an_error(app: MakeApp) -> None:
    config, pkg = app({"urls.py": "patterns = []\n"})

    with pytest.raises(ApiscribeError, match=rf"^the URLconf {pkg}\.urls has no urlpatterns$"):
        load(config)


def test_a_config_without_urlconf_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ApiscribeError, match=r"^no URLconf configured$"):
        load(Config(root=tmp_path, django_settings=SETTINGS))


def test_viewsets_are_reported_once_and_left_out(app: MakeApp) -> None:
    config, pkg = app({
        "urls.py": """
            from rest_framework.routers import SimpleRouter

            from .views import ReleaseViewSet

            router = SimpleRouter()
            router.register("releases", ReleaseViewSet, basename="release")
            urlpatterns = router.urls
            """,
        "views.py": '''
            from rest_framework import viewsets


            class ReleaseViewSet(viewsets.ViewSet):
                doc_section = "releases"

                def list(self, request):
                    """List Releases"""

                def retrieve(self, request, pk):
                    """Retrieve a Release"""
            ''',
    })

    model, diagnostics = load(config)

    assert diagnostics == [
        Diagnostic(f"{pkg}/views.py", 4, "warning", "no-documented-methods",
                   "ReleaseViewSet has a doc_section but none of the methods get, post, put, "
                   "patch, delete", "", "", "viewsets are not supported: document APIView "
                   "classes"),
    ]
    assert model.sections == ()


def test_django_configured_elsewhere_keeps_its_settings(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        from pathlib import Path

        from django.conf import settings

        settings.configure(INSTALLED_APPS=["rest_framework"], SECRET_KEY="other")

        from apiscribe.config import Config
        from apiscribe.sources.drf import load

        config = Config(
            root=Path({str(TESTS)!r}), pythonpath=(".",), django_settings={SETTINGS!r},
            urlconf="drf_fixtures.urls",
        )
        model, diagnostics = load(config)
        print(settings.SECRET_KEY, len(model.endpoints), len(diagnostics))
        """)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
        check=False, timeout=60,
    )

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "other 7 0\n"
