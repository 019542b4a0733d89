"""Blocking: which pairs of records are worth comparing at all.

Comparing every pair is quadratic, so a record is compared only with records that share one of a
few blocking keys, or share an identifier. Each key is a pass that survives different damage:

| property | value | still pairs records despite |
| --- | --- | --- |
| bkSurnameYear | metaphone(family name), birth year | another given name, a day or month typo, a move |
| bkPostcodeInitials | postcode, both initials | typos after the first letter, a wrong birth date |
| bkGivenBirth | birth date, given initial | a new family name (marriage) or a typo in it, a move |
| bkNames | both names' metaphones, sorted | a wrong birth date, a move, names swapped |
| bkBirthPostcode | birth date, postcode | both names misspelt |

The graph layer stores each value (`block_key`: "bkName=value") as a `BlockingKey` node, unique and
so indexed, that the record points to: a record's candidates are the other records pointing at its
nodes, and a node's degree tells a crowded block (`MAX_BLOCK`) without reading its records.

Example:
    >>> blocking_keys(MatchRecord("a", given_name="bob", given_canonical="robert", family_name="smith",
    ...                           birth_date="1956-04-09", postcode="2119"))
    {'bkSurnameYear': 'SM0|1956', 'bkPostcodeInitials': '2119|rs', 'bkGivenBirth': '1956-04-09|r',
     'bkNames': 'RBRT|SM0', 'bkBirthPostcode': '1956-04-09|2119'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import jellyfish

from service.resolution.record import MatchRecord

MAX_BLOCK = 200
"""A key value shared by more records than this (a common name in a big year) is skipped: too
unspecific to be worth its quadratic cost. Identifier sharing and the other passes still apply."""


@dataclass(frozen=True, slots=True)
class BlockingKey:
    name: str
    key: Callable[[MatchRecord], str | None]


def _phonetic(name: str | None) -> str | None:
    return (jellyfish.metaphone(name) or None) if name else None


def _given(r: MatchRecord) -> str | None:
    return r.given_canonical or r.given_name


def _surname_year(r: MatchRecord) -> str | None:
    code = _phonetic(r.family_name)
    return f"{code}|{r.birth_date[:4]}" if code and r.birth_date else None


def _postcode_initials(r: MatchRecord) -> str | None:
    # Both initials: a postcode holds thousands of people, one initial still hundreds.
    given = _given(r)
    return f"{r.postcode}|{given[0]}{r.family_name[0]}" if r.postcode and given and r.family_name else None


def _given_birth(r: MatchRecord) -> str | None:
    # The initial, not a phonetic code: it survives typos in the rest of the name.
    given = _given(r)
    return f"{r.birth_date}|{given[0]}" if given and r.birth_date else None


def _names(r: MatchRecord) -> str | None:
    # Sorted, so that a record with given and family names swapped lands in the same block.
    codes = (_phonetic(_given(r)), _phonetic(r.family_name))
    return "|".join(sorted(c for c in codes if c)) if all(codes) else None


def _birth_postcode(r: MatchRecord) -> str | None:
    return f"{r.birth_date}|{r.postcode}" if r.birth_date and r.postcode else None


BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey("bkSurnameYear", _surname_year),
    BlockingKey("bkPostcodeInitials", _postcode_initials),
    BlockingKey("bkGivenBirth", _given_birth),
    BlockingKey("bkNames", _names),
    BlockingKey("bkBirthPostcode", _birth_postcode),
)


def blocking_keys(r: MatchRecord) -> dict[str, str]:
    """The record's blocking-key values by property name; a key whose fields are missing is absent."""
    keys: dict[str, str] = {}
    for blocking in BLOCKING_KEYS:
        value = blocking.key(r)
        if value is not None:
            keys[blocking.name] = value
    return keys


def block_key(name: str, value: str) -> str:
    """A blocking-key value as the graph stores it: "bkName=value"."""
    return f"{name}={value}"


def _blocks(records: Sequence[MatchRecord], crowded: Collection[str]) -> Iterable[list[int]]:
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for index, r in enumerate(records):
        for name, value in blocking_keys(r).items():
            groups[block_key(name, value)].append(index)
        for identifier in r.identifiers:
            groups["identifier:" + identifier].append(index)
    return (group for key, group in groups.items() if 1 < len(group) <= MAX_BLOCK and key not in crowded)


def candidate_pairs(records: Sequence[MatchRecord], crowded: Collection[str] = ()) -> set[tuple[int, int]]:
    """Index pairs (i < j) of records that share a blocking-key value or an identifier.

    The caller drops over-held identifiers first; an identifier block is never larger than that.
    `crowded` names blocks (`block_key`) holding more than MAX_BLOCK records in a larger set than
    these (the whole graph): they pair no one here either, so a pair is a candidate whatever other
    records it is resolved with.
    """
    pairs: set[tuple[int, int]] = set()
    for group in _blocks(records, crowded):
        pairs.update(combinations(group, 2))
    return pairs
