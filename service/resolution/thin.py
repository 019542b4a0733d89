"""Thin records: an identifier and no name (an interaction that named its customer by email only).

A thin record has nothing to score, so it joins a person by identifier alone, and only when that is
unambiguous: thin records sharing a strong identifier form a group, and the group joins the one
cluster that holds its identifiers. When the identifiers lead to two clusters that look like two
people (a family email held by spouses: their names disagree), the group stays on its own: it
cannot say which of them it is. When nothing tells the clusters apart, they are pieces of one
person that only the thin record ties together (an app login holding the email of her CRM record
and the handle of her social profile, which names her "emma" and nothing more): the group joins
them all. Weak identifiers (devices, cookies) never attach anything.

An email that reads as a household's mailbox ("thesmiths@", "smithfamily@", "smith.home@",
"annandtom@" for Ann) is another person's as likely as its holder's: a spouse may sign up with it and
hold it nowhere else. A thin record never follows one.

Example: a call logged against PHONE:+61412345678 joins Ann when Ann's two records are the only
named holders of that number, and stays on its own when Ann and her husband both hold it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from service.resolution.cluster import Conflict, Link, Partition
from service.resolution.guards import household_mailbox
from service.resolution.levels import STRONG_KINDS
from service.resolution.record import MatchRecord

LinkFor = Callable[[str, str, str], Link]
"""Builds the link between two record keys for a shared identifier key."""


def is_thin(r: MatchRecord) -> bool:
    return not (r.given_name or r.given_canonical or r.family_name)


def _strong(identifiers: frozenset[str]) -> list[str]:
    return sorted(key for key in identifiers if key.partition(":")[0] in STRONG_KINDS)


def attach_thin(
    partition: Partition,
    thin: Sequence[MatchRecord],
    records: Mapping[str, MatchRecord],
    conflict: Conflict,
    apart: Conflict,
    link_for: LinkFor,
) -> list[Link]:
    """Merges thin records into `partition` (which already clusters the named records); returns links.

    `records` holds every record, named or thin; the named holders of an identifier are looked up
    there, so the caller passes every holder of each identifier it wants thin records to follow.
    `apart` says whether two named clusters look like two people (`guards.disagreement` across them):
    a thin group never ties such clusters together.
    """
    holders: defaultdict[str, list[str]] = defaultdict(list)
    for key in sorted(records):
        for identifier in _strong(records[key].identifiers):
            holders[identifier].append(key)
    thin_keys = {r.key for r in thin}
    links: list[Link] = []

    for identifier in sorted(holders):
        thin_holders = [key for key in holders[identifier] if key in thin_keys]
        for key in thin_holders[1:]:
            first = thin_holders[0]
            if partition.members(first) is partition.members(key):
                continue
            if not partition.conflicting(first, key, conflict):
                partition.merge(first, key)
                links.append(link_for(first, key, identifier))

    groups = [members for members in partition.clusters() if members[0] in thin_keys]
    for group in groups:
        # One entry per named cluster reached, keyed by its smallest key.
        targets: dict[str, tuple[str, str, str]] = {}
        for thin_key in group:
            for identifier in _strong(records[thin_key].identifiers):
                named = [records[key] for key in holders[identifier] if key not in thin_keys]
                if household_mailbox(identifier, named):
                    continue
                for holder in holders[identifier]:
                    if holder not in thin_keys:
                        targets.setdefault(min(partition.members(holder)), (thin_key, holder, identifier))
        reached = [partition.members(holder) for _, holder, _ in targets.values()]
        if any(apart(x, y) for i, x in enumerate(reached) for y in reached[i + 1 :]):
            continue
        for thin_key, holder, identifier in (targets[first] for first in sorted(targets)):
            if not partition.conflicting(thin_key, holder, conflict):
                partition.merge(thin_key, holder)
                links.append(link_for(thin_key, holder, identifier))
    return links
