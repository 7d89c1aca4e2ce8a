"""The client scenarios drive: real HTTP to the app server, with the credential on the wire.

:class:`RecordingClient` keeps every ``request`` as a raw :class:`~apiscribe.model.Exchange`
(the request exactly as sent, the response exactly as received); ``prepare`` is not kept.
Bodies are decoded as UTF-8 with ``surrogateescape``, so bytes that are not text survive
until :mod:`apiscribe.recording.normalize` decides how to show them.
"""

from __future__ import annotations

from types import TracebackType
from typing import Unpack

import httpx

from ..model import Exchange, Header, HttpRequest, HttpResponse
from ..scenarios import RequestOptions

#: The multipart boundary of every upload, so that recorded bodies are the same on each run.
BOUNDARY = "apiscribe-boundary"

#: Sent unless the scenario says otherwise: recorded bodies stay exactly what the app wrote.
WIRE_DEFAULTS = {"Accept-Encoding": "identity"}


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _headers(raw: list[tuple[bytes, bytes]]) -> tuple[Header, ...]:
    return tuple(Header(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)


def raw_exchange(response: httpx.Response, scenario: str = "") -> Exchange:
    """The request and response of ``response`` as they went over the wire."""
    sent = response.request
    request = HttpRequest(
        method=sent.method,
        target=sent.url.raw_path.decode("ascii"),
        headers=_headers(sent.headers.raw),
        body=_text(sent.read()) or None,
    )
    version = response.http_version if response.http_version.startswith("HTTP/") else "HTTP/1.1"
    received = HttpResponse(
        status=response.status_code,
        reason=response.reason_phrase,
        headers=_headers(response.headers.raw),
        body=_text(response.content) or None,
        http_version=version,
    )
    return Exchange(request, received, scenario=scenario)


class RecordingClient:
    """A :class:`~apiscribe.scenarios.ScenarioClient` over ``httpx`` for one app server.

    Every request carries ``Authorization: Bearer <token>`` (unless the scenario sets its
    own ``Authorization``). ``scenario`` names the scenario now running; it is stored with
    each recorded exchange. :meth:`take` hands over what was recorded so far.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0) -> None:
        self.token = token
        self.scenario = ""
        self._recorded: list[Exchange] = []
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, headers=WIRE_DEFAULTS, follow_redirects=False
        )

    def request(self, method: str, path: str, **options: Unpack[RequestOptions]
                ) -> httpx.Response:
        """Send a request and record it."""
        response = self._send(method, path, options)
        self._recorded.append(raw_exchange(response, self.scenario))
        return response

    def prepare(self, method: str, path: str, **options: Unpack[RequestOptions]
                ) -> httpx.Response:
        """Send a request without recording it (set-up work)."""
        return self._send(method, path, options)

    def take(self) -> list[Exchange]:
        """The exchanges recorded since the last call, oldest first."""
        recorded, self._recorded = self._recorded, []
        return recorded

    def _send(self, method: str, path: str, options: RequestOptions) -> httpx.Response:
        wire = httpx.Headers({"Authorization": f"Bearer {self.token}"})
        wire.update(options.get("headers") or {})
        files = options.get("files")
        if files and "content-type" not in wire:
            # httpx takes the boundary from an explicit Content-Type header.
            wire["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
        request = self._http.build_request(
            method.upper(), path, json=options.get("json"), data=options.get("data"),
            files=files, params=options.get("params"), headers=wire,
        )
        return self._http.send(request)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RecordingClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
