"""Shared pieces of every endpoint: the documentation section and object lookups."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from ..models import Organization, Project, Release, ReleaseFile, Team


class DocSection(Enum):
    """Where an endpoint appears in the docs: slug is the member name lowercased."""

    ORGANIZATIONS = "Organizations"
    TEAMS = "Teams"
    PROJECTS = "Projects"
    RELEASES = "Releases"


class ResourceDoesNotExist(NotFound):
    default_detail = "The requested resource does not exist"


class Endpoint(APIView):
    """Base class of the documented endpoints."""

    doc_section: ClassVar[DocSection]


def get_organization(organization_slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=organization_slug)
    except Organization.DoesNotExist:
        raise ResourceDoesNotExist() from None


def get_team(organization_slug: str, team_slug: str) -> Team:
    try:
        return Team.objects.select_related("organization").get(
            organization__slug=organization_slug, slug=team_slug
        )
    except Team.DoesNotExist:
        raise ResourceDoesNotExist() from None


def get_project(organization_slug: str, project_slug: str) -> Project:
    try:
        return Project.objects.select_related("organization", "team").get(
            organization__slug=organization_slug, slug=project_slug
        )
    except Project.DoesNotExist:
        raise ResourceDoesNotExist() from None


def get_release(organization_slug: str, version: str) -> Release:
    try:
        return Release.objects.select_related("organization").get(
            organization__slug=organization_slug, version=version
        )
    except Release.DoesNotExist:
        raise ResourceDoesNotExist() from None


def get_release_file(organization_slug: str, version: str, file_id: int) -> ReleaseFile:
    release = get_release(organization_slug, version)
    try:
        return release.files.get(id=file_id)
    except ReleaseFile.DoesNotExist:
        raise ResourceDoesNotExist() from None
