from __future__ import annotations

from typing import Any

import pytest

from service import audit, care
from service.audit import Actor
from service.config import Settings
from service.errors import InvalidRequest, NotFound
from service.graph.database import Database
from service.ingest import ingest_objects
from tests.integration.graph_helpers import customer_of
from tests.lines import ANN_COMPLAINT

AGENT = Actor("support:abcd1234", "Hayley")
ANN = {
    "source": "crm",
    "sourceId": "A-1",
    "givenName": "Ann",
    "familyName": "Green",
    "birthDate": "1970-01-02",
    "identifiers": [{"kind": "EMAIL", "value": "ann@example.com"}],
}
ANN_WEB = {**ANN, "source": "webshop", "sourceId": "W-1"}
COMPLAINT = ANN_COMPLAINT


async def load(database: Database, settings: Settings, *objects: dict[str, Any]) -> None:
    report = await ingest_objects(database, list(objects), settings)
    assert not report.rejected


async def row_of(database: Database, customer: str) -> dict[str, Any]:
    rows = await database.read("customers_by_ids", ids=[customer], latest=20)
    return rows[0]


async def test_flags_are_raised_and_cleared_with_who_and_when(database: Database, settings: Settings) -> None:
    await load(database, settings, ANN)
    ann = await customer_of(database, "crm:A-1")
    assert ann is not None
    old = await care.raise_flag(database, AGENT, ann, "vip", "LOW", None)
    urgent = await care.raise_flag(database, AGENT, ann, "VULNERABLE", "HIGH", "Recently bereaved")
    assert urgent["kind"] == "VULNERABLE" and urgent["raisedBy"] == "Hayley" and urgent["raisedAt"]
    cleared = await care.clear_flag(database, Actor("admin:1"), old["id"])
    assert cleared["clearedBy"] == "admin:1" and cleared["clearedAt"]
    again = await care.clear_flag(database, AGENT, old["id"])
    assert again["clearedBy"] == "admin:1"  # the first clearing stands
    flags = (await row_of(database, ann))["flags"]
    assert [(f["kind"], f.get("clearedAt") is None) for f in flags] == [("VULNERABLE", True), ("VIP", False)]
    with pytest.raises(InvalidRequest):
        await care.raise_flag(database, AGENT, ann, "VIP", "EXTREME", None)
    with pytest.raises(NotFound):
        await care.raise_flag(database, AGENT, "cus_missing", "VIP", "LOW", None)


async def test_actions_move_from_new_to_done_outstanding_first(
    database: Database, settings: Settings
) -> None:
    await load(database, settings, ANN)
    ann = await customer_of(database, "crm:A-1")
    assert ann is not None
    later = await care.create_action(database, AGENT, ann, "call_back", "After 6pm", "2025-04-10", "Sam")
    sooner = await care.create_action(database, AGENT, ann, "REFUND", None, "2025-04-01", None)
    assert later["status"] == "NEW" and later["kind"] == "CALL_BACK"
    done = await care.update_action(database, AGENT, sooner["id"], status="DONE")
    assert done["status"] == "DONE" and done["updatedBy"] == "Hayley"
    moved = await care.update_action(database, AGENT, later["id"], status="IN_PROGRESS", assignee="Kim")
    assert (moved["status"], moved["assignee"], moved["note"]) == ("IN_PROGRESS", "Kim", "After 6pm")
    actions = (await row_of(database, ann))["actions"]
    assert [a["kind"] for a in actions] == ["CALL_BACK", "REFUND"]
    with pytest.raises(InvalidRequest):
        await care.update_action(database, AGENT, later["id"], status="PAUSED")
    with pytest.raises(InvalidRequest):
        await care.create_action(database, AGENT, ann, "REFUND", None, "next tuesday", None)
    with pytest.raises(NotFound):
        await care.update_action(database, AGENT, "act_missing", status="DONE")


async def test_an_issue_is_resolved_with_its_history_kept(database: Database, settings: Settings) -> None:
    await load(database, settings, ANN, COMPLAINT)
    ann = await customer_of(database, "crm:A-1")
    assert ann is not None
    with pytest.raises(InvalidRequest, match="resolved"):
        await care.update_issue(database, AGENT, "callcentre:T-1", "RESOLVED", None)
    await care.update_issue(database, AGENT, "callcentre:T-1", "IN_PROGRESS", None)
    resolved = await care.update_issue(database, AGENT, "callcentre:T-1", "RESOLVED", "Refunded in full")
    assert (resolved["status"], resolved["resolution"]) == ("RESOLVED", "Refunded in full")
    history = (await care.issue_updates(database, ["callcentre:T-1"]))["callcentre:T-1"]
    assert [(u["before"], u["after"], u["by"]) for u in history] == [
        ("OPEN", "IN_PROGRESS", "Hayley"),
        ("IN_PROGRESS", "RESOLVED", "Hayley"),
    ]
    assert (await row_of(database, ann))["openIssues"] == []
    # The call centre sends its old line again: the agent's work stands, and so does what the
    # source said, kept from the agent's first change.
    await load(database, settings, COMPLAINT)
    row = await row_of(database, ann)
    assert row["openIssues"] == [] and row["latest"][0]["status"] == "RESOLVED"
    source_status = "MATCH (i:Interaction {key: 'callcentre:T-1'}) RETURN i.sourceStatus AS said"
    assert (await database.driver.execute_query(source_status)).records[0]["said"] == "OPEN"
    # A new line from the source is written, under the agent's status.
    await load(database, settings, {**COMPLAINT, "status": "ESCALATED"})
    assert (await database.driver.execute_query(source_status)).records[0]["said"] == "ESCALATED"
    assert (await row_of(database, ann))["latest"][0]["status"] == "RESOLVED"
    with pytest.raises(NotFound):
        await care.update_issue(database, AGENT, "callcentre:nope", "OPEN", None)


async def test_purchases_have_no_issue_lifecycle(database: Database, settings: Settings) -> None:
    purchase = {**COMPLAINT, "sourceId": "O-1", "kind": "PURCHASE", "status": None}
    await load(database, settings, ANN, purchase)
    with pytest.raises(InvalidRequest, match="not an issue"):
        await care.update_issue(database, AGENT, "callcentre:O-1", "RESOLVED", "done")


async def test_consent_taken_by_kith_joins_the_records_statements(
    database: Database, settings: Settings
) -> None:
    granted = {
        **ANN,
        "consents": [
            {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2025-01-01T00:00:00Z"}
        ],
    }
    await load(database, settings, granted)
    ann = await customer_of(database, "crm:A-1")
    assert ann is not None
    statement = await care.record_consent(database, AGENT, ann, "EMAIL", "MARKETING", False, "kith", None)
    assert statement["granted"] is False and statement["by"] == "Hayley" and statement["at"]
    consents = (await row_of(database, ann))["consents"]
    assert [(s["granted"], s["source"]) for s in consents] == [(False, "kith"), (True, "crm")]
    with pytest.raises(InvalidRequest):
        await care.record_consent(database, AGENT, ann, "FAX", "MARKETING", True, "kith", None)


async def test_care_follows_a_merge_to_the_survivor(database: Database, settings: Settings) -> None:
    await load(database, settings, ANN)
    web_only = {
        "source": "webshop",
        "sourceId": "W-1",
        "givenName": "Ann",
        "familyName": "Green",
        "identifiers": [{"kind": "EMAIL", "value": "ann.g@example.org"}],
    }
    await load(database, settings, web_only)
    ann, web = await customer_of(database, "crm:A-1"), await customer_of(database, "webshop:W-1")
    assert ann is not None and web is not None and ann != web
    await care.raise_flag(database, AGENT, web, "VIP", "LOW", None)
    await care.create_action(database, AGENT, web, "CALL_BACK", None, None, None)
    await care.record_consent(database, AGENT, web, "SMS", "SERVICE", True, "kith", None)
    # The crm record learns the second email: the two become one customer, the older id survives.
    await load(database, settings, {**ANN, "identifiers": [*ANN["identifiers"], *web_only["identifiers"]]})
    survivor = await customer_of(database, "webshop:W-1")
    assert survivor == ann
    row = await row_of(database, ann)
    assert [f["kind"] for f in row["flags"]] == ["VIP"]
    assert [a["kind"] for a in row["actions"]] == ["CALL_BACK"]
    assert [(s["channel"], s["source"]) for s in row["consents"]] == [("SMS", "kith")]


async def test_every_change_is_audited_in_order(database: Database, settings: Settings) -> None:
    await load(database, settings, ANN, COMPLAINT)
    ann = await customer_of(database, "crm:A-1")
    assert ann is not None
    flag = await care.raise_flag(database, AGENT, ann, "VIP", "LOW", "Secret note")
    await care.clear_flag(database, AGENT, flag["id"])
    await care.update_issue(database, AGENT, "callcentre:T-1", "RESOLVED", "Refunded")
    entries = await audit.trail(database, None, None, 10)
    assert [e["action"] for e in entries] == ["ISSUE_UPDATED", "FLAG_CLEARED", "FLAG_RAISED"]
    assert [e["seq"] for e in entries] == [3, 2, 1]
    assert {e["target"] for e in entries} == {ann}
    assert all(e["actor"] == "support:abcd1234" and e["by"] == "Hayley" for e in entries)
    assert not any("Secret note" in e["details"] or "Refunded" in e["details"] for e in entries)
    assert [e["seq"] for e in await audit.trail(database, ann, 3, 10)] == [2, 1]
