"""Teams: groups inside an organization; every project belongs to one team."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response

from apiscribe.scenarios import attach_scenarios

from ... import scenarios
from ...models import Project, Team
from .. import serializers as out
from ..base import DocSection, Endpoint, get_organization, get_team
from ..paginator import paginate
from ..validators import NamedValidator, ProjectValidator, unique_slug, validated


class OrganizationTeamsEndpoint(Endpoint):
    doc_section = DocSection.TEAMS

    @attach_scenarios([scenarios.list_organization_teams])
    def get(self, request: Any, organization_slug: str) -> Response:
        """
        List an Organization's Teams
        ````````````````````````````

        Return a list of teams bound to an organization, ordered by slug.

        :pparam string organization_slug: the slug of the organization for
                                          which the teams should be listed.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many teams a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        org = get_organization(organization_slug)
        return paginate(request, org.teams.order_by("slug"), out.teams)

    @attach_scenarios([scenarios.create_new_team])
    def post(self, request: Any, organization_slug: str) -> Response:
        """
        Create a New Team
        `````````````````

        Create a new team bound to an organization. The slug is made from
        the name unless one is given.

        :pparam string organization_slug: the slug of the organization the
                                          team should be created for.
        :param string name: the name of the team.
        :param string slug: the optional slug for this team. If not provided
                            it will be auto generated from the name.
        :auth: required
        """
        org = get_organization(organization_slug)
        data = validated(NamedValidator, request)
        slug = unique_slug(data, org.teams.all(), "A team")
        team = Team.objects.create(organization=org, name=data["name"], slug=slug)
        return Response(out.team(team), status=status.HTTP_201_CREATED)


class TeamDetailsEndpoint(Endpoint):
    doc_section = DocSection.TEAMS

    @attach_scenarios([scenarios.retrieve_team])
    def get(self, request: Any, organization_slug: str, team_slug: str) -> Response:
        """
        Retrieve a Team
        ```````````````

        Return details on an individual team.

        :pparam string organization_slug: the slug of the organization the
                                          team belongs to.
        :pparam string team_slug: the slug of the team to get.
        :auth: required
        """
        team = get_team(organization_slug, team_slug)
        return Response(out.team(team, with_organization=True))

    @attach_scenarios([scenarios.update_team])
    def put(self, request: Any, organization_slug: str, team_slug: str) -> Response:
        """
        Update a Team
        `````````````

        Update various attributes and configurable settings for the given
        team.

        :pparam string organization_slug: the slug of the organization the
                                          team belongs to.
        :pparam string team_slug: the slug of the team to update.
        :param string name: the new name for the team.
        :param string slug: a new slug for the team. It has to be unique
                            and available.
        :auth: required
        """
        team = get_team(organization_slug, team_slug)
        data = validated(NamedValidator, request, partial=True)
        others = team.organization.teams.all()
        slug = unique_slug(data, others, "A team", current=team)
        if "name" in data:
            team.name = data["name"]
        if slug is not None:
            team.slug = slug
        team.save()
        return Response(out.team(team, with_organization=True))

    @attach_scenarios([scenarios.delete_team])
    def delete(self, request: Any, organization_slug: str, team_slug: str) -> Response:
        """
        Delete a Team
        `````````````

        Delete a team, together with the projects that belong to it.

        :pparam string organization_slug: the slug of the organization the
                                          team belongs to.
        :pparam string team_slug: the slug of the team to delete.
        :auth: required
        """
        get_team(organization_slug, team_slug).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamProjectsEndpoint(Endpoint):
    doc_section = DocSection.TEAMS

    @attach_scenarios([scenarios.list_team_projects])
    def get(self, request: Any, organization_slug: str, team_slug: str) -> Response:
        """
        List a Team's Projects
        ``````````````````````

        Return a list of projects bound to a team, ordered by slug.

        :pparam string organization_slug: the slug of the organization the
                                          team belongs to.
        :pparam string team_slug: the slug of the team to list the projects
                                  of.
        :qparam string cursor: the cursor of the page to return, taken from
                               the `Link` header of the previous answer.
        :qparam int per_page: how many projects a page holds (1 to 100,
                              default 5).
        :auth: required
        """
        team = get_team(organization_slug, team_slug)
        queryset = team.projects.select_related("team").order_by("slug")
        return paginate(request, queryset, lambda rows: [out.project(p) for p in rows])

    @attach_scenarios([scenarios.create_new_project])
    def post(self, request: Any, organization_slug: str, team_slug: str) -> Response:
        """
        Create a New Project
        ````````````````````

        Create a new project bound to a team. The slug is made from the
        name unless one is given; it is unique within the organization.

        :pparam string organization_slug: the slug of the organization the
                                          team belongs to.
        :pparam string team_slug: the slug of the team to create a new
                                  project for.
        :param string name: the name for the new project.
        :param string slug: optionally a slug for the new project. If it's
                            not provided a slug is generated from the name.
        :param string platform: the optional platform for this project.
        :auth: required
        """
        team = get_team(organization_slug, team_slug)
        data = validated(ProjectValidator, request)
        slug = unique_slug(data, team.organization.projects.all(), "A project")
        project = Project.objects.create(
            organization=team.organization,
            team=team,
            name=data["name"],
            slug=slug,
            platform=data.get("platform"),
        )
        return Response(out.project(project), status=status.HTTP_201_CREATED)
