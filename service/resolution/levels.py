"""Comparison levels: how closely two records agree on one field.

A comparison maps a pair of records to a level index, 0 for the closest agreement and the last for
a plain disagreement, or to None when either record lacks the field: a missing value is no evidence
either way. `model.py` attaches m and u probabilities to each level; `compare.py` turns them into
match weights.

| comparison | levels |
| --- | --- |
| givenName | exact (or the same canonical name: bob = robert), jw>=0.92, jw>=0.80, differs |
| familyName | exact, jw>=0.92, jw>=0.80, differs |
| birthDate | exact, typo (one edit or day/month swapped), same year, differs |
| address | exact (token set), ratio>=90, ratio>=70, differs; different house numbers cap at ratio>=70 |
| locality | exact, jw>=0.90, differs |
| postcode | exact, one edit, differs |
| gender | same, differs |
| EMAIL ... SOCIAL_HANDLE | shared, near (one edit), differs (both have the kind, none in common) |
| DEVICE_ID, COOKIE_ID | shared, differs |

Pairs are compared after `align`, which puts them in key order (so that (a, b) and (b, a) score
the same) and lines up a record whose given and family names were entered the wrong way round.

Example:
    >>> a = MatchRecord("a", given_name="bob", given_canonical="robert", family_name="smith")
    >>> b = MatchRecord("b", given_name="robert", given_canonical="robert", family_name="smiht")
    >>> GIVEN_NAME.level(a, b), FAMILY_NAME.level(a, b), BIRTH_DATE.level(a, b)
    (0, 1, None)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from service.resolution.record import MatchRecord

STRONG_KINDS = ("EMAIL", "PHONE", "NATIONAL_ID", "LOYALTY_ID", "ACCOUNT_ID", "SOCIAL_HANDLE")
"""Identifier kinds that can identify a person on their own (subject to the guards)."""

WEAK_KINDS = ("DEVICE_ID", "COOKIE_ID")
"""Identifier kinds that say no more than "the same household": a tablet or a browser is shared."""

Level = Callable[[MatchRecord, MatchRecord], int | None]


@dataclass(frozen=True, slots=True)
class Comparison:
    """One field's comparison: its name in evidence, its level labels and the function that levels a pair."""

    name: str
    labels: tuple[str, ...]
    level: Level


def _jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def _compact(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _display_name(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether a's given name, with no family name beside it, is b's full name run together.

    A social profile's display name ("steverogers") lands in the given name: it is Steve Rogers.
    """
    if a.family_name or not a.given_name or not b.given_name or not b.family_name:
        return False
    full = _compact(b.given_name + b.family_name)
    return len(a.given_name) > len(b.given_name) and _jaro_winkler(_compact(a.given_name), full) >= 0.90


def _given_similarity(a: MatchRecord, b: MatchRecord) -> float | None:
    """1.0 for the same name or nickname, else the better Jaro-Winkler of as-written and canonical."""
    given_a, given_b = a.given_name or a.given_canonical, b.given_name or b.given_canonical
    if not given_a or not given_b:
        return None
    canonical_a, canonical_b = a.given_canonical or given_a, b.given_canonical or given_b
    if given_a == given_b or canonical_a == canonical_b or _display_name(a, b) or _display_name(b, a):
        return 1.0
    return max(_jaro_winkler(given_a, given_b), _jaro_winkler(canonical_a, canonical_b))


def initial_of(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether one given name is a single letter, the initial of the other ("j" for "john")."""
    given_a, given_b = a.given_name or "", b.given_name or ""
    return bool(given_a and given_b) and min(len(given_a), len(given_b)) == 1 and given_a[0] == given_b[0]


def one_given_name(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether two given names that are not the same name could still be one name written twice.

    That is an initial or an abbreviation of the other ("j", "benj" for "benjamin": forms and old
    systems cut names short), or one slip of the fingers away, as written or as canonical names
    (Damerau-Levenshtein distance 1: "jonh" for "john", "elliot" for "elliott"). Two edits are not
    forgiven: names given to twins are alike by design and are mostly two edits apart ("jack" and
    "jake", "megan" and "morgan", "ella" and "emma"), and a name heard as another ("shaun" for
    "sean") belongs in the nickname table, which folds spellings of one name. Where both records
    hold a national id, the ids tell twins apart instead (`guards.clusters_conflict`): FEBRL datasets
    1 and 2 hold four copies with two slips in the given name on the same birth date ("talyaj" for
    "taylah"), each with its national id mistyped too, and the weights keep them one person.
    """
    given_a, given_b = a.given_name or a.given_canonical, b.given_name or b.given_canonical
    if not given_a or not given_b:
        return False
    if given_a.startswith(given_b) or given_b.startswith(given_a):
        return True
    canonical_a, canonical_b = a.given_canonical or given_a, b.given_canonical or given_b
    return any(
        DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1
        for x, y in ((given_a, given_b), (canonical_a, canonical_b))
    )


def _names_swapped(a: MatchRecord, b: MatchRecord) -> bool:
    """Whether b's given and family names look like a's, the wrong way round (typos allowed)."""
    if not (a.given_name and a.family_name and b.given_name and b.family_name):
        return False
    given_family = _jaro_winkler(a.given_name, b.family_name)
    family_given = _jaro_winkler(a.family_name, b.given_name)
    if min(given_family, family_given) < 0.80:
        return False
    straight = _jaro_winkler(a.given_name, b.given_name) + _jaro_winkler(a.family_name, b.family_name)
    return given_family + family_given > straight + 0.2


def orient(a: MatchRecord, b: MatchRecord) -> MatchRecord:
    """b as compared with a: its names swapped back when it has them the wrong way round."""
    if not _names_swapped(a, b):
        return b
    return replace(b, given_name=b.family_name, given_canonical=b.family_name, family_name=b.given_name)


_INITIAL = 2
"""The given-name level of an initial and the name it stands for: the loosest agreement."""


def _similarity_level(score: float, cutoffs: tuple[float, ...]) -> int:
    for index, cutoff in enumerate(cutoffs):
        if score >= cutoff:
            return index
    return len(cutoffs)


def _given_level(a: MatchRecord, b: MatchRecord) -> int | None:
    score = _given_similarity(a, b)
    if score is None:
        return None
    if initial_of(a, b):
        # An initial agrees with the name it stands for, but weakly: many names share a first letter.
        return _INITIAL
    return _similarity_level(score, (1.0, 0.92, 0.80))


def _family_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.family_name or not b.family_name:
        return None
    return _similarity_level(_jaro_winkler(a.family_name, b.family_name), (1.0, 0.92, 0.80))


def birth_dates_close(a: str, b: str) -> bool:
    """A typo of each other: one edit or day and month swapped, within ten years.

    A one-digit slip in the decade (1958 for 1988) is a parent and a child with the same name far
    more often than a typo, so a move of ten years or more is never forgiven.
    """
    if not (a[:4].isdigit() and b[:4].isdigit()) or abs(int(a[:4]) - int(b[:4])) >= 10:
        return False
    if DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1:
        return True
    return a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def _birth_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.birth_date or not b.birth_date:
        return None
    if a.birth_date == b.birth_date:
        return 0
    if birth_dates_close(a.birth_date, b.birth_date):
        return 1
    return 2 if a.birth_date[:4] == b.birth_date[:4] else 3


@lru_cache(maxsize=1 << 16)
def _house_numbers(address: str) -> frozenset[str]:
    return frozenset(token for token in address.split() if any(ch.isdigit() for ch in token))


def _squeezed(text: str) -> str:
    return text.replace(" ", "")


def _address_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.address or not b.address:
        return None
    # Spaces are typed in and left out ("trainer court", "trainercourt"): compare both ways.
    score = max(
        fuzz.token_set_ratio(a.address, b.address), fuzz.ratio(_squeezed(a.address), _squeezed(b.address))
    )
    level = _similarity_level(score, (100.0, 90.0, 70.0))
    numbers_a, numbers_b = _house_numbers(a.address), _house_numbers(b.address)
    if level < 2 and numbers_a and numbers_b and not numbers_a & numbers_b:
        # Two house numbers in one street are neighbours, not one address.
        return 2
    return level


def _locality_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.locality or not b.locality:
        return None
    return _similarity_level(_jaro_winkler(a.locality, b.locality), (1.0, 0.90))


def _postcode_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.postcode or not b.postcode:
        return None
    if a.postcode == b.postcode:
        return 0
    return 1 if DamerauLevenshtein.distance(a.postcode, b.postcode, score_cutoff=1) <= 1 else 2


def _gender_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.gender or not b.gender:
        return None
    return 0 if a.gender == b.gender else 1


@lru_cache(maxsize=1 << 16)
def _by_kind(identifiers: frozenset[str]) -> Mapping[str, frozenset[str]]:
    """{"EMAIL": {"ann@x.com"}, ...} from "KIND:value" keys; cached because every pair asks."""
    grouped: dict[str, set[str]] = {}
    for key in identifiers:
        kind, _, value = key.partition(":")
        grouped.setdefault(kind, set()).add(value)
    return {kind: frozenset(values) for kind, values in grouped.items()}


def mistyped(x: str, y: str) -> bool:
    """Whether two values of an identifier issued to one person are one value with a slip of the fingers.

    One edit or one swap of neighbouring characters ("2493383" for "2439383"), but not a change of
    the last character alone: numbers are issued in sequence, twins registered together get
    neighbouring ones ("4817612", "4817613"), and those are two people.

    Example:
        >>> mistyped("2493383", "2439383"), mistyped("4817612", "4817613")
        (True, False)
    """
    if x == y or (len(x) == len(y) and x[:-1] == y[:-1]):
        return False
    return DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1


def shares_personal(a_keys: Iterable[str], b_keys: Iterable[str], personal_kinds: Collection[str]) -> bool:
    """Whether two sets of "KIND:value" keys hold one personal identifier, as typed or `mistyped`.

    Example:
        >>> shares_personal({"NATIONAL_ID:2493383"}, {"NATIONAL_ID:2439383"}, {"NATIONAL_ID"})
        True
    """
    personal_a = _by_kind(frozenset(a_keys))
    personal_b = _by_kind(frozenset(b_keys))
    for kind in personal_kinds:
        values_a, values_b = personal_a.get(kind), personal_b.get(kind)
        if (
            values_a
            and values_b
            and (values_a & values_b or any(mistyped(x, y) for x in values_a for y in values_b))
        ):
            return True
    return False


def _identifier_level(kind: str, near_level: bool) -> Level:
    def level(a: MatchRecord, b: MatchRecord) -> int | None:
        if not a.identifiers or not b.identifiers:
            return None
        values_a = _by_kind(a.identifiers).get(kind)
        values_b = _by_kind(b.identifiers).get(kind)
        if not values_a or not values_b:
            return None
        if values_a & values_b:
            return 0
        if not near_level:
            return 1
        near = any(DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1 for x in values_a for y in values_b)
        return 1 if near else 2

    return level


_NAME_LABELS = ("exact", "jw>=0.92", "jw>=0.80", "differs")

GIVEN_NAME = Comparison("givenName", ("exact", "jw>=0.92", "jw>=0.80 or initial", "differs"), _given_level)
FAMILY_NAME = Comparison("familyName", _NAME_LABELS, _family_level)
BIRTH_DATE = Comparison("birthDate", ("exact", "typo", "same year", "differs"), _birth_level)
ADDRESS = Comparison("address", ("exact", "ratio>=90", "ratio>=70", "differs"), _address_level)
LOCALITY = Comparison("locality", ("exact", "jw>=0.90", "differs"), _locality_level)
POSTCODE = Comparison("postcode", ("exact", "one edit", "differs"), _postcode_level)
GENDER = Comparison("gender", ("same", "differs"), _gender_level)

COMPARISONS: tuple[Comparison, ...] = (
    GIVEN_NAME,
    FAMILY_NAME,
    BIRTH_DATE,
    ADDRESS,
    LOCALITY,
    POSTCODE,
    GENDER,
    *(
        Comparison(kind, ("shared", "near", "differs"), _identifier_level(kind, True))
        for kind in STRONG_KINDS
    ),
    *(Comparison(kind, ("shared", "differs"), _identifier_level(kind, False)) for kind in WEAK_KINDS),
)
"""Every comparison, in the order `MatchModel.comparisons` keeps their parameters."""


def align(a: MatchRecord, b: MatchRecord) -> tuple[MatchRecord, MatchRecord]:
    """The pair in key order with b's names lined up with a's: (a, b) and (b, a) align the same."""
    if b.key < a.key:
        a, b = b, a
    return a, orient(a, b)


def levels(a: MatchRecord, b: MatchRecord) -> tuple[int | None, ...]:
    """The level of every comparison for a pair (aligned first)."""
    a, b = align(a, b)
    return tuple([comparison.level(a, b) for comparison in COMPARISONS])
