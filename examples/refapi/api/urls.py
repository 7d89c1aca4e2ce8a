"""URLconf of ``/api/0/``.

Routes nest with ``include()``: organization routes hold the release routes, which hold the
routes of one release. ``path()`` converters match slugs and ids; the release ``version``
uses ``re_path()`` because versions may contain dots and ``@`` (``pump-station@1.0.0``).
"""

from django.urls import include, path, re_path

from .endpoints.organizations import (
    OrganizationDetailsEndpoint,
    OrganizationIndexEndpoint,
    OrganizationProjectsEndpoint,
)
from .endpoints.projects import ProjectDetailsEndpoint, ProjectIndexEndpoint
from .endpoints.release_files import (
    OrganizationReleaseFileDetailsEndpoint,
    OrganizationReleaseFilesEndpoint,
)
from .endpoints.releases import (
    OrganizationReleaseCommitsEndpoint,
    OrganizationReleaseDetailsEndpoint,
    OrganizationReleasesEndpoint,
    ReleaseDeploysEndpoint,
)
from .endpoints.teams import OrganizationTeamsEndpoint, TeamDetailsEndpoint, TeamProjectsEndpoint

release_urls = [
    path(
        "",
        OrganizationReleaseDetailsEndpoint.as_view(),
        name="refapi-organization-release-details",
    ),
    path(
        "commits/",
        OrganizationReleaseCommitsEndpoint.as_view(),
        name="refapi-organization-release-commits",
    ),
    path("deploys/", ReleaseDeploysEndpoint.as_view(), name="refapi-release-deploys"),
    path(
        "files/",
        OrganizationReleaseFilesEndpoint.as_view(),
        name="refapi-organization-release-files",
    ),
    path(
        "files/<int:file_id>/",
        OrganizationReleaseFileDetailsEndpoint.as_view(),
        name="refapi-organization-release-file-details",
    ),
]

releases_urls = [
    path("", OrganizationReleasesEndpoint.as_view(), name="refapi-organization-releases"),
    re_path(r"^(?P<version>[^/]+)/", include(release_urls)),
]

organization_urls = [
    path("", OrganizationDetailsEndpoint.as_view(), name="refapi-organization-details"),
    path("projects/", OrganizationProjectsEndpoint.as_view(), name="refapi-organization-projects"),
    path("teams/", OrganizationTeamsEndpoint.as_view(), name="refapi-organization-teams"),
    path("releases/", include(releases_urls)),
]

team_urls = [
    path("", TeamDetailsEndpoint.as_view(), name="refapi-team-details"),
    path("projects/", TeamProjectsEndpoint.as_view(), name="refapi-team-projects"),
]

urlpatterns = [
    path("organizations/", OrganizationIndexEndpoint.as_view(), name="refapi-organization-index"),
    path("organizations/<slug:organization_slug>/", include(organization_urls)),
    path("teams/<slug:organization_slug>/<slug:team_slug>/", include(team_urls)),
    path("projects/", ProjectIndexEndpoint.as_view(), name="refapi-project-index"),
    path(
        "projects/<slug:organization_slug>/<slug:project_slug>/",
        ProjectDetailsEndpoint.as_view(),
        name="refapi-project-details",
    ),
]
