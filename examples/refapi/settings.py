"""Django settings of the reference API.

The SQLite file comes from ``REFAPI_DATABASE`` (default: a file under the system temp dir).
Only Django REST framework and the ``refapi`` app are installed: no admin, sessions or
templates, and every response is JSON.
"""

from __future__ import annotations

import os
import tempfile

DEBUG = False
# Not a secret: the reference API signs nothing (no sessions, no CSRF cookies).
SECRET_KEY = os.environ.get("REFAPI_SECRET_KEY", "refapi-example-key-not-used-for-signing")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "api.example.com"]
# Links (pagination) use https when a proxy in front says so.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = ["rest_framework", "refapi"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "refapi.urls"
WSGI_APPLICATION = "refapi.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("REFAPI_DATABASE")
        or os.path.join(tempfile.gettempdir(), "refapi.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
LANGUAGE_CODE = "en-us"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["refapi.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
    "URL_FORMAT_OVERRIDE": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR"}},
}
