"""Example scenarios of the reference API: the requests the published examples show.

Each scenario speaks HTTP only (no Django, no models). ``client.request`` is recorded and
must succeed; ``client.prepare`` does set-up and clean-up that the docs do not show, so that
every scenario leaves the seed data as it found it. The client adds the credential itself.
"""

from __future__ import annotations

from typing import Any

from apiscribe.scenarios import ScenarioClient, scenario

ORG = "the-interstellar-jurisdiction"
TEAM = "powerful-abolitionist"
RELEASE = "2.0rc2"


def _ok(response: Any) -> Any:
    """A set-up response, or an error that says which set-up step failed."""
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"set-up request failed: {response.status_code} {response.text[:300]}")
    return response


def _create_organization(client: ScenarioClient, name: str, slug: str) -> None:
    _ok(client.prepare("POST", "/api/0/organizations/", json={"name": name, "slug": slug}))


def _create_team(client: ScenarioClient, name: str, slug: str) -> None:
    body = {"name": name, "slug": slug}
    _ok(client.prepare("POST", f"/api/0/organizations/{ORG}/teams/", json=body))


def _create_project(client: ScenarioClient, name: str, slug: str) -> None:
    body = {"name": name, "slug": slug}
    _ok(client.prepare("POST", f"/api/0/teams/{ORG}/{TEAM}/projects/", json=body))


def _create_release(client: ScenarioClient, version: str) -> None:
    body = {"version": version, "projects": ["pump-station"]}
    _ok(client.prepare("POST", f"/api/0/organizations/{ORG}/releases/", json=body))


def _delete(client: ScenarioClient, path: str) -> None:
    _ok(client.prepare("DELETE", path))


def _upload(client: ScenarioClient, name: str, content: bytes) -> str:
    response = client.prepare(
        "POST",
        f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/",
        data={"name": name, "header": "Content-Type:application/javascript"},
        files={"file": (name.rsplit("/", 1)[-1], content, "application/javascript")},
    )
    return str(_ok(response).json()["id"])


# Organizations


@scenario("ListYourOrganizations")
def list_organizations(client: ScenarioClient) -> None:
    client.request("GET", "/api/0/organizations/")


@scenario("CreateNewOrganization")
def create_new_organization(client: ScenarioClient) -> None:
    body = {"name": "The Rolling Stones", "slug": "the-rolling-stones"}
    client.request("POST", "/api/0/organizations/", json=body)
    _delete(client, "/api/0/organizations/the-rolling-stones/")


@scenario("RetrieveOrganization")
def retrieve_organization(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/")


@scenario("UpdateOrganization")
def update_organization(client: ScenarioClient) -> None:
    _create_organization(client, "Badly Misnamed", "badly-misnamed")
    body = {"name": "Impeccably Designated", "slug": "impeccably-designated"}
    client.request("PUT", "/api/0/organizations/badly-misnamed/", json=body)
    _delete(client, "/api/0/organizations/impeccably-designated/")


@scenario("DeleteOrganization")
def delete_organization(client: ScenarioClient) -> None:
    _create_organization(client, "Sentinel Watch", "sentinel-watch")
    client.request("DELETE", "/api/0/organizations/sentinel-watch/")


@scenario("ListOrganizationProjects")
def list_organization_projects(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/projects/")


# Teams


@scenario("ListOrganizationTeams")
def list_organization_teams(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/teams/")


@scenario("CreateNewTeam")
def create_new_team(client: ScenarioClient) -> None:
    client.request("POST", f"/api/0/organizations/{ORG}/teams/", json={"name": "Squeaky Minnows"})
    _delete(client, f"/api/0/teams/{ORG}/squeaky-minnows/")


@scenario("RetrieveTeam")
def retrieve_team(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/teams/{ORG}/{TEAM}/")


@scenario("UpdateTeam")
def update_team(client: ScenarioClient) -> None:
    _create_team(client, "The Obese Philosophers", "obese-philosophers")
    body = {"name": "The Inflated Philosophers"}
    client.request("PUT", f"/api/0/teams/{ORG}/obese-philosophers/", json=body)
    _delete(client, f"/api/0/teams/{ORG}/obese-philosophers/")


@scenario("DeleteTeam")
def delete_team(client: ScenarioClient) -> None:
    _create_team(client, "Doomed Gladiators", "doomed-gladiators")
    client.request("DELETE", f"/api/0/teams/{ORG}/doomed-gladiators/")


@scenario("ListTeamProjects")
def list_team_projects(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/teams/{ORG}/{TEAM}/projects/")


@scenario("CreateNewProject")
def create_new_project(client: ScenarioClient) -> None:
    body = {"name": "The Despicable Duck", "platform": "python"}
    client.request("POST", f"/api/0/teams/{ORG}/{TEAM}/projects/", json=body)
    _delete(client, f"/api/0/projects/{ORG}/the-despicable-duck/")


# Projects


@scenario("ListYourProjects")
def list_your_projects(client: ScenarioClient) -> None:
    client.request("GET", "/api/0/projects/")


@scenario("RetrieveProject")
def retrieve_project(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/projects/{ORG}/pump-station/")


@scenario("UpdateProject")
def update_project(client: ScenarioClient) -> None:
    _create_project(client, "Plain Proxy", "plain-proxy")
    body = {"name": "Plane Proxy", "slug": "plane-proxy", "platform": "javascript"}
    client.request("PUT", f"/api/0/projects/{ORG}/plain-proxy/", json=body)
    _delete(client, f"/api/0/projects/{ORG}/plane-proxy/")


@scenario("DeleteProject")
def delete_project(client: ScenarioClient) -> None:
    _create_project(client, "Obsolete Outpost", "obsolete-outpost")
    client.request("DELETE", f"/api/0/projects/{ORG}/obsolete-outpost/")


# Releases


@scenario("ListOrganizationReleases")
def list_organization_releases(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/releases/")


@scenario("CreateNewRelease")
def create_new_release(client: ScenarioClient) -> None:
    body = {
        "version": "2.0rc3",
        "ref": "6ba09a7c53235ee8a8fa5ee4c1ca8ca886e7fdbb",
        "url": "https://vcshub.invalid/interstellar/pump-station/releases/2.0rc3",
        "projects": ["pump-station", "prime-mover"],
    }
    client.request("POST", f"/api/0/organizations/{ORG}/releases/", json=body)
    _delete(client, f"/api/0/organizations/{ORG}/releases/2.0rc3/")


@scenario("RetrieveRelease")
def retrieve_release(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/")


@scenario("UpdateRelease")
def update_release(client: ScenarioClient) -> None:
    _create_release(client, "3000")
    body = {
        "ref": "deadbeef1337",
        "url": "https://vcshub.invalid/user/project/refs/deadbeef1337",
        "dateReleased": "2018-11-07T09:30:00Z",
        "commits": [
            {
                "id": "deadbeef13371337deadbeef13371337deadbeef",
                "repository": "interstellar/pump-station",
                "message": "Fix the flux capacitor",
                "author_name": "Jane Bloggs",
                "author_email": "jane@interstellar.invalid",
                "timestamp": "2018-11-07T09:12:00Z",
            }
        ],
    }
    client.request("PUT", f"/api/0/organizations/{ORG}/releases/3000/", json=body)
    _delete(client, f"/api/0/organizations/{ORG}/releases/3000/")


@scenario("DeleteRelease")
def delete_release(client: ScenarioClient) -> None:
    _create_release(client, "2.0rc2-retracted")
    client.request("DELETE", f"/api/0/organizations/{ORG}/releases/2.0rc2-retracted/")


@scenario("ListReleaseCommits")
def list_release_commits(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/commits/")


@scenario("ListReleaseDeploys")
def list_release_deploys(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/deploys/")


@scenario("CreateNewDeploy")
def create_new_deploy(client: ScenarioClient) -> None:
    _create_release(client, "2.0.0")
    body = {
        "environment": "production",
        "name": "2.0.0 to production",
        "url": "https://deploys.invalid/pump-station/2.0.0",
        "dateStarted": "2018-11-08T10:00:00Z",
        "dateFinished": "2018-11-08T10:04:30Z",
    }
    client.request("POST", f"/api/0/organizations/{ORG}/releases/2.0.0/deploys/", json=body)
    _delete(client, f"/api/0/organizations/{ORG}/releases/2.0.0/")


@scenario("ListReleaseFiles")
def list_release_files(client: ScenarioClient) -> None:
    client.request("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/")


@scenario("UploadReleaseFile")
def upload_release_file(client: ScenarioClient) -> None:
    response = client.request(
        "POST",
        f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/",
        data={"name": "~/dist/vendor.min.js", "header": "Content-Type:application/javascript"},
        files={"file": ("vendor.min.js", b"!function(){}();\n", "application/javascript")},
    )
    file_id = _ok(response).json()["id"]
    _delete(client, f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/{file_id}/")


@scenario("RetrieveReleaseFile")
def retrieve_release_file(client: ScenarioClient) -> None:
    files = _ok(client.prepare("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/"))
    file_id = next(f["id"] for f in files.json() if f["name"] == "~/dist/app.min.js")
    client.request("GET", f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/{file_id}/")


@scenario("UpdateReleaseFile")
def update_release_file(client: ScenarioClient) -> None:
    file_id = _upload(client, "~/dist/legacy.js", b"var legacy = true;\n")
    path = f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/{file_id}/"
    client.request("PUT", path, json={"name": "~/dist/legacy.min.js"})
    _delete(client, path)


@scenario("DeleteReleaseFile")
def delete_release_file(client: ScenarioClient) -> None:
    file_id = _upload(client, "~/dist/obsolete.js", b"var obsolete = true;\n")
    client.request("DELETE", f"/api/0/organizations/{ORG}/releases/{RELEASE}/files/{file_id}/")
