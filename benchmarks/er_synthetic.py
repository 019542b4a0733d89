"""`kith demo` data through the real ingest path: pairwise scores and wrong merges of the traps.

Usage: python benchmarks/er_synthetic.py [--households 2000] [--seed 11]

Prints pairwise precision/recall/F1 of the resulting customers against the generator's truth (as
resolved on arrival with the default model, and again after `kith resolve --full --estimate`),
how many hard-case pairs (different people who share a household landline, a family email, a
tablet, a junk value, or are twins, father and son, namesakes) ended up merged, by kind, and how
many hard matches (movers, married names) were found. The baseline, measured in the same run, is
the naive rule most CDPs start from: records sharing any identifier are the same person.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import orjson

from benchmarks.common import (
    bench_database,
    bench_settings,
    customers_after_estimate,
    pairwise,
    record_customers,
    run_on_demo,
)
from service.demo import write_demo
from service.ingest import ingest_file
from service.resolution.model import MatchModel


def shared_identifier_baseline(profiles_path: Path) -> dict[str, str]:
    """Connected components of records linked by any identifier value, compared as written."""
    graph: nx.Graph = nx.Graph()
    for line in profiles_path.read_bytes().splitlines():
        profile = orjson.loads(line)
        record = f"{profile['source']}:{profile['sourceId']}"
        graph.add_node(record)
        for identifier in profile.get("identifiers") or []:
            graph.add_edge(record, f"id:{identifier['kind']}:{str(identifier['value']).strip().lower()}")
    return {
        node: str(index)
        for index, component in enumerate(nx.connected_components(graph))
        for node in component
        if not node.startswith("id:")
    }


def merged_by_kind(cases: list[dict[str, str]], customers: dict[str, str]) -> Counter[str]:
    return Counter(
        case["kind"]
        for case in cases
        if case["a"] in customers and customers.get(case["a"]) == customers.get(case["b"])
    )


async def measure(households: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = write_demo(Path(folder), households, seed)
        truth = orjson.loads(files.truth.read_bytes())
        async with bench_database() as database:
            started = time.perf_counter()
            report = await ingest_file(database, files.profiles, bench_settings(), MatchModel())
            elapsed = time.perf_counter() - started
            customers = await record_customers(database)
            refit, refit_seconds = await customers_after_estimate(database)
        baseline = shared_identifier_baseline(files.profiles)
    ours = pairwise(customers, truth["records"])
    estimated = pairwise(refit, truth["records"])
    naive = pairwise(baseline, truth["records"])
    print(
        f"demo: {households} households, {report.accepted} profiles of {len(set(truth['records'].values()))} "
        f"people, resolved in {elapsed:.1f}s into {len(set(customers.values()))} customers"
    )
    print("  " + ours.line("kith, real-time with the default model"))
    print("  " + estimated.line(f"kith after `resolve --full --estimate` ({refit_seconds:.1f}s)"))
    print("  " + naive.line("shared-identifier baseline"))
    print(f"  F1 ratio kith/baseline: {ours.f1 / naive.f1:.3f}   target: kith F1 >= 0.97")
    cases = truth["hard_cases"]
    totals = Counter(case["kind"] for case in cases)
    ours_wrong, refit_wrong = merged_by_kind(cases, customers), merged_by_kind(cases, refit)
    naive_wrong = merged_by_kind(cases, baseline)
    print("  hard cases wrongly merged (kith real-time / kith estimated / baseline / pairs):")
    for kind in sorted(totals):
        counts = (ours_wrong[kind], refit_wrong[kind], naive_wrong[kind])
        print(f"    {kind:16s} " + " / ".join(f"{n:4d}" for n in counts) + f" / {totals[kind]}")
    matches = truth["hard_matches"]
    found = Counter(m["kind"] for m in matches if customers.get(m["a"]) == customers.get(m["b"]) is not None)
    for kind, total in sorted(Counter(m["kind"] for m in matches).items()):
        print(f"  hard matches found: {kind:14s} {found[kind]} of {total}")


if __name__ == "__main__":
    run_on_demo(measure, __doc__)
