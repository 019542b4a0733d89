"""The GraphQL schema; `schema.graphql` at the repository root is its exported SDL."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from service.api import resolvers
from service.api.observability import OperationMetrics
from service.api.types import (
    Customer,
    CustomerMatch,
    Household,
    IngestResult,
    SourceRecord,
    SourceRecordConnection,
)

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30


@strawberry.type
class Query:
    customer: Customer | None = strawberry.field(
        resolver=resolvers.customer, description="An id merged away answers with the surviving customer."
    )
    customer_by_identifier: Customer | None = strawberry.field(
        resolver=resolvers.customer_by_identifier, description="The value is normalised as on ingest."
    )
    source_record: SourceRecord | None = strawberry.field(resolver=resolvers.source_record)
    source_records: SourceRecordConnection = strawberry.field(resolver=resolvers.source_records)
    search_customers: list[CustomerMatch] = strawberry.field(
        resolver=resolvers.search_customers, description="Fuzzy: name, email, phone, postcode."
    )
    household: Household | None = strawberry.field(resolver=resolvers.household)


@strawberry.type
class Mutation:
    ingest: IngestResult = strawberry.mutation(
        resolver=resolvers.ingest, description="The same shapes as JSON Lines; resolved when it returns."
    )


def build_schema(introspection: bool = True) -> strawberry.Schema:
    """The schema with its safety limits; production can switch introspection off."""
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        OperationMetrics,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)


schema = build_schema()
