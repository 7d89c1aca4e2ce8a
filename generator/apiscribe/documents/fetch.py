"""Loading a document from an http(s) URL: a time limit, a size cap, and no HTML pages.

The size cap is the one input size limit of :mod:`apiscribe.documents.limits` (64 MB, or
``APISCRIBE_MAX_INPUT_BYTES``), the same as for files. Every refusal is a :class:`FetchError`
whose message names the URL.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..diagnostics import ApiscribeError
from .limits import max_input_bytes, too_large

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 20.0
_ACCEPT = "application/json, application/yaml, application/x-yaml, text/yaml, */*;q=0.5"


class FetchError(ApiscribeError):
    """A URL that cannot be loaded (bad scheme, error status, HTML, too large, too slow)."""


def is_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL."""
    return urlsplit(text).scheme.lower() in ("http", "https")


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int | None = None) -> bytes:
    """The body of a 2xx answer to ``GET url``.

    ``timeout`` bounds the whole transfer (connecting, waiting and reading), not only each
    read. Bodies past ``max_bytes`` (by default the input size limit) are refused as soon as
    they cross it.
    """
    if max_bytes is None:
        max_bytes = max_input_bytes()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(f"cannot load {url}: only http and https URLs are supported")
    import httpx  # only a command given a URL pays for the HTTP client's import

    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept": _ACCEPT}) as response,
        ):
            _check_answer(url, response, max_bytes)
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise _too_large(url, max_bytes)
                if time.monotonic() > deadline:
                    raise FetchError(_too_slow(url, timeout))
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchError(_too_slow(url, timeout)) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot load {url}: {exc}") from None
    body = b"".join(chunks)
    if body.lstrip().startswith(b"<"):
        raise FetchError(_html(url), hint="give the URL of the JSON or YAML document itself")
    return body


def _check_answer(url: str, response: httpx.Response, max_bytes: int) -> None:
    if not 200 <= response.status_code < 300:
        reason = response.reason_phrase or ""
        raise FetchError(
            f"cannot load {url}: the server answered {response.status_code} {reason}".rstrip()
        )
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml"):
        raise FetchError(_html(url), hint="give the URL of the JSON or YAML document itself")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise _too_large(url, max_bytes)


def _html(url: str) -> str:
    return f"cannot load {url}: the server answered an HTML page, not a JSON or YAML document"


def _too_large(url: str, max_bytes: int) -> FetchError:
    words, hint = too_large(max_bytes)
    return FetchError(f"cannot load {url}: the document is {words}", hint=hint)


def _too_slow(url: str, timeout: float) -> str:
    return f"cannot load {url}: no complete answer within {timeout:g} seconds"
