"""Session-wide real Neo4j for the suite: the server `kith neo4j` manages, on its own port.

The test server listens on KITH_TEST_NEO4J_URI (default bolt://127.0.0.1:7697), never on
NEO4J_URI, so running the suite can not wipe a developer's database. It is started once per
session and stopped at the end if this session started it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from service.config import Settings
from service.graph.database import Database
from service.neo4j_local import LocalServer

TEST_URI = os.environ.get("KITH_TEST_NEO4J_URI", "bolt://127.0.0.1:7697")
os.environ["NEO4J_URI"] = TEST_URI  # anything that reads settings in-process uses the test server
os.environ.setdefault("KITH_HOME", str(Path(__file__).resolve().parents[1] / ".kith"))
os.environ.setdefault("KITH_NEO4J_HEAP", "2g")
os.environ.setdefault("KITH_NEO4J_PAGECACHE", "1g")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(neo4j_uri=TEST_URI)


@pytest.fixture(scope="session")
def neo4j_server(settings: Settings) -> Iterator[LocalServer]:
    server = LocalServer(settings)
    started = server.start()
    yield server
    if started:
        server.stop()


@pytest.fixture(scope="session")
async def session_database(neo4j_server: LocalServer, settings: Settings) -> AsyncIterator[Database]:
    async with Database(settings) as database:
        await database.apply_schema()
        yield database


@pytest.fixture
async def database(session_database: Database) -> Database:
    """The session's database, emptied for this test."""
    await session_database.wipe()
    return session_database
