"""Clustering scored pairs into people, without chaining.

Single-linkage (connected components over accepted pairs) lets one weak or wrong link glue two
people together, and chains A~B~C into one cluster even when A and C are plainly different people.
Here the pairs are taken clean links first, strongest first (ties broken by the keys, so the result
does not depend on input order), and two clusters merge only when

- the link reaches the match threshold,
- the clusters do not conflict: no record of one has a clearly different given name or birth date
  from a record of the other, nor is its twin, unless a personal identifier is shared across them, and no
  cannot-link joins them (`guards.clusters_conflict`), and
- no scored pair across the two clusters weighs less than `OPPOSED_WEIGHT`: the fields of the two
  records, added up, say they are different people, and
- a link that agrees on nothing but a name and a home (`PairScore.home_only`: no birth date, no
  shared identifier) joins no clusters that `namesakes` says are two people: a father's group
  holding his email and his son's holding another (`guards.namesakes`).

Anti-chaining rests on evidence of a difference, not on missing evidence: a crm record (name, birth
date, phone) and an app record (name, email) have only the name to compare, yet a webshop record
holding the phone of one and the email of the other makes them one person.

A link between records that disagree on a name or a date (it can only stand on a shared personal
identifier, a national id) comes after every clean link: the clean records form the person first,
and the disagreeing one then joins it by its identifier, instead of joining first and vetoing its
own typo'd duplicates. A name-and-home link comes last of all, however heavy (name and address
fields together reach 40 bits, more than a shared email): by then each person's records hold all
their identifiers, so that `namesakes` sees a son's loyalty card even when it is on a record the
link does not touch.

Ambiguity (as Senzing has it): a record that reaches two groups at or above the threshold, its best
links to them within `AMBIGUITY_MARGIN` bits of each other, where the two groups can never be one
person (`conflict`) and neither conflicts with the record itself, could be either of them: a till
card "Samuel Foster, 9897 Union Ave" with no birth date, at the home of a father and a son of that
name. It is merged into neither and kept on its own, with the reason. The clusters are built, the
ambiguous records found, and the clusters built again without their links, until no new one turns
up: every step is a function of the scored pairs alone, so the outcome does not depend on input
order, and it only looks along links at or above the threshold, which is what `resolve.linkable`
follows, so incremental still equals full. A clear best match (more than the margin above its
rival) merges as before.

Each merge keeps the link that caused it, so the accepted links form a spanning tree of every
cluster: the evidence for it (SAME_AS relationships in the graph).

Example (b, with no birth date, is as close to a as to c, who were born thirty years apart):
    >>> scores = {("a", "b"): ab, ("b", "c"): bc}
    >>> partition, links, ambiguous = cluster(["a", "b", "c"], scores, 23.2, conflict)
    >>> partition.clusters(), links, list(ambiguous)
    ([('a',), ('b',), ('c',)], [], ['b'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from service.resolution.compare import PairScore

OPPOSED_WEIGHT = -8.0
"""A cross pair weighing less than this (bits) is evidence of two people: a different family name,
address and postcode, say. Clusters holding such a pair do not merge."""

AMBIGUITY_MARGIN = 10.0
"""How close (bits) a record's links to two clusters that can never be one person must be for the
record to be ambiguous. 10 bits is a likelihood ratio of about 1,000: a link that much stronger than
its rival is a clear best match, and the record merges along it."""

Conflict = Callable[[Sequence[str], Sequence[str]], bool]
"""Whether two clusters (their keys) must stay apart (`guards.clusters_conflict`)."""


@dataclass(frozen=True, slots=True)
class Link:
    """An accepted link between two records (a < b): why they are one person."""

    a: str
    b: str
    weight: float
    rule: str
    evidence: tuple[str, ...]


def pair(x: str, y: str) -> tuple[str, str]:
    """A pair of keys in canonical order."""
    return (x, y) if x < y else (y, x)


class Partition:
    """Disjoint clusters of keys, merged only when no cross pair conflicts."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._cluster: dict[str, list[str]] = {key: [key] for key in keys}

    def members(self, key: str) -> list[str]:
        return self._cluster[key]

    def conflicting(self, x: str, y: str, conflict: Conflict) -> bool:
        return conflict(self._cluster[x], self._cluster[y])

    def merge(self, x: str, y: str) -> None:
        big, small = self._cluster[x], self._cluster[y]
        if len(big) < len(small):
            big, small = small, big
        big.extend(small)
        for key in small:
            self._cluster[key] = big

    def clusters(self) -> list[tuple[str, ...]]:
        """Every cluster as a sorted tuple, in sorted order."""
        seen: dict[int, tuple[str, ...]] = {}
        for members in self._cluster.values():
            seen.setdefault(id(members), tuple(sorted(members)))
        return sorted(seen.values())


def _opposed(
    members_x: list[str], members_y: list[str], scores: Mapping[tuple[str, str], PairScore], bound: float
) -> bool:
    return any(
        score.weight < bound for a in members_x for b in members_y if (score := scores.get(pair(a, b)))
    )


def _merge(
    partition: Partition,
    scores: Mapping[tuple[str, str], PairScore],
    accepted: Sequence[tuple[str, str]],
    conflict: Conflict,
    namesakes: Conflict | None,
) -> list[Link]:
    links: list[Link] = []
    for a, b in accepted:
        members_a, members_b = partition.members(a), partition.members(b)
        if members_a is members_b or partition.conflicting(a, b, conflict):
            continue
        score = scores[a, b]
        if _opposed(members_a, members_b, scores, OPPOSED_WEIGHT):
            continue
        if score.home_only and namesakes is not None and namesakes(members_a, members_b):
            continue
        partition.merge(a, b)
        links.append(Link(a, b, score.weight, score.rule, score.evidence))
    return links


def _ambiguous(
    partition: Partition,
    scores: Mapping[tuple[str, str], PairScore],
    accepted: Sequence[tuple[str, str]],
    conflict: Conflict,
) -> dict[str, str]:
    """The records that link to two groups which can never be one person, at close weights: key -> why.

    A record's groups are the clusters of `partition` its accepted links reach, its own cluster
    counted without it. It is ambiguous when two of the groups within `AMBIGUITY_MARGIN` of its
    strongest link conflict with each other while neither conflicts with the record itself.
    """
    reach: dict[str, dict[int, tuple[float, str]]] = {}
    for a, b in accepted:
        weight = scores[a, b].weight
        for key, other in ((a, b), (b, a)):
            group = reach.setdefault(key, {})
            members = partition.members(other)
            # `accepted` runs strongest first within each kind of link: of equal links into a
            # group, the first is its best.
            if id(members) not in group or weight > group[id(members)][0]:
                group[id(members)] = (weight, other)
    found: dict[str, str] = {}
    for key in sorted(reach):
        groups = sorted(reach[key].values(), key=lambda group: (-group[0], group[1]))
        close = [(w, other) for w, other in groups if w >= groups[0][0] - AMBIGUITY_MARGIN]
        for (w_x, x), (w_y, y) in combinations(close, 2):
            xs = [member for member in partition.members(x) if member != key]
            ys = [member for member in partition.members(y) if member != key]
            if conflict(xs, ys) and not conflict([key], xs) and not conflict([key], ys):
                found[key] = f"ambiguous: links {x} ({w_x:+.1f}) and {y} ({w_y:+.1f}), two people"
                break
    return found


def cluster(
    keys: Iterable[str],
    scores: Mapping[tuple[str, str], PairScore],
    threshold: float,
    conflict: Conflict,
    namesakes: Conflict | None = None,
) -> tuple[Partition, list[Link], dict[str, str]]:
    """Clusters `keys` from the scored pairs ((a, b) with a < b).

    `namesakes`, when given, says whether two clusters that a name-and-home link would join are
    two people (`guards.namesakes`). Returns the partition, the links that made it, and the
    ambiguous records (key -> why), each left on its own.
    """
    keys = list(keys)
    accepted = sorted(
        (p for p, s in scores.items() if s.weight >= threshold),
        key=lambda p: (scores[p].home_only, scores[p].disagreement is not None, -scores[p].weight, p),
    )
    ambiguous: dict[str, str] = {}
    while True:
        partition = Partition(keys)
        usable = [(a, b) for a, b in accepted if a not in ambiguous and b not in ambiguous]
        links = _merge(partition, scores, usable, conflict, namesakes)
        more = _ambiguous(partition, scores, usable, conflict)
        if not more:
            return partition, links, ambiguous
        ambiguous.update(more)
