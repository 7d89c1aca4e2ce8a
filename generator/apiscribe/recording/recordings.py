"""Examples from a test run's recordings (``pytest --apiscribe-record PATH``).

:func:`~apiscribe.formats.recordings.read_recordings` reads the file the pytest plugin wrote
(its format is in :mod:`apiscribe.formats.recordings`); :func:`attach` gives each endpoint its
example:

- an exchange belongs to the endpoint whose route it fits (method, and the path against the
  route template; a template with fewer placeholders wins, so ``/books/new`` is not taken by
  ``/books/{id}``), never by URL text;
- per endpoint, the first exchange of a test marked ``@pytest.mark.apiscribe_example``,
  else the first 2xx exchange, in test order;
- what failed tests sent is left out and counted; an exchange that fits no route is a warning
  naming the test that made it;
- where the framework declares no schema for a body, one is learned from every exchange the
  endpoint had (:mod:`.learn`);
- the chosen exchanges go through the live recorder's :class:`Normalizer`: credentials
  (every ``Authorization`` and cookie value the tests sent) become ``<token>``, the test
  client's host becomes the docs' base URL, timestamps, UUIDs and ETags get stand-ins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

from ..diagnostics import Diagnostic, error, warning
from ..formats.httptext import format_request, format_response
from ..formats.recordings import Recorded, Recordings, read_recordings
from ..model import ApiModel, Endpoint, Example, Exchange, HttpRequest
from ..model.routes import RouteTemplate
from ..redact import SECRET_HEADERS
from .learn import with_learned_schemas
from .normalize import Normalizer, RefusedBody
from .recorder import VOLATILE_WINDOW

__all__ = ["attach", "read_recordings"]

#: Request headers whose values are credentials, whatever the scheme.
CREDENTIAL_HEADERS = SECRET_HEADERS | {"authorization", "proxy-authorization", "cookie"}
#: Where test clients say their requests go.
TEST_HOSTS = ("testserver", "localhost")


def attach(model: ApiModel, recordings: Recordings) -> tuple[ApiModel, list[Diagnostic]]:
    """The model with an example for every endpoint the tests called (see the module)."""
    diagnostics: list[Diagnostic] = []
    failed = {test for test, outcome in recordings.outcomes.items() if outcome == "failed"}
    kept = [r for r in recordings.exchanges if r.test not in failed]
    left_out = len(recordings.exchanges) - len(kept)
    if left_out:
        diagnostics.append(warning(
            "failed-test-recordings", f"{left_out} exchange(s) of {len(failed)} failed "
            "test(s) were left out", file=recordings.file,
            hint="failed: " + ", ".join(sorted(failed)[:5]) + (" …" if len(failed) > 5 else "")))
    routes = sorted(model.endpoints, key=lambda e: (len(RouteTemplate(e.api_path).names),
                                                    -len(e.api_path)))
    chosen: dict[str, Recorded] = {}
    seen: dict[str, list[Exchange]] = {}
    unmatched: Counter[tuple[str, str]] = Counter()
    for recorded in kept:
        endpoint = _route_of(routes, recorded.exchange.request)
        if endpoint is None:
            request = recorded.exchange.request
            unmatched[(recorded.test, f"{request.method} {request.path}")] += 1
            continue
        seen.setdefault(endpoint.name, []).append(recorded.exchange)
        if _better(recorded, chosen.get(endpoint.name)):
            chosen[endpoint.name] = recorded
    for (test, sent), _ in unmatched.items():
        diagnostics.append(warning("unmatched-recording", f"{test} sent {sent}, which fits no "
                                   "documented route", file=recordings.file,
                                   hint="is the route left out of the app's schema?"))
    normalizer = _normalizer(model, kept, recordings.recorded_at)
    order = {id(r): i for i, r in enumerate(kept)}
    published: dict[str, Exchange] = {}
    for name, recorded in sorted(chosen.items(), key=lambda item: order[id(item[1])]):
        try:
            published[name] = normalizer.exchange(recorded.exchange)
        except RefusedBody as refused:
            diagnostics.append(error(refused.code, f"{recorded.test}: {refused}; the endpoint "
                                     "has no example", file=recordings.file, endpoint=name))
    sections = tuple(
        replace(section, endpoints=tuple(
            _with_example(with_learned_schemas(ep, seen.get(ep.name, [])),
                          published.get(ep.name), chosen)
            for ep in section.endpoints))
        for section in model.sections)
    return replace(model, sections=sections), diagnostics


def _route_of(routes: list[Endpoint], request: HttpRequest) -> Endpoint | None:
    return next((e for e in routes if e.method.upper() == request.method.upper()
                 and RouteTemplate(e.api_path).matches(request.path)), None)


def _better(candidate: Recorded, current: Recorded | None) -> bool:
    """Whether ``candidate`` (later in test order) replaces ``current``."""
    if current is None:
        return candidate.marked or 200 <= candidate.exchange.response.status < 300
    if current.marked:
        return False
    return candidate.marked or not 200 <= current.exchange.response.status < 300


def _with_example(endpoint: Endpoint, exchange: Exchange | None,
                  chosen: dict[str, Recorded]) -> Endpoint:
    if exchange is None:
        return endpoint
    ok = 200 <= exchange.response.status < 300
    example = Example(format_request(exchange.request), format_response(exchange.response),
                      exchange, marked_error=chosen[endpoint.name].marked and not ok)
    return replace(endpoint, example=example)


def _normalizer(model: ApiModel, kept: list[Recorded], when: datetime | None) -> Normalizer:
    secrets: list[str] = []
    origins: Counter[str] = Counter()
    for recorded in kept:
        request = recorded.exchange.request
        for header in request.headers:
            if header.name.lower() in CREDENTIAL_HEADERS:
                # "Token abc" keeps its scheme: only the credential is a secret.
                value = header.value
                if header.name.lower().endswith("authorization"):
                    scheme, _, credential = value.partition(" ")
                    value = credential.strip() or scheme
                if value and value not in secrets:
                    secrets.append(value)
        host = request.header("Host") or ""
        if host:
            origins[host] += 1
    host = origins.most_common(1)[0][0] if origins else TEST_HOSTS[0]
    server = f"http://{host}" if "//" not in host else host
    return Normalizer(base_url=model.base_url, server_url=server,
                      token="", secrets=tuple(sorted(secrets, key=len, reverse=True)),
                      volatile_window=VOLATILE_WINDOW, now=when)

