"""The append-only audit trail: who changed what, and who exported or erased whom.

Every change Kith makes on a person's behalf writes one entry in the same transaction as the change,
so there is never a change without its entry or an entry without its change. Entries are only
created, never updated, and are numbered without gaps.

Example:
    async def work(tx: AsyncManagedTransaction) -> None:
        ...  # the change itself
        await append(tx, actor, "FLAG_RAISED", customer_id, {"kind": "VIP"})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from neo4j import AsyncManagedTransaction

from service.graph import store
from service.graph.database import Database
from service.graph.values import plain


@dataclass(frozen=True)
class Actor:
    """Who acts: the API key (its role and a fingerprint, never the key) and, when the calling tool
    says so, the person at the keyboard (an agent's name)."""

    key: str
    by: str | None = None

    @property
    def name(self) -> str:
        """The person to credit for a change: the one named by the caller, else the key."""
        return self.by or self.key


async def append(
    tx: AsyncManagedTransaction, actor: Actor, action: str, target: str, details: Mapping[str, Any]
) -> int:
    """Adds one entry; returns its number."""
    rows = await store.run(
        tx,
        "audit_append",
        actor=actor.key,
        by=actor.by,
        action=action,
        target=target,
        details=orjson.dumps(plain(dict(details)), option=orjson.OPT_SORT_KEYS).decode(),
    )
    return int(rows[0]["seq"])


async def trail(
    database: Database, target: str | None, before: int | None, limit: int
) -> list[dict[str, Any]]:
    """Entries newest first, optionally about one target, before entry number `before`."""
    rows = await database.read(
        "audit_trail_page", target=target, before=before if before is not None else 2**62, limit=limit
    )
    return [plain(row) for row in rows]
