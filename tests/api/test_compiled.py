"""The compiled path answers exactly as graphql-core does, and leaves to graphql-core what it can not.

Every query of the corpus (the 360s of the benchmark and of the API tests, the care and privacy
tests' reads, every path of the access walk, and queries with aliases, fragments, variables,
@include/@skip, nulls, errors and several awaited fields at once) is asked as every role twice over
the same graph: once as served, once with compilation switched off. The JSON must be identical, and
the metrics must show which path answered.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, GraphQLInt, parse
from starlette.testclient import TestClient

from benchmarks.api_360 import QUERY_360
from service.api import compiled
from service.api.compiled import Output
from service.api.observability import GRAPHQL_EXECUTIONS
from tests.api.http import bearer, gql
from tests.api.test_access import FIELDS, KEYS, PATHS, world  # noqa: F401 - `world` is the graph
from tests.api.test_care import VIEW
from tests.api.test_graphql import CUSTOMER_360, HOUSEHOLD
from tests.api.test_privacy import FIND

OWN = {
    "aliases, fragments and __typename": """
        query($a: ID!) {
          first: customer(id: $a) { ...Names __typename id }
          again: customer(id: $a) {
            ... on Customer { familyName }
            names: identifiers { k: kind v: value }
            interactions(first: 1) { totalCount edges { node { ...Contact } } }
          }
        }
        fragment Names on Customer { givenName familyName displayName }
        fragment Contact on Interaction { __typename channel kind occurredAt value }
    """,
    "switches": """
        query($a: ID!, $flags: Boolean!, $names: Boolean!) {
          customer(id: $a) {
            id
            flags @include(if: $flags) { kind note }
            givenName @skip(if: $names)
            ... on Customer @include(if: $names) { familyName }
            actions @skip(if: true) { kind }
          }
        }
    """,
    "several awaited at once": """
        query($a: ID!, $b: ID!) {
          a: customer(id: $a) { id interactions { edges { node { history { after } } } } }
          b: customer(id: $b) { id relationships { kind customer { givenName } } }
          again: customer(id: $a) { interactions { edges { node { h: history { by } } } } }
        }
    """,
    "nulls": """
        query($b: ID!) {
          missing: customer(id: "no-such-customer") { id }
          customer(id: $b) { birthDate household { id } value { lastPurchase } }
        }
    """,
    "arguments from variables": """
        query($a: ID!, $first: Int, $channel: Channel) {
          customer(id: $a) {
            interactions(first: $first, channel: $channel) { totalCount pageInfo { hasNextPage } }
          }
        }
    """,
    "a resolver's error among data": """
        query($a: ID!) {
          customer(id: $a) { id interactions(first: 500) { totalCount } openIssues { kind } }
          household(id: "none") { id }
        }
    """,
    "an error while other fields wait": """
        query($a: ID!, $b: ID!) {
          a: customer(id: $a) { interactions { edges { node { history { after } } } } }
          b: customer(id: $b) { interactions(first: 0) { totalCount } }
        }
    """,
    "a bad cursor": """
        query($a: ID!) { customer(id: $a) { interactions(after: "not-a-cursor") { totalCount } } }
    """,
}
VARIABLES = {
    "flags": True,
    "names": False,
    "first": 2,
    "channel": "PHONE",
    "text": "Greenwood",
    "email": "annabel@example.com",
    "phone": "07911 123456",
}


def corpus() -> dict[str, str]:
    shared = {f"access: {path}": query.replace("%s", FIELDS) for path, query in PATHS.items()}
    return {
        "benchmark 360": QUERY_360,
        "api 360": CUSTOMER_360,
        "household": HOUSEHOLD,
        "care view (async history, enum arguments)": VIEW,
        "privacy find": FIND,
        **shared,
        **OWN,
    }


def variables_for(query: str, ids: dict[str, Any]) -> dict[str, Any]:
    """The corpus' variables the query declares; `ids` (the customers' and household's, or any other
    variable) override them."""
    given = {"id": ids["a"], **VARIABLES, **ids}
    return {name: value for name, value in given.items() if f"${name}" in query}


def executions() -> dict[str, float]:
    return {
        sample.labels["path"]: sample.value
        for metric in GRAPHQL_EXECUTIONS.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    }


def ask(client: TestClient, query: str, role: str, ids: dict[str, Any], compile_: bool) -> dict[str, Any]:
    """The response to the query, served as usual or (`compile_=False`) by graphql-core alone; `ids`
    (the customers' and household's, or any other variable) override the corpus' variables."""
    variables = variables_for(query, ids)
    if not compile_:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(compiled.CompilingExecutor, "_plan", lambda self: None)
            return gql(client, query, headers=bearer(KEYS[role]), **variables)
    return gql(client, query, headers=bearer(KEYS[role]), **variables)


def ran(client: TestClient, query: str, role: str, ids: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The response to the query as served, and the path that answered it."""
    before = executions()
    body = ask(client, query, role, ids, compile_=True)
    after = executions()
    paths = [path for path in after if after[path] != before.get(path, 0.0)]
    assert len(paths) == 1, paths
    return body, paths[0]


@pytest.mark.parametrize("role", list(KEYS))
def test_every_query_of_the_corpus_answers_as_graphql_core_does(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    role: str,
) -> None:
    client, ids = world
    seen = set()
    for name, query in corpus().items():
        if "exportCustomer" in query:
            continue  # it writes an audit entry each time: compared on its own below
        body, path = ran(client, query, role, ids)
        assert body == ask(client, query, role, ids, compile_=False), (role, name)
        if "errors" in body:
            assert path == "rerun", (role, name, body)
        else:
            assert path == "compiled", (role, name)
        seen.add(path)
    assert seen == {"compiled", "rerun"}  # the corpus has both outcomes for every role


def test_a_happy_360_has_data_only_and_the_corpus_really_has_errors(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    """Guards the corpus: the 360 answers in full, and the error queries fail with the codes expected."""
    client, ids = world
    body, path = ran(client, QUERY_360, "admin", ids)
    assert path == "compiled" and "errors" not in body
    assert body["data"]["customer"]["id"] == ids["a"]
    assert len(body["data"]["customer"]["interactions"]["edges"]) == 1
    failed, _ = ran(client, OWN["a resolver's error among data"], "admin", ids)
    assert [error["extensions"]["code"] for error in failed["errors"]] == ["BAD_USER_INPUT"]
    assert failed["errors"][0]["path"] == ["customer", "interactions"]
    assert failed["data"] == {"customer": None, "household": None}  # the connection is non-null
    switched, _ = ran(client, OWN["switches"], "admin", ids)
    assert set(switched["data"]["customer"]) == {"id", "flags", "givenName"}


def test_a_document_keeps_a_bounded_number_of_plans(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, ids = world
    monkeypatch.setattr(compiled, "MAX_PLANS", 2)
    query = OWN["switches"] + " "  # a text of its own: a plan cache of its own
    paths = [
        ran(client, query, "admin", {**ids, "flags": flags, "names": names})[1]
        for flags, names in [(True, True), (True, False), (False, False), (True, True)]
    ]
    assert paths == ["compiled", "compiled", "graphql-core", "compiled"]


def test_the_switches_pick_a_plan_for_each_combination_of_values(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
) -> None:
    client, ids = world
    for flags, names in [(True, False), (False, True), (True, False)]:
        variables = {**ids, "flags": flags, "names": names}
        served = gql(client, OWN["switches"], headers=bearer(KEYS["support"]), **variables)
        expected = {"id"} | ({"flags"} if flags else set()) | ({"familyName"} if names else {"givenName"})
        assert set(served["data"]["customer"]) == expected


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { queryType { name } } }",
        "query($a: ID!) { exportCustomer(id: $a) }",
        'mutation { ingest(profiles: [{source: "crm", sourceId: "X-9"}]) { accepted } }',
    ],
    ids=["introspection", "a field that writes", "mutation"],
)
def test_what_the_plan_does_not_cover_runs_through_graphql_core(
    world: tuple[TestClient, dict[str, str]],  # noqa: F811 - the fixture imported above
    query: str,
) -> None:
    client, ids = world
    body, path = ran(client, query, "admin", ids)
    assert path == "graphql-core" and "errors" not in body, body


def test_other_directives_leave_the_document_to_graphql_core() -> None:
    """@skip/@include are read for their variables; any other directive (one the schema might add)
    is not the plan's to apply. Validation stops unknown ones before execution, so this is checked on
    the document walk itself."""
    document = parse(
        "query($x: Boolean!) { a @include(if: $x) { b @skip(if: true) } ...F } fragment F on Q { c @cached }"
    )
    operation, fragment = document.definitions
    key = compiled._OperationKey(object(), operation, {"F": fragment})  # type: ignore[arg-type]
    assert compiled._operation(key).switches is None
    plain = parse("query($x: Boolean!, $y: Boolean!) { a @include(if: $x) { b @skip(if: $y) } }")
    key = compiled._OperationKey(object(), plain.definitions[0], {})  # type: ignore[arg-type]
    assert compiled._operation(key).switches == ("x", "y")


def test_a_null_in_a_non_null_place_or_a_value_its_type_refuses_hands_over_to_graphql_core() -> None:
    run = compiled._Run.__new__(compiled._Run)
    with pytest.raises(ValueError, match="non-null"):
        run.complete(Output(non_null=True), None, None)
    assert run.complete(Output(non_null=False), None, None) is None
    with pytest.raises(TypeError, match="iterable"):
        run.complete(Output(non_null=True, item=Output(non_null=True)), {"not": "a list"}, None)
    with pytest.raises(GraphQLError):
        run.complete(Output(non_null=True, leaf=GraphQLInt), "seven", None)


def test_resolvers_taking_info_or_plain_arguments_are_called_without_strawberry_s_wrapper() -> None:
    """Their arguments pass as graphql-core coerced them (scalars, enums); lists and inputs, which
    strawberry converts, keep its wrapper."""
    from service.api.schema import schema

    graphql_schema = schema._schema

    def direct(type_name: str, field_name: str) -> compiled.Direct | None:
        definition = graphql_schema.get_type(type_name).fields[field_name]  # type: ignore[union-attr]
        backref = definition.extensions[compiled.GraphQLCoreConverter.DEFINITION_BACKREF]
        return compiled._direct(backref, graphql_schema)

    customer, interactions = direct("Query", "customer"), direct("Customer", "interactions")
    assert customer is not None and customer.info == "info" and not customer.method
    assert customer.names == (("id", "id"),)
    assert interactions is not None and interactions.method
    assert dict(interactions.names) == {"first": "first", "after": "after", "channel": "channel"}
    contact = direct("Customer", "canContact")
    assert contact is not None and contact.info is None
    assert direct("Mutation", "ingest") is None  # lists of inputs: converted by strawberry
