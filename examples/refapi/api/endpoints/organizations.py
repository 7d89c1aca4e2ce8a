"""Organizations: the top of the tree; everything else belongs to one."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response

from apiscribe.scenarios import attach_scenarios

from ... import scenarios
from ...models import Organization
from .. import serializers as out
from ..base import DocSection, Endpoint, get_organization
from ..paginator import paginate
from ..validators import NamedValidator, unique_slug, validated


class OrganizationIndexEndpoint(Endpoint):
    doc_section = DocSection.ORGANIZATIONS

    @attach_scenarios([scenarios.list_organizations])
    def get(self, request: Any) -> Response:
        """
        List your Organizations
        ```````````````````````

        Return a list of organizations available to the authenticated
        token, ordered by slug.

        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many organizations a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        queryset = Organization.objects.order_by("slug")
        return paginate(request, queryset, lambda rows: [out.organization(o) for o in rows])

    @attach_scenarios([scenarios.create_new_organization])
    def post(self, request: Any) -> Response:
        """
        Create a New Organization
        `````````````````````````

        Create a new organization. The slug is made from the name unless
        one is given.

        :param string name: the human readable name for the new
                            organization.
        :param string slug: the unique URL slug for this organization. If
                            this is not provided a slug is automatically
                            generated based on the name.
        :auth: required
        """
        data = validated(NamedValidator, request)
        slug = unique_slug(data, Organization.objects.all(), "An organization")
        org = Organization.objects.create(name=data["name"], slug=slug)
        return Response(out.organization(org), status=status.HTTP_201_CREATED)


class OrganizationDetailsEndpoint(Endpoint):
    doc_section = DocSection.ORGANIZATIONS

    @attach_scenarios([scenarios.retrieve_organization])
    def get(self, request: Any, organization_slug: str) -> Response:
        """
        Retrieve an Organization
        ````````````````````````

        Return details on an individual organization, including its teams
        and projects.

        :pparam string organization_slug: the slug of the organization to
                                          look up.
        :auth: required
        """
        org = get_organization(organization_slug)
        return Response(out.organization(org, detailed=True))

    @attach_scenarios([scenarios.update_organization])
    def put(self, request: Any, organization_slug: str) -> Response:
        """
        Update an Organization
        ``````````````````````

        Update various attributes of an organization. Fields that are not
        given keep their value.

        :pparam string organization_slug: the slug of the organization to
                                          update.
        :param string name: an optional new name for the organization.
        :param string slug: an optional new slug for the organization. Its
                            URLs change with it.
        :auth: required
        """
        org = get_organization(organization_slug)
        data = validated(NamedValidator, request, partial=True)
        slug = unique_slug(data, Organization.objects.all(), "An organization", current=org)
        if "name" in data:
            org.name = data["name"]
        if slug is not None:
            org.slug = slug
        org.save()
        return Response(out.organization(org, detailed=True))

    @attach_scenarios([scenarios.delete_organization])
    def delete(self, request: Any, organization_slug: str) -> Response:
        """
        Delete an Organization
        ``````````````````````

        Delete an organization together with its teams, projects, releases,
        deploys and release files.

        :pparam string organization_slug: the slug of the organization to
                                          delete.
        :warning: deletion is permanent and takes effect at once: the
                  organization and everything it owns cannot be restored.
        :auth: required
        """
        get_organization(organization_slug).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationProjectsEndpoint(Endpoint):
    doc_section = DocSection.ORGANIZATIONS

    @attach_scenarios([scenarios.list_organization_projects])
    def get(self, request: Any, organization_slug: str) -> Response:
        """
        List an Organization's Projects
        ```````````````````````````````

        Return a list of projects bound to an organization, ordered by slug.

        :pparam string organization_slug: the slug of the organization for
                                          which the projects should be
                                          listed.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many projects a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        org = get_organization(organization_slug)
        queryset = org.projects.select_related("team").order_by("slug")
        return paginate(request, queryset, lambda rows: [out.project(p) for p in rows])
