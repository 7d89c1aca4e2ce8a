"""Record examples: run the scenarios of a model's endpoints against the live app.

:func:`record` imports the configured scenarios module, starts the app under a real server
on 127.0.0.1 (:class:`~apiscribe.recording.server.AppServer`), runs each scenario once,
normalizes what it sent and received (:mod:`apiscribe.recording.normalize`) and gives each
endpoint the first recorded exchange that hits it. Problems with scenarios are diagnostics;
an app that cannot start is an :class:`~apiscribe.diagnostics.ApiscribeError`.
"""

from __future__ import annotations

import difflib
import importlib
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from .. import scenarios as registry
from ..config import Config
from ..diagnostics import ApiscribeError, Diagnostic, error, warning
from ..formats.httptext import format_request, format_response
from ..imports import add_python_paths
from ..model import ApiModel, Endpoint, Example, Exchange
from ..model.routes import RouteTemplate
from .client import RecordingClient
from .normalize import Normalizer, RefusedBody
from .server import AppServer

#: Timestamps within this distance of the recording's clock are treated as volatile (made by
#: the run) and replaced; others are fixed data and kept.
VOLATILE_WINDOW = timedelta(days=2)


def path_matches(api_path: str, path: str) -> bool:
    """Whether ``path`` fits the ``api_path`` template (``{name}`` is one path segment)."""
    return RouteTemplate(api_path).matches(path)


def hits(endpoint: Endpoint, exchange: Exchange) -> bool:
    """Whether a recorded exchange was a request to ``endpoint``."""
    request = exchange.request
    return request.method.upper() == endpoint.method.upper() and path_matches(
        endpoint.api_path, request.path
    )


def import_scenarios(config: Config) -> None:
    """Put the project's python paths first on ``sys.path`` and import its scenarios."""
    add_python_paths(config.python_paths)
    if not config.scenarios:
        return
    try:
        importlib.import_module(config.scenarios)
    except Exception as exc:
        raise ApiscribeError(
            f"cannot import the scenarios module '{config.scenarios}': "
            f"{type(exc).__name__}: {exc}",
            hint="check scenarios and pythonpath in [tool.apiscribe]",
        ) from exc


def _relative(config: Config, file: str) -> str:
    try:
        return Path(file).resolve().relative_to(config.root).as_posix()
    except ValueError:
        return file


def _where(endpoint: Endpoint) -> tuple[str, int]:
    if endpoint.source is None:
        return "<unknown>", 0
    return endpoint.source.file, endpoint.source.line


def _scenario_order(endpoints: Iterable[Endpoint]) -> list[str]:
    order: list[str] = []
    for endpoint in endpoints:
        order.extend(name for name in endpoint.scenarios if name not in order)
    return order


def _raised_at(config: Config, exc: BaseException, item: registry.Scenario) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == item.file]
    if not frames:
        return ""
    return f"raised at {_relative(config, item.file)}:{frames[-1].lineno}"


def _quoted(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        return f"scenario {quoted[0]}"
    return "scenarios " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


class _Run:
    """The state of one recording run: what each scenario recorded, and what went wrong."""

    def __init__(self, config: Config, model: ApiModel,
                 covered: frozenset[str] = frozenset()) -> None:
        self.config = config
        # An endpoint that the tests' recordings already gave an example needs no scenario.
        self.covered = covered
        self.endpoints = tuple(ep for ep in model.endpoints if ep.name not in covered)
        self.known = registry.registered()
        self.recorded: dict[str, list[Exchange]] = {}
        self.published: dict[str, list[Exchange | RefusedBody]] = {}
        self.failed: set[str] = set()
        self.diagnostics: list[Diagnostic] = []

    def check_references(self, warn_missing: bool = True) -> list[str]:
        """Diagnose endpoints without scenarios (unless ``warn_missing`` is off) or with
        unknown ones; return those to run."""
        for endpoint in self.endpoints:
            file, line = _where(endpoint)
            if not endpoint.scenarios and warn_missing:
                self.diagnostics.append(warning(
                    "no-scenario",
                    f"{endpoint.method.upper()} {endpoint.api_path} has no example scenario",
                    file=file, line=line, endpoint=endpoint.name,
                    hint="attach one with @attach_scenarios([...])",
                ))
            for name in dict.fromkeys(endpoint.scenarios):
                if name not in self.known:
                    close = difflib.get_close_matches(name, sorted(self.known), n=1)
                    self.diagnostics.append(error(
                        "unknown-scenario", f"unknown scenario '{name}'",
                        file=file, line=line, endpoint=endpoint.name,
                        hint=f"Did you mean '{close[0]}'?" if close else "",
                    ))
        return [name for name in _scenario_order(self.endpoints) if name in self.known]

    def run(self, name: str, client: RecordingClient) -> None:
        """Run one scenario; a failure becomes one diagnostic per endpoint it serves."""
        item = self.known[name]
        client.scenario = name
        try:
            item(client)
        except Exception as exc:
            self.failed.add(name)
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            detail = detail.replace(client.token, "<token>")
            for endpoint in self.endpoints:
                if name in endpoint.scenarios:
                    self.diagnostics.append(error(
                        "scenario-failed", f"scenario '{name}' failed: {detail}",
                        file=_relative(self.config, item.file), line=item.line,
                        endpoint=endpoint.name, hint=_raised_at(self.config, exc, item),
                    ))
        finally:
            self.recorded[name] = client.take()

    def publish(self, normalizer: Normalizer) -> None:
        """Normalize every recorded exchange, in the order they were recorded; one whose
        body the input limits refuse is kept as the refusal, for its endpoint to report."""
        for name, exchanges in self.recorded.items():
            self.published[name] = [_published(normalizer, raw) for raw in exchanges]

    def with_example(self, endpoint: Endpoint) -> Endpoint:
        """The endpoint with its recorded example, or unchanged (with a diagnostic)."""
        if endpoint.name in self.covered:
            return endpoint
        ran = [n for n in dict.fromkeys(endpoint.scenarios) if n in self.recorded]
        succeeded = [n for n in ran if n not in self.failed]
        for name in succeeded:
            for raw, exchange in zip(self.recorded[name], self.published[name], strict=True):
                if hits(endpoint, raw) and isinstance(exchange, RefusedBody):
                    item = self.known[name]
                    self.diagnostics.append(error(
                        exchange.code, f"scenario '{name}': {exchange}; the endpoint has no "
                        "example", file=_relative(self.config, item.file), line=item.line,
                        endpoint=endpoint.name))
                    return endpoint
                if hits(endpoint, raw) and isinstance(exchange, Exchange):
                    example = Example(
                        request_text=format_request(exchange.request),
                        response_text=format_response(exchange.response),
                        exchange=exchange,
                        marked_error=self.known[name].error_example,
                    )
                    return replace(endpoint, example=example)
        if succeeded:
            item = self.known[succeeded[0]]
            sent = [
                f"{x.request.method} {x.request.path}"
                for name in succeeded for x in self.recorded[name]
            ]
            self.diagnostics.append(error(
                "scenario-missed-endpoint",
                f"{_quoted(succeeded)} sent no {endpoint.method.upper()} request "
                f"to {endpoint.api_path}",
                file=_relative(self.config, item.file), line=item.line, endpoint=endpoint.name,
                hint=("it sent: " + ", ".join(dict.fromkeys(sent))) if sent else
                "it recorded no request (client.prepare is not recorded)",
            ))
        return endpoint


def _published(normalizer: Normalizer, raw: Exchange) -> Exchange | RefusedBody:
    try:
        return normalizer.exchange(raw)
    except RefusedBody as refused:
        return refused


def record(
    config: Config, model: ApiModel, *, progress: Callable[[str], None] | None = None,
    warn_missing: bool = True, covered: frozenset[str] = frozenset(),
) -> tuple[ApiModel, list[Diagnostic]]:
    """Record an example for every endpoint that has scenarios and is not ``covered`` (given
    an example by the tests' recordings already); see the module docstring.

    Returns the model with the recorded examples (other endpoints are left as they were)
    and the diagnostics. The server is stopped on every way out, Ctrl-C included. With
    ``warn_missing`` off, an endpoint without scenarios is not a warning (the caller says
    what it still lacks).
    """
    import_scenarios(config)
    run = _Run(config, model, covered)
    names = run.check_references(warn_missing)
    if not names:
        return model, run.diagnostics
    with AppServer(config) as server, RecordingClient(
        server.url, server.token, timeout=config.request_timeout
    ) as client:
        for name in names:
            if progress is not None:
                progress(name)
            run.run(name, client)
        run.publish(
            Normalizer(
                base_url=config.base_url,
                server_url=server.url,
                token=client.token,
                volatile_window=VOLATILE_WINDOW,
            )
        )

    sections = tuple(
        replace(section, endpoints=tuple(run.with_example(ep) for ep in section.endpoints))
        for section in model.sections
    )
    return replace(model, sections=sections), run.diagnostics
