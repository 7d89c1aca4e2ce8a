"""JSON answers for requests that reach no endpoint, and for server errors."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

# The same layout as the JSON that Django REST framework renders.
_COMPACT = {"separators": (",", ":")}


def not_found(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": "The requested resource does not exist"}, status=404, json_dumps_params=_COMPACT
    )


def server_error(request: Any) -> JsonResponse:
    return JsonResponse({"detail": "Internal Error"}, status=500, json_dumps_params=_COMPACT)
