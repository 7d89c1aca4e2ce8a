"""Root URLconf: everything lives under ``/api/0/``; unknown paths answer JSON errors."""

from django.urls import include, path

urlpatterns = [
    path("api/0/", include("refapi.api.urls")),
]

handler404 = "refapi.api.errors.not_found"
handler500 = "refapi.api.errors.server_error"
