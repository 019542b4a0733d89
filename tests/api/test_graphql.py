from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.graph.database import Database
from tests.api.http import gql

INGEST = """
mutation Load($profiles: [ProfileInput!], $interactions: [InteractionInput!]) {
  ingest(profiles: $profiles, interactions: $interactions) { accepted rejected { index reason } }
}
"""
CUSTOMER_360 = """
query One($id: ID!) {
  customer(id: $id) {
    id displayName givenName familyName birthDate
    identifiers { kind value }
    sourceRecords { source sourceId customer { id } }
    devices { id kind }
    interactions(first: 2) {
      totalCount edges { cursor node { kind channel occurredAt status } } pageInfo { hasNextPage endCursor }
    }
    openIssues { kind status agent }
    value { lifetimeSpend orderCount lastPurchase }
    relationships { kind direction customer { displayName } }
    influence { score reach referrals }
    identityLinks { from { source sourceId } to { source sourceId } rule score evidence }
  }
}
"""
PROFILES = [
    {
        "source": "crm",
        "sourceId": "C-1",
        "givenName": "Jonathan",
        "familyName": "Smith",
        "birthDate": "1980-02-03",
        "address": {"line1": "10 High Street", "postcode": "SW1A 1AA", "country": "GB"},
        "identifiers": [
            {"kind": "EMAIL", "value": "jon.smith@example.com"},
            {"kind": "PHONE", "value": "07911 123456"},
        ],
        "devices": [{"id": "dev-1", "kind": "MOBILE"}],
    },
    {
        "source": "webshop",
        "sourceId": "W-1",
        "givenName": "jon",
        "familyName": "SMITH",
        "identifiers": [{"kind": "EMAIL", "value": " Jon.Smith@Example.com "}],
        "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "C-2"}}],
    },
    {
        "source": "crm",
        "sourceId": "C-2",
        "givenName": "Mary",
        "familyName": "Jones",
        "birthDate": "1975-07-08",
    },
]
INTERACTIONS = [
    {
        "source": "shop",
        "sourceId": f"O-{n}",
        "customer": {"source": "crm", "sourceId": "C-1"},
        "channel": "WEB",
        "kind": "PURCHASE",
        "occurredAt": f"2025-0{n}-01T10:00:00Z",
        "value": 10.0 * n,
    }
    for n in range(1, 4)
] + [
    {
        "source": "callcentre",
        "sourceId": "T-1",
        "customer": {"identifier": {"kind": "PHONE", "value": "+44 7911 123456"}},
        "channel": "PHONE",
        "kind": "COMPLAINT",
        "occurredAt": "2025-05-01T09:00:00Z",
        "status": "OPEN",
        "agent": "Hayley",
    },
    {
        "source": "callcentre",
        "sourceId": "T-2",
        "customer": {"source": "crm", "sourceId": "C-1"},
        "channel": "NOT_A_CHANNEL",
        "kind": "ENQUIRY",
    },
]


@pytest.fixture
def client(database: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    result = gql(client, INGEST, profiles=PROFILES, interactions=INTERACTIONS)
    assert result["data"]["ingest"] == {"accepted": 8, "rejected": []}
    return client


def customer_id(client: TestClient, kind: str, value: str) -> str:
    found = gql(
        client,
        "query($k: IdentifierKind!, $v: String!) { customerByIdentifier(kind: $k, value: $v) { id } }",
        k=kind,
        v=value,
    )
    return str(found["data"]["customerByIdentifier"]["id"])


def test_the_360_answers_identity_timeline_value_and_evidence(loaded: TestClient) -> None:
    jon = customer_id(loaded, "EMAIL", "  JON.SMITH@example.COM ")
    assert customer_id(loaded, "PHONE", "07911 123456") == jon
    data = gql(loaded, CUSTOMER_360, id=jon)["data"]["customer"]
    assert data["displayName"] == "Jonathan Smith"
    assert {(i["kind"], i["value"]) for i in data["identifiers"]} == {
        ("EMAIL", "jon.smith@example.com"),
        ("PHONE", "+447911123456"),
    }
    assert {(r["source"], r["sourceId"]) for r in data["sourceRecords"]} >= {
        ("crm", "C-1"),
        ("webshop", "W-1"),
    }
    assert all(r["customer"]["id"] == jon for r in data["sourceRecords"])
    assert data["devices"] == [{"id": "dev-1", "kind": "MOBILE"}]
    timeline = data["interactions"]
    assert timeline["totalCount"] == 4  # the enquiry with an unknown channel is kept but not shown
    assert [e["node"]["occurredAt"][:10] for e in timeline["edges"]] == ["2025-05-01", "2025-03-01"]
    assert timeline["pageInfo"]["hasNextPage"] is True
    assert data["openIssues"] == [{"kind": "COMPLAINT", "status": "OPEN", "agent": "Hayley"}]
    assert data["value"]["lifetimeSpend"] == 60.0 and data["value"]["orderCount"] == 3
    assert data["value"]["lastPurchase"].startswith("2025-03-01")
    assert data["relationships"] == [
        {"kind": "REFERRED_BY", "direction": "OUT", "customer": {"displayName": "Mary Jones"}}
    ]
    assert data["influence"] == {"score": 0.0, "reach": 1, "referrals": 0}
    link_pairs = {(link["from"]["sourceId"], link["to"]["sourceId"]) for link in data["identityLinks"]}
    assert ("C-1", "W-1") in link_pairs
    assert all(link["rule"] and link["evidence"] for link in data["identityLinks"])


def test_interaction_pages_follow_cursors_and_filter_by_channel(loaded: TestClient) -> None:
    jon = customer_id(loaded, "EMAIL", "jon.smith@example.com")
    page = """query($id: ID!, $after: String, $ch: Channel) { customer(id: $id) {
      interactions(first: 2, after: $after, channel: $ch) {
        totalCount edges { node { sourceId } } pageInfo { hasNextPage endCursor } } } }"""
    first = gql(loaded, page, id=jon)["data"]["customer"]["interactions"]
    second = gql(loaded, page, id=jon, after=first["pageInfo"]["endCursor"])["data"]["customer"][
        "interactions"
    ]
    assert [e["node"]["sourceId"] for e in first["edges"] + second["edges"]] == ["T-1", "O-3", "O-2", "O-1"]
    assert second["pageInfo"]["hasNextPage"] is False
    web = gql(loaded, page, id=jon, ch="WEB")["data"]["customer"]["interactions"]
    assert web["totalCount"] == 3


def test_times_read_as_iso_text_with_nanoseconds_and_their_own_offset(client: TestClient) -> None:
    def c9(source_id: str, channel: str, kind: str, at: str, **more: Any) -> dict[str, Any]:
        owner = {"source": "crm", "sourceId": "C-9"}
        return {"source": "x", "sourceId": source_id, "customer": owner, "channel": channel, "kind": kind,
                "occurredAt": at, **more}  # fmt: skip

    consent = {"channel": "SMS", "purpose": "MARKETING", "granted": True, "at": "2025-01-01T08:00:00+01:00"}
    gql(client, INGEST, profiles=[{"source": "crm", "sourceId": "C-9", "consents": [consent]}], interactions=[
        c9("O-1", "WEB", "PURCHASE", "2025-03-02T09:15:00-05:30", value=5.0),
        c9("T-1", "PHONE", "COMPLAINT", "2025-03-03T10:00:00.5+02:00", status="OPEN"),
    ])  # fmt: skip
    found = gql(client, 'query { sourceRecord(source: "crm", sourceId: "C-9") { customer { id } } }')
    c9_id = found["data"]["sourceRecord"]["customer"]["id"]
    times_of = """query($id: ID!, $after: String) { customer(id: $id) {
      first: interactions(first: 1) { edges { cursor node { occurredAt } } }
      rest: interactions(first: 5, after: $after) { edges { node { occurredAt } } }
      openIssues { occurredAt } value { lastPurchase } lastContacts { channel at } consents { at } } }"""
    data = gql(client, times_of, id=c9_id)["data"]["customer"]
    purchase, complaint = "2025-03-02T09:15:00.000000000-05:30", "2025-03-03T10:00:00.500000000+02:00"
    assert [edge["node"]["occurredAt"] for edge in data["first"]["edges"]] == [complaint]
    assert data["openIssues"] == [{"occurredAt": complaint}]
    assert data["consents"] == [{"at": "2025-01-01T08:00:00.000000000+01:00"}]
    assert data["value"]["lastPurchase"] == purchase
    assert data["lastContacts"] == [{"channel": "PHONE", "at": complaint}, {"channel": "WEB", "at": purchase}]
    after = data["first"]["edges"][0]["cursor"]
    rest = gql(client, times_of, id=c9_id, after=after)["data"]["customer"]["rest"]["edges"]
    assert rest == [{"node": {"occurredAt": purchase}}]


def test_search_is_fuzzy_over_names(loaded: TestClient) -> None:
    found = gql(loaded, '{ searchCustomers(text: "jon smyth") { score customer { displayName } } }')
    matches = found["data"]["searchCustomers"]
    assert matches[0]["customer"]["displayName"] == "Jonathan Smith"
    assert matches[0]["score"] > 0.8
    by_postcode = gql(loaded, '{ searchCustomers(text: "sw1a 1aa") { customer { displayName } } }')
    assert by_postcode["data"]["searchCustomers"][0]["customer"]["displayName"] == "Jonathan Smith"


def test_search_finds_each_person_as_soon_as_their_ingest_returns(client: TestClient) -> None:
    # The full-text indexes are updated after commit: each search must wait for the ones before it.
    surnames = ("Quennell", "Rowntree", "Saxelby", "Tredinnick", "Ushworth", "Vokins", "Wagstaffe")
    for number, surname in enumerate(surnames * 3):
        surname = f"{surname}{'e' * (number // len(surnames))}"
        profile = {"source": "crm", "sourceId": str(number), "givenName": "Ada", "familyName": surname}
        assert gql(client, INGEST, profiles=[profile], interactions=[])["data"]["ingest"]["accepted"] == 1
        found = gql(client, f'{{ searchCustomers(text: "ada {surname}") {{ customer {{ displayName }} }} }}')
        assert f"Ada {surname}" in {m["customer"]["displayName"] for m in found["data"]["searchCustomers"]}


def test_source_records_page_through_every_record(loaded: TestClient) -> None:
    query = """query($after: String) { sourceRecords(first: 2, after: $after) {
      edges { node { source sourceId } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = gql(loaded, query, after=after)["data"]["sourceRecords"]
        seen += [(e["node"]["source"], e["node"]["sourceId"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert ("crm", "C-1") in seen and ("crm", "C-2") in seen and len(seen) == len(set(seen))
    one = gql(loaded, '{ sourceRecord(source: "webshop", sourceId: "W-1") { customer { displayName } } }')
    assert one["data"]["sourceRecord"]["customer"]["displayName"] == "Jonathan Smith"


def test_a_360_costs_a_fixed_number_of_round_trips(loaded: TestClient) -> None:
    jon = customer_id(loaded, "EMAIL", "jon.smith@example.com")
    database: Database = loaded.app.state.database  # type: ignore[attr-defined]
    before = database.queries_run
    gql(loaded, CUSTOMER_360, id=jon)
    # the 360 itself, then one batch for every customer it reaches (relationships, records' customer)
    assert database.queries_run - before <= 2


def test_reached_customers_are_read_whole_only_when_asked_for_more_than_a_summary(loaded: TestClient) -> None:
    jon = customer_id(loaded, "EMAIL", "jon.smith@example.com")
    database: Database = loaded.app.state.database  # type: ignore[attr-defined]
    query = """query($id: ID!) { customer(id: $id) {
      household { members { %s } } relationships { customer { %s } } sourceRecords { customer { %s } } } }"""
    answers = {}
    # The 360 brings its household's member ids and the names of the customers it reaches; asking them
    # for more costs one batch of whole rows.
    for fields, round_trips in (("id displayName", 1), ("id displayName sourceRecords { sourceId }", 2)):
        before = database.queries_run
        answers[fields] = gql(loaded, query.replace("%s", fields), id=jon)["data"]["customer"]
        assert database.queries_run - before == round_trips
    light, whole = answers.values()
    assert [r["customer"]["displayName"] for r in light["relationships"]] == ["Mary Jones"]
    assert whole["relationships"][0]["customer"]["sourceRecords"] == [{"sourceId": "C-2"}]
    assert light["household"]["members"] == [{"id": jon, "displayName": "Jonathan Smith"}]
    assert {r["customer"]["id"] for r in light["sourceRecords"]} == {jon}


def test_whether_summaries_answer_is_kept_per_field_of_a_document(loaded: TestClient) -> None:
    """The decision is taken once per field of a document and holds for every request that asks it."""
    from service.api import types

    jon = customer_id(loaded, "EMAIL", "jon.smith@example.com")
    database: Database = loaded.app.state.database  # type: ignore[attr-defined]
    query = """query($id: ID!) { customer(id: $id) {
      household { members { %s } } relationships { customer { %s } } } }"""
    types._SUMMARY_ANSWERS.clear()
    for _ in range(2):
        for fields, round_trips in (("displayName", 1), ("id sourceRecords { sourceId }", 2)):
            before = database.queries_run
            assert "errors" not in gql(loaded, query.replace("%s", fields), id=jon)
            assert database.queries_run - before == round_trips
    # members and the relationships' customers, for each of the two documents
    assert sorted(answers for _, answers in types._SUMMARY_ANSWERS.values()) == [False, False, True, True]


def test_errors_carry_contract_codes_and_no_internals(loaded: TestClient) -> None:
    too_big = gql(loaded, '{ searchCustomers(text: "x", first: 500) { score } }')
    assert too_big["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    syntax = gql(loaded, "{ customer(id: ")
    assert syntax["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = gql(loaded, "{ nope }")
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_phone = gql(loaded, '{ customerByIdentifier(kind: PHONE, value: "call me") { id } }')
    assert bad_phone["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in str(bad_phone)


def test_the_depth_and_alias_limits_refuse_a_query_every_time_it_comes(client: TestClient) -> None:
    deep = 'query Deep { customer(id: "x") { ' + "household { members { " * 5 + "id" + " } }" * 5 + " } }"
    aliases = "query Wide { " + " ".join(f'a{n}: household(id: "x") {{ id }}' for n in range(31)) + " }"
    for refused in (deep, aliases, deep, aliases):  # the second time, validation comes from the cache
        assert gql(client, refused)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    fine = "query Wide { " + " ".join(f'a{n}: household(id: "x") {{ id }}' for n in range(30)) + " }"
    assert gql(client, fine) == {"data": {f"a{n}": None for n in range(30)}}


def test_the_mutation_rejects_by_index_and_keeps_the_rest(client: TestClient) -> None:
    result = gql(client, INGEST, profiles=[{"source": "crm", "sourceId": " "}, PROFILES[2]])
    assert result["data"]["ingest"] == {
        "accepted": 1,
        "rejected": [{"index": 0, "reason": "missing sourceId"}],
    }


def test_api_keys_are_required_when_configured(database: Database, settings: Settings) -> None:
    secured = settings.model_copy(update={"kith_api_keys": "s3cret:support"})
    with TestClient(create_app(secured)) as client:
        missing = client.post("/graphql", json={"query": '{ household(id: "x") { id } }'})
        assert missing.status_code == 401
        assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        wrong = client.post(
            "/graphql",
            json={"query": '{ household(id: "x") { id } }'},
            headers={"Authorization": "Bearer nope"},
        )
        assert wrong.status_code == 401
        right = client.post(
            "/graphql",
            json={"query": '{ household(id: "x") { id } }'},
            headers={"Authorization": "Bearer s3cret"},
        )
        assert right.status_code == 200 and right.json() == {"data": {"household": None}}


HOUSEHOLD = """
query($id: ID!) { customer(id: $id) { household {
  id members { displayName }
  memberDetails {
    role value customer { displayName } openIssues { kind agent } consents { channel purpose granted }
  }
  sharedIdentifiers { kind value }
  value
} } }
"""


def test_a_customer_s_household_shows_each_member_s_issues_consents_and_what_they_share(
    client: TestClient,
) -> None:
    home = {"line1": "4 Elm Road", "locality": "Leeds", "postcode": "LS6 2AB", "country": "GB"}
    family = [
        {
            "source": "crm",
            "sourceId": "H-1",
            "givenName": "Priya",
            "familyName": "Shah",
            "birthDate": "1980-05-06",
            "address": home,
            "identifiers": [{"kind": "PHONE", "value": "0113 243 8899"}],
            "consents": [
                {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2025-01-01T00:00:00Z"},
                {"channel": "EMAIL", "purpose": "MARKETING", "granted": False, "at": "2025-06-01T00:00:00Z"},
            ],
        },
        {
            "source": "crm",
            "sourceId": "H-2",
            "givenName": "Arjun",
            "familyName": "Shah",
            "birthDate": "2015-09-10",
            "address": home,
            "identifiers": [{"kind": "PHONE", "value": "0113 243 8899"}],
        },
    ]
    issues = [
        {
            "source": "cc",
            "sourceId": "T-9",
            "customer": {"source": "crm", "sourceId": "H-2"},
            "channel": "PHONE",
            "kind": "COMPLAINT",
            "occurredAt": "2025-07-01T10:00:00Z",
            "status": "OPEN",
            "agent": "Sam",
        },
        {
            "source": "shop",
            "sourceId": "O-9",
            "customer": {"source": "crm", "sourceId": "H-1"},
            "channel": "WEB",
            "kind": "PURCHASE",
            "occurredAt": "2025-07-02T10:00:00Z",
            "value": 25.0,
        },
    ]
    assert gql(client, INGEST, profiles=family, interactions=issues)["data"]["ingest"]["accepted"] == 4
    priya = customer_id(client, "PHONE", "0113 243 8899")
    household = gql(client, HOUSEHOLD, id=priya)["data"]["customer"]["household"]
    assert sorted(m["displayName"] for m in household["members"]) == ["Arjun Shah", "Priya Shah"]
    details = {d["customer"]["displayName"]: d for d in household["memberDetails"]}
    assert details["Arjun Shah"]["role"] == "MINOR" and details["Priya Shah"]["role"] == "ADULT"
    assert details["Arjun Shah"]["openIssues"] == [{"kind": "COMPLAINT", "agent": "Sam"}]
    assert details["Priya Shah"]["consents"] == [
        {"channel": "EMAIL", "purpose": "MARKETING", "granted": False}
    ]
    assert household["sharedIdentifiers"] == [{"kind": "PHONE", "value": "+441132438899"}]
    assert household["value"] == 25.0
