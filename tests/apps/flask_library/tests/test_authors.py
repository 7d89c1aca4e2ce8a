def test_list_authors(client):
    response = client.get("/authors/")
    assert response.status_code == 200
    assert {a["name"] for a in response.get_json()} == {"Ursula K. Le Guin", "Italo Calvino"}


def test_get_author_lists_titles(client):
    response = client.get("/authors/1")
    assert response.get_json() == {"id": 1, "name": "Ursula K. Le Guin",
                                   "books": ["The Dispossessed"]}


def test_unknown_author(client):
    assert client.get("/authors/9").status_code == 404
