"""Customer care: flags, actions to be taken, the issue lifecycle and consent taken by Kith.

Each operation runs in one write transaction together with its audit entry. Flags and actions hang
off the customer (merges move them to the survivor); an issue's changes are kept as IssueUpdate
nodes on the interaction, so the 360 shows who moved it on, when and how.

Example:
    flag = await raise_flag(database, actor, "cus_01", kind="VULNERABLE", severity="HIGH", note=None)
    await clear_flag(database, actor, flag["id"])
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from service import audit
from service.audit import Actor
from service.consent import CHANNELS, PURPOSES
from service.errors import InvalidRequest, NotFound
from service.graph import store
from service.graph.database import Database
from service.graph.values import plain

SEVERITIES = ("LOW", "MEDIUM", "HIGH")
ACTION_STATUSES = ("NEW", "IN_PROGRESS", "DONE")
ISSUE_STATUSES = ("OPEN", "IN_PROGRESS", "RESOLVED", "CLOSED")
ISSUE_KINDS = frozenset({"COMPLAINT", "ENQUIRY"})
# What the audit trail keeps of a changed item: facts, never free text (notes, resolutions), so
# erasing a person leaves nothing of them in the trail but their pseudonymous id.
AUDITED_FIELDS = (
    "id",
    "key",
    "kind",
    "severity",
    "status",
    "due",
    "assignee",
    "channel",
    "purpose",
    "granted",
)
Row = dict[str, Any]


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def _kind(value: str, what: str) -> str:
    kind = value.strip().upper()
    if not kind:
        raise InvalidRequest(f"a {what} needs a kind")
    return kind


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise InvalidRequest(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _due(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise InvalidRequest(f"due must be a date like 2025-03-31, not {value!r}") from error


async def live_customer_id(tx: AsyncManagedTransaction, customer_id: str) -> str:
    """The id a customer answers with today (a merged id gives its survivor); raises NotFound."""
    rows = await store.run(tx, "customer_by_id", id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id}")
    return str(rows[0]["id"])


async def _change(
    database: Database,
    actor: Actor,
    action: str,
    work: Callable[[AsyncManagedTransaction], Awaitable[tuple[str, Row]]],
) -> Row:
    """Runs `work` (which returns the customer it touched and the changed item) and audits it."""

    async def audited(tx: AsyncManagedTransaction) -> Row:
        target, item = await work(tx)
        facts = {field: item[field] for field in AUDITED_FIELDS if item.get(field) is not None}
        await audit.append(tx, actor, action, target, facts)
        return item

    changed: Row = plain(await database.in_write_transaction(audited))
    return changed


async def raise_flag(
    database: Database, actor: Actor, customer_id: str, kind: str, severity: str, note: str | None
) -> Row:
    flag = {
        "id": _new_id("flag"),
        "kind": _kind(kind, "flag"),
        "severity": _one_of(severity, SEVERITIES, "severity"),
        "note": note,
        "raisedBy": actor.name,
    }

    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        customer = await live_customer_id(tx, customer_id)
        rows = await store.run(tx, "care_raise_flag", customer=customer, flag=flag)
        return customer, rows[0]["flag"]

    return await _change(database, actor, "FLAG_RAISED", work)


async def clear_flag(database: Database, actor: Actor, flag_id: str) -> Row:
    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        rows = await store.run(tx, "care_clear_flag", id=flag_id, by=actor.name)
        if not rows:
            raise NotFound(f"no flag {flag_id}")
        return rows[0]["customer"], rows[0]["flag"]

    return await _change(database, actor, "FLAG_CLEARED", work)


async def create_action(
    database: Database,
    actor: Actor,
    customer_id: str,
    kind: str,
    note: str | None,
    due: str | None,
    assignee: str | None,
) -> Row:
    action = {
        "id": _new_id("act"),
        "kind": _kind(kind, "action"),
        "note": note,
        "due": _due(due),
        "assignee": assignee,
        "createdBy": actor.name,
    }

    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        customer = await live_customer_id(tx, customer_id)
        rows = await store.run(tx, "care_create_action", customer=customer, action=action)
        return customer, rows[0]["action"]

    return await _change(database, actor, "ACTION_CREATED", work)


async def update_action(
    database: Database,
    actor: Actor,
    action_id: str,
    status: str | None = None,
    note: str | None = None,
    due: str | None = None,
    assignee: str | None = None,
) -> Row:
    """Sets the fields given (None leaves a field as it is)."""
    changes: Row = {"note": note, "due": _due(due), "assignee": assignee}
    if status is not None:
        changes["status"] = _one_of(status, ACTION_STATUSES, "status")
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        raise InvalidRequest("nothing to change: give a status, note, due date or assignee")

    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        rows = await store.run(tx, "care_update_action", id=action_id, changes=changes, by=actor.name)
        if not rows:
            raise NotFound(f"no action {action_id}")
        return rows[0]["customer"], rows[0]["action"]

    return await _change(database, actor, "ACTION_UPDATED", work)


async def update_issue(
    database: Database, actor: Actor, interaction_id: str, status: str, resolution: str | None
) -> Row:
    """Moves an issue on; RESOLVED and CLOSED need a resolution (given now or already on the issue)."""
    _one_of(status, ISSUE_STATUSES, "status")

    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        found = await store.run(tx, "interactions_by_keys", keys=[interaction_id])
        if not found:
            raise NotFound(f"no interaction {interaction_id}")
        current = found[0]
        if current["kind"] not in ISSUE_KINDS and current["status"] is None:
            raise InvalidRequest(f"{interaction_id} is a {current['kind']}, not an issue with a status")
        if status in {"RESOLVED", "CLOSED"} and not (resolution or current["resolution"]):
            raise InvalidRequest(f"say how the issue was resolved to mark it {status}")
        rows = await store.run(
            tx, "care_update_issue", key=interaction_id, status=status, resolution=resolution, by=actor.name
        )
        return rows[0]["customer"] or interaction_id, rows[0]["interaction"]

    return await _change(database, actor, "ISSUE_UPDATED", work)


async def record_consent(
    database: Database,
    actor: Actor,
    customer_id: str,
    channel: str,
    purpose: str,
    granted: bool,
    source: str,
    at: datetime | None,
) -> Row:
    _one_of(channel, CHANNELS, "channel")
    _one_of(purpose, PURPOSES, "purpose")

    async def work(tx: AsyncManagedTransaction) -> tuple[str, Row]:
        customer = await live_customer_id(tx, customer_id)
        rows = await store.run(
            tx,
            "care_record_consent",
            customer=customer,
            channel=channel,
            purpose=purpose,
            granted=granted,
            at=at,
            source=source,
            by=actor.name,
        )
        return customer, rows[0]["statement"]

    return await _change(database, actor, "CONSENT_RECORDED", work)


async def issue_updates(database: Database, keys: list[str]) -> dict[str, list[Row]]:
    """The status history of each interaction, oldest change first."""
    rows = await database.read("issue_updates", keys=keys)
    return {row["key"]: plain(row["updates"]) for row in rows}
