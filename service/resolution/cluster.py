"""Clustering scored pairs into people, without chaining.

Single-linkage (connected components over accepted pairs) lets one weak or wrong link glue two
people together, and chains A~B~C into one cluster even when A and C are plainly different people.
Here the pairs are taken clean links first, strongest first (ties broken by the keys, so the result
does not depend on input order), and two clusters merge only when

- the link reaches the match threshold,
- the clusters do not conflict: no record of one has a clearly different given name or birth date
  from a record of the other, unless a personal identifier is shared across them, and no
  cannot-link joins them (`guards.clusters_conflict`), and
- no scored pair across the two clusters weighs less than `OPPOSED_WEIGHT`: the fields of the two
  records, added up, say they are different people.

Anti-chaining rests on evidence of a difference, not on missing evidence: a crm record (name, birth
date, phone) and an app record (name, email) have only the name to compare, yet a webshop record
holding the phone of one and the email of the other makes them one person.

A link between records that disagree on a name or a date (it can only stand on a shared personal
identifier, a national id) comes after every clean link: the clean records form the person first,
and the disagreeing one then joins it by its identifier, instead of joining first and vetoing its
own typo'd duplicates.

Each merge keeps the link that caused it, so the accepted links form a spanning tree of every
cluster: the evidence for it (SAME_AS relationships in the graph).

Example (b, with no birth date, is close to a and to c, who were born thirty years apart):
    >>> partition, links = cluster(["a", "b", "c"], {("a", "b"): ab, ("b", "c"): bc}, 23.2, conflict)
    >>> partition.clusters(), [(link.a, link.b) for link in links]
    ([('a', 'b'), ('c',)], [('a', 'b')])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from service.resolution.compare import PairScore

OPPOSED_WEIGHT = -8.0
"""A cross pair weighing less than this (bits) is evidence of two people: a different family name,
address and postcode, say. Clusters holding such a pair do not merge."""

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


def cluster(
    keys: Iterable[str],
    scores: Mapping[tuple[str, str], PairScore],
    threshold: float,
    conflict: Conflict,
) -> tuple[Partition, list[Link]]:
    """Clusters `keys` from the scored pairs ((a, b) with a < b); returns the partition and links."""
    partition = Partition(keys)
    links: list[Link] = []
    accepted = sorted(
        (p for p, s in scores.items() if s.weight >= threshold),
        key=lambda p: (scores[p].disagreement is not None, -scores[p].weight, p),
    )
    for a, b in accepted:
        members_a, members_b = partition.members(a), partition.members(b)
        if members_a is members_b or partition.conflicting(a, b, conflict):
            continue
        score = scores[a, b]
        if _opposed(members_a, members_b, scores, OPPOSED_WEIGHT):
            continue
        partition.merge(a, b)
        links.append(Link(a, b, score.weight, score.rule, score.evidence))
    return partition, links
