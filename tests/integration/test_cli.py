"""The `kith` command as a user runs it: a separate process, exit codes, printed summaries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from service.config import Settings
from service.demo import write_demo
from service.graph.database import Database
from tests.integration.graph_helpers import clusters, counts

KITH = [sys.executable, "-m", "service.cli"]


async def kith(*args: str, uri: str, timeout: float = 300) -> tuple[int, str, str]:
    env = {**os.environ, "NEO4J_URI": uri, "KITH_RETRY_SECONDS": "1", "CI": "true"}
    process = await asyncio.create_subprocess_exec(
        *KITH, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, out.decode(), err.decode()


@contextlib.asynccontextmanager
async def cutting_proxy(target_port: int, cut_after_bytes: int) -> AsyncIterator[int]:
    """A TCP proxy to Neo4j that drops every connection, and refuses new ones, once the client
    has sent `cut_after_bytes`: the network failing in the middle of an ingest."""
    sent = 0
    writers: list[asyncio.StreamWriter] = []
    cut = asyncio.Event()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, upstream: bool) -> None:
        nonlocal sent
        with contextlib.suppress(ConnectionError, OSError):
            while not cut.is_set() and (data := await reader.read(65536)):
                if upstream:
                    sent += len(data)
                    if sent > cut_after_bytes:
                        cut.set()
                        for open_writer in writers:
                            open_writer.transport.abort()
                        return
                writer.write(data)
                await writer.drain()
        writer.transport.abort()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if cut.is_set():
            client_writer.transport.abort()
            return
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        writers.extend([client_writer, server_writer])
        await asyncio.gather(
            pipe(client_reader, server_writer, True), pipe(server_reader, client_writer, False)
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def test_ingest_prints_the_summary_and_writes_rejects(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"source": "crm", "sourceId": "1", "givenName": "Ann"}\n{"oops"\n')
    code, out, _ = await kith("ingest", str(path), uri=settings.neo4j_uri)
    assert code == 0
    assert "accepted=1 rejected=1" in out.splitlines()
    reject = json.loads((tmp_path / "mixed.jsonl.rejects.jsonl").read_text())
    assert reject["line"] == 2 and reject["reason"].startswith("not valid JSON")


async def test_a_dropped_connection_fails_clearly_and_a_rerun_completes_without_duplicates(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    files = write_demo(tmp_path, households=150, seed=9, interactions_per_person=1)
    async with cutting_proxy(settings.bolt_port, cut_after_bytes=300_000) as port:
        code, _, err = await kith(
            "ingest", "--batch-size", "100", str(files.profiles), uri=f"bolt://127.0.0.1:{port}"
        )
    assert code == 1
    assert "Neo4j is not answering" in err and "Traceback" not in err
    loaded_before_the_cut = len(await clusters(database))
    assert 0 < loaded_before_the_cut < files.profile_count  # the cut came mid-file
    code, out, _ = await kith("ingest", str(files.profiles), uri=settings.neo4j_uri)
    assert code == 0 and f"accepted={files.profile_count} rejected=0" in out
    after_rerun = (await counts(database, live=True), await clusters(database))
    await database.wipe()
    code, _, _ = await kith("ingest", str(files.profiles), uri=settings.neo4j_uri)
    assert code == 0
    assert (await counts(database, live=True), await clusters(database)) == after_rerun


async def test_wipe_needs_confirmation(database: Database, settings: Settings) -> None:
    code, _, err = await kith("wipe", uri=settings.neo4j_uri)
    assert code == 2 and "--yes" in err


async def test_status_exits_non_zero_when_nothing_answers() -> None:
    code, out, _ = await kith("neo4j", "status", uri="bolt://127.0.0.1:9")
    assert code == 1 and "not answering" in out


async def test_influence_is_recomputed_on_demand(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "circle.jsonl"
    lines = [
        {"source": "crm", "sourceId": "A", "givenName": "Ann", "familyName": "Lee"},
        {
            "source": "crm",
            "sourceId": "B",
            "givenName": "Bob",
            "familyName": "Ray",
            "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "A"}}],
        },
        {
            "source": "crm",
            "sourceId": "C",
            "givenName": "Cy",
            "familyName": "Moe",
            "relationships": [{"kind": "REFERRED_BY", "to": {"source": "crm", "sourceId": "A"}}],
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    code, out, _ = await kith("ingest", str(path), uri=settings.neo4j_uri)
    assert code == 0 and "influence: customers=3 relationships=2" in out
    code, out, _ = await kith("influence", uri=settings.neo4j_uri)
    assert code == 0 and "influence: customers=3" in out
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer) RETURN c.displayName AS name ORDER BY c.influenceScore DESC LIMIT 1"
    )
    assert records[0]["name"] == "Ann Lee"
