def test_list_books(client):
    response = client.get("/books/")
    assert response.status_code == 200
    assert len(response.get_json()) == 2


def test_filter_by_author(client):
    response = client.get("/books/?author_id=2")
    assert [b["title"] for b in response.get_json()] == ["Invisible Cities"]


def test_add_book(client):
    response = client.post("/books/", json={"title": "Earthsea", "author_id": 1, "year": 1968})
    assert response.status_code == 201
    assert response.get_json()["id"] == 3


def test_add_book_needs_a_title(client):
    response = client.post("/books/", json={"year": 1968})
    assert response.status_code == 400
    assert response.get_json() == {"error": "'title' is required", "status": 400}


def test_get_book(client):
    response = client.get("/books/1")
    assert response.status_code == 200
    assert response.get_json()["title"] == "The Dispossessed"


def test_missing_book_is_a_json_404(client):
    response = client.get("/books/42")
    assert response.status_code == 404
    assert response.get_json()["error"] == "No book with id 42"


def test_patch_book(client):
    response = client.patch("/books/2", json={"year": 1973})
    assert response.status_code == 200
    assert response.get_json()["year"] == 1973


def test_delete_book(client):
    assert client.delete("/books/1").status_code == 204
    assert client.get("/books/1").status_code == 404
