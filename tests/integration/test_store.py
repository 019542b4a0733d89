from __future__ import annotations

import gc
import sys

import pytest
from neo4j import AsyncManagedTransaction

from service.graph import store
from service.graph.database import Database
from service.resolution.blocking import MAX_BLOCK


async def test_a_statement_keeps_none_of_its_parameters_once_it_is_done(database: Database) -> None:
    # The driver's result keeps its parameters and is freed only by the cycle collector: a batch's
    # rows must not wait for it.
    household_id = "".join(["household-", "nowhere"])  # a fresh object, not an interned constant
    before = sys.getrefcount(household_id)
    gc.disable()
    try:
        rows = await database.in_read_transaction(
            lambda tx: store.run(tx, "households_by_ids", ids=[household_id])
        )
        assert rows == []
        assert sys.getrefcount(household_id) == before
    finally:
        gc.enable()


async def test_a_record_missing_from_match_records_is_a_stale_read_and_the_transaction_runs_again(
    database: Database,
) -> None:
    await database.driver.execute_query("CREATE (:SourceRecord {key: 'crm:1', source: 'crm', dirty: false})")
    attempts: list[list[str]] = []

    async def work(tx: AsyncManagedTransaction) -> list[str]:
        # The first attempt asks for a record as if an earlier statement had found it.
        keys = ["crm:1", "crm:gone"] if not attempts else ["crm:1"]
        attempts.append(keys)
        return [row["key"] for row in await store.match_records(tx, keys, MAX_BLOCK)]

    assert await database.in_read_transaction(work) == ["crm:1"]
    assert attempts == [["crm:1", "crm:gone"], ["crm:1"]]

    async def missing(tx: AsyncManagedTransaction) -> None:
        with pytest.raises(store.StaleRead, match="crm:gone"):
            await store.match_records(tx, ["crm:gone"], MAX_BLOCK)

    await database.in_read_transaction(missing)
