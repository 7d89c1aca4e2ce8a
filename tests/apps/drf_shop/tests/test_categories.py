import pytest


@pytest.mark.django_db
def test_list_categories(api_client, books):
    response = api_client.get("/api/categories/")
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": books.id, "name": "Books", "slug": "books"}]


@pytest.mark.django_db
def test_retrieve_category(api_client, books):
    response = api_client.get(f"/api/categories/{books.id}/")
    assert response.json()["slug"] == "books"


@pytest.mark.django_db
def test_api_root_lists_the_collections(api_client):
    response = api_client.get("/api/")
    assert set(response.json()) == {"categories", "products"}
