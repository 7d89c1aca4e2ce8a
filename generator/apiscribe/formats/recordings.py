"""The recordings file: what ``pytest --apiscribe-record PATH`` writes and
``generate --recordings PATH`` reads.

One JSON object: ``format`` (``apiscribe-recordings``), ``version``, ``recorded_at`` (when the
run ended), ``tests`` (each test's outcome: ``passed``, ``failed`` or ``skipped``, in test
order) and ``exchanges``, in the order they were made. Each exchange names its ``test``,
whether that test was ``marked`` ``@pytest.mark.apiscribe_example``, and its ``request``
(``method``, ``target``: path and query, ``headers`` as ``[name, value]`` pairs, ``body``)
and ``response`` (``status``, ``reason``, ``headers``, ``body``). A body that is not UTF-8 is
``body_base64`` instead. Nothing is redacted in the file: it stays with the tests.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..diagnostics import ApiscribeError
from ..documents.load import parse_json, read_text
from ..model import Exchange, Header, HttpRequest, HttpResponse

FORMAT = "apiscribe-recordings"
VERSION = 1


@dataclass(frozen=True)
class Recorded:
    """One exchange of the test run, with the test that made it."""

    test: str
    marked: bool
    exchange: Exchange


@dataclass(frozen=True)
class Recordings:
    file: str
    outcomes: dict[str, str]
    exchanges: tuple[Recorded, ...]
    recorded_at: datetime | None = None


def read_recordings(path: Path) -> Recordings:
    """The recordings at ``path``; :class:`ApiscribeError` when it is not such a file.

    The file is read as every JSON document is (:mod:`apiscribe.documents.load`: the input
    size limit, UTF-8, nesting, duplicate keys, no NaN)."""
    if not path.exists():
        raise ApiscribeError(f"{path}: no such recordings file",
                             hint="record them with: pytest --apiscribe-record "
                             f"{path}", exit_code=2)
    text, found = read_text(path, str(path))
    data = None
    if text is not None:
        data, found, _ = parse_json(text, str(path))
    if found:
        raise ApiscribeError(f"cannot read the recordings: {found[0].headline()}",
                             hint=found[0].hint)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ApiscribeError(f"{path}: not a recordings file (no \"format\": \"{FORMAT}\")",
                             hint="record with: pytest --apiscribe-record PATH")
    try:
        exchanges = tuple(_recorded(item) for item in data.get("exchanges", []))
        when = data.get("recorded_at")
        return Recordings(str(path), dict(data.get("tests", {})), exchanges,
                          datetime.fromisoformat(when) if when else None)
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiscribeError(f"{path}: a recorded exchange is malformed: {exc!r}") from exc


def _recorded(item: dict[str, Any]) -> Recorded:
    request, response = item["request"], item["response"]
    return Recorded(str(item.get("test", "")), bool(item.get("marked")), Exchange(
        HttpRequest(request["method"], request["target"], _headers(request["headers"]),
                    _text(request)),
        HttpResponse(int(response["status"]), str(response.get("reason", "")),
                     _headers(response["headers"]), _text(response)),
        scenario=str(item.get("test", ""))))


def _headers(pairs: list[list[str]]) -> tuple[Header, ...]:
    return tuple(Header(str(name), str(value)) for name, value in pairs)


def _text(message: dict[str, Any]) -> str | None:
    if message.get("body_base64"):
        return base64.b64decode(message["body_base64"]).decode("utf-8", "surrogateescape")
    body = message.get("body")
    return body if isinstance(body, str) else None


def exchange_entry(test: str, marked: bool, method: str, target: str,
                   headers: Iterable[tuple[str, str]], body: bytes | None, status: int,
                   reason: str, response_headers: Iterable[tuple[str, str]],
                   response_body: bytes | None) -> dict[str, Any]:
    """One exchange as the file holds it."""
    return {
        "test": test, "marked": marked,
        "request": {"method": method.upper(), "target": target,
                    "headers": [[k, v] for k, v in headers], **_body(body)},
        "response": {"status": status, "reason": reason,
                     "headers": [[k, v] for k, v in response_headers], **_body(response_body)},
    }


def dump_recordings(outcomes: dict[str, str], exchanges: list[dict[str, Any]],
                    recorded_at: datetime) -> str:
    return json.dumps({
        "format": FORMAT, "version": VERSION,
        "recorded_at": recorded_at.isoformat(timespec="seconds"),
        "tests": outcomes, "exchanges": exchanges,
    }, indent=1, ensure_ascii=False) + "\n"


def _body(data: bytes | None) -> dict[str, Any]:
    if not data:
        return {"body": None}
    try:
        return {"body": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(data).decode("ascii")}
