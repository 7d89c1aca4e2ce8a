"""What the API answers: models as camelCase JSON objects, like Sentry's serializers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..models import Commit, Deploy, Organization, Project, Release, ReleaseFile, Team

Json = dict[str, Any]

_SHA = re.compile(r"[0-9a-f]{40}")


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp in ISO 8601 with a ``Z``, or ``None``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def short_version(version: str) -> str:
    """``package@1.0`` → ``1.0``; a 40-hex commit sha → its first 7 characters."""
    tail = version.split("@", 1)[-1] if "@" in version[1:] else version
    return tail[:7] if _SHA.fullmatch(tail) else tail


def organization(org: Organization, detailed: bool = False) -> Json:
    data: Json = {
        "id": str(org.id),
        "slug": org.slug,
        "name": org.name,
        "dateCreated": iso(org.date_created),
    }
    if detailed:
        data["teams"] = teams(org.teams.order_by("slug"))
        projects_ = org.projects.select_related("team").order_by("slug")
        data["projects"] = [project(p) for p in projects_]
    return data


def team(item: Team, with_organization: bool = False) -> Json:
    data: Json = {
        "id": str(item.id),
        "slug": item.slug,
        "name": item.name,
        "dateCreated": iso(item.date_created),
        "projectCount": item.projects.count(),
    }
    if with_organization:
        data["organization"] = organization(item.organization)
    return data


def teams(items: Sequence[Team] | Any) -> list[Json]:
    return [team(t) for t in items]


def project(item: Project, with_organization: bool = False) -> Json:
    latest = item.releases.order_by("-id").values_list("version", flat=True).first()
    data: Json = {
        "id": str(item.id),
        "slug": item.slug,
        "name": item.name,
        "platform": item.platform,
        "dateCreated": iso(item.date_created),
        "team": {"id": str(item.team.id), "name": item.team.name, "slug": item.team.slug},
        "latestRelease": {"version": latest} if latest is not None else None,
    }
    if with_organization:
        data["organization"] = organization(item.organization)
    return data


def commit(item: Commit) -> Json:
    author = None
    if item.author_name or item.author_email:
        author = {"name": item.author_name, "email": item.author_email}
    return {
        "id": item.key,
        "message": item.message,
        "repository": item.repository,
        "author": author,
        "dateCreated": iso(item.date_created),
    }


def deploy(item: Deploy) -> Json:
    return {
        "id": str(item.id),
        "environment": item.environment,
        "name": item.name,
        "url": item.url,
        "dateStarted": iso(item.date_started),
        "dateFinished": iso(item.date_finished),
    }


def release(item: Release) -> Json:
    commits = list(item.commits.order_by("order"))
    last_deploy = item.deploys.order_by("-id").first()
    authors = sorted(
        {(c.author_email or "", c.author_name or "") for c in commits if c.author_email},
    )
    return {
        "version": item.version,
        "shortVersion": short_version(item.version),
        "ref": item.ref,
        "url": item.url,
        "dateCreated": iso(item.date_created),
        "dateReleased": iso(item.date_released),
        "commitCount": len(commits),
        "lastCommit": commit(commits[0]) if commits else None,
        "authors": [{"name": name or None, "email": email} for email, name in authors],
        "deployCount": item.deploys.count(),
        "lastDeploy": deploy(last_deploy) if last_deploy is not None else None,
        "projects": [
            {"name": p.name, "slug": p.slug} for p in item.projects.order_by("slug")
        ],
    }


def release_file(item: ReleaseFile) -> Json:
    return {
        "id": str(item.id),
        "name": item.name,
        "dist": item.dist,
        "headers": dict(sorted(item.headers.items())),
        "sha1": item.sha1,
        "size": item.size,
        "dateCreated": iso(item.date_created),
    }
