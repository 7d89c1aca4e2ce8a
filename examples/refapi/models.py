"""Data of the reference API: organizations own teams, projects and releases.

Timestamps default to "now" but are plain fields, so the seed can give them fixed values.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone


class Organization(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=64)
    date_created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.slug


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=64)
    date_created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_team_slug"),
        )

    def __str__(self) -> str:
        return self.slug


class Project(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="projects"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=64)
    platform = models.CharField(max_length=64, null=True, blank=True)
    date_created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_project_slug"),
        )

    def __str__(self) -> str:
        return self.slug


class Release(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="releases"
    )
    projects = models.ManyToManyField(Project, related_name="releases")
    version = models.CharField(max_length=250)
    ref = models.CharField(max_length=250, null=True, blank=True)
    url = models.URLField(max_length=500, null=True, blank=True)
    date_created = models.DateTimeField(default=timezone.now)
    date_released = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["organization", "version"], name="unique_version"),
        )

    def __str__(self) -> str:
        return self.version


class Commit(models.Model):
    """A commit of a release; ``order`` 0 is the newest (the release's head)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="commits")
    order = models.PositiveIntegerField()
    key = models.CharField(max_length=64)
    repository = models.CharField(max_length=200, null=True, blank=True)
    message = models.TextField(null=True, blank=True)
    author_name = models.CharField(max_length=128, null=True, blank=True)
    author_email = models.EmailField(max_length=200, null=True, blank=True)
    date_created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["release", "order"], name="unique_commit_order"),
        )

    def __str__(self) -> str:
        return self.key


class Deploy(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="deploys")
    environment = models.CharField(max_length=64)
    name = models.CharField(max_length=64, null=True, blank=True)
    url = models.URLField(max_length=500, null=True, blank=True)
    date_started = models.DateTimeField(null=True, blank=True)
    date_finished = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.release} to {self.environment}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    dist = models.CharField(max_length=64, null=True, blank=True)
    headers = models.JSONField(default=dict)
    content = models.BinaryField()
    sha1 = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    date_created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Token(models.Model):
    """An API credential. Only the SHA-256 of the key is stored."""

    name = models.CharField(max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    date_created = models.DateTimeField(default=timezone.now)

    is_authenticated = True

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def __str__(self) -> str:
        return self.name
