"""Projects: what releases ship; each belongs to one team of one organization."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response

from apiscribe.scenarios import attach_scenarios

from ... import scenarios
from ...models import Project
from .. import serializers as out
from ..base import DocSection, Endpoint, get_project
from ..paginator import paginate
from ..validators import ProjectValidator, unique_slug, validated


class ProjectIndexEndpoint(Endpoint):
    doc_section = DocSection.PROJECTS

    @attach_scenarios([scenarios.list_your_projects])
    def get(self, request: Any) -> Response:
        """
        List your Projects
        ``````````````````

        Return a list of projects available to the authenticated token,
        ordered by organization slug, then project slug.

        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many projects a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        queryset = Project.objects.select_related("organization", "team").order_by(
            "organization__slug", "slug"
        )
        return paginate(
            request, queryset, lambda rows: [out.project(p, with_organization=True) for p in rows]
        )


class ProjectDetailsEndpoint(Endpoint):
    doc_section = DocSection.PROJECTS

    @attach_scenarios([scenarios.retrieve_project])
    def get(self, request: Any, organization_slug: str, project_slug: str) -> Response:
        """
        Retrieve a Project
        ``````````````````

        Return details on an individual project.

        :pparam string organization_slug: the slug of the organization the
                                          project belongs to.
        :pparam string project_slug: the slug of the project to retrieve.
        :auth: required
        """
        project = get_project(organization_slug, project_slug)
        return Response(out.project(project, with_organization=True))

    @attach_scenarios([scenarios.update_project])
    def put(self, request: Any, organization_slug: str, project_slug: str) -> Response:
        """
        Update a Project
        ````````````````

        Update various attributes of a project. Fields that are not given
        keep their value.

        :pparam string organization_slug: the slug of the organization the
                                          project belongs to.
        :pparam string project_slug: the slug of the project to update.
        :param string name: the new name for the project.
        :param string slug: the new slug for the project.
        :param string platform: the new platform for the project.
        :auth: required
        """
        project = get_project(organization_slug, project_slug)
        data = validated(ProjectValidator, request, partial=True)
        others = project.organization.projects.all()
        slug = unique_slug(data, others, "A project", current=project)
        if "name" in data:
            project.name = data["name"]
        if slug is not None:
            project.slug = slug
        if "platform" in data:
            project.platform = data["platform"]
        project.save()
        return Response(out.project(project, with_organization=True))

    @attach_scenarios([scenarios.delete_project])
    def delete(self, request: Any, organization_slug: str, project_slug: str) -> Response:
        """
        Delete a Project
        ````````````````

        Delete a project. Releases stay with the organization, without
        this project.

        :pparam string organization_slug: the slug of the organization the
                                          project belongs to.
        :pparam string project_slug: the slug of the project to delete.
        :auth: required
        """
        get_project(organization_slug, project_slug).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
