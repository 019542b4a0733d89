"""Query and mutation resolvers: check the arguments, call the graph layer, wrap rows in types."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from service.api.access import Operation
from service.api.context import Context
from service.api.errors import BadUserInput
from service.api.inputs import InteractionInput, ProfileInput, to_json
from service.api.pagination import check_page_size, source_records_page
from service.api.types import (
    Customer,
    CustomerMatch,
    Household,
    IdentifierKind,
    InfluencerRank,
    IngestResult,
    Rejection,
    SourceRecord,
    SourceRecordConnection,
)
from service.ingest import ingest_objects
from service.normalize import identifier_key, normalize_identifier
from service.records import IdentifierKind as IdentifierKindValues
from service.records import record_key
from service.search import lucene_query, rank

SEARCH_CANDIDATES = 200


async def customer(info: Info[Context, None], id: strawberry.ID) -> Customer | None:
    return await info.context.customers.load(str(id))


async def customer_by_identifier(
    info: Info[Context, None],
    kind: IdentifierKind,  # type: ignore[valid-type]
    value: str,
) -> Customer | None:
    context = info.context
    kind_value = IdentifierKindValues(kind)
    context.access.require_identifier(kind_value.value)
    try:
        normalised = normalize_identifier(kind_value, value, context.settings.kith_default_region)
    except ValueError as error:
        raise BadUserInput(f"{kind_value.value} {value!r} can not be used: {error}") from error
    rows = await context.database.answer(
        "customer_ids_by_identifier", key=identifier_key(kind_value, normalised)
    )
    return await context.customers.load(rows[0]["id"]) if rows else None


async def source_record(info: Info[Context, None], source: str, source_id: str) -> SourceRecord | None:
    info.context.access.require(Operation.SOURCE_RECORDS)
    rows = await info.context.database.answer("source_record_by_key", key=record_key(source, source_id))
    if not rows:
        return None
    return SourceRecord(
        source=rows[0]["source"], source_id=rows[0]["sourceId"], customer_id=rows[0]["customer"]
    )


async def source_records(
    info: Info[Context, None], first: int, after: str | None = strawberry.UNSET
) -> SourceRecordConnection:
    info.context.access.require(Operation.SOURCE_RECORDS)
    return await source_records_page(info.context, first, after or None)


async def search_customers(
    info: Info[Context, None], text: str, first: int | None = 10
) -> list[CustomerMatch]:
    first = 10 if first is None else first
    access = info.context.access
    access.require(Operation.SEARCH)
    check_page_size(first)
    query = lucene_query(text)
    if not query:
        raise BadUserInput("search text has no words to look for")
    rows = await info.context.database.answer(
        "search_candidates", lucene=query, limit=SEARCH_CANDIDATES, kinds=access.visible_identifier_kinds
    )
    scored = sorted(
        ((rank(text, row["names"], row["identifiers"], row["postcodes"]), row["id"]) for row in rows),
        key=lambda item: (-item[0], item[1]),
    )
    matches: list[CustomerMatch] = []
    # A page at a time: only a marketing caller skips customers (those without consent) and reads on.
    for start in range(0, len(scored), first):
        page = scored[start : start + first]
        found = await info.context.customers.load_many([customer_id for _, customer_id in page])
        matches += [
            CustomerMatch(customer=match, score=round(score, 4))
            for (score, _), match in zip(page, found, strict=True)
            if match is not None and access.listed(match.row)
        ]
        if len(matches) >= first:
            break
    return matches[:first]


async def top_influencers(info: Info[Context, None], first: int = 10) -> list[InfluencerRank]:
    """The ranking of `kith influence`; a marketing caller sees only customers they may contact."""
    check_page_size(first)
    access = info.context.access
    # Marketing skips customers without consent, so it reads further down the ranking.
    limit = first * 5 if access.lists_need_marketing_consent else first
    rows = await info.context.database.answer("influencers_ranked", limit=limit)
    found = await info.context.customers.load_many([row["id"] for row in rows])
    listed = [customer for customer in found if customer is not None and access.listed(customer.row)]
    return [InfluencerRank(rank=place, customer=customer) for place, customer in enumerate(listed[:first], 1)]


async def household(info: Info[Context, None], id: strawberry.ID) -> Household | None:
    return await info.context.households.load(str(id))


async def ingest(
    info: Info[Context, None],
    profiles: list[ProfileInput] | None = strawberry.UNSET,
    interactions: list[InteractionInput] | None = strawberry.UNSET,
) -> IngestResult:
    """Profiles then interactions, as one list: a rejection's index counts across both."""
    info.context.access.require(Operation.INGEST)
    objects = [{"type": "profile", **to_json(p)} for p in profiles or []]
    objects += [{"type": "interaction", **to_json(i)} for i in interactions or []]
    report = await ingest_objects(info.context.database, objects, info.context.settings)
    return IngestResult(
        accepted=report.accepted,
        rejected=[Rejection(index=item.index, reason=item.reason) for item in report.rejected],
    )
