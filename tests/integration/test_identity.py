from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction

from service.config import Settings
from service.demo import generate
from service.graph import store
from service.graph.database import Database
from service.identity import Neighbourhood, StoredCustomers, estimate_model, load_model, resolve_graph
from service.ingest import ingest_objects
from service.records import record_key
from service.resolution.model import MatchModel
from tests.integration.graph_helpers import clusters


async def resolved_alike_in_three_orders(
    database: Database, settings: Settings, lines: list[dict[str, Any]], batch_sizes: tuple[int, int, int]
) -> set[frozenset[str]]:
    """The customers `lines` make, after checking that loading them as given, reversed and shuffled
    (in those batch sizes), and then `kith resolve --full`, all make the same ones."""
    shuffled = list(lines)
    random.Random(3).shuffle(shuffled)
    outcomes = []
    for order, batch_size in zip((lines, lines[::-1], shuffled), batch_sizes, strict=True):
        await database.wipe()
        await ingest_objects(database, order, settings, batch_size=batch_size)
        outcomes.append(await clusters(database))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    summary = await resolve_graph(database, MatchModel(), full=True)
    assert summary.records >= sum(len(customer) for customer in outcomes[0])
    assert await clusters(database) == outcomes[0]
    return outcomes[0]


async def test_incremental_in_any_order_and_batch_size_equals_a_full_run(
    database: Database, settings: Settings
) -> None:
    profiles = generate(households=40, seed=5, interactions_per_person=0).profiles
    customers = await resolved_alike_in_three_orders(database, settings, profiles, (1000, 7, 50))
    assert {record_key(p["source"], p["sourceId"]) for p in profiles} <= set().union(*customers)
    assert len(customers) < len(profiles)  # it did merge something


async def test_interactions_naming_people_by_identifier_in_any_order_equal_a_full_run(
    database: Database, settings: Settings
) -> None:
    # Batches of interactions alone resolve their thin records with a closure cut short around them
    # (`closed_neighbourhood(around_thin=True)`); mixed and reversed batches take the whole one.
    demo = generate(households=60, seed=11, interactions_per_person=4)
    assert sum("identifier" in (line.get("customer") or {}) for line in demo.interactions) > 10
    lines = [*demo.profiles, *demo.interactions]
    customers = await resolved_alike_in_three_orders(database, settings, lines, (100, 50, 60))
    assert any(len(customer) > 1 for customer in customers if any(k.startswith("kith:") for k in customer))


def test_a_pass_cut_short_around_thin_records_settles_a_cluster_only_if_it_moves_no_one_else() -> None:
    def row(customer: str | None, dirty: bool = False) -> dict[str, Any]:
        return {"customer": customer, "dirty": dirty}

    rows = {"crm:1": row("c1"), "web:1": row("c1"), "crm:2": row("c2"), "kith:e": row(None, dirty=True)}
    around = Neighbourhood(rows, {}, frozenset({"kith:e"}), around_thin=True)
    assert around.settles(("crm:1", "kith:e", "web:1"))  # joins a customer
    assert around.settles(("crm:2",))
    assert around.settles(("kith:e",))  # stays on its own
    assert not around.settles(("crm:1", "crm:2", "kith:e", "web:1"))  # a merge
    assert not around.settles(("kith:e", "web:1"))  # a split
    assert not around.settles(("crm:1",))
    left_dirty = replace(around, rows={**rows, "crm:2": row("c2", dirty=True)})
    assert not left_dirty.settles(("crm:2",))


def test_households_stay_unmoved_only_when_a_customer_gains_records_that_bring_no_household_facts() -> None:
    def row(
        identifiers: tuple[str, ...], customer: str | None = None, dirty: bool = False, **facts: Any
    ) -> dict[str, Any]:
        return {
            "customer": customer,
            "identifiers": [{"key": key} for key in identifiers],
            "dirty": dirty,
            "householdLinks": facts.get("links", False),
            "birthDate": facts.get("birth"),
        }

    rows = {"crm:1": row(("EMAIL:a@x.com",), "c1"), "web:1": row(("PHONE:+44", "EMAIL:a@x.com"), "c1")}

    def unmoved(
        thin: dict[str, Any],
        members: tuple[str, ...] = ("crm:1", "kith:e", "web:1"),
        customer: str = "c1",
        **stored: Any,
    ) -> bool:
        by_key = {**rows, **stored, "kith:e": thin}
        return StoredCustomers(by_key).households_unmoved(members, customer)

    assert unmoved(row(("PHONE:+44",)))
    assert not unmoved(row(("EMAIL:b@x.com",)))  # an identifier the customer did not hold
    assert not unmoved(row((), links=True))  # an address, a device or a relationship
    assert not unmoved(row((), birth="1980-01-02"))
    assert not unmoved(row(("PHONE:+44",)), **{"web:1": row(("PHONE:+44",), "c1", dirty=True)})  # a reload
    assert not unmoved(row(()), members=("crm:1", "kith:e"))  # a split
    # A new customer, even of a record bringing nothing (a junk identifier is left out of its row).
    assert not unmoved(row(()), members=("kith:e",), customer="c2")


async def test_a_pass_that_settles_no_cluster_runs_no_write(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A thin record tying two customers together settles nothing in the pass cut short around it:
    # that pass writes nothing, and runs no `write_clusters` (given no keys, Neo4j planned it anew).
    email = {"kind": "EMAIL", "value": "caleb2007@example.com"}
    web = {"source": "webshop", "sourceId": "W1", "givenName": "Cakeb", "familyName": "Simmons"}
    app = {"source": "app", "sourceId": "A1", "givenName": "Caleb"}
    profiles = [
        {**web, "identifiers": [email, {"kind": "ACCOUNT_ID", "value": "W1"}]},
        {**app, "identifiers": [email, {"kind": "DEVICE_ID", "value": "dev-3e27"}]},
    ]
    await ingest_objects(database, profiles, settings)
    assert await clusters(database) == {frozenset({"webshop:W1"}), frozenset({"app:A1"})}
    written: list[list[str]] = []
    run = store.run

    async def spied(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "write_clusters":
            written.append(params["keys"])
        return await run(tx, name, **params)

    monkeypatch.setattr(store, "run", spied)
    call = {"type": "interaction", "source": "shop", "sourceId": "T1", "customer": {"identifier": email}}
    await ingest_objects(database, [call], settings)
    together = ["app:A1", "kith:identifier:EMAIL:caleb2007@example.com", "webshop:W1"]
    assert written == [together]  # the second pass, over the whole closure
    assert await clusters(database) == {frozenset(together)}


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
    await ingest_objects(database, profiles, settings)
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
    await ingest_objects(database, profiles, settings)
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


async def test_a_thin_record_tying_two_customers_together_is_decided_apart_from_those_that_join_one(
    database: Database, settings: Settings
) -> None:
    # Two named records hold one email but named resolution keeps them apart: a first name alone, and
    # a misspelt one. An interaction naming that email ties them together, which a closure cut short
    # around thin records can not settle: that thin record is decided again with its whole closure,
    # while the other interaction's joins its customer in the first pass.
    email = {"kind": "EMAIL", "value": "caleb2007@example.com"}
    phone = {"kind": "PHONE", "value": "+447823456789"}
    profiles = [
        {
            "source": "webshop",
            "sourceId": "W1",
            "givenName": "Cakeb",
            "familyName": "Simmons",
            "address": {
                "line1": "4 Kelvin Way",
                "locality": "Glasgow",
                "postcode": "G17 3UY",
                "country": "GB",
            },
            "identifiers": [email, {"kind": "ACCOUNT_ID", "value": "W1"}],
        },
        {
            "source": "app",
            "sourceId": "A1",
            "givenName": "Caleb",
            "identifiers": [email, {"kind": "DEVICE_ID", "value": "dev-3e27"}],
        },
        {
            "source": "crm",
            "sourceId": "C1",
            "givenName": "Mary",
            "familyName": "Quinn",
            "birthDate": "1961-03-04",
            "identifiers": [phone],
        },
    ]
    interactions = [
        {"type": "interaction", "source": "shop", "sourceId": f"T{n}", "customer": {"identifier": identifier}}
        for n, identifier in enumerate((email, phone))
    ]
    await ingest_objects(database, profiles, settings)
    before = await clusters(database)
    assert {"webshop:W1"} in before and {"app:A1"} in before, "the scenario needs two customers"
    await ingest_objects(database, interactions, settings)
    outcome = await clusters(database)
    assert {"webshop:W1", "app:A1", "kith:identifier:EMAIL:caleb2007@example.com"} in outcome
    assert {"crm:C1", "kith:identifier:PHONE:+447823456789"} in outcome
    await resolve_graph(database, MatchModel(), full=True)
    assert await clusters(database) == outcome


async def test_a_thin_record_is_placed_against_the_whole_customer_its_holder_belongs_to(
    database: Database, settings: Settings
) -> None:
    # Only Ann's CRM record holds the email; her web record, the same person by her phone, holds her
    # birth date. A pass cut short around thin records reads every record of the customer it
    # reaches: the call joins all of her (three records). A nameless app profile with her email and
    # another birth date is someone else, which only her web record can tell, and takes the call
    # with it: the two thin records share the email, and whose it is can no longer be said.
    email = {"kind": "EMAIL", "value": "ann.green@example.com"}
    phone = {"kind": "PHONE", "value": "+447823456789"}
    ann = {"givenName": "Ann", "familyName": "Green"}
    profiles = [
        {"source": "crm", "sourceId": "C1", **ann, "identifiers": [email, phone]},
        {"source": "webshop", "sourceId": "W1", **ann, "birthDate": "1956-04-09", "identifiers": [phone]},
    ]
    await ingest_objects(database, profiles, settings)
    assert await clusters(database) == {frozenset({"crm:C1", "webshop:W1"})}, "the scenario needs one Ann"
    call = {"type": "interaction", "source": "shop", "sourceId": "T1", "customer": {"identifier": email}}
    await ingest_objects(database, [call], settings)
    thin = "kith:identifier:EMAIL:ann.green@example.com"
    assert await clusters(database) == {frozenset({"crm:C1", "webshop:W1", thin})}
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer) RETURN c.recordCount AS size, c.birthDate AS born"
    )
    assert [(record["size"], record["born"]) for record in records] == [(3, "1956-04-09")]
    stranger = {"source": "app", "sourceId": "A1", "birthDate": "1990-01-30", "identifiers": [email]}
    await ingest_objects(database, [stranger], settings)
    outcome = await clusters(database)
    assert outcome == {frozenset({"crm:C1", "webshop:W1"}), frozenset({"app:A1", thin})}
    await resolve_graph(database, MatchModel(), full=True)
    assert await clusters(database) == outcome
