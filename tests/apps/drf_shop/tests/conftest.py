import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from shop.models import Category, Product


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def staff(db):
    user = User.objects.create_user("staff", password="not-used")
    return Token.objects.create(user=user)


@pytest.fixture
def authed(api_client, staff):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {staff.key}")
    return api_client


@pytest.fixture
def books(db):
    return Category.objects.create(name="Books", slug="books")


@pytest.fixture
def product(books):
    return Product.objects.create(name="Dune", description="Paperback", price="9.99",
                                  category=books)
