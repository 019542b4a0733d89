"""The lean path answers a known query exactly as strawberry's view does, and leaves it everything else.

Each request is sent twice over the same graph: once with the lean path switched off (strawberry's
view and `schema.execute` answer), once as served. Status, headers and body bytes must be identical,
and the `kith_graphql_views_total` metric must show which view answered.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson
import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient
from starlette.types import Message

from service.api import lean
from service.api.schema import MAX_DEPTH
from tests.api.http import bearer
from tests.api.test_access import KEYS, world  # noqa: F401 - `world` is the graph
from tests.api.test_compiled import corpus, variables_for

REQUEST_ID = {"X-Request-ID": "same-for-both"}


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def post(
    client: TestClient, role: str | None = "admin", method: str = "POST", **request: Any
) -> httpx.Response:
    headers = {**REQUEST_ID, **(bearer(KEYS[role]) if role else {}), **request.pop("headers", {})}
    return client.request(method, "/graphql", headers=headers, **request)


def served(client: TestClient, view: str | None = None, **request: Any) -> httpx.Response:
    """The response as served, checked against strawberry's answer to the same request. `view` is the
    view that must have answered; by default the lean one, unless the answer holds errors."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lean.KNOWN, "get", lambda schema, text: None)
        before = counted("kith_graphql_views_total", view="strawberry")
        expected = post(client, **dict(request))
        assert counted("kith_graphql_views_total", view="strawberry") == before + 1
    if view is None:
        view = "strawberry" if "errors" in expected.json() else "lean"
    before = counted("kith_graphql_views_total", view=view)
    response = post(client, **request)
    assert counted("kith_graphql_views_total", view=view) == before + 1, view
    assert response.status_code == expected.status_code
    assert response.headers.raw == expected.headers.raw
    assert response.content == expected.content
    return response


@pytest.mark.parametrize("role", list(KEYS))
def test_a_known_query_answers_as_strawberry_does_for_every_role(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    role: str,
) -> None:
    client, ids = world
    lean_before = counted("kith_graphql_views_total", view="lean")
    for query in corpus().values():
        if "exportCustomer" in query:
            continue  # it writes: never answered lean (below)
        body = {"query": query, "variables": variables_for(query, ids)}
        post(client, role, json=body)  # first sight: strawberry parses and validates the text
        served(client, role=role, json=body)
    assert counted("kith_graphql_views_total", view="lean") > lean_before


LOOKUP = 'query Lookup { household(id: "none") { id } }'
TWO = 'query One { household(id: "none") { id } } query Two { sourceRecords(first: 1) { edges { cursor } } }'
JSON = {"Content-Type": "application/json"}
FALLBACKS: dict[str, dict[str, Any]] = {
    "GET": {"method": "GET", "params": {"query": LOOKUP}},
    "a batch": {"json": [{"query": LOOKUP}]},
    "another content type": {
        "content": orjson.dumps({"query": LOOKUP}),
        "headers": {"Content-Type": "text/plain"},
    },
    "a content type in capitals": {
        "content": orjson.dumps({"query": LOOKUP}),
        "headers": {"Content-Type": "Application/JSON"},
    },
    "JSON the json module reads alone": {
        "content": b'{"query": "%s", "n": NaN}' % LOOKUP.encode(),
        "headers": JSON,
    },
    "a body that is not JSON": {"content": b"{query", "headers": JSON},
    "a query that is not text": {"json": {"query": 7}},
    "variables that are not an object": {"json": {"query": LOOKUP, "variables": [1]}},
    "an operation name that is not text": {"json": {"query": LOOKUP, "operationName": 1}},
    "extensions that are not an object": {"json": {"query": LOOKUP, "extensions": "x"}},
    "an unknown operation name": {"json": {"query": TWO, "operationName": "Three"}},
    "several operations and no name": {"json": {"query": TWO}},
    "variables that do not coerce": {
        "json": {"query": "query($a: ID!) { customer(id: $a) { id } }", "variables": {"a": None}}
    },
    "a mutation": {"json": {"query": "mutation { ingest(profiles: []) { accepted } }"}},
    "introspection": {"json": {"query": "{ __schema { queryType { name } } }"}},
    "an error while the plan runs": {"json": {"query": '{ searchCustomers(text: "!!") { score } }'}},
}


@pytest.mark.parametrize("request_", list(FALLBACKS.values()), ids=list(FALLBACKS))
def test_anything_but_a_known_query_goes_to_strawberry_unchanged(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    request_: dict[str, Any],
) -> None:
    client, _ = world
    for text in (
        LOOKUP,
        TWO,
        request_.get("json", {}).get("query") if isinstance(request_.get("json"), dict) else None,
    ):
        if isinstance(text, str):
            post(client, json={"query": text})  # every text here is known (when it is valid)
    served(client, "strawberry", **request_)


def test_the_same_request_picks_the_lean_path_once_its_text_is_known(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, _ = world
    fresh = {"query": 'query Fresh { household(id: "fresh") { id } }'}
    views = []
    for _ in range(2):
        before = counted("kith_graphql_views_total", view="lean")
        assert post(client, json=fresh).json() == {"data": {"household": None}}
        views.append("lean" if counted("kith_graphql_views_total", view="lean") > before else "strawberry")
    assert views == ["strawberry", "lean"]
    served(client, "lean", json={"query": TWO, "operationName": "Two"})
    served(client, "lean", json={"query": LOOKUP, "variables": None, "operationName": None})


def test_a_query_the_limits_refuse_is_never_known(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, _ = world
    nested = "household { members { " * MAX_DEPTH
    deep = 'query Deep { customer(id: "x") { ' + nested + "id" + " } }" * MAX_DEPTH + " } }"
    wide = "query Wide { " + " ".join(f'a{n}: household(id: "x") {{ id }}' for n in range(31)) + " }"
    for query in (deep, wide):
        for _ in range(2):
            refused = served(client, "strawberry", json={"query": query})
            assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_field_that_writes_runs_once_a_request_and_never_lean(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, ids = world
    export = {"query": "query($a: ID!) { exportCustomer(id: $a) }", "variables": {"a": ids["a"]}}
    trail = {"query": "query($a: String) { auditTrail(target: $a) { action } }", "variables": {"a": ids["a"]}}
    before = len(post(client, json=trail).json()["data"]["auditTrail"])
    views = counted("kith_graphql_views_total", view="lean")
    for _ in range(3):
        assert "errors" not in post(client, json=export).json()
    assert counted("kith_graphql_views_total", view="lean") == views
    assert len(post(client, json=trail).json()["data"]["auditTrail"]) == before + 3


def test_api_keys_are_checked_before_the_lean_path(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, _ = world
    post(client, json={"query": LOOKUP})
    views = {view: counted("kith_graphql_views_total", view=view) for view in ("lean", "strawberry")}
    for headers in ({}, {"Authorization": "Bearer nope"}):
        refused = post(client, None, json={"query": LOOKUP}, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert views == {view: counted("kith_graphql_views_total", view=view) for view in views}


def test_a_lean_answer_is_counted_and_timed_under_its_operation(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, _ = world
    post(client, json={"query": LOOKUP})
    names = (
        ("kith_graphql_requests_total", {"operation": "Lookup", "outcome": "ok"}),
        ("kith_graphql_request_seconds_count", {"operation": "Lookup"}),
        ("kith_graphql_executions_total", {"path": "compiled"}),
        ("kith_graphql_views_total", {"view": "lean"}),
    )
    before = [counted(name, **labels) for name, labels in names]
    assert post(client, json={"query": LOOKUP}).json() == {"data": {"household": None}}
    assert [counted(name, **labels) for name, labels in names] == [value + 1 for value in before]


def test_a_body_in_several_parts_is_read_whole_and_handed_on_as_it_came() -> None:
    parts: list[Message] = [
        {"type": "http.request", "body": b'{"qu', "more_body": True},
        {"type": "http.request", "body": b'ery": "{ a }"}', "more_body": False},
        {"type": "http.disconnect"},
    ]
    queue = list(parts)

    async def receive() -> Message:
        return queue.pop(0)

    async def read() -> tuple[bytes, list[Message]]:
        body, replay = await lean.read_body(receive)
        return body, [await replay() for _ in parts]

    loop = asyncio.new_event_loop()  # not `asyncio.run`: it would leave the thread without a loop
    try:
        body, replayed = loop.run_until_complete(read())
    finally:
        loop.close()
    assert body == b'{"query": "{ a }"}'
    assert replayed == parts


def test_a_failure_of_the_lean_path_itself_leaves_the_request_to_strawberry(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _ = world
    post(client, json={"query": LOOKUP})

    def broken(body: bytes) -> None:
        raise RuntimeError("the lean path is broken")

    monkeypatch.setattr(lean, "_request", broken)
    before = counted("kith_graphql_views_total", view="strawberry")
    assert post(client, json={"query": LOOKUP}).json() == {"data": {"household": None}}
    assert counted("kith_graphql_views_total", view="strawberry") == before + 1
