"""Cursor pages: the customer's timeline and the list of source records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from service.api.context import LATEST_INTERACTIONS, Context
from service.api.errors import BadUserInput
from service.api.types import (
    Interaction,
    InteractionConnection,
    InteractionEdge,
    PageInfo,
    SourceRecord,
    SourceRecordConnection,
    SourceRecordEdge,
    decode_cursor,
    encode_cursor,
)
from service.records import Channel

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from service.api.types import Customer

MAX_PAGE = 100


def check_page_size(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}, not {first}")


def _after(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        return decode_cursor(cursor, 1)[0]
    except ValueError as error:
        raise BadUserInput(f"`after` is not a cursor this API gave out: {cursor!r}") from error


def _edges(rows: list[dict[str, Any]]) -> list[InteractionEdge]:
    """Edges of interaction rows already as the caller may see them (`Access.interaction`)."""
    return [InteractionEdge(node=Interaction.from_row(row), key=str(row["key"])) for row in rows]


def interactions_page(
    context: Context, customer: Customer, first: int, after: str | None, channel: Channel | None
) -> InteractionConnection | Awaitable[InteractionConnection]:
    """A page of the timeline; the default first page comes with the 360 row, at no extra cost (and
    without an await: see `types._when_loaded`)."""
    check_page_size(first)
    after_key = _after(after)
    if after_key is None and channel is None and first <= LATEST_INTERACTIONS:
        total = int(customer.row["interactionCount"])
        rows = customer.row["latest"][:first]
        return _connection(rows, total, has_next=total > len(rows))
    return _interactions_from_graph(context, customer, first, after_key, channel)


async def _interactions_from_graph(
    context: Context, customer: Customer, first: int, after_key: str | None, channel: Channel | None
) -> InteractionConnection:
    found = await context.database.answer(
        "customer_interactions",
        id=str(customer.id),
        channel=None if channel is None else channel.value,
        afterKey=after_key,
        limit=first + 1,
    )
    total = int(found[0]["total"]) if found else 0
    page = [context.access.interaction(row) for row in found[0]["page"]] if found else []
    return _connection(page[:first], total, has_next=len(page) > first)


def _connection(rows: list[dict[str, Any]], total: int, has_next: bool) -> InteractionConnection:
    edges = _edges(rows)
    return InteractionConnection(
        total_count=total,
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next, end_cursor=encode_cursor(edges[-1].key) if edges else None
        ),
    )


async def source_records_page(context: Context, first: int, after: str | None) -> SourceRecordConnection:
    check_page_size(first)
    rows = await context.database.answer("source_records_page", after=_after(after) or "", limit=first + 1)
    edges = [
        SourceRecordEdge(
            cursor=encode_cursor(row["key"]),
            node=SourceRecord(source=row["source"], source_id=row["sourceId"], customer_id=row["customer"]),
        )
        for row in rows[:first]
    ]
    return SourceRecordConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )
