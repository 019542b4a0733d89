"""Disagreements that make two records two people, whatever else they share.

Twins share a surname, a birth date, an address and a landline; a father and his son may share a
full name, an address, an email and a phone; spouses share a family email; a household shares a
tablet. What tells them apart is a given name that is clearly different, a birth date that is not a
typo of the other, or a generational suffix ("Jr", "Sr") after the family name. Twins are often
given names that look alike ("jack" and "jake", "megan" and "morgan": Jaro-Winkler 0.80 or more), so
with the same birth date and family name a given name is different unless it could be the same name
written twice (`levels.one_given_name`: the same name or nickname, an initial or abbreviation, or
one typo away). Siblings are too ("brittany" and "brian"), so the same holds for two records at the
same address when a birth date is missing. So:

- `disagreement` (a clearly different given name, birth date or generational suffix, twins or
  siblings, given names only loosely alike that are not one name written twice, or a clearly
  different family name without a matching birth date) turns a shared identifier into household
  evidence: it adds nothing to the match weight (`compare.py`), unless it is a personal identifier
  both hold.
- `definite_conflict` (given name, birth date or generational suffix clearly different, twins or
  siblings) forbids two records from ever sharing a cluster, unless they share a *personal*
  identifier (by default NATIONAL_ID, issued to one person only): then the disagreement is a
  data-entry error, and the weights decide.
  A personal identifier mistyped in one copy (one slip or swap, `levels.mistyped`) is still shared;
  a neighbour in issue sequence (twins registered together) is not.
  `clusters_conflict` applies the same to two clusters: any conflicting cross pair keeps them apart,
  unless a personal identifier is shared across them; a caller's cannot-link always holds.

A family name alone is not a definite conflict, and with the same birth date not even a
disagreement: people change it on marriage and keep their email.

A father and his son of one name, at one address, agree on everything a link without a birth date
or a shared identifier stands on: given name, family name, address, locality, postcode, gender, a
household's tablet. Each of those weighs as if it were independent of the others, so together they
reach some 40 bits, and the -1.4 bits of two different emails (people hold several) cannot undo
that. So:

- `home_only` (an aligned pair whose birth dates do not agree, as written or with a typo, and who
  share no strong identifier that counts) marks a link that two namesakes in one home would
  score as well as one person.
- `namesakes` (the two groups such a link would join each hold an identifier of one kind, none of
  them the other's as typed or mistyped: two emails, two mobiles, two loyalty cards; or one group
  bears a generational suffix the other does not) then keeps them apart: when nothing but a name
  and a home agrees, a different identifier of one's own is the only word on whether they are one
  person, and it says two; and a "Jr" says the home holds two people of the name, so the name and
  the home cannot say which of them a record without it is. A household's mailbox is
  anyone's in the home and says nothing. A personal identifier (a national id) is left to the
  weights: its m, learnt by EM, says how often one person's copies of it differ (FEBRL re-keys
  some), and by default two of them weigh -4.7 bits, not -1.4.

Example:
    >>> father = MatchRecord("a", given_name="john", family_name="smith", birth_date="1958-03-12")
    >>> son = MatchRecord("b", given_name="john", family_name="smith", birth_date="1987-11-30")
    >>> definite_conflict(father, son, frozenset({"NATIONAL_ID"}))
    'birth dates differ'
    >>> twin = MatchRecord("c", given_name="jake", family_name="smith", birth_date="1958-03-12")
    >>> definite_conflict(father, twin, frozenset({"NATIONAL_ID"}))
    'given names differ'
    >>> senior = MatchRecord("d", given_name="john", family_name="smith",
    ...                      identifiers=frozenset({"EMAIL:john.smith@x.com"}))
    >>> junior = MatchRecord("e", given_name="john", family_name="smith",
    ...                      identifiers=frozenset({"EMAIL:jsmith88@y.com"}))
    >>> namesakes([senior], [junior], frozenset({"NATIONAL_ID"}))
    'namesakes: EMAIL differs'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from service.resolution.levels import (
    ADDRESS,
    BIRTH_DATE,
    COMPARISONS,
    FAMILY_NAME,
    GIVEN_NAME,
    STRONG_KINDS,
    align,
    one_given_name,
    shares_personal,
)
from service.resolution.record import MatchRecord

_GIVEN = COMPARISONS.index(GIVEN_NAME)
_FAMILY = COMPARISONS.index(FAMILY_NAME)
_BIRTH = COMPARISONS.index(BIRTH_DATE)
# Names: the last level, Jaro-Winkler below 0.80, is a different name rather than a spelling of one.
_NAME_DIFFERS = len(GIVEN_NAME.labels) - 1
_NAME_LOOSE = _NAME_DIFFERS - 1
# Birth dates: "same year" and "differs" are not typos of each other (see `levels.birth_dates_close`).
_BIRTH_DIFFERS = BIRTH_DATE.labels.index("same year")
_SHARED = 0  # an identifier comparison's first level: a value both records hold
_INDEX = {comparison.name: index for index, comparison in enumerate(COMPARISONS)}
TWINS = "twins: given names differ"
GENERATIONS = "generations differ"
SIBLINGS = "one home: given names differ"


def _person_reason(
    a: MatchRecord, b: MatchRecord, given: int | None, family: int | None, birth: int | None
) -> str | None:
    """The definite conflicts of an aligned pair, from its given-name, family-name and birth-date levels."""
    if a.generation and b.generation and a.generation != b.generation:
        # "Jr" and "Sr" (or "III"), written by the records themselves.
        return GENERATIONS
    # An initial ("j" for "john") is a loose agreement (`levels.initial_of`), never a different name.
    if given == _NAME_DIFFERS:
        return "given names differ"
    if birth is not None and birth >= _BIRTH_DIFFERS:
        return "birth dates differ"
    if (
        given  # 0 is the same name, None no name to compare
        and family is not None
        and family < _NAME_DIFFERS
        and (birth == 0 or (birth is None and ADDRESS.level(a, b) == 0))
        and not one_given_name(a, b)
    ):
        # Alike given names, the same family name, and the same birth date (twins) or, with no birth
        # date to tell them, the same home ("brittany" and "brian"): siblings, not one person.
        return TWINS if birth == 0 else SIBLINGS
    return None


def _reason(
    a: MatchRecord, b: MatchRecord, given: int | None, family: int | None, birth: int | None
) -> str | None:
    person = _person_reason(a, b, given, family, birth)
    if person is not None:
        return person
    if family == _NAME_DIFFERS and birth is None:
        # A new family name with the same birth date is a marriage, not another person.
        return "family names differ"
    if given == _NAME_LOOSE and not one_given_name(a, b):
        # Only loosely alike and not one name written twice ("jason" and "alison"): too far apart
        # for an identifier they share to say they are one person.
        return "given names differ"
    return None


def level_disagreement(pair_levels: Sequence[int | None], a: MatchRecord, b: MatchRecord) -> str | None:
    """`disagreement` of an aligned pair (`levels.align`) whose `levels` are already known."""
    return _reason(a, b, pair_levels[_GIVEN], pair_levels[_FAMILY], pair_levels[_BIRTH])


def disagreement(a: MatchRecord, b: MatchRecord) -> str | None:
    """Why a and b look like different people ("given names differ", ...), or None."""
    a, b = align(a, b)
    return _reason(a, b, GIVEN_NAME.level(a, b), FAMILY_NAME.level(a, b), BIRTH_DATE.level(a, b))


def _person_conflict(a: MatchRecord, b: MatchRecord) -> str | None:
    a, b = align(a, b)
    return _person_reason(a, b, GIVEN_NAME.level(a, b), FAMILY_NAME.level(a, b), BIRTH_DATE.level(a, b))


def _personal(records: Iterable[MatchRecord], personal_kinds: Collection[str]) -> frozenset[str]:
    return frozenset(key for r in records for key in r.identifiers if key.partition(":")[0] in personal_kinds)


def _holds_personal(record: MatchRecord, personal_kinds: Collection[str]) -> bool:
    return any(key.partition(":")[0] in personal_kinds for key in record.identifiers)


def clusters_conflict(
    xs: Sequence[MatchRecord],
    ys: Sequence[MatchRecord],
    personal_kinds: Collection[str],
    cannot_link: Collection[tuple[str, str]] = (),
) -> str | None:
    """Why the records xs and the records ys can never be one person, or None.

    A cannot-link (pairs of keys, smaller key first) between any two of them always holds. Otherwise
    a personal identifier shared across the two groups makes them one person despite clashing
    names or dates; failing that, any clearly different given name or birth date, or twins, keeps
    them apart (twins only when one of the two holds no personal identifier to tell them).
    """
    if cannot_link and any((min(x.key, y.key), max(x.key, y.key)) in cannot_link for x in xs for y in ys):
        return "cannot-link"
    personal_x, personal_y = _personal(xs, personal_kinds), _personal(ys, personal_kinds)
    if personal_x and personal_y and shares_personal(personal_x, personal_y, personal_kinds):
        return None
    for x in xs:
        for y in ys:
            conflict = _person_conflict(x, y)
            if (
                conflict in (TWINS, SIBLINGS)
                and _holds_personal(x, personal_kinds)
                and _holds_personal(y, personal_kinds)
            ):
                # Both hold a national id: the ids, not the spelling of a given name, tell twins
                # apart. Two different ids weigh the pair down; one mistyped in a copy whose given
                # name is mistyped too ("talyaj" for "taylah") is still one person.
                continue
            if conflict is not None:
                return conflict
    return None


def definite_conflict(a: MatchRecord, b: MatchRecord, personal_kinds: Collection[str]) -> str | None:
    """Why a and b can never be one person (given names or birth dates differ, twins), or None."""
    return clusters_conflict((a,), (b,), personal_kinds)


def household_mailbox(identifier: str, holders: Sequence[MatchRecord]) -> bool:
    """Whether `identifier` is an email named for a household rather than for one of its `holders`."""
    kind, _, value = identifier.partition(":")
    if kind != "EMAIL":
        return False
    local = "".join(ch for ch in value.partition("@")[0] if ch.isalpha() or ch == ".")
    if "family" in local or local.endswith("home") or re.fullmatch(r"the[a-z]{3,}s", local):
        return True
    # "annandtom": two given names, one of them a holder's.
    given = {r.given_name for r in holders if r.given_name and len(r.given_name) > 1}
    local = local.replace(".", "")
    for at in range(2, len(local) - 4):
        if local.startswith("and", at) and (local[:at] in given or local[at + 3 :] in given):
            return True
    return False


def home_only(pair_levels: Sequence[int | None], counted_kinds: Collection[str]) -> bool:
    """Whether an aligned pair agrees on nothing that two people of one name in one home do not share.

    A birth date, as written or with a typo, is one person's; so is a strong identifier both hold,
    when the score counted it (`counted_kinds`: `compare` discounts one the pair's names or dates
    make a household's).
    """
    birth = pair_levels[_BIRTH]
    if birth is not None and birth < _BIRTH_DIFFERS:
        return False
    return not any(pair_levels[_INDEX[kind]] == _SHARED for kind in counted_kinds if kind in STRONG_KINDS)


def _own_identifiers(records: Sequence[MatchRecord], personal_kinds: Collection[str]) -> list[str]:
    """The strong identifiers of `records` that are one holder's own: not a household's mailbox, and
    not of a personal kind (those are left to the weights)."""
    own_kinds = set(STRONG_KINDS).difference(personal_kinds)
    return [
        key
        for key in {key for r in records for key in r.identifiers}
        if key.partition(":")[0] in own_kinds
        and not household_mailbox(key, [r for r in records if key in r.identifiers])
    ]


def namesakes(
    xs: Sequence[MatchRecord], ys: Sequence[MatchRecord], personal_kinds: Collection[str]
) -> str | None:
    """Why the records xs and ys, if they agree only on a name and a home (`home_only`), are two people.

    They are when the generational suffixes they bear are not the same ("jr" on one side only), or
    when both hold an identifier of their own of one kind (strong, not personal, not a household's
    mailbox) and none of the values of one is the other's, as typed or `mistyped`: a father's email
    and his son's.
    """
    if {x.generation for x in xs if x.generation} != {y.generation for y in ys if y.generation}:
        return "namesakes: " + GENERATIONS
    own_x, own_y = _own_identifiers(xs, personal_kinds), _own_identifiers(ys, personal_kinds)
    kinds_y = {key.partition(":")[0] for key in own_y}
    for kind in sorted({key.partition(":")[0] for key in own_x} & kinds_y):
        if not shares_personal(own_x, own_y, (kind,)):
            return f"namesakes: {kind} differs"
    return None
