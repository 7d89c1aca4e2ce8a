"""Turn raw recorded exchanges into the published ones: redacted, readable, stable.

A :class:`Normalizer` serves one recording run. It

- shows the request as the user would send it to ``base_url``: ``Host`` of the base URL,
  ``Authorization: Bearer <token>``, the headers the scenario chose (client defaults such as
  ``User-Agent`` are dropped), JSON bodies in the Python 2 layout of :func:`py2_dumps`;
- removes the real credential from every text, and rewrites the local server address
  (``http://127.0.0.1:<port>``) to the base URL's origin;
- drops ``Date``, ``Server`` and hop-by-hop response headers, recomputes ``Content-Length``
  and uses the standard reason phrase, upper-cased as Sentry's docs show it (``201 CREATED``);
- replaces volatile values (ISO 8601 timestamps, HTTP dates, UUIDs, entity tags) with
  stable stand-ins, in order of first appearance over the whole run: a value seen again
  gets the same stand-in. Timestamps become :data:`BASE_INSTANT` plus one :data:`STEP` per
  new instant, written in the original's layout; UUIDs become fixed random-looking UUIDs of
  the same form; entity tags keep their length.

Nothing here does I/O; the same raw exchanges in the same order give the same output.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from ..documents.limits import problem_code, read_json_text
from ..formats.jsondoc import py2_dumps
from ..model import Exchange, Header, HttpRequest, HttpResponse
from ..model.http import is_json

#: The instant the first volatile timestamp of a run becomes.
BASE_INSTANT = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
#: How far apart consecutive stand-in timestamps are.
STEP = timedelta(seconds=1)
#: What the credential reads as in published examples.
TOKEN_PLACEHOLDER = "<token>"

#: Request headers that the HTTP client adds on its own: never part of an example.
CLIENT_HEADERS = frozenset({"user-agent", "accept-encoding", "connection", "content-length"})
#: Response headers that vary between runs or describe one connection.
DROPPED_RESPONSE_HEADERS = frozenset(
    {"date", "server", "connection", "keep-alive", "content-encoding"}
)

_VOLATILE = re.compile(
    r"(?P<uuid>(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f-]))"
    r"|(?P<iso>(?<!\d)(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[T ])(?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<frac>\d{1,9}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?(?!\d))"
    r"|(?P<httpdate>\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\b)"
    r"|(?P<hex>(?<![0-9A-Fa-f])[0-9a-f]{12}[1-5][0-9a-f]{3}[89ab][0-9a-f]{15}(?![0-9A-Fa-f]))"
)
_SURROGATES = re.compile("[\udc80-\udcff]+")
_ETAG = re.compile(r'^(W/)?"([^"]*)"$')


class RefusedBody(ValueError):
    """A recorded JSON body that the input limits refuse; its words say which and why, and
    ``code`` is the diagnostic code a reader of the same JSON in a file would get."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(f"the recorded {what} body: {problem}")
        self.code = problem_code(problem)


def reason_phrase(status: int, sent: str = "") -> str:
    """The standard reason phrase of ``status``, upper-cased; else what the server sent."""
    try:
        return HTTPStatus(status).phrase.upper()
    except ValueError:
        return sent.upper()


def stand_in_uuid(index: int) -> uuid.UUID:
    """The ``index``-th (0-based) stand-in UUID of a run: fixed, random-looking, version 4."""
    digest = hashlib.sha256(f"apiscribe-uuid-{index}".encode("ascii")).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def _offset(tz: str) -> timezone:
    if tz in ("", "Z"):
        return UTC
    digits = tz[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if tz[0] == "-" else delta)


class Normalizer:
    """Normalizes the exchanges of one run; see the module docstring for what changes.

    ``base_url`` is where the docs say the API lives, ``server_url`` the local server that
    was recorded (``http://127.0.0.1:PORT``) and ``token`` the real credential; ``secrets``
    are other credentials seen (longest first), redacted the same way.
    """

    def __init__(
        self,
        *,
        base_url: str,
        server_url: str,
        token: str,
        secrets: tuple[str, ...] = (),
        volatile_window: timedelta | None = None,
        now: datetime | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        self.host = parts.netloc or base_url
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else base_url
        local = urlsplit(server_url).netloc
        self._token = token
        self._secrets = tuple(s for s in secrets if s)
        self._rewrites: list[tuple[re.Pattern[str], str]] = []
        if local:
            for found, replacement in (
                (f"http://{local}", self.origin),
                (quote(f"http://{local}", safe=""), quote(self.origin, safe="")),
                (local, self.host),
            ):
                pattern = re.compile(re.escape(found) + r"(?!\d)", re.IGNORECASE)
                self._rewrites.append((pattern, replacement))
        self._instants: dict[tuple[datetime, str], datetime] = {}
        # With a window, only instants near the recording's own clock are volatile: fixed
        # values (seed data, dates a scenario sends) stay as they are, and keep their order.
        self._window = volatile_window
        self._now = now or datetime.now(UTC)
        self._uuids: dict[str, uuid.UUID] = {}
        self._tags: dict[str, str] = {}

    # -- texts ---------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """Redact, rewrite the local address and replace volatile values in one text."""
        if self._token:
            value = value.replace(self._token, TOKEN_PLACEHOLDER)
        for secret in self._secrets:
            value = value.replace(secret, TOKEN_PLACEHOLDER)
        for pattern, replacement in self._rewrites:
            value = pattern.sub(replacement, value)
        return _VOLATILE.sub(self._stand_in, value)

    def _stand_in(self, match: re.Match[str]) -> str:
        found = match.group()
        if match["uuid"] or match["hex"]:
            return self._uuid(found)
        if match["httpdate"]:
            try:
                instant = email.utils.parsedate_to_datetime(found)
            except (TypeError, ValueError):
                return found
            return email.utils.format_datetime(self._instant(instant, ""), usegmt=True)
        return self._iso(match) or found

    def _uuid(self, found: str) -> str:
        key = found.replace("-", "").lower()
        stand_in = self._uuids.setdefault(key, stand_in_uuid(len(self._uuids)))
        text = str(stand_in) if "-" in found else stand_in.hex
        return text.upper() if found.isupper() else text

    def _iso(self, match: re.Match[str]) -> str | None:
        frac, tz = match["frac"] or "", match["tz"] or ""
        try:
            wall = datetime.fromisoformat(f"{match['date']}T{match['time']}")
            zone = _offset(tz)
        except ValueError:
            return None
        micro = int(frac[:6].ljust(6, "0")) if frac else 0
        instant = wall.replace(microsecond=micro, tzinfo=zone)
        local = self._instant(instant, frac[6:]).astimezone(zone)
        text = local.strftime(f"%Y-%m-%d{match['sep']}%H:%M:%S")
        if frac:
            text += "." + f"{local.microsecond:06d}".ljust(len(frac), "0")[: len(frac)]
        return text + tz

    def _instant(self, instant: datetime, extra: str) -> datetime:
        key = (instant.astimezone(UTC), extra)
        if self._window is not None and abs(key[0] - self._now) > self._window:
            return instant
        if key not in self._instants:
            self._instants[key] = BASE_INSTANT + STEP * len(self._instants)
        return self._instants[key]

    def etag(self, value: str) -> str:
        """An entity tag with a stand-in of the same length (tags hash volatile bodies)."""
        match = _ETAG.match(value)
        if match is None or not match[2]:
            return self.text(value)
        if match[2] not in self._tags:
            seed = f"apiscribe-etag-{len(self._tags)}".encode("ascii")
            digits = ""
            while len(digits) < len(match[2]):
                digits += hashlib.sha256(seed + str(len(digits)).encode("ascii")).hexdigest()
            self._tags[match[2]] = digits[: len(match[2])]
        return f'{match[1] or ""}"{self._tags[match[2]]}"'

    def _json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self._json(item) for key, item in value.items()}
        return value

    def body(self, body: str | None, content_type: str | None, *,
             what: str = "response") -> str | None:
        """A body as published: JSON re-laid out, text with volatile values replaced.

        JSON that the input limits refuse (nested too deep; NaN or Infinity, which Python's
        own ``json.dumps`` writes) raises :class:`RefusedBody`: it has no place in the docs.
        """
        if not body:
            return None
        if is_json(content_type) and not _SURROGATES.search(body):
            value, problem = read_json_text(body)
            if problem is not None:
                raise RefusedBody(what, problem)
            if value is not None:
                return py2_dumps(self._json(value[0]))
        return self.text(_SURROGATES.sub(lambda m: "\ufffd" * len(m.group()), body))

    # -- messages ------------------------------------------------------------------------

    def request(self, raw: HttpRequest) -> HttpRequest:
        """The request as the docs show it (see the module docstring)."""
        target = self.text(raw.target)
        headers = [Header("Host", self.host)]
        authorization = raw.header("Authorization")
        if authorization is not None:
            headers.append(Header("Authorization", self.text(authorization)))
        content_type = raw.header("Content-Type")
        if content_type is not None:
            headers.append(Header("Content-Type", self.text(content_type)))
        for item in raw.headers:
            name = item.name.lower()
            if name in CLIENT_HEADERS or name in ("host", "authorization", "content-type"):
                continue
            if name == "accept" and item.value == "*/*":
                continue
            tagged = name in ("if-match", "if-none-match")
            headers.append(
                Header(item.name, self.etag(item.value) if tagged else self.text(item.value))
            )
        body = self.body(raw.body, content_type, what="request")
        return HttpRequest(raw.method, target, tuple(headers), body, raw.http_version)

    def response(self, raw: HttpResponse, *, method: str = "GET") -> HttpResponse:
        """The response as the docs show it; ``method`` is that of its request.

        Values are numbered in the order they are read: headers first, then the body.
        """
        keep_length = method.upper() == "HEAD" or raw.status == 304
        headers: list[Header] = []
        length_at = -1
        for item in raw.headers:
            name = item.name.lower()
            if name in DROPPED_RESPONSE_HEADERS:
                continue
            if name in ("content-length", "transfer-encoding"):
                if length_at < 0 and not (keep_length and name == "transfer-encoding"):
                    length_at = len(headers)
                    headers.append(Header("Content-Length", item.value))
                continue
            value = self.etag(item.value) if name == "etag" else self.text(item.value)
            headers.append(Header(item.name, value))
        body = raw.body
        if body and _SURROGATES.search(body):
            length = len(body.encode("utf-8", "surrogateescape"))
            body = f"<{length} bytes of binary data>"
        else:
            body = self.body(body, raw.header("Content-Type"))
            length = len(body.encode("utf-8")) if body else 0
        if length_at >= 0 and not keep_length:
            headers[length_at] = Header("Content-Length", str(length))
        return HttpResponse(
            status=raw.status,
            reason=reason_phrase(raw.status, raw.reason),
            headers=tuple(headers),
            body=body,
            http_version=raw.http_version,
        )

    def exchange(self, raw: Exchange) -> Exchange:
        """Both halves of ``raw``, request first (so its values are numbered first)."""
        request = self.request(raw.request)
        response = self.response(raw.response, method=raw.request.method)
        return Exchange(request, response, scenario=raw.scenario)
