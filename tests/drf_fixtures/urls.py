"""The root URLconf: a module include with a prefix, and an undocumented view."""

from django.urls import include, path

from .views import HealthView

urlpatterns = [
    path("api/0/", include("drf_fixtures.api_urls")),
    path("health/", HealthView.as_view()),
]
