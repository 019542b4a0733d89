"""Learning m from the records themselves: expectation maximisation over candidate pairs, Splink style.

Candidate pairs (records that share a blocking key or an identifier, `blocking.py`) mix pairs of one
person's records with pairs of different people. With u fixed (learnt from random pairs by
`model.estimate_u`), EM alternates two steps until m settles:

- E: each pair's probability of being one person under the current m;
- M: each level's m, the probability-weighted share of pairs at that level.

Three choices keep it safe on customer data:
- a pair the guards forbid (`guards.definite_conflict`: twins, a father and his son) is no example of
  one person and is left out, and an identifier shared by records that disagree on a name or a date
  (a family email) is left out of that pair, as `compare` leaves it out of the weight;
- the model's m are a Dirichlet prior worth `M_PSEUDO_PAIRS` pairs, so a level few pairs reach
  (two records with a mistyped national id) keeps close to its default;
- the share of one-person pairs among candidates is a nuisance parameter of the fit, not the model's
  prior, which stays the share among random pairs.

Example:
    >>> model = estimate_m(records, estimate_u(records, pairs=100_000, seed=7), max_pairs=200_000, seed=7)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from service.resolution.blocking import candidate_pairs
from service.resolution.guards import definite_conflict, level_disagreement
from service.resolution.levels import COMPARISONS, STRONG_KINDS, WEAK_KINDS, align
from service.resolution.model import MatchModel
from service.resolution.record import MatchRecord
from service.resolution.resolve import without_crowded

M_PSEUDO_PAIRS = 200.0
"""How many pairs the model's m is worth against the candidate pairs EM weighs."""

EM_ITERATIONS = 50
EM_TOLERANCE = 1e-5
"""EM stops after this many rounds, or once no m moves by more than the tolerance."""

_MISSING = -1
_IDENTIFIER_KINDS = frozenset(STRONG_KINDS) | frozenset(WEAK_KINDS)
_IDENTIFIER_COLUMNS = [index for index, c in enumerate(COMPARISONS) if c.name in _IDENTIFIER_KINDS]

Levels = npt.NDArray[np.int8]


def pair_levels(records: Sequence[MatchRecord], model: MatchModel, max_pairs: int, seed: int) -> Levels:
    """The levels of up to `max_pairs` candidate pairs (a sample, by `seed`, when there are more).

    One row a pair, one column a comparison, `_MISSING` where either record lacks the field or the
    field says nothing for the pair: a guarded pair is left out, a discounted identifier is missing.
    """
    ordered = sorted(without_crowded(records, {}, model.max_holders), key=lambda r: r.key)
    pairs = sorted(candidate_pairs(ordered))
    if len(pairs) > max_pairs:
        pairs = sorted(random.Random(seed).sample(pairs, max_pairs))
    rows: list[list[int]] = []
    for i, j in pairs:
        if definite_conflict(ordered[i], ordered[j], model.personal_kinds) is not None:
            continue
        a, b = align(ordered[i], ordered[j])
        found = [comparison.level(a, b) for comparison in COMPARISONS]
        row = [_MISSING if level is None else level for level in found]
        if level_disagreement(found, a, b) is not None:
            for column in _IDENTIFIER_COLUMNS:
                if COMPARISONS[column].name not in model.personal_kinds:
                    row[column] = _MISSING
        rows.append(row)
    return np.array(rows, dtype=np.int8).reshape(len(rows), len(COMPARISONS))


def estimate_m(records: Sequence[MatchRecord], model: MatchModel, max_pairs: int, seed: int) -> MatchModel:
    """`model` with m learnt by EM from candidate pairs of `records` (u and the prior kept)."""
    return fit_m(pair_levels(records, model, max_pairs, seed), model)


def fit_m(observed: Levels, model: MatchModel) -> MatchModel:
    """`model` with m fitted by EM to the pair levels `observed` (`pair_levels`)."""
    if len(observed) == 0:
        return model
    base_m = [np.array(params.m) for params in model.comparisons]
    log_u = [np.log2(np.array(params.u)) for params in model.comparisons]
    present = observed != _MISSING
    columns = [observed[:, k].clip(0) for k in range(len(COMPARISONS))]
    m = [values.copy() for values in base_m]
    share = 0.5
    for _ in range(EM_ITERATIONS):
        weight = np.zeros(len(observed))
        for k, column in enumerate(columns):
            weight += np.where(present[:, k], np.log2(m[k])[column] - log_u[k][column], 0.0)
        odds = np.clip(weight + np.log2(share / (1.0 - share)), -60.0, 60.0)
        match = 1.0 / (1.0 + np.exp2(-odds))
        share = float(np.clip(match.mean(), 1e-6, 1.0 - 1e-6))
        moved = 0.0
        for k, column in enumerate(columns):
            counts = np.bincount(column[present[:, k]], weights=match[present[:, k]], minlength=len(m[k]))
            fitted = (counts + M_PSEUDO_PAIRS * base_m[k]) / (counts.sum() + M_PSEUDO_PAIRS)
            moved = max(moved, float(np.abs(fitted - m[k]).max()))
            m[k] = fitted
        if moved < EM_TOLERANCE:
            break
    return replace(
        model,
        comparisons=tuple(
            replace(params, m=tuple(float(p) for p in fitted))
            for params, fitted in zip(model.comparisons, m, strict=True)
        ),
    )
