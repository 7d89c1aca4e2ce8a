import pytest


@pytest.mark.django_db
def test_list_products_is_paginated(api_client, product):
    response = api_client.get("/api/products/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["category"]["slug"] == "books"


@pytest.mark.django_db
def test_filter_by_category(api_client, product):
    response = api_client.get("/api/products/", {"category": "toys"})
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_anonymous_cannot_create(api_client, books):
    response = api_client.post("/api/products/", {"name": "X", "price": "1.00",
                                                  "category_id": books.id}, format="json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_create_product(authed, books):
    response = authed.post("/api/products/", {"name": "Neuromancer", "price": "12.50",
                                              "category_id": books.id}, format="json")
    assert response.status_code == 201
    assert response.json()["category"] == {"id": books.id, "name": "Books", "slug": "books"}


@pytest.mark.django_db
def test_retrieve_product(api_client, product):
    response = api_client.get(f"/api/products/{product.id}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Dune"


@pytest.mark.django_db
def test_update_product(authed, product, books):
    response = authed.put(f"/api/products/{product.id}/",
                          {"name": "Dune Messiah", "price": "10.00", "description": "",
                           "in_stock": True, "category_id": books.id}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Dune Messiah"


@pytest.mark.django_db
def test_partial_update(authed, product):
    response = authed.patch(f"/api/products/{product.id}/", {"in_stock": False},
                            format="json")
    assert response.status_code == 200
    assert response.json()["in_stock"] is False


@pytest.mark.django_db
def test_restock(authed, product):
    product.in_stock = False
    product.save()
    response = authed.post(f"/api/products/{product.id}/restock/")
    assert response.status_code == 200
    assert response.json()["in_stock"] is True


@pytest.mark.django_db
def test_delete_product(authed, product):
    assert authed.delete(f"/api/products/{product.id}/").status_code == 204
    assert authed.get(f"/api/products/{product.id}/").status_code == 404
