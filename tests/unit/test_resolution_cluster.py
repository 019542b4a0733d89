"""Clustering: strongest first, no conflicting merges, no weak merges, a spanning set of links."""

from __future__ import annotations

from collections.abc import Sequence

from service.resolution.cluster import AMBIGUITY_MARGIN, OPPOSED_WEIGHT, Conflict, cluster
from service.resolution.compare import PairScore

THRESHOLD = 20.0


def score(weight: float, disagreement: str | None = None, home_only: bool = False) -> PairScore:
    return PairScore(weight, 0.5, "PROBABILISTIC", (), disagreement, home_only)


def never(xs: Sequence[str], ys: Sequence[str]) -> bool:
    return False


def conflicts_between(*pairs: tuple[str, str]) -> Conflict:
    forbidden = {frozenset(p) for p in pairs}

    def conflict(xs: Sequence[str], ys: Sequence[str]) -> bool:
        return any(frozenset((x, y)) in forbidden for x in xs for y in ys)

    return conflict


def test_strong_links_merge_and_weak_ones_do_not() -> None:
    scores = {("a", "b"): score(30.0), ("b", "c"): score(THRESHOLD - 0.1)}
    partition, links, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b"), ("c",)]
    assert [(link.a, link.b, link.weight) for link in links] == [("a", "b", 30.0)]


def test_a_chain_does_not_glue_conflicting_records() -> None:
    # A~B and B~C are strong, but A and C are plainly different people; A~B is the clear best match.
    scores = {("a", "b"): score(40.0), ("b", "c"): score(40.0 - AMBIGUITY_MARGIN - 1)}
    conflict = conflicts_between(("a", "c"))
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, conflict)
    assert partition.clusters() == [("a", "b"), ("c",)]
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b", "c")]


def test_a_cross_pair_that_says_two_people_blocks_the_merge() -> None:
    # C is close to A but B's fields, added up, say C is someone else.
    scores = {("a", "b"): score(40.0), ("a", "c"): score(25.0), ("b", "c"): score(OPPOSED_WEIGHT - 1)}
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b"), ("c",)]


def test_a_cross_pair_with_little_to_compare_does_not_block_the_merge() -> None:
    # B and C share only a name (a weak but positive weight): nothing says they are two people.
    scores = {("a", "b"): score(40.0), ("a", "c"): score(25.0), ("b", "c"): score(11.0)}
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b", "c")]


def test_links_span_each_cluster() -> None:
    keys = ["a", "b", "c", "d", "e"]
    scores = {
        ("a", "b"): score(40.0),
        ("a", "c"): score(35.0),
        ("b", "c"): score(33.0),
        ("d", "e"): score(25.0),
    }
    partition, links, _ = cluster(keys, scores, THRESHOLD, never)
    clusters = partition.clusters()
    assert clusters == [("a", "b", "c"), ("d", "e")]
    assert len(links) == len(keys) - len(clusters)
    assert {(link.a, link.b) for link in links} == {("a", "b"), ("a", "c"), ("d", "e")}


def test_ties_are_broken_by_keys_whatever_the_input_order() -> None:
    # Three equal links, two of which span the cluster: the smaller pairs win.
    pairs = [(("a", "b"), score(30.0)), (("b", "c"), score(30.0)), (("a", "c"), score(30.0))]
    for ordered in (pairs, list(reversed(pairs))):
        partition, links, _ = cluster(["c", "b", "a"], dict(ordered), THRESHOLD, never)
        assert partition.clusters() == [("a", "b", "c")]
        assert [(link.a, link.b) for link in links] == [("a", "b"), ("a", "c")]


def test_clean_links_go_before_links_that_disagree() -> None:
    # b-c is the strongest link, but b and c disagree on a name (a shared national id carries it);
    # a-b is clean. Clean first: a and b join, then c joins through its identifier.
    scores = {("a", "b"): score(30.0), ("b", "c"): score(50.0, "given names differ")}
    partition, links, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b", "c")]
    assert [(link.a, link.b) for link in links] == [("a", "b"), ("b", "c")]


def test_a_name_and_home_link_does_not_join_namesakes() -> None:
    # a-c agrees on a name and a home only; a's group and c's hold different emails.
    scores = {("a", "b"): score(30.0), ("a", "c"): score(40.0, home_only=True)}
    namesakes = conflicts_between(("b", "c"))
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never, namesakes)
    assert partition.clusters() == [("a", "b"), ("c",)]
    # A link with a birth date or an identifier behind it is not asked.
    scores["a", "c"] = score(40.0)
    partition, _, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never, namesakes)
    assert partition.clusters() == [("a", "b", "c")]


def test_name_and_home_links_go_last_however_heavy() -> None:
    # b-c (a name and a home, 41 bits) outweighs a-b (a shared email, 33 bits), yet comes after it:
    # only then does b's group hold a's loyalty card, which tells it from c's.
    scores = {("a", "b"): score(33.0), ("b", "c"): score(41.0, home_only=True)}
    namesakes = conflicts_between(("a", "c"))
    partition, links, _ = cluster(["a", "b", "c"], scores, THRESHOLD, never, namesakes)
    assert partition.clusters() == [("a", "b"), ("c",)]
    assert [(link.a, link.b) for link in links] == [("a", "b")]


def test_a_record_close_to_two_people_is_ambiguous_and_stays_alone() -> None:
    # B links A and C at close weights, and A and C can never be one person: B could be either.
    scores = {("a", "b"): score(40.0), ("b", "c"): score(40.0 - AMBIGUITY_MARGIN + 1)}
    partition, links, ambiguous = cluster(["a", "b", "c"], scores, THRESHOLD, conflicts_between(("a", "c")))
    assert partition.clusters() == [("a",), ("b",), ("c",)]
    assert links == []
    assert list(ambiguous) == ["b"]
    assert ambiguous["b"].startswith("ambiguous: links a (+40.0) and c (+31.0)")


def test_a_record_close_to_two_groups_that_can_be_one_person_is_not_ambiguous() -> None:
    scores = {("a", "b"): score(40.0), ("b", "c"): score(39.0)}
    partition, _, ambiguous = cluster(["a", "b", "c"], scores, THRESHOLD, never)
    assert partition.clusters() == [("a", "b", "c")]
    assert ambiguous == {}


def test_ambiguity_does_not_depend_on_input_order() -> None:
    conflict = conflicts_between(("a", "c"))
    items = [(("a", "b"), score(30.0)), (("b", "c"), score(30.0)), (("c", "d"), score(50.0))]
    outcomes = []
    for keys, ordered in ((["a", "b", "c", "d"], items), (["d", "c", "b", "a"], items[::-1])):
        partition, links, ambiguous = cluster(keys, dict(ordered), THRESHOLD, conflict)
        outcomes.append((partition.clusters(), links, ambiguous))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == [("a",), ("b",), ("c", "d")]
