from __future__ import annotations

import gc

import pytest

from service.cycle_collector import FULL_COLLECTION_EVERY, bulk_load


def test_full_collections_are_rare_while_loads_run_and_come_back_after_the_last() -> None:
    before = gc.get_threshold()
    with bulk_load():
        assert gc.get_threshold() == (before[0], before[1], FULL_COLLECTION_EVERY)
        with bulk_load():
            pass
        assert gc.get_threshold()[2] == FULL_COLLECTION_EVERY  # the first load still runs
    assert gc.get_threshold() == before


def test_the_thresholds_come_back_when_a_load_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(ConnectionError), bulk_load():
        raise ConnectionError("Neo4j went away")
    assert gc.get_threshold() == before
