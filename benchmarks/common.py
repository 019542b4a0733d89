"""Shared pieces of the benchmarks: a dedicated Neo4j, pairwise scores, figures on stdout.

Benchmarks run against their own local server (KITH_BENCH_NEO4J_URI, default port 7698) and wipe
it, so neither a development database nor the test server is touched. They print figures and
ratios; they assert nothing, because a benchmark measures and a test judges.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from service.api.observability import configure_logging
from service.config import Settings
from service.graph.database import Database
from service.identity import estimate_model, resolve_graph
from service.neo4j_local import LocalServer

ROOT = Path(__file__).resolve().parents[1]
BENCH_URI = os.environ.get("KITH_BENCH_NEO4J_URI", "bolt://127.0.0.1:7698")


def bench_settings() -> Settings:
    return Settings(neo4j_uri=BENCH_URI, kith_home=Path(os.environ.get("KITH_HOME", ROOT / ".kith")))


@asynccontextmanager
async def bench_database(wipe: bool = True) -> AsyncIterator[Database]:
    """The benchmark server, started if needed, with the schema applied and (by default) empty."""
    settings = bench_settings()
    if settings.is_local:
        LocalServer(settings).start()
    async with Database(settings) as database:
        await database.apply_schema()
        if wipe:
            await database.wipe()
        yield database


async def record_customers(database: Database) -> dict[str, str]:
    """Source record key -> customer id, for every resolved record."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer) RETURN r.key AS key, c.id AS customer"
    )
    return {record["key"]: record["customer"] for record in records}


@contextmanager
def app_logs_discarded() -> Iterator[None]:
    """The app in this process logs each request as `kith serve` does (JSON lines), into /dev/null, so
    that it costs what it costs in production without burying the figures; the HTTP client's own
    request logs stay off."""
    with open(os.devnull, "w") as nowhere:
        configure_logging(stream=nowhere)
        logging.getLogger("httpx").setLevel(logging.WARNING)
        yield


async def customers_after_estimate(database: Database) -> tuple[dict[str, str], float]:
    """`kith resolve --full --estimate`: the model learnt from the graph, every record resolved again
    with it; the customers of every record then, and the seconds it took."""
    started = time.perf_counter()
    model, _ = await estimate_model(database)
    await resolve_graph(database, model, full=True)
    seconds = time.perf_counter() - started
    return await record_customers(database), seconds


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def line(self, label: str) -> str:
        return (
            f"{label}: precision={self.precision:.4f} recall={self.recall:.4f} f1={self.f1:.4f} "
            f"(pairs: true={self.true_pairs} predicted={self.predicted_pairs} correct={self.correct_pairs})"
        )


def _pairs(sizes: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise(predicted: Mapping[str, object], truth: Mapping[str, object]) -> PairScores:
    """Pairwise precision/recall/F1 of a clustering against the truth, over the records in both.

    Counted from cluster sizes, not by listing pairs, so it is linear in the number of records.
    """
    keys = [key for key in truth if key in predicted]
    correct = _pairs(Counter((predicted[key], truth[key]) for key in keys))
    predicted_pairs = _pairs(Counter(predicted[key] for key in keys))
    true_pairs = _pairs(Counter(truth[key] for key in keys))
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


def peak_memory_mb() -> float:
    """Peak resident memory of this Python process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_on_demo(measure: Callable[[int, int], Awaitable[None]], doc: str | None) -> None:
    """The command line of a benchmark over `kith demo` data: --households and --seed."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    asyncio.run(measure(args.households, args.seed))
    print(f"peak Python memory: {peak_memory_mb():.0f} MB")
