from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction

from service import privacy
from service.audit import Actor
from service.config import Settings
from service.graph.database import Database
from service.identity import load_model
from service.ingest import Suppressed, ingest_file, ingest_objects, locked_ingest_context, rejects_path
from service.privacy import forget_customer, suppression_list
from service.resolution.model import MatchModel, model_to_json
from service.suppression import SuppressionList
from tests.integration.graph_helpers import clusters, counts, customer_of

MITCHELL = {
    "type": "profile",
    "source": "crm",
    "sourceId": "C-1001",
    "observedAt": "2025-03-01T12:00:00Z",
    "givenName": "Mitchell",
    "familyName": "Green",
    "birthDate": "1956-04-09",
    "gender": "M",
    "address": {"line1": "7 Wallaby Place", "locality": "Cleveland", "postcode": "2119", "country": "AU"},
    "identifiers": [
        {"kind": "EMAIL", "value": "m.green@example.com"},
        {"kind": "PHONE", "value": "0412 345 678"},
    ],
    "devices": [{"id": "dev-13fd", "kind": "MOBILE", "os": "iOS"}],
    "consents": [{"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2025-03-01T12:00:00Z"}],
    "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "C-0007"}}],
}
MITCH_WEB = {
    "source": "webshop",
    "sourceId": "W-9",
    "givenName": "mitch",
    "familyName": "GREEN",
    "birthDate": "1956-13-40",
    "identifiers": [{"kind": "EMAIL", "value": "  M.Green@Example.com "}],
}
COMPLAINT = {
    "type": "interaction",
    "source": "callcentre",
    "sourceId": "T-77",
    "customer": {"source": "crm", "sourceId": "C-1001"},
    "channel": "PHONE",
    "kind": "COMPLAINT",
    "occurredAt": "2025-03-02T09:15:00Z",
    "status": "OPEN",
    "products": [{"sku": "P-100", "name": "Lined paper A4", "quantity": 1, "price": 3.5}],
}


def write_lines(path: Path, lines: list[Any]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


async def test_a_broken_line_is_rejected_with_its_number_and_the_rest_loads(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "crm.jsonl", [MITCHELL, "not json", MITCH_WEB, {"source": "crm"}, "[1, 2]"])
    report = await ingest_file(database, path, settings, MatchModel())
    assert (report.accepted, len(report.rejected)) == (2, 3)
    rejects = [json.loads(line) for line in rejects_path(path).read_text().splitlines()]
    assert [(r["line"], r["reason"].split(":")[0]) for r in rejects] == [
        (2, "not valid JSON"),
        (4, "missing sourceId"),
        (5, "not a JSON object"),
    ]
    assert report.warnings == 1


async def test_an_unusable_field_is_kept_as_given_and_left_out_of_matching(
    database: Database, settings: Settings
) -> None:
    await ingest_objects(database, [MITCHELL, MITCH_WEB], settings)
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord {key: 'webshop:W-9'}) RETURN r.birthDate AS given, r.nBirthDate AS usable, "
        "r.warnings AS warnings"
    )
    assert records[0]["given"] == "1956-13-40"
    assert records[0]["usable"] is None
    assert records[0]["warnings"] == ["birthDate: not a valid date: 1956-13-40"]
    assert await customer_of(database, "webshop:W-9") == await customer_of(database, "crm:C-1001")


async def test_loading_the_same_file_twice_changes_nothing(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "all.jsonl", [MITCHELL, MITCH_WEB, COMPLAINT])
    await ingest_file(database, path, settings, MatchModel())
    first = (await counts(database), await clusters(database))
    await ingest_file(database, path, settings, MatchModel())
    assert (await counts(database), await clusters(database)) == first


async def test_a_line_loaded_again_unchanged_leaves_its_record_alone_and_a_changed_one_is_written(
    database: Database, settings: Settings
) -> None:
    await ingest_objects(database, [MITCHELL, MITCH_WEB], settings)
    # A mark only a rewrite would wipe: `SET r += props` puts the line's given name back.
    await database.driver.execute_query("MATCH (r:SourceRecord {key: 'crm:C-1001'}) SET r.givenName = 'mark'")
    await ingest_objects(database, [MITCHELL, MITCH_WEB], settings)
    read = "MATCH (r:SourceRecord {key: 'crm:C-1001'}) RETURN r.givenName AS given, r.dirty AS dirty"
    records, _, _ = await database.driver.execute_query(read)
    assert (records[0]["given"], records[0]["dirty"]) == ("mark", False)
    await ingest_objects(database, [{**MITCHELL, "familyName": "Greene"}], settings)
    records, _, _ = await database.driver.execute_query(read)
    assert (records[0]["given"], records[0]["dirty"]) == ("Mitchell", False)
    assert await customer_of(database, "webshop:W-9") == await customer_of(database, "crm:C-1001")


async def test_a_product_named_by_several_lines_of_a_batch_keeps_the_last_name_given(
    database: Database, settings: Settings
) -> None:
    # Products are merged once per batch: the outcome must still be that of merging line by line.
    named = [
        {**COMPLAINT, "sourceId": f"T-{n}", "products": [{"sku": "P-100", **product}]}
        for n, product in enumerate(
            [{"name": "Paper", "category": "office"}, {"name": "Lined paper"}, {"category": None}]
        )
    ]
    await ingest_objects(database, named, settings)
    records, _, _ = await database.driver.execute_query(
        "MATCH (p:Product {sku: 'P-100'})<-[:ABOUT]-(i:Interaction) "
        "RETURN p.name AS name, p.category AS category, count(i) AS lines"
    )
    assert [record.values() for record in records] == [["Lined paper", "office", 3]]


async def test_versions_of_an_interaction_in_batches_written_at_once_land_in_file_order(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    # Batches of 3 interactions: a batch's interactions are written while the next is prepared and
    # its thin records resolved; the later version of a line must still be the one that stays.
    login = {
        **COMPLAINT,
        "sourceId": "L-1",
        "customer": {"identifier": {"kind": "EMAIL", "value": "m@x.com"}},
    }
    lines = [
        {**COMPLAINT, "status": "OPEN"},
        *[{**login, "sourceId": f"L-{n}"} for n in range(5)],
        {**COMPLAINT, "status": "RESOLVED"},
        {**login, "sourceId": "L-9"},
    ]
    path = write_lines(tmp_path / "versions.jsonl", lines)
    report = await ingest_file(database, path, settings, MatchModel(), batch_size=1)
    assert report.accepted == len(lines)
    records, _, _ = await database.driver.execute_query(
        "MATCH (i:Interaction) OPTIONAL MATCH (r:SourceRecord)-[:HAD]->(i) "
        "RETURN i.key AS key, i.status AS status, r.thin AS thin ORDER BY key"
    )
    assert [(r["key"], r["status"], r["thin"]) for r in records] == [
        ("callcentre:L-0", "OPEN", True),
        ("callcentre:L-1", "OPEN", True),
        ("callcentre:L-2", "OPEN", True),
        ("callcentre:L-3", "OPEN", True),
        ("callcentre:L-4", "OPEN", True),
        ("callcentre:L-9", "OPEN", True),
        ("callcentre:T-77", "RESOLVED", None),
    ]


async def test_an_interaction_waits_for_its_customer_and_attaches_when_they_arrive(
    database: Database, settings: Settings
) -> None:
    await ingest_objects(database, [COMPLAINT], settings)
    assert await customer_of(database, "crm:C-1001") is None
    await ingest_objects(database, [MITCHELL], settings)
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)<-[:BELONGS_TO]-(:SourceRecord)-[:HAD]->(i:Interaction {key: 'callcentre:T-77'}) "
        "RETURN c.displayName AS name"
    )
    assert [record["name"] for record in records] == ["Mitchell Green"]


async def test_an_unknown_identifier_makes_a_thin_customer_that_joins_the_profile_later(
    database: Database, settings: Settings
) -> None:
    login = {
        "type": "interaction",
        "source": "web",
        "sourceId": "X-1",
        "customer": {"identifier": {"kind": "EMAIL", "value": " M.GREEN@example.com"}},
        "channel": "WEB",
        "kind": "LOGIN",
    }
    await ingest_objects(database, [login], settings)
    thin = await customer_of(database, "kith:identifier:EMAIL:m.green@example.com")
    assert thin is not None
    await ingest_objects(database, [MITCHELL], settings)
    assert await customer_of(database, "kith:identifier:EMAIL:m.green@example.com") == await customer_of(
        database, "crm:C-1001"
    )


async def test_the_older_customer_id_survives_a_merge_and_the_other_redirects(
    database: Database, settings: Settings
) -> None:
    await ingest_objects(database, [MITCHELL], settings)
    older = await customer_of(database, "crm:C-1001")
    loyalty = {
        "source": "store",
        "sourceId": "S-5",
        "givenName": "Mitchell",
        "familyName": "Green",
        "identifiers": [{"kind": "LOYALTY_ID", "value": "L-777"}],
    }
    await ingest_objects(database, [loyalty], settings)
    younger = await customer_of(database, "store:S-5")
    assert younger != older
    bridge = {**MITCHELL, "identifiers": [*MITCHELL["identifiers"], {"kind": "LOYALTY_ID", "value": "L-777"}]}
    await ingest_objects(database, [bridge], settings)
    assert await customer_of(database, "store:S-5") == older
    rows = await database.read("customer_by_id", id=younger)
    assert [row["id"] for row in rows] == [older]


async def test_csv_columns_map_onto_the_json_shape(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "source,sourceId,givenName,familyName,birthDate,address.postcode,address.country,email,phone\n"
        "crm,C-1,Ann,Lee,1980-02-03,SW1A 1AA,GB,ann@example.com|ann.lee@example.com,07911 123456\n"
        "crm,,Bad,Row,,,,,\n"
    )
    report = await ingest_file(database, path, settings, MatchModel())
    assert (report.accepted, [r.index for r in report.rejected]) == (1, [3])
    records, _, _ = await database.driver.execute_query(
        "MATCH (:SourceRecord {key: 'crm:C-1'})-[:HAS_IDENTIFIER]->(i) RETURN i.key AS key ORDER BY key"
    )
    assert [record["key"] for record in records] == [
        "EMAIL:ann.lee@example.com",
        "EMAIL:ann@example.com",
        "PHONE:+447911123456",
    ]


async def test_two_ingests_at_once_end_as_one_after_the_other(database: Database, settings: Settings) -> None:
    family = [
        {
            "source": "crm",
            "sourceId": f"C-{n}",
            "givenName": name,
            "familyName": "Okafor",
            "birthDate": born,
            "identifiers": [{"kind": "EMAIL", "value": email}, {"kind": "PHONE", "value": "020 7946 0018"}],
        }
        for n, (name, born, email) in enumerate(
            [
                ("Ada", "1970-01-02", "ada@example.com"),
                ("Obi", "1968-05-06", "obi@example.com"),
                ("Ada", "1970-01-02", "family@example.com"),
            ]
        )
    ]
    web = [
        {
            "source": "web",
            "sourceId": f"W-{n}",
            "givenName": p["givenName"],
            "familyName": "OKAFOR",
            "identifiers": p["identifiers"][:1],
        }
        for n, p in enumerate(family)
    ]
    await asyncio.gather(
        ingest_objects(database, family, settings),
        ingest_objects(database, web, settings),
    )
    together = await clusters(database)
    await database.wipe()
    await ingest_objects(database, family, settings)
    await ingest_objects(database, web, settings)
    assert await clusters(database) == together
    obi = {"crm:C-1", "web:W-1"}
    assert obi in together  # the shared landline merges Obi with no Ada record


async def test_every_statement_on_the_ingest_path_keeps_its_plan(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Replanning as a graph grows stalled ingest batches and mutations by 30-170 ms a statement while
    # the plans came out the same; a statement added to the path must opt out of replanning too.
    texts: list[str] = []
    run = AsyncManagedTransaction.run

    async def recording(self: AsyncManagedTransaction, query: Any, *args: Any, **kwargs: Any) -> Any:
        texts.append(str(getattr(query, "text", query)))
        return await run(self, query, *args, **kwargs)

    monkeypatch.setattr(AsyncManagedTransaction, "run", recording)
    login = {**COMPLAINT, "customer": {"identifier": {"kind": "EMAIL", "value": "m.green@example.com"}}}
    await ingest_objects(database, [MITCH_WEB, login], settings)
    await ingest_objects(database, [MITCHELL, COMPLAINT], settings)
    assert len(texts) > 10
    assert [text for text in texts if not text.startswith("CYPHER replan=skip")] == []


async def test_the_ingest_context_is_the_stored_model_and_the_suppression_list(
    database: Database, settings: Settings
) -> None:
    def context(tx: AsyncManagedTransaction) -> Awaitable[tuple[MatchModel, SuppressionList]]:
        return locked_ingest_context(tx, settings)

    assert (await database.in_write_transaction(context))[0] == MatchModel()
    stored = replace(MatchModel(), threshold=0.95, family_frequencies={"green": 0.01})
    await database.write("write_match_model", parameters=model_to_json(stored), records=2)
    model, suppression = await database.in_write_transaction(context)
    assert model == stored == await load_model(database)
    assert suppression.hashes == (await suppression_list(database, settings)).hashes


async def test_a_request_waiting_while_its_person_is_forgotten_is_turned_away(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The request reads the suppression list under the resolution lock, which the erasure holds until
    # it commits: read any earlier, Mitchell's line would bring him back.
    await ingest_objects(database, [MITCHELL], settings)
    customer = await customer_of(database, "crm:C-1001")
    assert customer is not None
    erasing, finish = asyncio.Event(), asyncio.Event()
    append = privacy.audit.append

    async def paused(*args: Any, **kwargs: Any) -> None:
        erasing.set()
        await finish.wait()
        await append(*args, **kwargs)

    monkeypatch.setattr(privacy.audit, "append", paused)
    actor = Actor("admin:test")
    forget = asyncio.create_task(forget_customer(database, settings, actor, customer, "request #1"))
    await erasing.wait()
    reload = asyncio.create_task(ingest_objects(database, [MITCHELL], settings))
    await asyncio.sleep(0.5)  # the request is waiting for the lock
    finish.set()
    await forget
    report = await reload
    assert (report.accepted, [rejection.reason for rejection in report.rejected]) == (0, [str(Suppressed())])
    assert await customer_of(database, "crm:C-1001") is None


async def test_a_record_reloaded_unchanged_beside_a_new_match_takes_it_in(
    database: Database, settings: Settings
) -> None:
    # Mitchell's line, loaded again unchanged, is a clean seed of the second batch: resolution passes
    # it by as a seed and must still read it whole when his web record, new in that batch, leads to it.
    await ingest_objects(database, [MITCHELL], settings)
    await ingest_objects(database, [MITCHELL, MITCH_WEB], settings)
    assert await customer_of(database, "webshop:W-9") == await customer_of(database, "crm:C-1001")


async def test_a_customer_gaining_a_record_keeps_its_other_records_and_their_evidence_as_they_were(
    database: Database, settings: Settings
) -> None:
    await ingest_objects(database, [MITCHELL, MITCH_WEB], settings)
    query = (
        "MATCH (c:Customer)<-[:BELONGS_TO]-(r:SourceRecord) WHERE c.mergedInto IS NULL "
        "RETURN c.id AS id, c.recordCount AS size, "
        "[(r)-[s:SAME_AS]-(o) | [r.key, o.key, elementId(s), toString(s.at)]] AS links"
    )

    async def customer() -> tuple[str, int, set[tuple[str, ...]]]:
        rows, _, _ = await database.driver.execute_query(query)
        assert len({row["id"] for row in rows}) == 1
        return rows[0]["id"], rows[0]["size"], {tuple(link) for row in rows for link in row["links"]}

    customer_id, size, links = await customer()
    assert size == 2 and {(a, b) for a, b, *_ in links} == {
        ("crm:C-1001", "webshop:W-9"),
        ("webshop:W-9", "crm:C-1001"),
    }
    login = {**COMPLAINT, "customer": {"identifier": {"kind": "EMAIL", "value": "m.green@example.com"}}}
    await ingest_objects(database, [login], settings)
    thin = "kith:identifier:EMAIL:m.green@example.com"
    after_id, after_size, after = await customer()
    assert (after_id, after_size) == (customer_id, 3)
    assert links < after  # the two profiles' link is the same relationship, from the same time
    assert {key for link in after - links for key in link[:2]} >= {thin}
