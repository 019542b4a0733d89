"""The one place that talks to Neo4j: an async driver, named queries, timing and health.

Example:
    async with Database(get_settings()) as db:
        rows = await db.read("customer_360", id="cus_01")
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from neo4j import READ_ACCESS, AsyncGraphDatabase, AsyncManagedTransaction, Query, Record, RoutingControl
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from prometheus_client import Histogram

from service.config import Settings
from service.graph.cypher import statement, statements

T = TypeVar("T")

QUERY_SECONDS = Histogram(
    "kith_neo4j_query_seconds", "Time spent in Neo4j queries, by named query", ["query"]
)


class DatabaseUnavailable(RuntimeError):
    """Neo4j did not answer; callers report UNAVAILABLE and retry later."""


def named(name: str) -> Query:
    # Cypher text comes only from the project's own files; values always travel as parameters.
    return Query(statement(name))


class Database:
    """An async Neo4j driver with a few conveniences; share one per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.password()),
            connection_timeout=5.0,
            connection_acquisition_timeout=10.0,
            max_connection_pool_size=50,
            max_transaction_retry_time=settings.kith_retry_seconds,
            # Schema hints ("unknown relationship type") on an empty graph are noise, not news.
            notifications_min_severity="OFF",
        )
        self.queries_run = 0  # counted so tests can prove a 360 costs a fixed number of round trips

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.driver.close()

    async def _timed(self, name: str, work: Awaitable[list[Record]]) -> list[dict[str, Any]]:
        self.queries_run += 1
        started = time.perf_counter()
        try:
            records = await work
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise DatabaseUnavailable(f"Neo4j is not answering: {error}") from error
        finally:
            QUERY_SECONDS.labels(name).observe(time.perf_counter() - started)
        # Named queries return values, lists and maps, never nodes: a plain dict skips the driver's
        # conversion of graph types (`record.data()`). A record is a tuple of its values: zipped with
        # its keys, a 360 row's 21 fields cost one pass in C instead of a lookup each.
        return [dict(zip(record.keys(), record, strict=True)) for record in records]

    async def _managed(self, name: str, routing: RoutingControl, params: dict[str, Any]) -> list[Record]:
        records, _, _ = await self.driver.execute_query(
            named(name), params, routing_=routing, database_=self.settings.neo4j_database
        )
        return records

    async def _auto_commit(self, name: str, params: dict[str, Any]) -> list[Record]:
        async with self.driver.session(
            database=self.settings.neo4j_database, default_access_mode=READ_ACCESS
        ) as session:
            result = await session.run(named(name), params)
            return [record async for record in result]

    async def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Runs a named query in read access mode: a write in it fails and changes nothing. Retried on
        transient errors and while Neo4j is unreachable, for up to KITH_RETRY_SECONDS."""
        return await self._timed(name, self._managed(name, RoutingControl.READ, params))

    async def answer(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Runs a named read for a request being answered: one auto-commit transaction, so one round
        trip instead of a managed transaction's two (BEGIN and RUN, then COMMIT), and no retries: a
        caller waiting on the line is told UNAVAILABLE at once rather than after the retry time."""
        return await self._timed(name, self._auto_commit(name, params))

    async def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return await self._timed(name, self._managed(name, RoutingControl.WRITE, params))

    async def in_write_transaction(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Runs `work` in one write transaction, retried on transient errors: all or nothing."""
        return await self._in_transaction(work, write=True)

    async def in_read_transaction(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Runs `work` in one read transaction (a consistent view across its queries)."""
        return await self._in_transaction(work, write=False)

    async def _in_transaction(
        self, work: Callable[[AsyncManagedTransaction], Awaitable[T]], write: bool
    ) -> T:
        try:
            async with self.driver.session(database=self.settings.neo4j_database) as session:
                execute = session.execute_write if write else session.execute_read
                return await execute(work)
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise DatabaseUnavailable(f"Neo4j is not answering: {error}") from error

    async def ping(self) -> str | None:
        """None when Neo4j answers a query, else the reason it does not."""
        try:
            await self.driver.execute_query("RETURN 1", database_=self.settings.neo4j_database)
        except Exception as error:  # any failure means "not ready"; the reason goes to /readyz
            return f"{type(error).__name__}: {error}"
        return None

    async def apply_schema(self) -> int:
        """Applies `cypher/schema.cypher`; every statement is IF NOT EXISTS, so it is idempotent. An
        index an earlier version created with other options is dropped first, and created anew."""
        async with self.driver.session(database=self.settings.neo4j_database) as session:
            outdated = await (await session.run(named("schema_outdated_indexes"))).value("name")
            for name in outdated:
                await (await session.run(named("schema_drop_index"), name=name)).consume()
            for text in statements("schema"):
                await session.run(Query(text))
        return len(statements("schema"))

    async def wipe(self) -> None:
        """Deletes every node and relationship in batches; constraints and indexes stay."""
        for attempt in range(2):
            try:
                async with self.driver.session(database=self.settings.neo4j_database) as session:
                    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run,
                    # which the driver does not retry: a connection the pool kept from before a
                    # server restart fails once, and the second attempt gets a fresh one.
                    result = await session.run(
                        "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                    )
                    await result.consume()
                return
            except (ServiceUnavailable, SessionExpired) as error:
                if attempt == 1:
                    raise DatabaseUnavailable(f"Neo4j is not answering: {error}") from error
