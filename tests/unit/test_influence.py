"""Influence scoring without a database: edge weights by kind, direction, scaling."""

from __future__ import annotations

import doctest

from service import influence
from service.influence import OTHER_WEIGHT, WEIGHTS, customer_edges, influence_scores


def test_a_referral_weighs_more_than_a_follow() -> None:
    assert WEIGHTS["REFERRED_BY"] > WEIGHTS["FOLLOWS"] > WEIGHTS["FRIEND"] >= OTHER_WEIGHT > 0
    # A customer's standing is shared out among the people they name, in proportion to the weights.
    edges = customer_edges([("a", "referrer", "REFERRED_BY"), ("a", "followed", "FOLLOWS")])
    scores = influence_scores(["a", "referrer", "followed"], edges)
    assert scores["referrer"] > scores["followed"] > scores["a"]


def test_standing_flows_from_those_who_make_the_statement_to_those_named() -> None:
    # Everyone follows the star; the star follows nobody.
    fans = [f"fan{n}" for n in range(5)]
    scores = influence_scores([*fans, "star"], customer_edges((fan, "star", "FOLLOWS") for fan in fans))
    assert max(scores, key=lambda customer: scores[customer]) == "star"


def test_statements_count_once_kinds_add_up_and_ties_run_both_ways() -> None:
    edges = customer_edges(
        [
            ("a", "b", "FOLLOWS"),
            ("a", "b", "FOLLOWS"),  # the same statement from a second record of a
            ("a", "b", "REFERRED_BY"),
            ("a", "c", "FAMILY"),
            ("a", "d", "COLLEAGUE"),
            ("a", "a", "FOLLOWS"),  # records of one customer relating to each other
        ]
    )
    assert edges == {
        ("a", "b"): WEIGHTS["FOLLOWS"] + WEIGHTS["REFERRED_BY"],
        ("a", "c"): WEIGHTS["FAMILY"],
        ("c", "a"): WEIGHTS["FAMILY"],
        ("a", "d"): OTHER_WEIGHT,
    }


def test_scores_average_one_and_an_empty_graph_scores_nobody() -> None:
    scores = influence_scores(["a", "b", "c", "d"], customer_edges([("a", "b", "REFERRED_BY")]))
    assert abs(sum(scores.values()) - 4.0) < 1e-9
    assert influence_scores([], {}) == {}


def test_the_examples_in_the_docstrings_hold() -> None:
    results = doctest.testmod(influence)
    assert results.attempted >= 3 and results.failed == 0
