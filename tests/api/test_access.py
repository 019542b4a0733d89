"""Every role against every sensitive field, through every path that reaches a customer.

Each path asks for all the sensitive fields; the whole response (data and errors) must not contain a
value the role may not see. The admin walk proves the values are there to be leaked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service import care
from service.api.app import create_app
from service.audit import Actor
from service.config import Settings
from service.graph.database import Database
from service.influence import recompute_influence
from service.ingest import ingest_objects
from tests.api.http import bearer, gql
from tests.lines import ANN_COMPLAINT

KEYS = {"admin": "k-admin", "support": "k-support", "marketing": "k-marketing", "analyst": "k-analyst"}
ADDRESS = {"line1": "1 Oak Road", "postcode": "LS1 4AB", "country": "GB"}
PROFILES: list[dict[str, Any]] = [
    {
        "source": "crm",
        "sourceId": "A-1",
        "givenName": "Annabel",
        "familyName": "Greenwood",
        "birthDate": "1970-01-02",
        "address": ADDRESS,
        "identifiers": [
            {"kind": "EMAIL", "value": "annabel@example.com"},
            {"kind": "PHONE", "value": "07911 123456"},
            {"kind": "NATIONAL_ID", "value": "QQ123456C"},
            {"kind": "LOYALTY_ID", "value": "L-1001"},
            {"kind": "PHONE", "value": "020 7123 4567"},
        ],
        "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "B-1"}}],
    },
    {
        "source": "crm",
        "sourceId": "B-1",
        "givenName": "Benedict",
        "familyName": "Greenwood",
        "birthDate": "1968-05-06",
        "address": ADDRESS,
        "identifiers": [
            {"kind": "EMAIL", "value": "benedict@example.com"},
            {"kind": "PHONE", "value": "020 7123 4567"},
            {"kind": "NATIONAL_ID", "value": "QQ654321C"},
        ],
        "consents": [
            {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2025-01-01T00:00:00Z"}
        ],
        "relationships": [{"kind": "FRIEND", "to": {"source": "crm", "sourceId": "A-1"}}],
    },
]
COMPLAINT = {**ANN_COMPLAINT, "summary": "Parcel lost on the stairs"}
SECRETS = {
    "national id": ["QQ123456C", "QQ654321C"],
    "contact": ["annabel@example.com", "benedict@example.com", "+447911123456", "+442071234567"],
    "free text": ["Parcel lost on the stairs", "Refunded in full", "Likes tea", "Call after six"],
    "person": ["Annabel", "Benedict", "1970-01-02", "1968-05-06"],
}
HIDDEN = {
    "admin": set(),
    "support": {"national id"},
    "marketing": {"national id", "contact", "free text"},
    "analyst": {"national id", "contact", "free text", "person"},
}
FIELDS = """id displayName givenName familyName birthDate identifiers { kind value } devices { id }
  flags { note } actions { note } openIssues { summary resolution }
  interactions { edges { node { summary resolution history { resolution } } } }
  consents { channel purpose granted }"""
PATHS = {
    "customer": "query($a: ID!) { customer(id: $a) { %s } }",
    "by loyalty id": '{ customerByIdentifier(kind: LOYALTY_ID, value: "L-1001") { %s } }',
    "by national id": '{ customerByIdentifier(kind: NATIONAL_ID, value: "QQ123456C") { %s } }',
    "search": '{ searchCustomers(text: "Greenwood") { customer { %s } } }',
    "search by email": '{ searchCustomers(text: "annabel@example.com") { customer { %s } } }',
    "household": "query($h: ID!) { household(id: $h) { members { %s } sharedIdentifiers { value } "
    "memberDetails { customer { %s } openIssues { summary resolution } } } }",
    "relationships": "query($b: ID!) { customer(id: $b) { relationships { customer { %s } } } }",
    "identity links": "query($a: ID!) { customer(id: $a) { sourceRecords { customer { %s } } "
    "identityLinks { from { customer { %s } } evidence } } }",
    "source record": '{ sourceRecord(source: "crm", sourceId: "A-1") { customer { %s } } }',
    "influencers": "{ topInfluencers(first: 10) { customer { %s } } }",
    "export": "query($a: ID!) { exportCustomer(id: $a) }",
    "audit": "{ auditTrail { details } }",
}
# Paths that list customers: marketing must only ever see those with marketing consent there.
LISTS = {"search", "search by email", "household", "relationships", "influencers"}
FORBIDDEN = {
    ("support", "by national id"), ("support", "export"), ("support", "audit"),
    ("marketing", "by national id"), ("marketing", "source record"), ("marketing", "export"),
    ("marketing", "audit"),
    ("analyst", "by loyalty id"), ("analyst", "by national id"), ("analyst", "search"),
    ("analyst", "search by email"), ("analyst", "export"), ("analyst", "audit"),
}  # fmt: skip


@pytest.fixture
def world(database: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A secured app over Annabel (no marketing consent) and Benedict (consent), who live together."""
    import asyncio

    async def build() -> dict[str, str]:
        report = await ingest_objects(database, [*PROFILES, COMPLAINT], settings)
        assert not report.rejected
        await recompute_influence(database)
        rows, _, _ = await database.driver.execute_query(
            "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer) OPTIONAL MATCH (c)-[:MEMBER_OF]->(h) "
            "RETURN r.sourceId AS record, c.id AS customer, h.id AS household"
        )
        ids = {row["record"]: row["customer"] for row in rows}
        agent = Actor("admin:test")
        for customer in ids.values():
            await care.raise_flag(database, agent, customer, "VIP", "LOW", "Likes tea")
            await care.create_action(database, agent, customer, "CALL_BACK", "Call after six", None, None)
        await care.update_issue(database, agent, "callcentre:T-1", "RESOLVED", "Refunded in full")
        households = {row["household"] for row in rows}
        assert len(households) == 1 and None not in households
        return {"a": ids["A-1"], "b": ids["B-1"], "h": households.pop()}

    ids = asyncio.get_event_loop().run_until_complete(build())
    keys = ",".join(f"{key}:{role}" for role, key in KEYS.items())
    with TestClient(create_app(settings.model_copy(update={"kith_api_keys": keys}))) as client:
        yield client, ids


def walk(
    client: TestClient, ids: dict[str, str], role: str, path: str, fields: str = FIELDS
) -> dict[str, Any]:
    query = PATHS[path].replace("%s", fields)
    return gql(
        client, query, headers=bearer(KEYS[role]), **{k: v for k, v in ids.items() if f"${k}" in query}
    )


@pytest.mark.parametrize("role", list(KEYS))
def test_no_role_sees_what_it_may_not_through_any_path(
    world: tuple[TestClient, dict[str, str]], role: str
) -> None:
    client, ids = world
    seen = ""
    for path in PATHS:
        body = walk(client, ids, role, path)
        text = json.dumps(body)
        codes = [error["extensions"]["code"] for error in body.get("errors", [])]
        if (role, path) in FORBIDDEN:
            assert codes == ["FORBIDDEN"], (role, path, body)
        else:
            assert codes == [], (role, path, body)
        for category in HIDDEN[role]:
            leaked = [value for value in SECRETS[category] if value in text]
            assert not leaked, f"{role} sees {category} {leaked} through {path}"
        if role == "marketing" and path in LISTS:
            assert ids["a"] not in text, f"marketing lists Annabel (no consent) through {path}"
        seen += text
    visible = {category for category in SECRETS if category not in HIDDEN[role]}
    for category in visible:  # what the role may see is really there: the walk could have leaked
        assert any(value in seen for value in SECRETS[category]), (role, category)
    if role == "admin":
        assert all(value in seen for values in SECRETS.values() for value in values)


SUMMARY = "id displayName givenName familyName birthDate"


def without_flags(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_flags(item) for key, item in value.items() if key != "flags"}
    if isinstance(value, list):
        return [without_flags(item) for item in value]
    return value


@pytest.mark.parametrize("role", list(KEYS))
def test_customers_read_as_summaries_show_what_their_whole_rows_show(
    world: tuple[TestClient, dict[str, str]], role: str
) -> None:
    """A customer reached from another is read as a summary when the query asks no more (here the
    names) and whole otherwise (asking for flags too): masked and listed alike."""
    client, ids = world
    for path in (path for path, query in PATHS.items() if "%s" in query):
        summary = walk(client, ids, role, path, SUMMARY)
        whole = walk(client, ids, role, path, SUMMARY + " flags { kind }")
        assert summary == without_flags(whole), (role, path)


def test_only_admin_and_support_act_on_customers(world: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = world
    flag = 'mutation($a: ID!) { raiseFlag(customerId: $a, kind: "VIP", severity: HIGH) { kind } }'
    consent = (
        "mutation($a: ID!) { recordConsent(customerId: $a, channel: SMS, purpose: SERVICE, granted: true) "
        "{ granted } }"
    )
    forget = 'mutation($a: ID!) { forgetCustomer(id: $a, reason: "request") { records } }'
    load = 'mutation { ingest(profiles: [{source: "crm", sourceId: "X-1"}]) { accepted } }'
    allowed = {
        "admin": {flag, consent, forget, load},
        "support": {flag, consent},
        "marketing": set(),
        "analyst": set(),
    }
    for role in ["support", "marketing", "analyst", "admin"]:
        for mutation in (flag, consent, load, forget):
            body = gql(
                client, mutation, headers=bearer(KEYS[role]), **({"a": ids["a"]} if "$a" in mutation else {})
            )
            codes = [error["extensions"]["code"] for error in body.get("errors", [])]
            assert codes == ([] if mutation in allowed[role] else ["FORBIDDEN"]), (role, mutation, body)
