"""The entry point: a set of records in, the people they describe out.

`resolve` is a pure function of its inputs: the same records in any order, with the same model,
frequencies, holder counts and cannot-links, give exactly the same clusters and links. It does

1. drop identifiers held by more than `model.max_holders` records (by `holder_counts`, or by this
   set if it holds more): a shared office number or a placeholder email merges nothing;
2. pair the named records that share a blocking key or an identifier (`blocking.py`) and score the
   pairs (`compare.py`);
3. cluster them, clean links first and strongest first, refusing conflicting or weak merges
   (`cluster.py`);
4. attach records without a name to the single person holding their identifiers (`thin.py`).

Example:
    >>> ann = MatchRecord("crm:1", given_name="ann", given_canonical="ann", family_name="green",
    ...                   birth_date="1956-04-09", identifiers=frozenset({"EMAIL:ann@x.com"}))
    >>> anne = MatchRecord("web:9", given_name="anne", given_canonical="ann", family_name="green",
    ...                    identifiers=frozenset({"EMAIL:ann@x.com"}))
    >>> thin = MatchRecord("shop:T-1", identifiers=frozenset({"EMAIL:ann@x.com"}))
    >>> resolution = resolve([ann, anne, thin], MatchModel(), {"green": 0.001}, holder_counts={})
    >>> resolution.clusters, [(link.b, link.rule) for link in resolution.links]
    ([('crm:1', 'shop:T-1', 'web:9')], [('shop:T-1', 'IDENTIFIER:EMAIL'), ('web:9', 'IDENTIFIER:EMAIL')])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace

from service.resolution.blocking import candidate_pairs
from service.resolution.cluster import Link, cluster, pair
from service.resolution.compare import PairScore, compare
from service.resolution.guards import clusters_conflict
from service.resolution.model import MatchModel
from service.resolution.record import MatchRecord
from service.resolution.thin import attach_thin, is_thin


@dataclass(frozen=True, slots=True)
class Resolution:
    """The clusters (sorted tuples of record keys, in sorted order) and the links that justify them."""

    clusters: list[tuple[str, ...]]
    links: list[Link]


def _without_crowded(
    records: Sequence[MatchRecord], holder_counts: Mapping[str, int], max_holders: int
) -> list[MatchRecord]:
    in_set = Counter(identifier for r in records for identifier in r.identifiers)
    crowded = {
        identifier
        for identifier, count in in_set.items()
        if max(count, holder_counts.get(identifier, 0)) > max_holders
    }
    return [
        replace(r, identifiers=r.identifiers - crowded) if r.identifiers & crowded else r for r in records
    ]


def resolve(
    records: Sequence[MatchRecord],
    model: MatchModel,
    tf: Mapping[str, float],
    holder_counts: Mapping[str, int],
    cannot_link: Collection[tuple[str, str]] = (),
    known_scores: MutableMapping[tuple[MatchRecord, MatchRecord], PairScore] | None = None,
) -> Resolution:
    """Clusters `records` into people; see the module docstring.

    `tf` maps family names to their share of records (`model.family_name_frequencies`),
    `holder_counts` identifier keys to how many records hold them in the whole graph, and
    `cannot_link` lists key pairs a person has split apart: they never share a cluster.
    `known_scores`, when given, remembers comparisons across calls with the same model and `tf`: a
    pair of unchanged records scores the same every time its neighbourhood is resolved again.
    """
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        raise ValueError("record keys must be unique")
    ordered = _without_crowded(sorted(records, key=lambda r: r.key), holder_counts, model.max_holders)
    by_key = {r.key: r for r in ordered}
    named = [r for r in ordered if not is_thin(r)]
    thin = [r for r in ordered if is_thin(r)]
    forbidden = {pair(x, y) for x, y in cannot_link}

    def conflict(xs: Sequence[str], ys: Sequence[str]) -> bool:
        records_x, records_y = [by_key[x] for x in xs], [by_key[y] for y in ys]
        return clusters_conflict(records_x, records_y, model.personal_kinds, forbidden) is not None

    def scored(a: MatchRecord, b: MatchRecord) -> PairScore:
        if known_scores is None:
            return compare(a, b, model, tf)
        found = known_scores.get((a, b))
        if found is None:
            found = known_scores[a, b] = compare(a, b, model, tf)
        return found

    scores: dict[tuple[str, str], PairScore] = {}
    for i, j in candidate_pairs(named):
        scores[named[i].key, named[j].key] = scored(named[i], named[j])
    partition, links = cluster((r.key for r in ordered), scores, model.threshold_weight, conflict)

    def identifier_link(x: str, y: str, identifier: str) -> Link:
        score = scored(by_key[x], by_key[y])
        return Link(*pair(x, y), score.weight, "IDENTIFIER:" + identifier.partition(":")[0], score.evidence)

    links += attach_thin(partition, thin, by_key, conflict, identifier_link)
    return Resolution(partition.clusters(), sorted(links, key=lambda link: (link.a, link.b)))
