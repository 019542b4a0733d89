"""Small read helpers shared by the integration tests."""

from __future__ import annotations

from service.graph.database import Database


async def clusters(database: Database) -> set[frozenset[str]]:
    """The partition of resolved source records into customers."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)<-[:BELONGS_TO]-(r:SourceRecord) RETURN c.id AS id, collect(r.key) AS members"
    )
    return {frozenset(record["members"]) for record in records}


async def counts(database: Database, live: bool = False) -> tuple[int, int]:
    """(nodes, relationships) in the graph, the lock node aside.

    With `live`, customer ids merged away (and their redirects) are not counted: they are how ids
    never die, not duplicates.
    """
    records, _, _ = await database.driver.execute_query(
        "MATCH (n) WHERE NOT n:Lock AND NOT ($live AND n.mergedInto IS NOT NULL) WITH count(n) AS nodes "
        "MATCH ()-[r]->() WHERE NOT ($live AND r:MERGED_INTO) RETURN nodes, count(r) AS relationships",
        live=live,
    )
    return records[0]["nodes"], records[0]["relationships"]


async def customer_of(database: Database, record_key: str) -> str | None:
    records, _, _ = await database.driver.execute_query(
        "MATCH (:SourceRecord {key: $key})-[:BELONGS_TO]->(c:Customer) RETURN c.id AS id", key=record_key
    )
    return records[0]["id"] if records else None
