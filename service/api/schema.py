"""The GraphQL schema; `schema.graphql` at the repository root is its exported SDL."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.scalars import JSON

from service.api import care, privacy, resolvers
from service.api.compiled import WRITES, CompilingExecutor
from service.api.lean import KnownDocuments
from service.api.observability import OperationMetrics
from service.api.types import (
    Action,
    AuditEntry,
    Consent,
    Customer,
    CustomerMatch,
    Flag,
    ForgetResult,
    Household,
    InfluencerRank,
    IngestResult,
    Interaction,
    SourceRecord,
    SourceRecordConnection,
)
from service.api.validation_cache import TextValidationCache

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
    top_influencers: list[InfluencerRank] = strawberry.field(
        resolver=resolvers.top_influencers, description="Most influential first (`kith influence`)."
    )
    export_customer: JSON = strawberry.field(
        resolver=privacy.export_customer,
        description="Everything held about a person, as one document (subject access). Admin; audited.",
        metadata={WRITES: True},
    )
    audit_trail: list[AuditEntry] = strawberry.field(
        resolver=privacy.audit_trail, description="Newest first; `before` pages on by `seq`. Admin."
    )


@strawberry.type
class Mutation:
    ingest: IngestResult = strawberry.mutation(
        resolver=resolvers.ingest, description="The same shapes as JSON Lines; resolved when it returns."
    )
    raise_flag: Flag = strawberry.mutation(resolver=care.raise_flag)
    clear_flag: Flag = strawberry.mutation(resolver=care.clear_flag)
    create_action: Action = strawberry.mutation(resolver=care.create_action)
    update_action: Action = strawberry.mutation(
        resolver=care.update_action, description="Changes only the fields given."
    )
    update_issue_status: Interaction = strawberry.mutation(
        resolver=care.update_issue_status,
        description="Moves a complaint or enquiry on; RESOLVED and CLOSED need a resolution.",
    )
    record_consent: Consent = strawberry.mutation(
        resolver=care.record_consent, description="A statement taken by Kith; the newest statement wins."
    )
    forget_customer: ForgetResult = strawberry.mutation(
        resolver=privacy.forget_customer,
        description="Erases a person; their old lines stay out of later ingests. Admin; audited.",
    )


# The limits' validation rules are made once: a rule made per request would key the validation
# cache anew each time, and it would never hit.
LIMIT_RULES = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


def build_schema(introspection: bool = True) -> strawberry.Schema:
    """The schema with its safety limits; production can switch introspection off.

    A client sends the same few operations again and again, so a parsed and validated document is
    kept (LRU, 128 texts, both keyed by the text): parsing and validating the 360 cost more than
    executing it.
    """
    limits: list[Callable[[], SchemaExtension]] = [
        lambda: AddValidationRules(list(LIMIT_RULES)),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ]
    if not introspection:
        limits.append(DisableIntrospection)
    # The caches come after the limits: they parse and validate with the options and rules those set.
    # KnownDocuments notes a text once it passed them all, for the lean path (`service.api.lean`).
    extensions = [*limits, ParserCache, TextValidationCache, OperationMetrics, KnownDocuments]
    return strawberry.Schema(
        query=Query, mutation=Mutation, extensions=extensions, execution_context_class=CompilingExecutor
    )


schema = build_schema()
