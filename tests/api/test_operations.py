"""What operators rely on: metrics, request ids, the production switches, and recovery."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time

import httpx
from starlette.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.graph.database import Database
from service.neo4j_local import LocalServer


def test_metrics_count_and_time_each_operation(database: Database, settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        for _ in range(2):
            client.post("/graphql", json={"query": 'query Lookup { household(id: "none") { id } }'})
        metrics = client.get("/metrics").text
    assert 'kith_graphql_requests_total{operation="Lookup",outcome="ok"}' in metrics
    assert 'kith_graphql_request_seconds_count{operation="Lookup"}' in metrics
    assert 'kith_neo4j_query_seconds_count{query="households_by_ids"}' in metrics


def test_every_response_carries_a_request_id(database: Database, settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "ticket-42"})
        made = client.get("/healthz")
    assert given.headers["x-request-id"] == "ticket-42"
    assert len(made.headers["x-request-id"]) == 32


def test_introspection_and_graphiql_can_be_switched_off(database: Database, settings: Settings) -> None:
    production = settings.model_copy(update={"kith_introspection": False, "kith_graphiql": False})
    with TestClient(create_app(production)) as client:
        introspect = client.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
        page = client.get("/graphql", headers={"Accept": "text/html"})
    assert introspect["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert page.status_code != 200 or "graphiql" not in page.text.lower()
    with TestClient(create_app(settings)) as client:
        assert "graphiql" in client.get("/graphql", headers={"Accept": "text/html"}).text.lower()


def test_the_service_recovers_when_neo4j_comes_back(neo4j_server: LocalServer, database: Database) -> None:
    query = {"query": 'query Lookup { household(id: "none") { id } }'}
    with TestClient(create_app(neo4j_server.settings)) as client:
        assert client.post("/graphql", json=query).json() == {"data": {"household": None}}
        neo4j_server.stop()
        try:
            down = client.post("/graphql", json=query).json()
            assert down["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert "Traceback" not in str(down)
            assert client.get("/readyz").status_code == 503
        finally:
            neo4j_server.start()
        assert client.get("/readyz").status_code == 200
        assert client.post("/graphql", json=query).json() == {"data": {"household": None}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_real_kith_serve_answers_over_http(database: Database, settings: Settings) -> None:
    port = _free_port()
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri, "KITH_API_KEYS": "k1:admin"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "service.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "kith serve did not come up"
                await asyncio.sleep(0.3)
            assert (await client.get("/readyz")).status_code == 200
            denied = await client.post("/graphql", json={"query": '{ household(id: "x") { id } }'})
            assert denied.status_code == 401
            answered = await client.post(
                "/graphql",
                json={"query": '{ household(id: "x") { id } }'},
                headers={"Authorization": "Bearer k1", "X-Request-ID": "ticket-7"},
            )
            assert answered.json() == {"data": {"household": None}}
    finally:
        process.terminate()
        out, err = await process.communicate()
    # Logs are JSON lines on stderr; stdout keeps what the command prints for a person.
    logged = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    assert {"event": "request", "request_id": "ticket-7", "status": 200} in [
        {key: entry.get(key) for key in ("event", "request_id", "status")} for entry in logged
    ]
    assert "ticket-7" not in out.decode()
