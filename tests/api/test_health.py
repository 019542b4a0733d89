from __future__ import annotations

from starlette.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.neo4j_local import LocalServer


def test_healthz_and_readyz_when_neo4j_answers(neo4j_server: LocalServer) -> None:
    with TestClient(create_app(neo4j_server.settings)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready"}


def test_readyz_is_503_with_a_reason_when_neo4j_does_not_answer() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["reason"]


def test_graphql_answers_a_query(neo4j_server: LocalServer) -> None:
    with TestClient(create_app(neo4j_server.settings)) as client:
        response = client.post("/graphql", json={"query": '{ customer(id: "nobody") { id } }'})
    assert response.status_code == 200
    assert response.json() == {"data": {"customer": None}}
