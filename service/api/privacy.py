"""Privacy operations, for admins only: the subject access export, erasure and the audit trail."""

from __future__ import annotations

import orjson
import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from service import audit, privacy
from service.api.access import Operation
from service.api.context import Context
from service.api.pagination import check_page_size
from service.api.types import AuditEntry, ForgetResult, iso


async def export_customer(info: Info[Context, None], id: strawberry.ID) -> JSON:
    context = info.context
    context.access.require(Operation.EXPORT)
    document = await privacy.export_customer(context.database, context.actor, str(id))
    return JSON(document)


async def forget_customer(info: Info[Context, None], id: strawberry.ID, reason: str) -> ForgetResult:
    context = info.context
    context.access.require(Operation.FORGET)
    report = await privacy.forget_customer(context.database, context.settings, context.actor, str(id), reason)
    return ForgetResult(
        customer_id=strawberry.ID(report.customer),
        records=report.records,
        identifiers=report.identifiers,
        interactions=report.interactions,
        suppressed=report.suppressed,
    )


async def audit_trail(
    info: Info[Context, None], first: int = 20, before: int | None = None, target: str | None = None
) -> list[AuditEntry]:
    context = info.context
    context.access.require(Operation.AUDIT)
    check_page_size(first)
    rows = await audit.trail(context.database, target, before, first)
    return [
        AuditEntry(
            seq=row["seq"],
            at=iso(row["at"]) or "",
            actor=row["actor"],
            by=row.get("by"),
            action=row["action"],
            target=row["target"],
            details=JSON(orjson.loads(row["details"])),
        )
        for row in rows
    ]
