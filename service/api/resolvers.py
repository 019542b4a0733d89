"""Query resolvers: each one calls the graph layer and wraps the rows in types."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from service.api.context import Context
from service.api.types import Customer


async def customer(info: Info[Context, None], id: strawberry.ID) -> Customer | None:
    rows = await info.context.database.read("customer_by_id", id=str(id))
    return Customer.from_row(rows[0]) if rows else None
