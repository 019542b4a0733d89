from __future__ import annotations

import gc
import sys

from service.graph import store
from service.graph.database import Database


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
