"""Care and consent through GraphQL: what an agent does during a call, and what the 360 then shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from service.api.app import create_app
from service.config import Settings
from service.graph.database import Database
from tests.api.http import gql

LOAD = """mutation { ingest(
  profiles: [{source: "crm", sourceId: "A-1", givenName: "Ann", familyName: "Green",
              identifiers: [{kind: "EMAIL", value: "ann@example.com"}],
              consents: [{channel: "EMAIL", purpose: "MARKETING", granted: true,
                          at: "2025-01-01T00:00:00Z"}]}],
  interactions: [{source: "callcentre", sourceId: "T-1", customer: {source: "crm", sourceId: "A-1"},
                  channel: "PHONE", kind: "COMPLAINT", occurredAt: "2025-03-02T09:15:00Z", status: "OPEN"}]
) { accepted } }"""
VIEW = """query($id: ID!) { customer(id: $id) {
  flags { kind severity note raisedBy active }
  actions { kind status due assignee }
  openIssues { id }
  interactions { edges { node { status resolution history { before after resolution by } } } }
  email: canContact(channel: EMAIL, purpose: MARKETING) { allowed reason statement { source granted } }
  sms: canContact(channel: SMS, purpose: MARKETING) { allowed reason statement { source } }
  service: canContact(channel: SMS, purpose: SERVICE) { allowed }
  consents { channel purpose granted source }
} }"""


@pytest.fixture
def client(database: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        assert gql(test_client, LOAD)["data"]["ingest"]["accepted"] == 2
        yield test_client


def ann(client: TestClient) -> str:
    found = gql(client, '{ customerByIdentifier(kind: EMAIL, value: "ann@example.com") { id } }')
    return str(found["data"]["customerByIdentifier"]["id"])


def test_an_agent_flags_plans_resolves_and_records_consent(client: TestClient) -> None:
    id = ann(client)
    flag = gql(
        client,
        'mutation($id: ID!) { raiseFlag(customerId: $id, kind: "vulnerable", severity: HIGH, '
        'note: "Speak slowly", by: "Hayley") { id } }',
        id=id,
    )["data"]["raiseFlag"]
    action = gql(
        client,
        'mutation($id: ID!) { createAction(customerId: $id, kind: "CALL_BACK", due: "2025-04-01", '
        'assignee: "Sam") { id status } }',
        id=id,
    )["data"]["createAction"]
    assert action["status"] == "NEW"
    moved = gql(
        client,
        "mutation($a: ID!) { updateAction(actionId: $a, status: IN_PROGRESS) { status assignee } }",
        a=action["id"],
    )
    assert moved["data"]["updateAction"] == {"status": "IN_PROGRESS", "assignee": "Sam"}
    resolved = gql(
        client,
        'mutation { updateIssueStatus(interactionId: "callcentre:T-1", status: RESOLVED, '
        'resolution: "Refunded", by: "Hayley") { status resolution } }',
    )
    assert resolved["data"]["updateIssueStatus"] == {"status": "RESOLVED", "resolution": "Refunded"}
    withdrawn = gql(
        client,
        "mutation($id: ID!) { recordConsent(customerId: $id, channel: SMS, purpose: MARKETING, "
        'granted: false, at: "2025-02-01T00:00:00Z", by: "Hayley") { granted source by } }',
        id=id,
    )
    assert withdrawn["data"]["recordConsent"] == {"granted": False, "source": "kith", "by": "Hayley"}

    view = gql(client, VIEW, id=id)["data"]["customer"]
    assert view["flags"] == [
        {
            "kind": "VULNERABLE",
            "severity": "HIGH",
            "note": "Speak slowly",
            "raisedBy": "Hayley",
            "active": True,
        }
    ]
    assert view["actions"] == [
        {"kind": "CALL_BACK", "status": "IN_PROGRESS", "due": "2025-04-01", "assignee": "Sam"}
    ]
    assert view["openIssues"] == []
    issue = view["interactions"]["edges"][0]["node"]
    assert issue["history"] == [
        {"before": "OPEN", "after": "RESOLVED", "resolution": "Refunded", "by": "Hayley"}
    ]
    assert view["email"] == {
        "allowed": True,
        "reason": "granted via crm",
        "statement": {"source": "crm", "granted": True},
    }
    assert view["sms"] == {"allowed": False, "reason": "withdrawn via kith", "statement": {"source": "kith"}}
    assert view["service"] == {"allowed": True}
    assert {(c["channel"], c["granted"]) for c in view["consents"]} == {("EMAIL", True), ("SMS", False)}

    cleared = gql(
        client, 'mutation($f: ID!) { clearFlag(flagId: $f, by: "Sam") { active clearedBy } }', f=flag["id"]
    )
    assert cleared["data"]["clearFlag"] == {"active": False, "clearedBy": "Sam"}


def test_care_errors_carry_the_contract_codes(client: TestClient) -> None:
    missing = gql(
        client, 'mutation { raiseFlag(customerId: "cus_nobody", kind: "VIP", severity: LOW) { id } }'
    )
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    unresolved = gql(
        client, 'mutation { updateIssueStatus(interactionId: "callcentre:T-1", status: RESOLVED) { id } }'
    )
    assert unresolved["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "resolved" in unresolved["errors"][0]["message"]
    bad_date = gql(
        client,
        'mutation($id: ID!) { createAction(customerId: $id, kind: "X", due: "soon") { id } }',
        id=ann(client),
    )
    assert bad_date["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    naive = gql(
        client,
        "mutation($id: ID!) { recordConsent(customerId: $id, channel: SMS, purpose: SERVICE, "
        'granted: true, at: "2025-02-01T00:00:00") { granted } }',
        id=ann(client),
    )
    assert naive["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
