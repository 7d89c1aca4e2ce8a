import pytest
from fastapi.testclient import TestClient

from notes import storage
from notes.main import app


@pytest.fixture
def client():
    storage.reset()
    with TestClient(app) as client:
        yield client


@pytest.fixture
def alice(client):
    client.headers["X-Token"] = "alice-secret-token"
    return client
