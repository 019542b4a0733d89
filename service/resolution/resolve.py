"""The entry point: a set of records in, the people they describe out.

`resolve` is a pure function of its inputs: the same records in any order, with the same model,
frequencies, holder counts and cannot-links, give exactly the same clusters and links. It does

1. drop identifiers held by more than `model.max_holders` records (by `holder_counts`, or by this
   set if it holds more): a shared office number or a placeholder email merges nothing;
2. pair the named records that share a blocking key or an identifier (`blocking.py`) and score the
   pairs (`compare.py`);
3. cluster them, clean links first and strongest first, refusing conflicting or weak merges and
   name-and-home links between namesakes, and leaving alone a record as close to two people as to
   one (`cluster.py`, `Resolution.ambiguous`);
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
from dataclasses import dataclass, field, replace

from service.resolution.blocking import candidate_pairs
from service.resolution.cluster import Link, Partition, cluster, pair
from service.resolution.compare import PairScore, compare
from service.resolution.guards import clusters_conflict, disagreement, namesakes
from service.resolution.levels import STRONG_KINDS
from service.resolution.model import MatchModel
from service.resolution.record import MatchRecord
from service.resolution.thin import attach_thin, is_thin


@dataclass(frozen=True, slots=True)
class Resolution:
    """The clusters (sorted tuples of record keys, in sorted order), the links that justify them, and
    the records left on their own because they were ambiguous (key -> why, `cluster.py`)."""

    clusters: list[tuple[str, ...]]
    links: list[Link]
    ambiguous: dict[str, str] = field(default_factory=dict)


Scores = MutableMapping[tuple[MatchRecord, MatchRecord], PairScore]
"""Comparisons remembered across calls with the same model and `tf` (see `resolve`)."""


def without_crowded(
    records: Sequence[MatchRecord], holder_counts: Mapping[str, int], max_holders: int
) -> list[MatchRecord]:
    """The records without the identifiers held by more than `max_holders` records (by
    `holder_counts`, or by `records` if they hold more): those merge no one."""
    in_set = Counter(identifier for r in records for identifier in r.identifiers)
    crowded = {
        identifier
        for identifier, count in in_set.items()
        if max(count, holder_counts.get(identifier, 0)) > max_holders
    }
    return [
        replace(r, identifiers=r.identifiers - crowded) if r.identifiers & crowded else r for r in records
    ]


def score(
    a: MatchRecord, b: MatchRecord, model: MatchModel, tf: Mapping[str, float], known: Scores | None
) -> PairScore:
    """`compare(a, b)`, looked up in `known` first (and remembered there) when it is given."""
    if known is None:
        return compare(a, b, model, tf)
    found = known.get((a, b))
    if found is None:
        found = known[a, b] = compare(a, b, model, tf)
    return found


def linkable(
    a: MatchRecord, b: MatchRecord, model: MatchModel, tf: Mapping[str, float], known: Scores | None = None
) -> bool:
    """Whether `resolve` could link a and b directly, given records cleared by `without_crowded`:
    named records scoring at least the threshold, or a thin one sharing a strong identifier.

    `resolve` only ever merges along such links, and decides each group of records joined by them
    (with every record of the customers they belong to) the same way, whatever else it is given:
    following these links from some records finds everything their outcome depends on.
    """
    if is_thin(a) or is_thin(b):
        return any(key.partition(":")[0] in STRONG_KINDS for key in a.identifiers & b.identifiers)
    if b.key < a.key:
        a, b = b, a
    return score(a, b, model, tf, known).weight >= model.threshold_weight


def resolve(
    records: Sequence[MatchRecord],
    model: MatchModel,
    tf: Mapping[str, float],
    holder_counts: Mapping[str, int],
    cannot_link: Collection[tuple[str, str]] = (),
    known_scores: Scores | None = None,
    crowded_blocks: Collection[str] = (),
    named_clusters: Sequence[Sequence[str]] | None = None,
) -> Resolution:
    """Clusters `records` into people; see the module docstring.

    `tf` maps family names to their share of records (`model.family_name_frequencies`),
    `holder_counts` identifier keys to how many records hold them in the whole graph, and
    `cannot_link` lists key pairs a person has split apart: they never share a cluster.
    `known_scores`, when given, remembers comparisons across calls with the same model and `tf`: a
    pair of unchanged records scores the same every time its neighbourhood is resolved again.
    `crowded_blocks` lists blocking keys too common in the whole graph to pair anyone
    (`blocking.candidate_pairs`).
    `named_clusters`, when given, are the people the named records are known to be (a pass that
    only places thin records takes them as stored): they are not scored or clustered again, only
    the thin records are attached to them.
    """
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        raise ValueError("record keys must be unique")
    ordered = without_crowded(sorted(records, key=lambda r: r.key), holder_counts, model.max_holders)
    by_key = {r.key: r for r in ordered}
    named = [r for r in ordered if not is_thin(r)]
    thin = [r for r in ordered if is_thin(r)]
    forbidden = {pair(x, y) for x, y in cannot_link}

    def of(keys: Sequence[str]) -> list[MatchRecord]:
        return [by_key[key] for key in keys]

    def conflict(xs: Sequence[str], ys: Sequence[str]) -> bool:
        return clusters_conflict(of(xs), of(ys), model.personal_kinds, forbidden) is not None

    def two_namesakes(xs: Sequence[str], ys: Sequence[str]) -> bool:
        return namesakes(of(xs), of(ys), model.personal_kinds) is not None

    def apart(xs: Sequence[str], ys: Sequence[str]) -> bool:
        return conflict(xs, ys) or any(disagreement(by_key[x], by_key[y]) for x in xs for y in ys)

    def scored(a: MatchRecord, b: MatchRecord) -> PairScore:
        return score(a, b, model, tf, known_scores)

    if named_clusters is None:
        scores: dict[tuple[str, str], PairScore] = {}
        for i, j in candidate_pairs(named, crowded_blocks):
            scores[named[i].key, named[j].key] = scored(named[i], named[j])
        partition, links, ambiguous = cluster(
            (r.key for r in ordered), scores, model.threshold_weight, conflict, two_namesakes
        )
    else:
        partition, links, ambiguous = Partition(keys), [], {}
        for members in named_clusters:
            for key in members[1:]:
                partition.merge(members[0], key)

    def identifier_link(x: str, y: str, identifier: str) -> Link:
        found = scored(by_key[x], by_key[y])
        return Link(*pair(x, y), found.weight, "IDENTIFIER:" + identifier.partition(":")[0], found.evidence)

    links += attach_thin(partition, thin, by_key, conflict, apart, identifier_link)
    return Resolution(partition.clusters(), sorted(links, key=lambda link: (link.a, link.b)), ambiguous)
