"""Views documented in Sentry's docstring format."""

from enum import Enum
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apiscribe.scenarios import attach_scenarios


class DocSection(Enum):
    ORGANIZATIONS = "Organizations"
    RELEASES = "Releases"


class HealthView(APIView):
    def get(self, request: Request) -> Response:
        """Not documented: the class has no doc_section."""
        return Response({"ok": True})


class OrganizationDetailsEndpoint(APIView):
    doc_section = DocSection.ORGANIZATIONS

    def get(self, request: Request, organization_slug: str) -> Response:
        """
        Retrieve an Organization
        ========================

        Return details on an individual organization.

        :pparam string organization_slug: the slug of the organization.
        :auth: required
        """
        return Response({"slug": organization_slug})

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """OPTIONS is not a documented method."""
        return super().options(request, *args, **kwargs)


class OrganizationReleasesEndpoint(APIView):
    doc_section = DocSection.RELEASES

    def post(self, request: Request, organization_slug: str) -> Response:
        """
        Create a New Release for an Organization
        ````````````````````````````````````````

        Create a new release for the given organization.

        :pparam string organization_slug: the slug of the organization.
        :param string version: a version identifier for this release.
        :auth: required
        """
        return Response(status=201)

    def get(self, request: Request, organization_slug: str) -> Response:
        """
        List an Organization's Releases
        ```````````````````````````````

        Return a list of releases for a given organization.

        :pparam string organization_slug: the organization short name
        :qparam string query: this parameter can be used to create a
                              "starts with" filter for the version.
        """
        return Response([])


class OrganizationReleaseDetailsEndpoint(APIView):
    doc_section = DocSection.RELEASES

    def delete(self, request: Request, organization_slug: str, version: str) -> Response:
        """
        Delete an Organization's Release
        ````````````````````````````````

        Permanently remove a release and all of its files.

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :auth: required
        """
        return Response(status=204)

    @attach_scenarios(["UpdateRelease"])
    def put(self, request: Request, organization_slug: str, version: str) -> Response:
        """
        Update an Organization's Release
        ````````````````````````````````

        Update a release. This can change some metadata associated with
        the release (the ref, url, and dates).

        :pparam string organization_slug: the slug of the organization the
                                          release belongs to.
        :pparam string version: the version identifier of the release.
        :param string ref: an optional commit reference.  This is useful if
                           a tagged version has been provided.
        :param url url: a URL that points to the release.  This can be the
                        path to an online interface to the sourcecode
                        for instance.
        :auth: required
        """
        return Response({"version": version})


class ReleaseFileDetailsAPIView(APIView):
    doc_section = "releases"

    def get(
        self, request: Request, organization_slug: str, version: str, name: str
    ) -> Response:
        """
        Retrieve a File
        ---

        :pparam string organization_slug: the slug of the organization.
        :pparam string version: the version identifier of the release.
        :pparam string name: the name of the file.
        :auth:
        """
        return Response({"name": name})


class ProjectStatsView(APIView):
    doc_section = "projects"

    def get(self, request: Request, organization_slug: str, project_id: int) -> Response:
        """
        Retrieve Event Counts for a Project

        Return a set of points representing a normalized timestamp and the
        number of events seen in the period.

        Query ranges are limited to the configured time-series
        resolutions.

        :pparam string organization_slug: the slug of the organization.
        :pparam int project_id: the id of the project.
        :qparam timestamp since: a timestamp to set the start of the query.
        :qparam array[string] stat: the stats to return.
        :warning: This endpoint may change in the future without notice.
        """
        return Response([])
