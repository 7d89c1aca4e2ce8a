"""Routes under /api/0/: re_path, path converters and nested list includes."""

from django.urls import include, path, re_path

from .views import (
    OrganizationDetailsEndpoint,
    OrganizationReleaseDetailsEndpoint,
    OrganizationReleasesEndpoint,
    ProjectStatsView,
    ReleaseFileDetailsAPIView,
)

releases = [
    path("", OrganizationReleasesEndpoint.as_view()),
    path("<str:version>/", OrganizationReleaseDetailsEndpoint.as_view()),
    path("<str:version>/files/<path:name>", ReleaseFileDetailsAPIView.as_view()),
]

urlpatterns = [
    re_path(
        r"^organizations/(?P<organization_slug>[^\/]+)/",
        include([
            re_path(r"^$", OrganizationDetailsEndpoint.as_view()),
            path("releases/", include(releases)),
        ]),
    ),
    path("projects/<slug:organization_slug>/<int:project_id>/stats/", ProjectStatsView.as_view()),
]
