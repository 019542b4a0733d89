"""The right of access and the right to erasure, proven through the API and the graph itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.graph.database import Database
from service.ingest import ingest_file, rejects_path
from service.resolution.model import MatchModel
from tests.api.http import gql
from tests.lines import ANN_COMPLAINT

LANDLINE = "020 7123 4567"
# Her source ids are left out: Robert's own raw line still says he was referred by crm:A-1, an id that
# now points at nothing.
ANN_TRACES = ["ann@example.com", "+447911123456", "07911", "QQ123456C", "Parcel lost", "dev-ann", "Annabel"]
LINES: list[dict[str, Any]] = [
    {
        "source": "crm",
        "sourceId": "A-1",
        "givenName": "Annabel",
        "familyName": "Greenwood",
        "birthDate": "1970-01-02",
        "address": {"line1": "1 Oak Road", "postcode": "LS1 4AB", "country": "GB"},
        "identifiers": [
            {"kind": "EMAIL", "value": "ann@example.com"},
            {"kind": "PHONE", "value": "07911 123456"},
            {"kind": "NATIONAL_ID", "value": "QQ123456C"},
            {"kind": "PHONE", "value": LANDLINE},
        ],
        "devices": [{"id": "dev-ann", "kind": "MOBILE"}],
        "consents": [
            {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2025-01-01T00:00:00Z"}
        ],
    },
    {
        "source": "webshop",
        "sourceId": "W-1",
        "givenName": "annabel",
        "familyName": "GREENWOOD",
        "identifiers": [{"kind": "EMAIL", "value": " Ann@Example.com "}],
    },
    {
        "source": "crm",
        "sourceId": "B-1",
        "givenName": "Robert",
        "familyName": "Greenwood",
        "birthDate": "1968-05-06",
        "address": {"line1": "1 Oak Road", "postcode": "LS1 4AB", "country": "GB"},
        "identifiers": [{"kind": "EMAIL", "value": "bob@example.com"}, {"kind": "PHONE", "value": LANDLINE}],
        "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "A-1"}}],
    },
    {**ANN_COMPLAINT, "deviceId": "dev-ann"},
    {
        "type": "interaction",
        "source": "webshop",
        "sourceId": "O-1",
        "customer": {"identifier": {"kind": "EMAIL", "value": "ann@example.com"}},
        "channel": "WEB",
        "kind": "PURCHASE",
        "occurredAt": "2025-02-01T10:00:00Z",
        "value": 20.0,
    },
    {
        "type": "interaction",
        "source": "webshop",
        "sourceId": "O-2",
        "customer": {"source": "crm", "sourceId": "B-1"},
        "channel": "WEB",
        "kind": "PURCHASE",
        "occurredAt": "2025-02-03T10:00:00Z",
        "value": 35.0,
    },
]
FIND = """query($text: String!, $email: String!, $phone: String!, $id: ID!) {
  searchCustomers(text: $text, first: 20) { customer { id displayName } }
  byEmail: customerByIdentifier(kind: EMAIL, value: $email) { id }
  byPhone: customerByIdentifier(kind: PHONE, value: $phone) { id }
  customer(id: $id) { id }
  sourceRecord(source: "crm", sourceId: "A-1") { sourceId }
}"""


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in LINES))
    return path


@pytest.fixture
def client(database: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def find_ann(client: TestClient, ann: str) -> list[Any]:
    """Everything any way of looking for Ann turns up, by the text she would be searched by."""
    found: list[Any] = []
    for text in ["Annabel Greenwood", "ann@example.com", "07911 123456", "annabel"]:
        data = gql(client, FIND, text=text, email="ann@example.com", phone="07911 123456", id=ann)["data"]
        found += [
            m["customer"]
            for m in data["searchCustomers"]
            if m["customer"]["displayName"] != "Robert Greenwood"
        ]
        found += [data[name] for name in ("byEmail", "byPhone", "customer", "sourceRecord") if data[name]]
    return found


async def traces(database: Database) -> list[str]:
    """Every stored value, anywhere in the graph, that contains one of Ann's details."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (n) UNWIND keys(n) AS k WITH n[k] AS v "
        "UNWIND CASE WHEN v IS :: LIST<ANY> THEN v ELSE [v] END AS item RETURN DISTINCT toString(item) AS v"
    )
    values = [record["v"] for record in records if record["v"]]
    return [value for value in values if any(trace.casefold() in value.casefold() for trace in ANN_TRACES)]


async def test_export_then_forget_leaves_nothing_to_find_even_after_a_reload(
    client: TestClient, database: Database, settings: Settings, old_file: Path
) -> None:
    first = await ingest_file(database, old_file, settings, MatchModel())
    assert first.accepted == len(LINES) and not first.rejected
    ann = gql(client, '{ customerByIdentifier(kind: EMAIL, value: "ann@example.com") { id } }')["data"][
        "customerByIdentifier"
    ]["id"]
    flag = gql(
        client,
        'mutation($id: ID!) { raiseFlag(customerId: $id, kind: "VIP", severity: LOW, '
        'note: "Annabel likes tea") { id } }',
        id=ann,
    )
    assert flag["data"]["raiseFlag"]["id"]
    assert len(find_ann(client, ann)) > 0

    exported = gql(client, "query($id: ID!) { exportCustomer(id: $id) }", id=ann)["data"]["exportCustomer"]
    assert {r["key"] for r in exported["records"]} >= {"crm:A-1", "webshop:W-1"}
    assert {i["key"] for i in exported["interactions"]} == {"callcentre:T-1", "webshop:O-1"}
    assert json.loads(exported["records"][0]["raw"])["sourceId"] in {"A-1", "W-1"}
    assert any({"kind": "NATIONAL_ID", "value": "QQ123456C"} in r["identifiers"] for r in exported["records"])
    assert [f["note"] for f in exported["flags"]] == ["Annabel likes tea"]
    assert any(c["purpose"] == "MARKETING" for r in exported["records"] for c in r["consents"])

    forgotten = gql(
        client,
        'mutation($id: ID!) { forgetCustomer(id: $id, reason: "Erasure request #123") '
        "{ customerId records identifiers interactions suppressed } }",
        id=ann,
    )["data"]["forgetCustomer"]
    assert forgotten["customerId"] == ann and forgotten["interactions"] == 2
    assert forgotten["identifiers"] == 3  # email, mobile, national id; the landline is Robert's too
    assert find_ann(client, ann) == []
    assert await traces(database) == []

    robert = gql(
        client,
        '{ customerByIdentifier(kind: EMAIL, value: "bob@example.com") '
        "{ identifiers { value } relationships { kind } } }",
    )["data"]["customerByIdentifier"]
    assert "+442071234567" in {i["value"] for i in robert["identifiers"]}  # the shared landline stays his
    assert robert["relationships"] == []
    facts, _, _ = await database.driver.execute_query(
        "MATCH (i:Interaction) RETURN i.channel AS channel, i.kind AS kind, i.value AS value, "
        "i.summary AS summary, i.sourceId AS sourceId, EXISTS { (i)<-[:HAD]-() } AS linked "
        "ORDER BY kind, value"
    )
    assert [(f["kind"], f["value"], f["linked"]) for f in facts] == [
        ("COMPLAINT", None, False),
        ("PURCHASE", 20.0, False),
        ("PURCHASE", 35.0, True),
    ]
    assert all(f["summary"] is None for f in facts)

    again = await ingest_file(database, old_file, settings, MatchModel())
    assert [r.index for r in again.rejected] == [1, 2, 4, 5]
    assert all(r.reason.startswith("suppressed") for r in again.rejected)
    assert again.accepted == 2 and again.warnings >= 1  # Robert's referral names the forgotten person
    assert "Annabel" not in rejects_path(old_file).read_text()
    assert find_ann(client, ann) == []
    assert await traces(database) == []

    trail = gql(client, "query($id: String) { auditTrail(target: $id) { action details } }", id=ann)
    actions = [entry["action"] for entry in trail["data"]["auditTrail"]]
    assert actions == ["CUSTOMER_FORGOTTEN", "CUSTOMER_EXPORTED", "FLAG_RAISED"]
    assert trail["data"]["auditTrail"][0]["details"]["reason"] == "Erasure request #123"


async def test_forgetting_needs_a_reason_and_a_known_customer(client: TestClient, database: Database) -> None:
    missing = gql(client, 'mutation { forgetCustomer(id: "cus_nobody", reason: "request") { records } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    blank = gql(client, 'mutation { forgetCustomer(id: "cus_nobody", reason: " ") { records } }')
    assert blank["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_ingest_mutation_turns_away_a_forgotten_person_at_once(client: TestClient) -> None:
    ingest = "mutation($p: [ProfileInput!]) { ingest(profiles: $p) { accepted rejected { index reason } } }"
    ann = LINES[0]
    assert gql(client, ingest, p=[ann])["data"]["ingest"] == {"accepted": 1, "rejected": []}
    found = gql(client, '{ customerByIdentifier(kind: EMAIL, value: "ann@example.com") { id } }')
    gql(
        client,
        'mutation($id: ID!) { forgetCustomer(id: $id, reason: "Erasure request #7") { customerId } }',
        id=found["data"]["customerByIdentifier"]["id"],
    )
    robert = {**LINES[2], "identifiers": [{"kind": "EMAIL", "value": "bob@example.com"}]}
    again = gql(client, ingest, p=[ann, robert])["data"]["ingest"]
    assert again["accepted"] == 1
    assert [r["index"] for r in again["rejected"]] == [0]
    assert again["rejected"][0]["reason"].startswith("suppressed")
