from __future__ import annotations

import random

import numpy as np

from service.resolution import MatchModel, estimate_m
from service.resolution.levels import BIRTH_DATE, COMPARISONS, GIVEN_NAME
from service.resolution.training import fit_m, pair_levels
from tests.unit.match_records import person

GIVEN, BIRTH = COMPARISONS.index(GIVEN_NAME), COMPARISONS.index(BIRTH_DATE)
EMAIL = [c.name for c in COMPARISONS].index("EMAIL")


def simulated(matches: int, others: int, seed: int) -> np.ndarray:
    """Pair levels drawn from a known m (one person) and the default u (two people), two fields."""
    rng = np.random.default_rng(seed)
    true_m = {GIVEN: [0.6, 0.2, 0.1, 0.1], BIRTH: [0.7, 0.2, 0.05, 0.05]}
    u = MatchModel().comparisons
    rows = np.full((matches + others, len(COMPARISONS)), -1, dtype=np.int8)
    for k, m in true_m.items():
        rows[:matches, k] = rng.choice(len(m), size=matches, p=m)
        rows[matches:, k] = rng.choice(len(m), size=others, p=np.array(u[k].u) / sum(u[k].u))
    return rows


def test_em_recovers_the_m_that_made_the_pairs() -> None:
    fitted = fit_m(simulated(matches=20_000, others=20_000, seed=1), MatchModel())
    assert np.allclose(fitted.comparisons[GIVEN].m, [0.6, 0.2, 0.1, 0.1], atol=0.03)
    assert np.allclose(fitted.comparisons[BIRTH].m, [0.7, 0.2, 0.05, 0.05], atol=0.03)
    # A field no pair has keeps its default; u and the prior are never touched.
    assert fitted.comparisons[EMAIL] == MatchModel().comparisons[EMAIL]
    assert [c.u for c in fitted.comparisons] == [c.u for c in MatchModel().comparisons]
    assert fitted.prior == MatchModel().prior


def test_no_pairs_leave_the_model_as_it_is() -> None:
    model = MatchModel()
    assert fit_m(np.empty((0, len(COMPARISONS)), dtype=np.int8), model) == model


def test_guarded_pairs_teach_nothing_and_a_family_email_is_left_out() -> None:
    family = ("EMAIL:smiths@x.com",)
    father, son = (
        person("a", "john", "smith", "1958-03-12", ids=family),
        person("b", "john", "smith", "1987-11-30", ids=family),
    )
    assert len(pair_levels([father, son], MatchModel(), max_pairs=100, seed=1)) == 0
    # A new family name and no birth date to vouch for it: the names teach, the shared email does not.
    ann, married = person("c", "ann", "green", ids=family), person("d", "ann", "brown", ids=family)
    (row,) = pair_levels([ann, married], MatchModel(), max_pairs=100, seed=1)
    assert row[GIVEN] == 0 and row[EMAIL] == -1
    (row,) = pair_levels([ann, person("e", "ann", "green", ids=family)], MatchModel(), max_pairs=100, seed=1)
    assert row[EMAIL] == 0


def test_estimate_m_is_the_same_whatever_the_order_of_the_records() -> None:
    rng = random.Random(3)
    givens, families = ["ann", "anne", "bob", "rob", "carl"], ["green", "greene", "khan", "lee"]
    records = [
        person(
            f"r{i:03d}",
            rng.choice(givens),
            rng.choice(families),
            f"19{rng.randint(50, 59)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            ids=(f"EMAIL:p{i % 40}@x.com",),
        )
        for i in range(120)
    ]
    model = estimate_m(records, MatchModel(), max_pairs=500, seed=1)
    assert model == estimate_m(list(reversed(records)), MatchModel(), max_pairs=500, seed=1)
    assert model != MatchModel()
