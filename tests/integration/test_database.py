from __future__ import annotations

import re

import pytest
from neo4j.exceptions import ClientError

from service.config import Settings
from service.graph.database import Database
from service.neo4j_local import LocalServer, bolt_answers


def test_the_test_server_answers_bolt_and_start_again_is_a_no_op(neo4j_server: LocalServer) -> None:
    assert bolt_answers(neo4j_server.settings)
    assert neo4j_server.running_pid() is not None or not neo4j_server.settings.is_local
    assert neo4j_server.start() is False


def test_a_wrong_password_is_refused(neo4j_server: LocalServer) -> None:
    wrong = Settings(neo4j_uri=neo4j_server.settings.neo4j_uri, neo4j_password="not-the-password")
    assert not bolt_answers(wrong)


async def test_writes_and_reads_over_bolt(database: Database) -> None:
    await database.driver.execute_query(
        "CREATE (:Customer {id: $id, displayName: $name})", id="c1", name="Ann"
    )
    rows = await database.read("customer_by_id", id="c1")
    assert rows == [
        {"id": "c1", "displayName": "Ann", "givenName": None, "familyName": None, "birthDate": None}
    ]


async def test_the_server_kith_starts_plans_a_statement_once_whatever_the_length_of_its_lists(
    database: Database, neo4j_server: LocalServer
) -> None:
    if not neo4j_server.settings.is_local:
        pytest.skip("a server Kith did not start has its own settings")
    await database.driver.execute_query("CALL db.clearQueryCaches()")
    for length in (1, 2000, 30):
        await database.driver.execute_query("UNWIND $rows AS row RETURN count(row)", rows=list(range(length)))
    cleared = (await database.driver.execute_query("CALL db.clearQueryCaches()")).records[0]["value"]
    # One entry: a request's one row reuses the plan a bulk load's 2,000 rows made, and back.
    entries = re.search(r"cleared of (\d+) quer", cleared)
    assert entries is not None and entries[1] == "1", cleared


async def test_an_answer_reads_as_a_read_does_in_one_auto_commit_transaction(database: Database) -> None:
    await database.driver.execute_query("CREATE (:Customer {id: 'c1', displayName: 'Ann'})")
    before = database.queries_run
    assert await database.answer("customer_by_id", id="c1") == await database.read("customer_by_id", id="c1")
    assert database.queries_run == before + 2
    with pytest.raises(ClientError):
        await database.answer("influence_clear_merged")  # a write: an answer is read-only


async def test_a_merged_id_answers_with_the_survivor(database: Database) -> None:
    await database.driver.execute_query(
        "CREATE (:Customer {id: 'old', displayName: 'Ann'})<-[:MERGED_INTO]-(:Customer {id: 'gone'})"
    )
    rows = await database.read("customer_by_id", id="gone")
    assert [row["id"] for row in rows] == ["old"]


async def test_schema_apply_is_idempotent(database: Database) -> None:
    first = await database.apply_schema()
    second = await database.apply_schema()
    assert first == second
    records, _, _ = await database.driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")
    assert records[0]["n"] >= 9


async def _full_text_updated_after_commit(database: Database) -> dict[str, bool]:
    records, _, _ = await database.driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, options "
        "RETURN name, options.indexConfig.`fulltext.eventually_consistent` AS afterCommit"
    )
    return {record["name"]: record["afterCommit"] for record in records}


async def test_schema_apply_creates_again_a_full_text_index_an_earlier_version_updated_in_the_commit(
    database: Database,
) -> None:
    await database.driver.execute_query("DROP INDEX record_search")
    await database.driver.execute_query(
        "CREATE FULLTEXT INDEX record_search FOR (n:SourceRecord) ON EACH [n.givenName]"
    )
    assert (await _full_text_updated_after_commit(database))["record_search"] is False
    await database.apply_schema()
    await database.driver.execute_query("CALL db.awaitIndexes(60)")
    assert await _full_text_updated_after_commit(database) == {
        "record_search": True,
        "identifier_search": True,
    }


async def test_a_read_query_can_not_write(database: Database) -> None:
    with pytest.raises(ClientError):
        await database.driver.execute_query("CREATE (:Customer {id: 'x'})", routing_="r")
    records, _, _ = await database.driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0


async def test_wipe_keeps_the_schema(database: Database) -> None:
    await database.driver.execute_query("UNWIND range(1, 50) AS i CREATE (:Customer {id: toString(i)})")
    await database.wipe()
    records, _, _ = await database.driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0
    records, _, _ = await database.driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")
    assert records[0]["n"] >= 9
