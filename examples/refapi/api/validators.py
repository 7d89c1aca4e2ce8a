"""What the API accepts: DRF serializers that validate request bodies.

Errors name the field (``{"url": ["Enter a valid URL."]}``); a taken slug is a 409 that
names the field too.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.text import slugify
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource already exists."
    default_code = "conflict"


def unique_slug(
    data: dict[str, Any], queryset: QuerySet[Any], what: str, current: Model | None = None
) -> str | None:
    """The slug to store (given, or made from the name); 409 when another object has it."""
    slug = data.get("slug")
    if slug is None and current is None:
        slug = slugify(data.get("name", ""))[:50]
        if not slug:
            raise ValidationError({"name": ["Enter a name that contains letters or digits."]})
    if slug is None:
        return None
    others = queryset.filter(slug=slug)
    if current is not None:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise Conflict({"slug": [f"{what} with this slug already exists."]})
    return str(slug)


def validated(
    validator: type[serializers.Serializer], request: Any, partial: bool = False
) -> dict[str, Any]:
    """The request body checked by ``validator``; a 400 naming the fields otherwise."""
    checker = validator(data=request.data, partial=partial)
    checker.is_valid(raise_exception=True)
    return dict(checker.validated_data)


class NamedValidator(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    slug = serializers.SlugField(max_length=50, required=False)


class ProjectValidator(NamedValidator):
    platform = serializers.CharField(max_length=64, required=False, allow_null=True)


_BAD_VERSION = re.compile(r"[\s/\\]")


class CommitValidator(serializers.Serializer):
    id = serializers.CharField(max_length=64)
    repository = serializers.CharField(max_length=200, required=False, allow_null=True)
    message = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )
    author_name = serializers.CharField(max_length=128, required=False, allow_null=True)
    author_email = serializers.EmailField(max_length=200, required=False, allow_null=True)
    timestamp = serializers.DateTimeField(required=False, allow_null=True)


class ReleaseUpdateValidator(serializers.Serializer):
    ref = serializers.CharField(max_length=250, required=False, allow_null=True)
    url = serializers.URLField(max_length=500, required=False, allow_null=True)
    dateReleased = serializers.DateTimeField(required=False, allow_null=True)
    commits = CommitValidator(many=True, required=False)


class ReleaseValidator(ReleaseUpdateValidator):
    version = serializers.CharField(max_length=250)
    projects = serializers.ListField(
        child=serializers.SlugField(max_length=50), allow_empty=False
    )

    def validate_version(self, value: str) -> str:
        if value in (".", "..", "latest") or _BAD_VERSION.search(value):
            raise ValidationError(
                "Release names cannot be '.', '..' or 'latest', and cannot contain "
                "whitespace or slashes."
            )
        return value


class DeployValidator(serializers.Serializer):
    environment = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=64, required=False, allow_null=True)
    url = serializers.URLField(max_length=500, required=False, allow_null=True)
    dateStarted = serializers.DateTimeField(required=False, allow_null=True)
    dateFinished = serializers.DateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        started, finished = attrs.get("dateStarted"), attrs.get("dateFinished")
        if started and finished and started > finished:
            raise ValidationError({"dateFinished": ["The deploy cannot finish before it starts."]})
        return attrs


class ReleaseFileUpdateValidator(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    dist = serializers.CharField(max_length=64, required=False, allow_null=True)


class ReleaseFileValidator(ReleaseFileUpdateValidator):
    file = serializers.FileField(allow_empty_file=True)
    header = serializers.ListField(child=serializers.CharField(), required=False)

    def validate_header(self, value: list[str]) -> dict[str, str]:
        headers: dict[str, str] = {}
        for item in value:
            key, sep, text = item.partition(":")
            if not sep or not key.strip():
                raise ValidationError(f"Expected 'Key: value', got {item!r}.")
            headers[key.strip()] = text.strip()
        return headers
