"""Scoring one pair of records: match weight, probability, the decisive rule and readable evidence.

The weight is the sum of the level weights of `model.py` over every comparison where both records
have a value. Two corrections make it safe for customer data:

- An exact family-name agreement weighs log2(m / tf[name]) instead of log2(m / u): the rarer the
  name in `tf` (family name -> share of records), the stronger the evidence.
- An identifier shared by records whose names or birth dates disagree is a family email, a
  household landline, a shared tablet: it adds nothing (see `guards.py`). Only an identifier of the
  model's `personal_kinds` (a national id), held by both (or mistyped in one), keeps its weight.

A score also says whether the pair agrees on nothing but what a father and his son of one name in
one home share (`home_only`): clustering then asks more of the link (`cluster.py`).

The rule is "IDENTIFIER:<KIND>" when a shared identifier carried the pair over the threshold
(without it the weight would fall short), otherwise "PROBABILISTIC".

Example:
    >>> a = MatchRecord("crm:1", given_name="ann", given_canonical="ann", family_name="green",
    ...                 birth_date="1956-04-09", identifiers=frozenset({"EMAIL:ann@x.com"}))
    >>> b = MatchRecord("web:9", given_name="anne", given_canonical="ann", family_name="green",
    ...                 locality="leeds", identifiers=frozenset({"EMAIL:ann@x.com"}))
    >>> score = compare(a, b, MatchModel(), tf={})
    >>> score.rule, score.evidence
    ('IDENTIFIER:EMAIL', ('givenName exact (+6.3)', 'familyName exact (+8.1)', 'EMAIL shared (+19.2)'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from service.resolution.guards import home_only, level_disagreement
from service.resolution.levels import (
    COMPARISONS,
    FAMILY_NAME,
    STRONG_KINDS,
    WEAK_KINDS,
    align,
    shares_personal,
)
from service.resolution.model import MatchModel
from service.resolution.record import MatchRecord

_IDENTIFIER_KINDS = frozenset(STRONG_KINDS) | frozenset(WEAK_KINDS)
_FAMILY = COMPARISONS.index(FAMILY_NAME)


Part = tuple[str, str, float]
"""One comparison's contribution: ("familyName", "exact", 6.2). A plain tuple of plain values, which
the garbage collector stops tracking: a process remembers many scores, and every full collection
used to walk a Part object for each comparison of each of them."""


@dataclass(frozen=True, slots=True)
class PairScore:
    """The verdict on one pair: weight in bits, match probability, rule and evidence.

    `disagreement` says why the two look like different people ("given names differ"), if they do:
    their shareable identifiers were then discounted. `home_only` says that no birth date and no
    shared strong identifier agrees: namesakes in one home would score the same (`guards.home_only`).
    """

    weight: float
    probability: float
    rule: str
    parts: tuple[Part, ...]
    disagreement: str | None = None
    home_only: bool = False

    @property
    def evidence(self) -> tuple[str, ...]:
        """Readable parts: ("givenName exact (+6.3)", "EMAIL shared (+17.2)", ...)."""
        return tuple(f"{name} {label} ({weight:+.1f})" for name, label, weight in self.parts)


def compare(a: MatchRecord, b: MatchRecord, model: MatchModel, tf: Mapping[str, float]) -> PairScore:
    """Scores a pair; symmetric: compare(a, b) == compare(b, a)."""
    a, b = align(a, b)
    pair_levels = [comparison.level(a, b) for comparison in COMPARISONS]
    household = level_disagreement(pair_levels, a, b)
    weight = 0.0
    identifier_weights: dict[str, float] = {}
    parts: list[Part] = []
    for index, level in enumerate(pair_levels):
        if level is None:
            continue
        comparison = COMPARISONS[index]
        part = model.comparisons[index].weights[level]
        if index == _FAMILY and level == 0:
            part = model.family_exact_weight(a.family_name or "", tf)
        label = comparison.labels[level]
        if comparison.name in _IDENTIFIER_KINDS and part > 0:
            # Only a personal identifier held by both, as typed or mistyped, outweighs the
            # disagreement; a neighbour in sequence (twins are often given consecutive numbers) is
            # household evidence like the rest.
            personal = comparison.name in model.personal_kinds and (
                level == 0 or shares_personal(a.identifiers, b.identifiers, (comparison.name,))
            )
            if household is not None and not personal:
                parts.append((comparison.name, f"{label}, household only: {household}", 0.0))
                continue
            identifier_weights[comparison.name] = part
        weight += part
        parts.append((comparison.name, label, part))
    rule = _rule(weight, identifier_weights, model)
    return PairScore(
        weight,
        model.probability(weight),
        rule,
        tuple(parts),
        household,
        home_only(pair_levels, identifier_weights),
    )


def _rule(weight: float, identifier_weights: Mapping[str, float], model: MatchModel) -> str:
    decisive = {kind: part for kind, part in identifier_weights.items() if kind in STRONG_KINDS}
    threshold = model.threshold_weight
    if decisive and weight >= threshold > weight - sum(decisive.values()):
        return "IDENTIFIER:" + max(sorted(decisive), key=decisive.__getitem__)
    return "PROBABILISTIC"
