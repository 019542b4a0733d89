"""Ingest speed: demo profiles and interactions through `kith ingest`'s code path, resolved.

Usage: python benchmarks/ingest_speed.py [--households 20500] [--interactions-per-person 12]
       python benchmarks/ingest_speed.py --mutations-only 300

The defaults make about 100,000 profiles and 500,000 interactions. Prints profiles/s and
interactions/s (ingested AND resolved), the Python process's peak memory, and the latency of one
profile sent through the GraphQL `ingest` mutation on the loaded graph (p50/p99 of new people from a
demo of another seed): for the first 200 right after the bulk load, and for the 200 after them. The
first meet the JVM still compiling Neo4j's code for one-profile writes, which the bulk load never
ran (its JIT compiler thread was then Neo4j's busiest, 5.5 ms of CPU a mutation on two cores, 1.2 ms
45 s later), and, until the bulk load stopped leaving its rows to the cycle collector
(`service.graph.store.run`), this process's full collections of them: their p99 fell from 56 ms
to 23-28 ms then. The baselines, measured in the same run, are the floor Neo4j sets on
this machine: the same profile rows, and the same interaction rows, each written with a bare
`UNWIND ... CREATE` of one node each, no identifiers and no resolution. This machine's speed varies
from day to day (the profile baseline from 15,500/s to 29,000/s): compare runs by their ratios to
the baselines. A second measure splits kith's own time: the same file through the same ingest with
identity resolution switched off (records, identifiers and everything they link to written, the
lock taken, no one resolved), on an empty graph that is wiped again afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest.mock import patch

import httpx
import orjson

from benchmarks.common import app_logs_discarded, bench_database, bench_settings, peak_memory_mb
from service.api.app import create_app, settle_heap
from service.demo import write_demo
from service.graph.database import Database
from service.identity import PassSummary
from service.ingest import BATCH_SIZE, ingest_file, read_lines
from service.records import Rejected
from service.resolution.model import MatchModel

MUTATION = "mutation($p: [ProfileInput!]) { ingest(profiles: $p) { accepted rejected { index reason } } }"


BASELINE_CREATE = "UNWIND $rows AS row CREATE (b:Baseline) SET b = row"


async def bare_create_baseline(database: Database, path: Path) -> float:
    """Lines/s of the plainest possible write of the same lines (parsed, not normalised)."""
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    count = 0
    for _, _, parsed, _ in read_lines(path):
        if isinstance(parsed, Rejected):
            continue
        record = parsed.record
        rows.append({"key": "baseline:" + record.key, "source": record.source, "sourceId": record.sourceId})
        if len(rows) == BATCH_SIZE:
            await database.driver.execute_query(BASELINE_CREATE, rows=rows)
            count, rows = count + len(rows), []
    if rows:
        await database.driver.execute_query(BASELINE_CREATE, rows=rows)
        count += len(rows)
    rate = count / (time.perf_counter() - started)
    async with database.driver.session() as session:
        await (
            await session.run("MATCH (b:Baseline) CALL (b) { DELETE b } IN TRANSACTIONS OF 10000 ROWS")
        ).consume()
    return rate


async def _resolve_nothing(*_: Any) -> PassSummary:
    return PassSummary(records=0, clusters=0, merges=0)


async def unresolved_rate(database: Database, path: Path) -> float:
    """Profiles/s of the file through `ingest_file` with identity resolution switched off; the graph
    is wiped afterwards. The difference from the full ingest is what resolving costs."""
    with patch("service.ingest.resolve_keys", _resolve_nothing):
        started = time.perf_counter()
        report = await ingest_file(database, path, bench_settings(), MatchModel())
        rate = report.accepted / (time.perf_counter() - started)
    await database.wipe()
    return rate


# Numbers a source hands out in sequence (the demo's "W0000001"): another seed issues the same ones.
ISSUED_KINDS = {"ACCOUNT_ID", "LOYALTY_ID", "COOKIE_ID", "DEVICE_ID", "NATIONAL_ID"}


def new_people(folder: Path, count: int, seed: int = 97) -> list[dict[str, Any]]:
    """Profiles of people the loaded graph has not seen, as varied as real arrivals: the demo
    generator with another seed. Source ids and issued numbers get the seed in front, so none lands
    on a loaded record or someone else's account, and relationships are left out (they would name
    loaded records of other people)."""
    files = write_demo(folder, count // 4 + 1, seed=seed)
    people: list[dict[str, Any]] = []
    with files.profiles.open("rb") as lines:
        for line in lines:
            profile = orjson.loads(line)
            del profile["type"]
            profile.pop("relationships", None)
            profile["sourceId"] = f"new{seed}-{profile['sourceId']}"
            for identifier in profile.get("identifiers", []):
                if identifier["kind"] in ISSUED_KINDS:
                    identifier["value"] = f"{seed}{identifier['value']}"
            people.append(profile)
            if len(people) == count:
                break
    return people


async def mutation_latencies(database: Database, people: list[dict[str, Any]]) -> list[float]:
    app = create_app(bench_settings())
    app.state.database = database
    settle_heap()  # as `kith serve` does when it starts
    latencies = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kith") as client:
        for profile in people:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": MUTATION, "variables": {"p": [profile]}})
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.json()["data"]["ingest"]["accepted"] == 1, response.text
    return latencies


async def measure(households: int, per_person: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        files = write_demo(Path(folder), households, seed=3, interactions_per_person=per_person)
        print(
            f"generated {files.profile_count} profiles and {files.interaction_count} interactions "
            f"in {time.perf_counter() - started:.0f}s"
        )
        async with bench_database() as database:
            baseline = await bare_create_baseline(database, files.profiles)
            interaction_baseline = await bare_create_baseline(database, files.interactions)
            unresolved = await unresolved_rate(database, files.profiles)
            started = time.perf_counter()
            profiles = await ingest_file(database, files.profiles, bench_settings(), MatchModel())
            profile_seconds = time.perf_counter() - started
            started = time.perf_counter()
            interactions = await ingest_file(database, files.interactions, bench_settings(), MatchModel())
            interaction_seconds = time.perf_counter() - started
            first = await mutation_latencies(database, new_people(Path(folder) / "first", 200, seed=97))
            latencies = await mutation_latencies(database, new_people(Path(folder) / "new", 200, seed=98))
    profile_rate = profiles.accepted / profile_seconds
    interaction_rate = interactions.accepted / interaction_seconds
    print(
        f"profiles:     {profiles.accepted} in {profile_seconds:.1f}s = {profile_rate:.0f}/s "
        "(target >= 3000/s)"
    )
    print(
        f"interactions: {interactions.accepted} in {interaction_seconds:.1f}s = "
        f"{interaction_rate:.0f}/s (target >= 10000/s)"
    )
    print_baseline("profile", baseline, profile_rate)
    print_baseline("interaction", interaction_baseline, interaction_rate)
    print(
        f"the same ingest with identity resolution switched off: {unresolved:.0f}/s; "
        f"resolving took {1 - profile_rate / unresolved:.0%} of the full ingest's time"
    )
    print_latencies(first, "the first 200 after the bulk load, the JVM still compiling")
    print_latencies(latencies, "the next 200")
    print(f"peak Python memory: {peak_memory_mb():.0f} MB (target < 1024 MB)")


def print_baseline(kind: str, baseline: float, rate: float) -> None:
    print(
        f"baseline bare CREATE of the same {kind} rows: {baseline:.0f}/s; "
        f"kith/baseline throughput ratio: {rate / baseline:.3f}"
    )


def print_latencies(latencies: list[float], which: str | None = None) -> None:
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"one profile through the GraphQL ingest mutation{f', {which}' if which else ''}: "
        f"p50={quantiles[49]:.1f}ms p99={quantiles[98]:.1f}ms (target p99 <= 50ms)"
    )


async def measure_mutations(samples: int, seed: int) -> None:
    """The mutation's latency alone, on the benchmark graph as it is (loaded by an earlier run)."""
    with tempfile.TemporaryDirectory() as folder:
        async with bench_database(wipe=False) as database:
            customers = (await database.read("customer_count"))[0]["customers"]
            print(f"graph: {customers} customers")
            people = new_people(Path(folder), samples, seed)
            print_latencies(await mutation_latencies(database, people))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=20_500)
    parser.add_argument("--interactions-per-person", type=float, default=12.0)
    parser.add_argument(
        "--mutations-only",
        type=int,
        metavar="N",
        help="only time N profiles through the mutation, on the graph a previous run loaded",
    )
    parser.add_argument(
        "--seed", type=int, default=97, help="demo seed of the new people (a new one for each re-run)"
    )
    args = parser.parse_args()
    with app_logs_discarded():
        if args.mutations_only:
            asyncio.run(measure_mutations(args.mutations_only, args.seed))
        else:
            asyncio.run(measure(args.households, args.interactions_per_person))


if __name__ == "__main__":
    main()
