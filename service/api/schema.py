"""The GraphQL schema; `schema.graphql` at the repository root is its exported SDL."""

from __future__ import annotations

import strawberry

from service.api import resolvers
from service.api.types import Customer


@strawberry.type
class Query:
    customer: Customer | None = strawberry.field(
        resolver=resolvers.customer, description="An id merged away answers with the surviving customer."
    )


schema = strawberry.Schema(query=Query)
