"""Scenarios of the recorder fixture app. Names start with ``Rec`` to keep them apart."""

from __future__ import annotations

from typing import Any

from apiscribe.scenarios import ScenarioClient, scenario

#: What the last probe saw of the server: ``pid``, ``port`` and the real ``token``.
SEEN: dict[str, Any] = {}


def _probe(client: ScenarioClient) -> None:
    SEEN.update(client.prepare("GET", "/whoami").json())
    SEEN["token"] = client.prepare("GET", "/api/0/auth/").json()["token"]


def _new_thing(client: ScenarioClient, name: str) -> Any:
    return client.prepare("POST", "/api/0/things/", json={"name": name}).json()["id"]


@scenario("RecListThings")
def list_things(client: ScenarioClient) -> None:
    _probe(client)
    client.request("GET", "/api/0/things/")


@scenario("RecCreateThing")
def create_thing(client: ScenarioClient) -> None:
    client.request("POST", "/api/0/things/", json={"name": "Pump Station", "tags": ["a", "b"]})


@scenario("RecThingDetails")
def thing_details(client: ScenarioClient) -> None:
    thing = _new_thing(client, "Boiler")
    client.request("GET", f"/api/0/things/{thing}/")


@scenario("RecDeleteThing")
def delete_thing(client: ScenarioClient) -> None:
    thing = _new_thing(client, "Old Boiler")
    client.request("DELETE", f"/api/0/things/{thing}/")


@scenario("RecUploadFile")
def upload_file(client: ScenarioClient) -> None:
    thing = _new_thing(client, "Pump")
    client.request(
        "POST",
        f"/api/0/things/{thing}/files/",
        data={"note": "first"},
        files={"file": ("hello.txt", b"hello world\n", "text/plain")},
    )


@scenario("RecSearchThings")
def search_things(client: ScenarioClient) -> None:
    client.request(
        "GET",
        "/api/0/things/",
        params={"query": "Water"},
        headers={"Accept": "application/json", "X-Client": "docs"},
    )


@scenario("RecFailing")
def failing(client: ScenarioClient) -> None:
    _probe(client)
    client.request("GET", "/api/0/things/")
    raise RuntimeError("the thing service is down")


@scenario("RecMisses")
def misses(client: ScenarioClient) -> None:
    _new_thing(client, "Spare")
    client.request("GET", "/api/0/things/")


@scenario("RecCurrentAuth")
def current_auth(client: ScenarioClient) -> None:
    client.request("GET", "/api/0/auth/")


@scenario("RecInterrupted")
def interrupted(client: ScenarioClient) -> None:
    _probe(client)
    raise KeyboardInterrupt


@scenario("RecMissingThing", error_example=True)
def missing_thing(client: ScenarioClient) -> None:
    client.request("GET", "/api/0/things/999999/")
