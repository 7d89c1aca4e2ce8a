"""Cursor pagination with Sentry's ``Link`` header.

A cursor reads ``<page size>:<page>:<is previous>`` (Sentry's ``100:1:0``). Every list
endpoint answers with two links, ``previous`` and ``next``, each telling whether it has
results::

    Link: <http://host/path?cursor=5:-1:1>; rel="previous"; results="false"; cursor="5:-1:1",
          <http://host/path?cursor=5:1:0>; rel="next"; results="true"; cursor="5:1:0"
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response

DEFAULT_PER_PAGE = 5
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Cursor:
    value: int
    offset: int
    is_prev: bool

    def __str__(self) -> str:
        return f"{self.value}:{self.offset}:{int(self.is_prev)}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        parts = text.split(":")
        try:
            value, offset, is_prev = (int(p) for p in parts)
        except ValueError:
            raise ParseError("Invalid cursor parameter.") from None
        if value < 1 or value > MAX_PER_PAGE or is_prev not in (0, 1):
            raise ParseError("Invalid cursor parameter.")
        return cls(value, offset, bool(is_prev))


def _per_page(request: Any) -> int:
    raw = request.GET.get("per_page")
    if raw is None:
        return DEFAULT_PER_PAGE
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PER_PAGE:
        raise ValidationError({"per_page": [f"Enter a whole number from 1 to {MAX_PER_PAGE}."]})
    return value


def _link(request: Any, cursor: Cursor, rel: str, results: bool) -> str:
    pairs = [(k, v) for k, values in request.GET.lists() if k != "cursor" for v in values]
    pairs.append(("cursor", str(cursor)))
    url = request.build_absolute_uri(request.path) + "?" + urlencode(pairs, safe=":")
    has = "true" if results else "false"
    return f'<{url}>; rel="{rel}"; results="{has}"; cursor="{cursor}"'


def paginate(
    request: Any,
    queryset: QuerySet[Any],
    serialize: Callable[[Sequence[Any]], list[dict[str, Any]]],
) -> Response:
    """One page of an ordered queryset as a 200 response with a ``Link`` header."""
    limit = _per_page(request)
    raw = request.GET.get("cursor")
    cursor = Cursor.parse(raw) if raw else Cursor(limit, 0, False)
    page = cursor.offset
    rows: list[Any] = []
    if page >= 0:
        start = page * cursor.value
        rows = list(queryset[start : start + limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    links = [
        _link(request, Cursor(limit, page - 1, True), "previous", page > 0),
        _link(request, Cursor(limit, page + 1, False), "next", has_more),
    ]
    return Response(serialize(rows), headers={"Link": ", ".join(links)})
