"""Repository functions for ingest and identity resolution, run inside one write transaction.

Each function is one named query from `cypher/`; callers compose them in a transaction so a batch
is written and resolved all or nothing.

Example:
    async def work(tx: AsyncManagedTransaction) -> None:
        await take_resolution_lock(tx)
        await upsert_source_records(tx, rows)
    await database.in_write_transaction(work)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import DriverError

from service.graph.cypher import statement

Row = dict[str, Any]


class StaleRead(DriverError):
    """A record a transaction found was not there when it read the record itself.

    Neo4j reads what is committed as it goes, and a traversal can meet a record a concurrent commit
    is rewriting: it reports most such reads itself ("the transaction read outdated data"), as a
    transient error the driver retries. Once in a full-scale load (98,355 profiles, then 513,633
    interactions written two transactions at a time) a candidate found by one statement was missing
    from the next, which read the records (now one statement does both). Retryable like Neo4j's own:
    the driver runs the whole transaction function again, on what is committed by then.
    """

    def is_retryable(self) -> bool:
        return True


class _UnprintedList(list[Any]):
    """A list parameter the driver does not print in full. The driver formats every RUN's parameters
    for a debug log line whether debug logging is on or not (neo4j 5.28, `_bolt5.run`): for a batch's
    rows that was a seventh of ingest's Python time, for a line nobody reads."""

    def __repr__(self) -> str:
        return f"<{len(self)} items>"


class _UnprintedMap(dict[str, Any]):
    """A map parameter the driver does not print in full (see `_UnprintedList`)."""

    def __repr__(self) -> str:
        return f"<{len(self)} entries>"


def _unprinted(value: Any) -> Any:
    if isinstance(value, list):
        return _UnprintedList(value)
    if isinstance(value, dict):
        return _UnprintedMap(value)
    return value


async def run(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[Row]:
    params = {key: _unprinted(value) for key, value in params.items()}
    try:
        result = await tx.run(statement(name), params)
        # These queries return values, lists and maps, never nodes: a plain dict skips the driver's
        # conversion of graph types (`record.data()`), which took a third of the time rows cost here.
        return [dict(record) async for record in result]
    finally:
        # The driver's result keeps its parameters, and it sits in a reference cycle (with the wrapper
        # of its connection), so they lived until the cycle collector ran: a batch's rows piled up
        # as garbage, and full collections walking them took a third of bulk ingest's Python time.
        # Emptied here (they are this call's copies), the rows go as soon as the statement is done.
        for value in params.values():
            if isinstance(value, _UnprintedList | _UnprintedMap):
                value.clear()


async def collected(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[Row]:
    """The maps of a statement that returns them in one row, as `collect({...}) AS rows`.

    The driver spends some 35 us of CPU on every row it reads and little on a map inside one: a
    statement read for hundreds of records on the ingest path returns them in a single row.
    """
    [row] = await run(tx, name, **params)
    return list(row["rows"])


async def take_resolution_lock(tx: AsyncManagedTransaction) -> None:
    await run(tx, "take_resolution_lock")


async def write_rows(tx: AsyncManagedTransaction, name: str, rows: Sequence[Any]) -> None:
    """Runs one `UNWIND $rows` write statement, skipping the round trip when there is nothing to write."""
    if rows:
        await run(tx, name, rows=list(rows))


async def write_interactions(
    tx: AsyncManagedTransaction, rows: Sequence[Row], devices: Collection[str], products: Mapping[str, Row]
) -> None:
    """Runs `upsert_interactions` for some rows, after merging the devices and products they name
    (`products`: sku -> {sku, name, category}), in key order."""
    if devices or products:
        await run(
            tx,
            "merge_products_and_devices",
            devices=sorted(devices),
            products=[products[sku] for sku in sorted(products)],
        )
    await write_rows(tx, "upsert_interactions", rows)


async def dirty_record_keys(tx: AsyncManagedTransaction, limit: int) -> list[str]:
    return [row["key"] for row in await run(tx, "dirty_record_keys", limit=limit)]


async def mark_records_dirty(tx: AsyncManagedTransaction, limit: int) -> int:
    rows = await run(tx, "mark_records_dirty", limit=limit)
    return int(rows[0]["marked"])


async def resolution_neighbourhood(
    tx: AsyncManagedTransaction,
    follow: Sequence[str],
    members_of: Sequence[str],
    known: Collection[str],
    max_holders: int,
    max_block: int,
    only_dirty: bool,
) -> tuple[list[Row], list[Row]]:
    """One step of resolution's walk: rows of {key, candidates, members} for the records of `follow`
    that can be resolved, and of {key, members} for those of `members_of`; and the rows of every
    record they reach but the `known`. Raises StaleRead when a record reached is not there."""
    keys = [{"key": key, "reach": "candidates"} for key in follow]
    keys += [{"key": key, "reach": "members"} for key in members_of]
    return await _walk_step(tx, keys, known, max_holders, max_block, only_dirty)


async def match_records(tx: AsyncManagedTransaction, keys: Sequence[str], max_block: int) -> list[Row]:
    """The rows of some records an earlier statement of `tx` found (`resolution_neighbourhood`,
    reaching nothing beyond them); raises StaleRead when one is missing."""
    given = [{"key": key, "reach": "record"} for key in keys]
    _, records = await _walk_step(tx, given, (), 0, max_block, False)
    return records


async def _walk_step(
    tx: AsyncManagedTransaction,
    keys: list[Row],
    known: Collection[str],
    max_holders: int,
    max_block: int,
    only_dirty: bool,
) -> tuple[list[Row], list[Row]]:
    [row] = await run(
        tx,
        "resolution_neighbourhood",
        keys=keys,
        known=dict.fromkeys(known, True),
        maxHolders=max_holders,
        maxBlock=max_block,
        onlyDirty=only_dirty,
    )
    hops, records = list(row["hops"]), list(row["records"])
    wanted = {key for hop in hops for key in (*hop["candidates"], *hop["members"])}
    wanted.update(given["key"] for given in keys if given["reach"] == "record")
    missing = wanted.difference(known, (record["key"] for record in records))
    if missing:
        named = ", ".join(sorted(missing)[:5])
        raise StaleRead(f"records found earlier in the transaction are gone: {named}")
    return hops, records


async def record_keys_page(tx: AsyncManagedTransaction, after: str, limit: int) -> list[str]:
    return [row["key"] for row in await run(tx, "record_keys_page", after=after, limit=limit)]


async def write_clusters(
    tx: AsyncManagedTransaction, keys: Sequence[str], clusters: Sequence[Row], links: Sequence[Row]
) -> None:
    """Runs no statement when no cluster changed: besides a round trip, an empty list of keys is
    a parameter of another type to Neo4j than a list of strings, so the statement was planned a
    second time (253 ms for a GraphQL `ingest` right after a bulk load)."""
    if keys or clusters:
        await run(tx, "write_clusters", keys=list(keys), clusters=list(clusters), links=list(links))


async def write_merges(tx: AsyncManagedTransaction, merges: Mapping[str, str], reason: str) -> None:
    if merges:
        rows = [{"from": old, "to": survivor, "reason": reason} for old, survivor in sorted(merges.items())]
        await run(tx, "write_merges", merges=rows)
