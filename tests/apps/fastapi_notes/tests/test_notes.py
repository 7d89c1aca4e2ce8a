import pytest


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_token_is_required(client):
    response = client.get("/v1/notes/")
    assert response.status_code == 422


def test_wrong_token(client):
    response = client.get("/v1/notes/", headers={"X-Token": "nope"})
    assert response.status_code == 401


def test_create_and_list(alice):
    created = alice.post("/v1/notes/", json={"title": "Groceries", "body": "Milk, eggs",
                                             "tags": ["home"]})
    assert created.status_code == 201
    assert created.json()["owner"] == "alice"
    alice.post("/v1/notes/", json={"title": "Standup", "tags": ["work"]})
    listed = alice.get("/v1/notes/", params={"tag": "home"})
    assert listed.status_code == 200
    assert [n["title"] for n in listed.json()] == ["Groceries"]


@pytest.mark.apiscribe_example
def test_read_note(alice):
    note = alice.post("/v1/notes/", json={"title": "Ideas", "body": "Write docs"}).json()
    response = alice.get(f"/v1/notes/{note['id']}")
    assert response.status_code == 200
    assert response.json()["body"] == "Write docs"


def test_read_missing_note(alice):
    response = alice.get("/v1/notes/999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Note not found"}


def test_update_note(alice):
    note = alice.post("/v1/notes/", json={"title": "Draft"}).json()
    response = alice.put(f"/v1/notes/{note['id']}", json={"title": "Final", "body": "Done",
                                                          "tags": ["work"]})
    assert response.status_code == 200
    assert response.json()["title"] == "Final"


def test_delete_note(alice):
    note = alice.post("/v1/notes/", json={"title": "Temporary"}).json()
    assert alice.delete(f"/v1/notes/{note['id']}").status_code == 204
    assert alice.get(f"/v1/notes/{note['id']}").status_code == 404


def test_notes_are_private(client):
    client.headers["X-Token"] = "bob-secret-token"
    note = client.post("/v1/notes/", json={"title": "Bob's"}).json()
    client.headers["X-Token"] = "alice-secret-token"
    assert client.get(f"/v1/notes/{note['id']}").status_code == 404


def test_read_user(client):
    response = client.get("/v1/users/alice")
    assert response.status_code == 200
    assert response.json() == {"username": "alice", "full_name": "Alice Liddell"}


def test_unknown_user(client):
    assert client.get("/v1/users/zed").status_code == 404
