"""The 360 query: latency of one client, throughput of 16, and the cost of the service over raw Cypher.

Usage: python benchmarks/api_360.py [--load-households 0] [--samples 500] [--seconds 20]

Runs against the benchmark server as it is (load it first with `benchmarks/ingest_speed.py
--households 50000 --interactions-per-person 10`, or pass --load-households N to load here) and
prints its size: the targets are stated for >= 100,000 customers and >= 1,000,000 interactions.
Both the service figures are taken against a real `kith serve` (uvicorn) process, by lean clients
(`LeanClient`: keep-alive connections writing pre-built requests and reading the replies as bytes):
- single client, warm: p50 / p99 of the full 360, one request at a time, as that client sees it from
  writing the request to having read the reply; the server's CPU time per query meanwhile;
- baseline in the same run: the same row fetched by the hand-written Cypher through the driver (one
  auto-commit read, as the service does), and the ratio service time / raw Cypher time (target <= 1.5):
  neither side pays for a heavy client, so the ratio is what the service adds to the query;
- where the time goes: the share of the single client's time the server spent waiting for Neo4j
  (its own `/metrics`);
- 16 concurrent clients: queries per second, and the server's CPU time per query.
Every reply is checked: a status other than 200 or a GraphQL error stops the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from neo4j import READ_ACCESS
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.common import app_logs_discarded, bench_database, bench_settings
from service.demo import write_demo
from service.graph.cypher import statement
from service.graph.database import Database
from service.ingest import ingest_file
from service.resolution.model import MatchModel

QUERY_360 = """
query Customer360($id: ID!) {
  customer(id: $id) {
    id displayName givenName familyName birthDate
    identifiers { kind value }
    household { id members { id displayName } }
    devices { id kind }
    interactions(first: 20) { totalCount edges { node { id channel kind occurredAt status summary value } } }
    openIssues { id kind occurredAt status agent }
    value { lifetimeSpend orderCount lastPurchase }
    relationships { kind direction customer { id displayName } }
    influence { score reach referrals }
    identityLinks { from { source sourceId } to { source sourceId } rule score evidence }
  }
}
"""


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


async def sizes(database: Database) -> tuple[int, int]:
    rows = await database.read("customer_count")
    records, _, _ = await database.driver.execute_query("MATCH (i:Interaction) RETURN count(i) AS n")
    return int(rows[0]["customers"]), int(records[0]["n"])


async def sample_ids(database: Database, count: int) -> list[str]:
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer) WHERE c.mergedInto IS NULL RETURN c.id AS id ORDER BY c.id"
    )
    ids = [record["id"] for record in records]
    return random.Random(1).sample(ids, min(count, len(ids)))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, body: bytes) -> bytes:
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    """A `kith serve` process on the benchmark graph, and the 360 requests to send it (one per id)."""

    port: int
    pid: int
    requests: list[bytes]

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.pid)

    async def neo4j_seconds(self) -> float:
        """Seconds the server has spent in Neo4j queries so far, from its own `/metrics`."""
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}") as client:
            text = (await client.get("/metrics")).text
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            if family.name == "kith_neo4j_query_seconds"
            for sample in family.samples
            if sample.name.endswith("_sum")
        )


@asynccontextmanager
async def kith_serve(ids: list[str]) -> AsyncIterator[Server]:
    """`kith serve` started on a free port and ready (no API keys: the 360 as the admin sees it)."""
    port = _free_port()
    env = {**os.environ, "NEO4J_URI": bench_settings().neo4j_uri, "KITH_API_KEYS": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "service.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    requests = [
        _post(port, json.dumps({"query": QUERY_360, "variables": {"id": customer_id}}).encode())
        for customer_id in ids
    ]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(200):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
        yield Server(port, process.pid, requests)
    finally:
        process.terminate()
        await process.wait()


class LeanClient:
    """One keep-alive connection that writes pre-built requests and reads the replies as bytes, as wrk
    or autocannon would.

    The load generator shares the two cores with the service and Neo4j: an httpx client spent 1.0-1.4
    ms of CPU a query, a third of the budget, on building and parsing what this sends and reads as
    bytes, and in-process (ASGI transport) that cost landed in the latency measured as the service's.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int) -> LeanClient:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def ask(self, request: bytes) -> None:
        """Sends one request and reads its reply; a status other than 200 or a GraphQL error raises."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        if "content-length" not in headers:
            raise RuntimeError(f"the lean client reads Content-Length framed responses, got {lines[0]}")
        status = int(lines[0].split()[1])
        body = await self.reader.readexactly(int(headers["content-length"]))
        if status != 200 or b'"errors"' in body:
            raise RuntimeError(f"the 360 failed: {status} {body[:300]!r}")

    def close(self) -> None:
        self.writer.close()


async def single_client(server: Server) -> tuple[list[float], float, float]:
    """Latencies in ms of the 360 sent one at a time, the seconds the server spent in Neo4j meanwhile
    and its CPU seconds."""
    client = await LeanClient.connect(server.port)
    latencies = []
    try:
        for request in server.requests[:50]:  # warm-up: the app's first requests and plans compiled
            await client.ask(request)
        neo4j_before, cpu_before = await server.neo4j_seconds(), server.cpu_seconds()
        for request in server.requests:
            started = time.perf_counter()
            await client.ask(request)
            latencies.append((time.perf_counter() - started) * 1000)
        cpu = server.cpu_seconds() - cpu_before
        neo4j = await server.neo4j_seconds() - neo4j_before
    finally:
        client.close()
    return latencies, neo4j, cpu


async def raw_cypher(database: Database, ids: list[str]) -> list[float]:
    """The same 360 row by the hand-written query through the driver, read as the service reads it: one
    auto-commit transaction (the row brings the household members and related customers by name)."""
    text = statement("customers_by_ids")
    latencies = []
    for customer_id in ids:
        started = time.perf_counter()
        async with database.driver.session(default_access_mode=READ_ACCESS) as session:
            result = await session.run(text, ids=[customer_id], latest=20)
            await result.values()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def concurrent_clients(server: Server, clients: int, seconds: float) -> tuple[int, float, float]:
    """Queries answered by `clients` lean clients in `seconds`, the seconds taken and the server's CPU
    seconds meanwhile."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def one_client(offset: int) -> None:
        nonlocal done
        client = await LeanClient.connect(server.port)
        index = offset
        try:
            while time.perf_counter() < deadline:
                await client.ask(server.requests[index % len(server.requests)])
                done += 1
                index += clients
        finally:
            client.close()

    cpu_before = server.cpu_seconds()
    started = time.perf_counter()
    await asyncio.gather(*(one_client(n) for n in range(clients)))
    return done, time.perf_counter() - started, server.cpu_seconds() - cpu_before


async def measure(load_households: int, samples: int, seconds: float) -> None:
    async with bench_database(wipe=load_households > 0) as database:
        if load_households:
            with tempfile.TemporaryDirectory() as folder:
                files = write_demo(Path(folder), load_households, seed=3, interactions_per_person=10)
                for path in (files.profiles, files.interactions):
                    await ingest_file(database, path, bench_settings(), MatchModel())
        customers, interactions = await sizes(database)
        print(
            f"graph: {customers} customers, {interactions} interactions "
            "(targets are stated for >= 100,000 and >= 1,000,000)"
        )
        ids = await sample_ids(database, samples)
        # Every sampled customer is read once before either is timed: whichever came first would
        # otherwise pay for bringing the pages into Neo4j's cache, and the other find them there.
        await raw_cypher(database, ids)
        async with kith_serve(ids) as server:
            latencies, neo4j_seconds, single_cpu = await single_client(server)
            raw = await raw_cypher(database, ids)
            done, elapsed, server_cpu = await concurrent_clients(server, 16, seconds)
    service_ms, raw_ms = statistics.median(latencies), statistics.median(raw)
    print(
        f"single client, warm, {len(latencies)} queries against `kith serve`: "
        f"p50={quantile(latencies, 50):.1f}ms p99={quantile(latencies, 99):.1f}ms (targets 8ms / 25ms); "
        f"the server's CPU: {single_cpu / len(latencies) * 1000:.2f} ms a query"
    )
    print(
        f"raw Cypher through the driver: p50={raw_ms:.1f}ms p99={quantile(raw, 99):.1f}ms; "
        f"service/raw = {service_ms / raw_ms:.2f} (target <= 1.5)"
    )
    print(
        f"where the time goes: {neo4j_seconds / (sum(latencies) / 1000):.0%} of the single client's time "
        "the server was waiting for Neo4j, the rest in HTTP, GraphQL parsing, validation, resolvers "
        "and JSON"
    )
    print(
        f"16 concurrent clients against `kith serve`: {done / elapsed:.0f} queries/s over {elapsed:.0f}s "
        f"(target >= 400/s); the server's CPU: {server_cpu / done * 1000:.2f} ms a query"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--load-households", type=int, default=0)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with app_logs_discarded():
        asyncio.run(measure(args.load_households, args.samples, args.seconds))


if __name__ == "__main__":
    main()
