"""Minimal Django settings for the DRF source tests (no database is used)."""

SECRET_KEY = "apiscribe-tests-only"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
]
ROOT_URLCONF = "drf_fixtures.urls"
DATABASES: dict[str, dict[str, str]] = {}
