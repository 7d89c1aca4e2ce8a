"""Example scenarios: functions that drive the live API to produce recorded examples.

A scenario is registered with :func:`scenario` and attached to the view methods it
illustrates with :func:`attach_scenarios`, as Sentry's API docs did::

    from apiscribe.scenarios import attach_scenarios, scenario

    @scenario("UpdateRelease")
    def update_release(client):
        client.request("PUT", "/api/0/organizations/acme/releases/1.0/", json={"ref": "abc"})

    class ReleaseDetailsEndpoint(APIView):
        @attach_scenarios([update_release])
        def put(self, request, organization_slug, version): ...

``client.request`` is recorded; ``client.prepare`` sends a request that is not (set-up work
such as creating the object a later request deletes). Both return an ``httpx.Response``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar, Unpack

if TYPE_CHECKING:
    import httpx

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__apiscribe_scenarios__"


class RequestOptions(TypedDict, total=False):
    """What a scenario may give a request besides its method and path (as httpx takes them):
    a JSON body, form ``data``, ``files`` to upload as ``(filename, bytes, media type)``, the
    query ``params`` and extra ``headers``."""

    json: Any
    data: dict[str, str]
    files: dict[str, tuple[str, bytes, str]]
    params: dict[str, str]
    headers: dict[str, str]


class ScenarioClient(Protocol):
    """What a scenario function receives."""

    def request(self, method: str, path: str, **options: Unpack[RequestOptions]
                ) -> httpx.Response:
        """Send a request and record it."""

    def prepare(self, method: str, path: str, **options: Unpack[RequestOptions]
                ) -> httpx.Response:
        """Send a request without recording it (set-up work)."""


@dataclass(frozen=True)
class Scenario:
    ident: str
    func: Callable[[ScenarioClient], None]
    file: str
    line: int
    error_example: bool = False

    def __call__(self, client: ScenarioClient) -> None:
        self.func(client)


_REGISTRY: dict[str, Scenario] = {}


def scenario(
    ident: str, *, error_example: bool = False
) -> Callable[[Callable[[ScenarioClient], None]], Scenario]:
    """Register the decorated function as the scenario named ``ident``.

    ``error_example=True`` says its recorded response is an error on purpose (documenting a
    404, say), so ``apiscribe check`` accepts the error status.
    """

    def register(func: Callable[[ScenarioClient], None]) -> Scenario:
        code = getattr(func, "__code__", None)
        item = Scenario(
            ident=ident,
            func=func,
            file=code.co_filename if code else "<unknown>",
            line=code.co_firstlineno if code else 0,
            error_example=error_example,
        )
        existing = _REGISTRY.get(ident)
        if existing is not None and (existing.file, existing.line) != (item.file, item.line):
            raise ValueError(
                f"scenario {ident!r} is defined twice: {existing.file}:{existing.line} "
                f"and {item.file}:{item.line}"
            )
        _REGISTRY[ident] = item
        return item

    return register


def attach_scenarios(scenarios: Iterable[Scenario | str]) -> Callable[[F], F]:
    """Attach scenarios (objects or names) to a view method."""
    names = tuple(s if isinstance(s, str) else s.ident for s in scenarios)

    def attach(func: F) -> F:
        setattr(func, ATTRIBUTE, getattr(func, ATTRIBUTE, ()) + names)
        return func

    return attach


def scenarios_of(func: object) -> tuple[str, ...]:
    """The scenario names attached to a view method, in the order given."""
    value = getattr(func, ATTRIBUTE, ())
    return tuple(value) if isinstance(value, tuple) else ()


def registered() -> dict[str, Scenario]:
    """All registered scenarios, by name."""
    return dict(_REGISTRY)


def get(ident: str) -> Scenario | None:
    return _REGISTRY.get(ident)
