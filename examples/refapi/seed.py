"""Set-up hook: migrate the database at ``REFAPI_DATABASE`` and load fixed seed data.

``setup()`` empties the database first, so every run starts from the same rows, ids and
timestamps. The API token's key is the value of ``REFAPI_TOKEN``.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime


class SeedError(RuntimeError):
    """The environment does not allow seeding (e.g. no token given)."""


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


ORGANIZATION = ("the-interstellar-jurisdiction", "The Interstellar Jurisdiction")

TEAMS = [
    ("powerful-abolitionist", "Powerful Abolitionist", "2018-11-06T21:19:55.114Z"),
    ("ancient-gabelers", "Ancient Gabelers", "2018-11-06T21:20:08.020Z"),
]

# slug, name, team, platform, created
PROJECTS = [
    ("pump-station", "Pump Station", "powerful-abolitionist", "python",
     "2018-11-06T21:19:55.146Z"),
    ("prime-mover", "Prime Mover", "powerful-abolitionist", "javascript",
     "2018-11-06T21:19:58.536Z"),
    ("the-spoiled-yoghurt", "The Spoiled Yoghurt", "ancient-gabelers", None,
     "2018-11-06T21:20:08.064Z"),
]

# version, projects, ref, created, released
RELEASES = [
    ("pump-station@1.0.0", ["pump-station"], None, "2018-10-01T09:00:00Z", "2018-10-01T10:00:00Z"),
    ("pump-station@1.0.1", ["pump-station"], None, "2018-10-15T09:00:00Z", "2018-10-15T11:30:00Z"),
    ("prime-mover@0.9.0", ["prime-mover"], None, "2018-10-20T14:00:00Z", None),
    ("17642328ead24b51867165985996d04b29310337", ["pump-station"], None,
     "2018-11-06T21:19:55.146Z", None),
    ("2b6af31b2edccc73a629108b17344dfe20858780", ["prime-mover"], None,
     "2018-11-06T21:19:58.559Z", None),
    ("2.0rc2", ["pump-station"], "6ba09a7c53235ee8a8fa5ee4c1ca8ca886e7fdbb",
     "2018-11-06T21:20:08.033Z", "2018-11-06T22:05:42Z"),
]

JANE = ("Jane Bloggs", "jane@interstellar.invalid")
JOHN = ("John Doe", "john@interstellar.invalid")

# version: [(sha, message, author, timestamp)], newest first
COMMITS = {
    "2.0rc2": [
        ("6ba09a7c53235ee8a8fa5ee4c1ca8ca886e7fdbb", "Bump version to 2.0rc2", JANE,
         "2018-11-06T20:58:12Z"),
        ("8c2f3f2b9a1d4c0e7f6a5b4c3d2e1f0a9b8c7d6e", "Throttle the pump when pressure drops",
         JOHN, "2018-11-06T18:31:40Z"),
        ("b1946ac92492d2347c6235b4d2611184a7f1c0de", "Add pressure sensor readings", JANE,
         "2018-11-05T16:03:27Z"),
    ],
    "2b6af31b2edccc73a629108b17344dfe20858780": [
        ("2b6af31b2edccc73a629108b17344dfe20858780", "Initial commit", JOHN,
         "2018-11-06T21:10:00Z"),
    ],
}

# version, environment, name, started, finished
DEPLOYS = [
    ("17642328ead24b51867165985996d04b29310337", "production", None,
     "2018-11-06T21:25:00Z", "2018-11-06T21:27:13Z"),
    ("2.0rc2", "staging", "2.0rc2 to staging", "2018-11-06T21:30:00Z", "2018-11-06T21:34:10Z"),
    ("2.0rc2", "production", "2.0rc2 to production", "2018-11-06T22:00:00Z",
     "2018-11-06T22:05:42Z"),
]

# version, name, content type, content, created
FILES = [
    ("2.0rc2", "~/dist/app.min.js", "application/javascript",
     b'!function(){var p=0;window.pump=function(){return++p}}();\n'
     b"//# sourceMappingURL=app.min.js.map\n",
     "2018-11-06T21:40:19.150Z"),
    ("2.0rc2", "~/dist/app.min.js.map", "application/json",
     b'{"version":3,"file":"app.min.js","sources":["app.js"],"names":["pump"],'
     b'"mappings":"AAAA"}\n',
     "2018-11-06T21:40:20.310Z"),
]


def setup() -> None:
    """Migrate the database, empty it, and load the seed data and the API token."""
    key = os.environ.get("REFAPI_TOKEN", "")
    if not key:
        raise SeedError(
            "REFAPI_TOKEN is not set: set it to the API token the seed should create "
            "(apiscribe sets it when it starts the app)"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refapi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    with transaction.atomic():
        _load(key)


def _load(key: str) -> None:
    from .models import (
        Commit,
        Deploy,
        Organization,
        Project,
        Release,
        ReleaseFile,
        Team,
        Token,
    )

    org = Organization.objects.create(
        slug=ORGANIZATION[0], name=ORGANIZATION[1], date_created=_at("2018-11-06T21:19:55.101Z")
    )
    teams = {
        slug: Team.objects.create(organization=org, slug=slug, name=name, date_created=_at(when))
        for slug, name, when in TEAMS
    }
    projects = {
        slug: Project.objects.create(
            organization=org,
            team=teams[team],
            slug=slug,
            name=name,
            platform=platform,
            date_created=_at(when),
        )
        for slug, name, team, platform, when in PROJECTS
    }
    releases = {}
    for version, slugs, ref, created, released in RELEASES:
        release = Release.objects.create(
            organization=org,
            version=version,
            ref=ref,
            date_created=_at(created),
            date_released=_at(released) if released else None,
        )
        release.projects.set([projects[s] for s in slugs])
        releases[version] = release
    for version, commits in COMMITS.items():
        for order, (sha, message, (author, email), when) in enumerate(commits):
            Commit.objects.create(
                release=releases[version],
                order=order,
                key=sha,
                repository=f"interstellar/{releases[version].projects.get().slug}",
                message=message,
                author_name=author,
                author_email=email,
                date_created=_at(when),
            )
    for version, environment, name, started, finished in DEPLOYS:
        Deploy.objects.create(
            release=releases[version],
            environment=environment,
            name=name,
            date_started=_at(started),
            date_finished=_at(finished),
        )
    for version, name, content_type, content, created in FILES:
        ReleaseFile.objects.create(
            release=releases[version],
            name=name,
            headers={"Content-Type": content_type},
            content=content,
            sha1=hashlib.sha1(content).hexdigest(),
            size=len(content),
            date_created=_at(created),
        )
    Token.objects.create(
        name="apiscribe", key_hash=Token.hash_key(key), date_created=_at("2018-11-06T21:19:55Z")
    )
