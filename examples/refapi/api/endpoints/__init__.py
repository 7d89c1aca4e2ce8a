"""Endpoint classes, one module per resource family."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def validated(
    validator: type[serializers.Serializer], request: Any, partial: bool = False
) -> dict[str, Any]:
    """The request body checked by ``validator``; a 400 naming the fields otherwise."""
    checker = validator(data=request.data, partial=partial)
    checker.is_valid(raise_exception=True)
    return dict(checker.validated_data)
