"""Releases of an organization, their commits and their deploys."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apiscribe.scenarios import attach_scenarios

from ... import scenarios
from ...models import Commit, Deploy, Release
from .. import serializers as out
from ..base import DocSection, Endpoint, get_organization, get_release
from ..paginator import paginate
from ..validators import (
    Conflict,
    DeployValidator,
    ReleaseUpdateValidator,
    ReleaseValidator,
    validated,
)


def set_commits(release: Release, commits: list[dict[str, Any]]) -> None:
    """Replace the commits of a release; the first one given is the newest."""
    release.commits.all().delete()
    now = timezone.now()
    Commit.objects.bulk_create(
        Commit(
            release=release,
            order=index,
            key=item["id"],
            repository=item.get("repository"),
            message=item.get("message"),
            author_name=item.get("author_name"),
            author_email=item.get("author_email"),
            date_created=item.get("timestamp") or now,
        )
        for index, item in enumerate(commits)
    )


def _serialize_releases(rows: Any) -> list[dict[str, Any]]:
    return [out.release(r) for r in rows]


class OrganizationReleasesEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.list_organization_releases])
    def get(self, request: Any, organization_slug: str) -> Response:
        """
        List an Organization's Releases
        ```````````````````````````````

        Return a list of releases for a given organization, newest first.

        :pparam string organization_slug: the organization short name
        :qparam string query: this parameter can be used to create a
                              "starts with" filter for the version.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many releases a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        org = get_organization(organization_slug)
        queryset = org.releases.order_by("-id")
        query = request.GET.get("query")
        if query:
            queryset = queryset.filter(version__startswith=query)
        return paginate(request, queryset, _serialize_releases)

    @attach_scenarios([scenarios.create_new_release])
    def post(self, request: Any, organization_slug: str) -> Response:
        """
        Create a New Release for an Organization
        ````````````````````````````````````````

        Create a new release for the given organization. Releases are
        used to track the state of a deploy and the commits it contains.
        A release can be associated with more than one project.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :param string version: a version identifier for this release. Can
                               be a version number, a commit hash, etc.
        :param string ref: an optional commit reference. This is useful if
                           a tagged version has been provided.
        :param url url: a URL that points to the release. This can be the
                        path to an online interface to the sourcecode for
                        instance.
        :param array[string] projects: a list of project slugs that are
                                       involved in this release.
        :param datetime dateReleased: an optional date that indicates when
                                      the release went live. If not
                                      provided, the release is unreleased.
        :param array commits: an optional list of commit data to be
                              associated with the release, newest first.
                              Commits must include parameters `id` (the sha
                              of the commit), and can optionally include
                              `repository`, `message`, `author_name`,
                              `author_email`, and `timestamp`.
        :auth: required
        """
        org = get_organization(organization_slug)
        data = validated(ReleaseValidator, request)
        slugs = list(dict.fromkeys(data["projects"]))
        projects = list(org.projects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {p.slug for p in projects})
        if unknown:
            raise ValidationError({"projects": [f"Invalid project slugs: {', '.join(unknown)}"]})
        if org.releases.filter(version=data["version"]).exists():
            raise Conflict({"version": ["A release with this version already exists."]})
        with transaction.atomic():
            release = Release.objects.create(
                organization=org,
                version=data["version"],
                ref=data.get("ref"),
                url=data.get("url"),
                date_released=data.get("dateReleased"),
            )
            release.projects.set(projects)
            set_commits(release, data.get("commits", []))
        return Response(out.release(release), status=status.HTTP_201_CREATED)


class OrganizationReleaseDetailsEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.retrieve_release])
    def get(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        Retrieve an Organization's Release
        ``````````````````````````````````

        Return details on an individual release.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :auth: required
        """
        return Response(out.release(get_release(organization_slug, version)))

    @attach_scenarios([scenarios.update_release])
    def put(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        Update an Organization's Release
        ````````````````````````````````

        Update a release. This can change some metadata associated with
        the release (the ref, url, and dates).

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :param string ref: an optional commit reference. This is useful if
                           a tagged version has been provided.
        :param url url: a URL that points to the release. This can be the
                        path to an online interface to the sourcecode for
                        instance.
        :param datetime dateReleased: an optional date that indicates when
                                      the release went live.
        :param array commits: an optional list of commit data that replaces
                              the commits of the release, newest first.
                              Commits must include parameters `id` (the sha
                              of the commit), and can optionally include
                              `repository`, `message`, `author_name`,
                              `author_email`, and `timestamp`.
        :auth: required
        """
        release = get_release(organization_slug, version)
        data = validated(ReleaseUpdateValidator, request)
        with transaction.atomic():
            if "ref" in data:
                release.ref = data["ref"]
            if "url" in data:
                release.url = data["url"]
            if "dateReleased" in data:
                release.date_released = data["dateReleased"]
            release.save()
            if "commits" in data:
                set_commits(release, data["commits"])
        return Response(out.release(release))

    @attach_scenarios([scenarios.delete_release])
    def delete(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        Delete an Organization's Release
        ````````````````````````````````

        Permanently remove a release and all of its files, commits and
        deploys.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :auth: required
        """
        get_release(organization_slug, version).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationReleaseCommitsEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.list_release_commits])
    def get(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        List an Organization Release's Commits
        ``````````````````````````````````````

        Return a list of the commits of a release, newest first. Commits
        are set with the `commits` parameter of a release's update.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many commits a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        release = get_release(organization_slug, version)
        queryset = release.commits.order_by("order")
        return paginate(request, queryset, lambda rows: [out.commit(c) for c in rows])


class ReleaseDeploysEndpoint(Endpoint):
    doc_section = DocSection.RELEASES

    @attach_scenarios([scenarios.list_release_deploys])
    def get(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        List a Release's Deploys
        ````````````````````````

        Return a list of deploys of a release, newest first.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many deploys a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        release = get_release(organization_slug, version)
        queryset = release.deploys.order_by("-id")
        return paginate(request, queryset, lambda rows: [out.deploy(d) for d in rows])

    @attach_scenarios([scenarios.create_new_deploy])
    def post(self, request: Any, organization_slug: str, version: str) -> Response:
        """
        Create a New Deploy for an Organization
        ```````````````````````````````````````

        Create a deploy of a release to an environment.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :param string environment: the environment you're deploying to.
        :param string name: the optional name of the deploy.
        :param url url: the optional URL that points to the deploy.
        :param datetime dateStarted: an optional date that indicates when
                                     the deploy started.
        :param datetime dateFinished: an optional date that indicates when
                                      the deploy ended. If not provided,
                                      the current time is used.
        :auth: required
        """
        release = get_release(organization_slug, version)
        data = validated(DeployValidator, request)
        deploy = Deploy.objects.create(
            release=release,
            environment=data["environment"],
            name=data.get("name"),
            url=data.get("url"),
            date_started=data.get("dateStarted"),
            date_finished=data.get("dateFinished") or timezone.now(),
        )
        return Response(out.deploy(deploy), status=status.HTTP_201_CREATED)
