"""Data subject rights: export everything Kith holds about a person, or forget them.

`export_customer` is the subject access request: one JSON-ready document with every source record as
received, identifiers, addresses, devices, consents, relationships, interactions (with products and
status history), flags, actions and identity evidence.

`forget_customer` is the right to erasure. In one transaction it deletes the person's source records,
customers (and every id merged into theirs), the identifiers, devices and addresses only they held
(shared ones stay, unlinked from them), consent statements, flags and actions; it keeps their
interactions as anonymous facts (no source id, no free text, no customer) so aggregates still add
up; it re-decides their former household; and it stores a suppression entry (keyed hashes, see
`service.suppression`) so loading their old lines again brings nothing back. Both are audited.

Example:
    document = await export_customer(database, actor, "cus_01")
    report = await forget_customer(database, settings, actor, "cus_01", reason="GDPR art. 17 request")
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

from service import audit
from service.audit import Actor
from service.care import live_customer_id
from service.config import Settings
from service.errors import InvalidRequest
from service.graph import store
from service.graph.database import Database
from service.graph.values import plain
from service.household_sync import update_households
from service.records import record_key
from service.suppression import (
    SuppressionList,
    identifier_entry,
    interaction_entry,
    record_entry,
)

# Thin records stand for "whoever holds this identifier": suppressing one would turn away another
# holder's lines too, so only the identifiers the person held alone are suppressed.
THIN_RECORD_PREFIX = record_key("kith", "identifier:")


@dataclass(frozen=True)
class ForgetReport:
    customer: str
    records: int
    identifiers: int
    interactions: int
    suppressed: int


async def suppression_list(database: Database, settings: Settings) -> SuppressionList:
    """The suppression list as it stands, for an ingest to check lines against."""
    rows = await database.read("suppression_hashes")
    return SuppressionList(settings.privacy_key(), {row["hash"] for row in rows})


async def export_customer(database: Database, actor: Actor, customer_id: str) -> dict[str, Any]:
    """Everything held about the person with this id (a merged id exports its survivor)."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        customer = await live_customer_id(tx, customer_id)
        rows = await store.run(tx, "customer_export", id=customer)
        document: dict[str, Any] = plain(rows[0])
        await audit.append(tx, actor, "CUSTOMER_EXPORTED", customer, {"records": len(document["records"])})
        return document

    return await database.in_write_transaction(work)


async def forget_customer(
    database: Database, settings: Settings, actor: Actor, customer_id: str, reason: str
) -> ForgetReport:
    if not reason.strip():
        raise InvalidRequest("say why the person is forgotten (the request it answers)")
    suppression = SuppressionList(settings.privacy_key(), set())

    async def work(tx: AsyncManagedTransaction) -> ForgetReport:
        # Identities change here, and an ingest reads the suppression list under the same lock.
        await store.take_resolution_lock(tx)
        customer = await live_customer_id(tx, customer_id)
        scope = (await store.run(tx, "forget_scope", id=customer))[0]
        hashes = suppression.add_all(
            [record_entry(key) for key in scope["records"] if not key.startswith(THIN_RECORD_PREFIX)]
            + [interaction_entry(key) for key in scope["interactions"]]
            + [identifier_entry(key) for key in scope["identifiers"]]
        )
        anonymous = [
            {"key": key, "anonymousKey": f"erased:{secrets.token_hex(12)}"} for key in scope["interactions"]
        ]
        await store.run(
            tx,
            "forget_erase",
            customers=scope["customers"],
            records=scope["records"],
            identifiers=scope["identifiers"],
            interactions=anonymous,
        )
        await store.run(tx, "suppression_add", hashes=hashes)
        if scope["household"] is not None:
            await update_households(tx, scope["housemates"])
            await store.run(tx, "household_delete", ids=[scope["household"]])
        report = ForgetReport(
            customer=customer,
            records=len(scope["records"]),
            identifiers=len(scope["identifiers"]),
            interactions=len(scope["interactions"]),
            suppressed=len(hashes),
        )
        await audit.append(tx, actor, "CUSTOMER_FORGOTTEN", customer, {"reason": reason, **report.__dict__})
        return report

    return await database.in_write_transaction(work)
