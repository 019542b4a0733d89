"""Fellegi-Sunter parameters, Splink style: an m and a u probability for every comparison level.

    m = P(level | same person)        u = P(level | different people)        weight = log2(m / u)

A pair's match weight is the sum of its levels' weights (a missing value adds 0); with the prior
odds that two random records are one person it gives the match probability. The m values below
are defaults for customer data with a fair share of typos: they say how often one person's two
records agree at each level, until EM learns them from the records' candidate pairs
(`training.estimate_m`). The u values are estimated from random pairs of the records at hand
(`estimate_u`), since they depend on the population (how many Smiths, how many share a postcode).
Exact family-name agreement is further adjusted by the name's frequency: two Smiths agreeing is
weaker evidence than two Szczepanskis.

Example:
    >>> round(MatchModel().params("birthDate").weight(0), 1)   # exact birth date, default u
    14.4
    >>> model = estimate_u(records, pairs=100_000, seed=7)      # u learnt from the records at hand
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from service.resolution.levels import COMPARISONS, STRONG_KINDS, WEAK_KINDS, levels
from service.resolution.record import MatchRecord

ISSUED_KINDS = ("LOYALTY_ID", "ACCOUNT_ID")
"""Identifier kinds a business issues in sequence, rather than a person types."""

_IDENTIFIER_M: Mapping[str, tuple[float, float, float]] = {
    # shared, near (one edit), differs. People keep several emails and phones, so two records of
    # one person often hold different ones; a national id is one per person, typos aside.
    "EMAIL": (0.60, 0.02, 0.38),
    "PHONE": (0.60, 0.02, 0.38),
    "NATIONAL_ID": (0.90, 0.07, 0.03),
    "LOYALTY_ID": (0.70, 0.02, 0.28),
    "ACCOUNT_ID": (0.70, 0.02, 0.28),
    "SOCIAL_HANDLE": (0.70, 0.02, 0.28),
}

DEFAULT_M: Mapping[str, tuple[float, ...]] = {
    "givenName": (0.80, 0.09, 0.04, 0.07),  # exact, jw>=0.92, jw>=0.80, differs (nicknames count as exact)
    "familyName": (0.80, 0.09, 0.04, 0.07),  # exact, jw>=0.92, jw>=0.80, differs (marriage, typos)
    "birthDate": (0.88, 0.06, 0.02, 0.04),  # exact, typo, same year, differs
    "address": (0.70, 0.12, 0.08, 0.10),  # exact, ratio>=90, ratio>=70, differs (people move)
    "locality": (0.85, 0.05, 0.10),  # exact, jw>=0.90, differs
    "postcode": (0.82, 0.08, 0.10),  # exact, one edit, differs
    "gender": (0.97, 0.03),  # same, differs
    **_IDENTIFIER_M,
    # shared, differs: one person uses several devices and browsers, so differing says little.
    **{kind: (0.3, 0.7) for kind in WEAK_KINDS},
}
"""m per level, in the order of each comparison's labels in `levels.py`."""

DEFAULT_U: Mapping[str, tuple[float, ...]] = {
    "givenName": (0.01, 0.005, 0.03, 0.955),
    "familyName": (0.003, 0.002, 0.02, 0.975),
    "birthDate": (0.00004, 0.0006, 0.012, 0.98736),
    "address": (0.0001, 0.001, 0.02, 0.9789),
    "locality": (0.01, 0.005, 0.985),
    "postcode": (0.005, 0.02, 0.975),
    "gender": (0.5, 0.5),
    **{kind: (0.000001, 0.00001, 0.999989) for kind in STRONG_KINDS},
    # Loyalty cards and accounts are numbered in sequence: a household signing up together holds
    # neighbouring numbers, so a near one says little more than "the same household".
    **{kind: (0.000001, 0.002, 0.997999) for kind in ISSUED_KINDS},
    **{kind: (0.00001, 0.99999) for kind in WEAK_KINDS},
}
"""u per level before any estimate: a population of some 100,000 people; `estimate_u` refines it."""

WEAK_MAX_WEIGHT = 2.0
"""A shared device or cookie says "the same household" at most, so it adds at most this many bits."""

MIN_PRIOR_MATCHES = 10
"""How many likely matches `estimate_u` must see among its random pairs to estimate the prior."""

U_PSEUDO_PAIRS = 1000
"""How many random pairs the default u is worth when `estimate_u` blends it with what it counted."""


@dataclass(frozen=True, slots=True)
class ComparisonParams:
    """The m and u probabilities of one comparison's levels, and the weights they give."""

    name: str
    m: tuple[float, ...]
    u: tuple[float, ...]
    max_weight: float = math.inf
    weights: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.m) != len(self.u) or not all(p > 0 for p in (*self.m, *self.u)):
            raise ValueError(f"{self.name}: m and u need one positive probability per level")
        weights: list[float] = []
        for m, u in zip(self.m, self.u, strict=True):
            weight = min(math.log2(m / u), self.max_weight)
            # Levels run from closest to loosest agreement; an estimated u can make a looser level look
            # rarer by chance, but it must never weigh more than a closer one.
            weights.append(min(weight, weights[-1]) if weights else weight)
        object.__setattr__(self, "weights", tuple(weights))

    def weight(self, level: int) -> float:
        return self.weights[level]


def _default_comparisons() -> tuple[ComparisonParams, ...]:
    return tuple(
        ComparisonParams(
            c.name,
            DEFAULT_M[c.name],
            DEFAULT_U[c.name],
            WEAK_MAX_WEIGHT if c.name in WEAK_KINDS else math.inf,
        )
        for c in COMPARISONS
    )


def _log2_odds(probability: float) -> float:
    return math.log2(probability / (1.0 - probability))


@dataclass(frozen=True, slots=True)
class MatchModel:
    """Everything scoring and clustering need to know, besides the records.

    `prior` is the probability that two random records are one person; a link is accepted when its
    match probability reaches `threshold`. Identifiers held by more than `max_holders` records never
    merge anything. `personal_kinds` are identifier kinds issued to one person only, whose sharing
    outweighs a name or birth-date disagreement (set it empty to trust no identifier over names).
    `tf_floor` is the smallest family-name frequency used: a name seen once does not weigh unbounded.
    `family_frequencies` is the term-frequency table the graph resolves with: learnt once, with u, by
    `kith resolve --full --estimate` and then fixed, so that a record resolves the same whichever
    records arrived before it (live counts would drift with every load).
    """

    comparisons: tuple[ComparisonParams, ...] = field(default_factory=_default_comparisons)
    prior: float = 0.00001
    threshold: float = 0.99
    max_holders: int = 10
    personal_kinds: frozenset[str] = frozenset({"NATIONAL_ID"})
    tf_floor: float = 0.00001
    family_frequencies: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = tuple(c.name for c in self.comparisons)
        if names != tuple(c.name for c in COMPARISONS):
            raise ValueError(f"comparisons must be {[c.name for c in COMPARISONS]}, got {list(names)}")
        if not 0.0 < self.prior < 1.0 or not 0.0 < self.threshold < 1.0:
            raise ValueError("prior and threshold are probabilities strictly between 0 and 1")

    def params(self, name: str) -> ComparisonParams:
        for params in self.comparisons:
            if params.name == name:
                return params
        raise KeyError(name)

    @property
    def prior_weight(self) -> float:
        return _log2_odds(self.prior)

    @property
    def threshold_weight(self) -> float:
        """The match weight (sum of level weights) at which a link reaches `threshold`."""
        return _log2_odds(self.threshold) - self.prior_weight

    def level_weight(self, pair_levels: Sequence[int | None]) -> float:
        """The plain sum of level weights (no frequency adjustment, no guards): a quick estimate."""
        return sum(
            params.weights[level]
            for params, level in zip(self.comparisons, pair_levels, strict=True)
            if level is not None
        )

    def family_exact_weight(self, name: str, tf: Mapping[str, float]) -> float:
        """The weight of two records agreeing exactly on family name `name`, adjusted by its frequency."""
        params = self.params("familyName")
        frequency = tf.get(name)
        if not frequency:
            return params.weight(0)
        return math.log2(params.m[0] / max(frequency, self.tf_floor))

    def probability(self, weight: float) -> float:
        return 1.0 / (1.0 + math.pow(2.0, -(weight + self.prior_weight)))


def family_name_frequencies(records: Iterable[MatchRecord]) -> dict[str, float]:
    """The share of records bearing each family name: the `tf` that `compare` and `resolve` take."""
    counts = Counter(r.family_name for r in records if r.family_name)
    total = sum(counts.values())
    return {name: count / total for name, count in counts.items()}


def estimate_u(
    records: Sequence[MatchRecord], pairs: int, seed: int, base: MatchModel | None = None
) -> MatchModel:
    """`base` (the defaults when None) with u, and the prior, estimated from random pairs of `records`.

    Random pairs are almost all of different people, so how often they land on each level is u.
    The few that `base` finds more likely one person than two are left out of u: in a small set
    (FEBRL's 1,000 records) a sample of random pairs holds enough true pairs to make shared
    identifiers look common. Their share of the sample is the prior, when there are at least
    `MIN_PRIOR_MATCHES` of them; in a large set there are too few to count and `base.prior` stands.
    Each comparison's counts are blended with the base u worth `U_PSEUDO_PAIRS` pairs, so a level
    never seen in the sample (two random records sharing an email) keeps a small positive u, and a
    field few records have stays near the base. The records are sorted by key first: the same set
    in any order gives the same model.
    """
    model = base or MatchModel()
    ordered = sorted(records, key=lambda r: r.key)
    if len(ordered) < 2:
        return model
    rng = random.Random(seed)
    counts = [Counter[int]() for _ in COMPARISONS]
    matches = 0
    for _ in range(pairs):
        i, j = rng.sample(range(len(ordered)), 2)
        pair_levels = levels(ordered[i], ordered[j])
        if model.probability(model.level_weight(pair_levels)) >= 0.5:
            matches += 1
            continue
        for index, level in enumerate(pair_levels):
            if level is not None:
                counts[index][level] += 1
    estimated = []
    for params, counted in zip(model.comparisons, counts, strict=True):
        total = sum(counted.values())
        u = tuple(
            (counted[level] + U_PSEUDO_PAIRS * prior_u) / (total + U_PSEUDO_PAIRS)
            for level, prior_u in enumerate(params.u)
        )
        estimated.append(replace(params, u=u))
    prior = matches / pairs if matches >= MIN_PRIOR_MATCHES else model.prior
    return replace(model, comparisons=tuple(estimated), prior=prior)


def model_to_json(model: MatchModel) -> str:
    """The model's parameters as JSON text, to be stored and read back with `model_from_json`.

    Example:
        >>> model_from_json(model_to_json(MatchModel())) == MatchModel()
        True
    """
    return json.dumps(
        {
            "comparisons": [
                {
                    "name": c.name,
                    "m": c.m,
                    "u": c.u,
                    "max_weight": None if math.isinf(c.max_weight) else c.max_weight,
                }
                for c in model.comparisons
            ],
            "prior": model.prior,
            "threshold": model.threshold,
            "max_holders": model.max_holders,
            "personal_kinds": sorted(model.personal_kinds),
            "tf_floor": model.tf_floor,
            "family_frequencies": dict(sorted(model.family_frequencies.items())),
        }
    )


def stored_or_default(text: str | None) -> MatchModel:
    """The model stored as `text` (`model_to_json`), or the documented defaults when none is stored."""
    return MatchModel() if text is None else model_from_json(text)


def model_from_json(text: str) -> MatchModel:
    data = json.loads(text)
    return MatchModel(
        comparisons=tuple(
            ComparisonParams(
                c["name"],
                tuple(c["m"]),
                tuple(c["u"]),
                math.inf if c["max_weight"] is None else c["max_weight"],
            )
            for c in data["comparisons"]
        ),
        prior=data["prior"],
        threshold=data["threshold"],
        max_holders=data["max_holders"],
        personal_kinds=frozenset(data["personal_kinds"]),
        tf_floor=data["tf_floor"],
        family_frequencies=data.get("family_frequencies", {}),
    )
