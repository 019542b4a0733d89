from __future__ import annotations

import random

from service.config import Settings
from service.demo import generate
from service.graph.database import Database
from service.identity import estimate_model, load_model, resolve_graph
from service.ingest import ingest_objects
from service.resolution.model import MatchModel
from tests.integration.graph_helpers import clusters


async def test_incremental_in_any_order_and_batch_size_equals_a_full_run(
    database: Database, settings: Settings
) -> None:
    profiles = generate(households=40, seed=5, interactions_per_person=0).profiles
    shuffled = list(profiles)
    random.Random(3).shuffle(shuffled)
    outcomes = []
    for order, batch_size in ((profiles, 1000), (profiles[::-1], 7), (shuffled, 50)):
        await database.wipe()
        await ingest_objects(database, order, settings, MatchModel(), batch_size=batch_size)
        outcomes.append(await clusters(database))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    summary = await resolve_graph(database, MatchModel(), full=True)
    assert summary.records >= len(profiles)
    assert await clusters(database) == outcomes[0]
    assert len(outcomes[0]) < len(profiles)  # it did merge something


async def test_resolve_picks_up_records_left_dirty(database: Database, settings: Settings) -> None:
    profiles = [
        {
            "source": "crm",
            "sourceId": "1",
            "givenName": "Ann",
            "familyName": "Lee",
            "birthDate": "1980-02-03",
            "identifiers": [{"kind": "EMAIL", "value": "ann@example.com"}],
        },
        {
            "source": "web",
            "sourceId": "1",
            "givenName": "Ann",
            "familyName": "Lee",
            "identifiers": [{"kind": "EMAIL", "value": "ann@example.com"}],
        },
    ]
    await ingest_objects(database, profiles, settings, MatchModel())
    together = await clusters(database)
    # Undo the resolution as an interrupted run would leave it: records dirty, no customers.
    await database.driver.execute_query(
        "MATCH (r:SourceRecord) SET r.dirty = true WITH r MATCH (r)-[b:BELONGS_TO|SAME_AS]-() DELETE b"
    )
    assert await clusters(database) == set()
    summary = await resolve_graph(database, MatchModel())
    assert summary.records == 2
    assert await clusters(database) == together == {frozenset({"crm:1", "web:1"})}


async def test_the_estimated_model_is_learnt_from_the_graph_stored_and_resolved_with(
    database: Database, settings: Settings
) -> None:
    profiles = generate(households=60, seed=9, interactions_per_person=0).profiles
    await ingest_objects(database, profiles, settings, MatchModel())
    model, records = await estimate_model(database, pairs=20_000, seed=1)
    assert records >= len(profiles)
    # u from random pairs and m by EM both moved away from the defaults, and the model is kept.
    assert [c.u for c in model.comparisons] != [c.u for c in MatchModel().comparisons]
    assert [c.m for c in model.comparisons] != [c.m for c in MatchModel().comparisons]
    assert await load_model(database) == model
    before = await clusters(database)
    await resolve_graph(database, model, full=True)
    after = await clusters(database)
    assert len(after) < len(profiles)
    # The learnt model disagrees with the defaults on a few records at most.
    assert len(before ^ after) <= len(before) // 10
