from __future__ import annotations

import gc
import sys
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction

from service.config import Settings
from service.graph import store
from service.graph.database import Database
from service.ingest import ingest_objects
from service.resolution.blocking import MAX_BLOCK
from tests.integration.graph_helpers import clusters


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


async def test_a_record_found_earlier_but_missing_now_is_a_stale_read_and_the_transaction_runs_again(
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


async def test_a_step_of_resolutions_walk_reads_the_records_it_reaches_but_those_already_known(
    database: Database, settings: Settings
) -> None:
    email = {"kind": "EMAIL", "value": "the.greens@example.com"}
    await ingest_objects(
        database,
        [
            {
                "source": "crm",
                "sourceId": "1",
                "givenName": "Ann",
                "familyName": "Green",
                "birthDate": "1956-04-09",
                "identifiers": [email, {"kind": "EMAIL", "value": "ann.green56@example.com"}],
            },
            {
                "source": "web",
                "sourceId": "9",
                "givenName": "Anne",
                "familyName": "Green",
                "identifiers": [{"kind": "EMAIL", "value": "ann.green56@example.com"}],
            },
            {
                "source": "shop",
                "sourceId": "3",
                "givenName": "Tom",
                "familyName": "Green",
                "birthDate": "1954-01-30",
                "identifiers": [email],
            },
        ],
        settings,
    )
    assert await clusters(database) == {frozenset({"crm:1", "web:9"}), frozenset({"shop:3"})}

    async def step(
        follow: list[str], members_of: list[str], known: set[str]
    ) -> tuple[dict[str, tuple[set[str], set[str]]], set[str]]:
        async def work(tx: AsyncManagedTransaction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return await store.resolution_neighbourhood(tx, follow, members_of, known, 10, MAX_BLOCK, False)

        hops, records = await database.in_read_transaction(work)
        return (
            {hop["key"]: (set(hop["candidates"]), set(hop["members"])) for hop in hops},
            {record["key"] for record in records},
        )

    everyone = {"crm:1", "web:9", "shop:3"}
    assert await step(["crm:1"], [], set()) == (
        {"crm:1": ({"web:9", "shop:3"}, {"crm:1", "web:9"})},
        everyone,
    )
    assert await step(["crm:1"], [], {"crm:1", "web:9"}) == (
        {"crm:1": ({"web:9", "shop:3"}, {"crm:1", "web:9"})},
        {"shop:3"},
    )
    # Following only the members walks no identifier: the shared email leads nowhere.
    assert await step([], ["crm:1"], set()) == ({"crm:1": (set(), {"crm:1", "web:9"})}, {"crm:1", "web:9"})
    assert await step(["web:9"], ["shop:3"], everyone) == (
        {"web:9": ({"crm:1"}, {"crm:1", "web:9"}), "shop:3": (set(), {"shop:3"})},
        set(),
    )
