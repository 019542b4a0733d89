"""Comparison levels, match weights, guards on shared identifiers, and the model."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from service.resolution import MatchModel, MatchRecord, compare, estimate_u, family_name_frequencies
from service.resolution.guards import definite_conflict, disagreement, namesakes
from service.resolution.levels import BIRTH_DATE, levels
from service.resolution.model import WEAK_MAX_WEIGHT, ComparisonParams
from tests.unit.match_records import person

MODEL = MatchModel()
NO_TF: dict[str, float] = {}


def evidence_for(score_evidence: tuple[str, ...], name: str) -> str:
    return next(item for item in score_evidence if item.startswith(name + " "))


ANN = person(
    "crm:1",
    "ann",
    "green",
    "1956-04-09",
    address="7 wallaby place",
    locality="cleveland",
    postcode="2119",
    gender="F",
    ids=("EMAIL:ann@x.com",),
)


def test_the_same_person_twice_is_a_confident_match() -> None:
    score = compare(ANN, replace(ANN, key="web:1"), MODEL, NO_TF)
    assert score.probability > 0.999
    assert score.weight > MODEL.threshold_weight
    assert score.rule == "PROBABILISTIC"  # the names and date alone already carry it
    assert evidence_for(score.evidence, "familyName").startswith("familyName exact (+")
    assert evidence_for(score.evidence, "EMAIL").startswith("EMAIL shared (+")


def test_compare_is_symmetric() -> None:
    other = person("web:2", "anne", "gren", "1956-09-04", postcode="2119", ids=("EMAIL:ann@x.com",))
    assert compare(ANN, other, MODEL, NO_TF) == compare(other, ANN, MODEL, NO_TF)


def test_a_nickname_counts_as_the_same_given_name() -> None:
    bob = person("a", "bob", "smith", canonical="robert")
    robert = person("b", "robert", "smith")
    assert evidence_for(compare(bob, robert, MODEL, NO_TF).evidence, "givenName").startswith(
        "givenName exact"
    )
    robin = person("c", "robin", "smith")
    assert not evidence_for(compare(bob, robin, MODEL, NO_TF).evidence, "givenName").startswith(
        "givenName exact"
    )


def test_missing_values_are_no_evidence() -> None:
    score = compare(person("a", "ann"), ANN, MODEL, NO_TF)
    assert score.evidence == (f"givenName exact ({MODEL.params('givenName').weight(0):+.1f})",)
    assert score.weight == MODEL.params("givenName").weight(0)


def test_a_common_family_name_weighs_less_than_a_rare_one() -> None:
    tf = {"smith": 0.01, "szczepanski": 0.00002}
    smith = compare(person("a", family="smith"), person("b", family="smith"), MODEL, tf).weight
    rare = compare(person("a", family="szczepanski"), person("b", family="szczepanski"), MODEL, tf).weight
    assert rare > smith + 5


@pytest.mark.parametrize(
    ("first", "second", "label"),
    [
        ("1956-04-09", "1956-04-09", "exact"),
        ("1956-04-09", "1956-04-08", "typo"),
        ("1956-04-09", "1956-09-04", "typo"),  # day and month swapped
        ("1956-04-09", "1965-04-09", "typo"),  # transposed digits
        ("1956-04-09", "1956-11-30", "same year"),
        ("1958-03-12", "1988-03-12", "differs"),  # one digit, but a generation apart: father and son
    ],
)
def test_birth_date_levels(first: str, second: str, label: str) -> None:
    level = BIRTH_DATE.level(person("a", birth=first), person("b", birth=second))
    assert level is not None
    assert BIRTH_DATE.labels[level] == label


def test_swapped_names_are_lined_up() -> None:
    grace = person("a", "grace", "george", "1918-08-20")
    swapped = person("b", "george", "grace", "1918-08-20")
    assert levels(grace, swapped)[:2] == (0, 0)
    assert disagreement(grace, swapped) is None


def test_an_email_can_be_the_decisive_evidence() -> None:
    a = person("a", "ann", "green", ids=("EMAIL:ann@x.com",))
    b = person("b", "ann", "green", locality="leeds", ids=("EMAIL:ann@x.com",))
    without_email = compare(replace(a, identifiers=frozenset()), b, MODEL, NO_TF)
    score = compare(a, b, MODEL, NO_TF)
    assert without_email.weight < MODEL.threshold_weight <= score.weight
    assert score.rule == "IDENTIFIER:EMAIL"


def test_a_family_email_between_spouses_adds_nothing() -> None:
    wife = person("a", "ann", "green", "1956-04-09", ids=("EMAIL:greens@x.com",))
    husband = person("b", "mitchell", "green", "1954-11-30", ids=("EMAIL:greens@x.com",))
    score = compare(wife, husband, MODEL, NO_TF)
    assert score.disagreement == "given names differ"
    assert "EMAIL shared, household only: given names differ (+0.0)" in score.evidence
    assert score.weight < 0
    assert score.rule == "PROBABILISTIC"


def test_an_email_shared_with_a_far_given_name_is_household_evidence() -> None:
    # A family email on the newsletter under the mother's first name, and the stepfather's record.
    family = ("EMAIL:holmes.home@x.com",)
    alison, jason = (
        person("a", "alison", ids=family),
        person("b", "jason", "barnes", "1977-04-02", ids=family),
    )
    assert disagreement(alison, jason) == "given names differ"
    assert "household only" in evidence_for(compare(alison, jason, MODEL, NO_TF).evidence, "EMAIL")
    # An abbreviation is one name written twice, and it keeps the email's weight.
    alex = person("c", "alexander", "barnes", ids=family)
    assert disagreement(person("d", "alex", ids=family), alex) is None


def test_a_shared_device_is_weak_evidence_at_most() -> None:
    a = person("a", "ann", ids=("DEVICE_ID:tablet-1",))
    b = person("b", "ann", ids=("DEVICE_ID:tablet-1",))
    device = evidence_for(compare(a, b, MODEL, NO_TF).evidence, "DEVICE_ID")
    assert device == f"DEVICE_ID shared ({WEAK_MAX_WEIGHT:+.1f})"


def test_definite_conflicts() -> None:
    father = person("a", "john", "smith", "1958-03-12")
    son = person("b", "john", "smith", "1987-11-30")
    twin = person("c", "james", "smith", "1958-03-12")
    assert definite_conflict(father, son, MODEL.personal_kinds) == "birth dates differ"
    assert definite_conflict(father, twin, MODEL.personal_kinds) == "given names differ"
    assert definite_conflict(father, person("d", "j", "smith", "1958-03-12"), MODEL.personal_kinds) is None
    # Twins: the same birth date and family name, given names alike but more than one typo apart.
    jack, jake = person("f", "jack", "smith", "1990-05-17"), person("g", "jake", "smyth", "1990-05-17")
    assert definite_conflict(jack, jake, MODEL.personal_kinds) == "twins: given names differ"
    assert disagreement(jack, jake) == "twins: given names differ"
    assert definite_conflict(jack, replace(jake, birth_date="1990-05-18"), MODEL.personal_kinds) is None
    assert definite_conflict(jack, replace(jake, given_name="jakc"), MODEL.personal_kinds) is None
    assert definite_conflict(jack, replace(jake, given_canonical="jack"), MODEL.personal_kinds) is None
    # When both hold a national id, the ids tell twins apart, not the given names: a copy with a
    # mistyped name and a mistyped id (FEBRL's "talyaj" for "taylah") is left to the weights.
    typed, retyped = (
        replace(jack, identifiers=frozenset({"NATIONAL_ID:3061308"})),
        replace(jake, identifiers=frozenset({"NATIONAL_ID:3061208"})),
    )
    assert definite_conflict(typed, retyped, MODEL.personal_kinds) is None
    assert definite_conflict(typed, jake, MODEL.personal_kinds) == "twins: given names differ"
    assert definite_conflict(typed, retyped, frozenset()) == "twins: given names differ"
    # With no birth date to tell them, alike given names in one home are siblings too.
    brittany = person("h", "brittany", "russell", address="22 highfield drive")
    brian = person("i", "brian", "russell", "1985-09-17", address="22 highfield drive")
    assert definite_conflict(brittany, brian, MODEL.personal_kinds) == "one home: given names differ"
    assert definite_conflict(brittany, replace(brian, address="3 mill lane"), MODEL.personal_kinds) is None
    assert definite_conflict(brittany, replace(brian, given_name="britany"), MODEL.personal_kinds) is None
    # A new family name is no definite conflict; with the same birth date it is a marriage, and
    # a shared email keeps its weight. Without a birth date to vouch for it, the email is discounted.
    married = person("e", "john", "brown", "1958-03-12")
    assert definite_conflict(father, married, MODEL.personal_kinds) is None
    assert disagreement(father, married) is None
    assert disagreement(replace(father, birth_date=None), married) == "family names differ"


def test_a_name_and_a_home_alone_are_what_namesakes_share() -> None:
    home = {"address": "7 wallaby place", "locality": "cleveland", "postcode": "2119"}
    father = person("a", "john", "smith", "1958-03-12", **home, gender="M", ids=("EMAIL:js@x.com",))
    son = person("b", "john", "smith", None, **home, gender="M", ids=("EMAIL:jsmith88@y.com",))
    assert compare(father, son, MODEL, NO_TF).weight > MODEL.threshold_weight
    assert compare(father, son, MODEL, NO_TF).home_only
    # A birth date, or a strong identifier both hold, is one person's.
    assert not compare(father, replace(son, birth_date="1958-03-21"), MODEL, NO_TF).home_only
    assert not compare(father, replace(son, identifiers=father.identifiers), MODEL, NO_TF).home_only
    # A household tablet is the whole home's.
    tablet = frozenset({"DEVICE_ID:dev-1"})
    assert compare(
        replace(father, identifiers=tablet), replace(son, identifiers=tablet), MODEL, NO_TF
    ).home_only


def test_a_generational_suffix_tells_namesakes_apart() -> None:
    senior = person("a", "thomas", "ward", ids=("EMAIL:tw@x.com",))
    junior = replace(person("b", "thomas", "ward", ids=("EMAIL:tw@x.com",)), generation="jr")
    assert (
        definite_conflict(replace(senior, generation="sr"), junior, MODEL.personal_kinds)
        == "generations differ"
    )
    assert definite_conflict(senior, junior, MODEL.personal_kinds) is None
    # Without a suffix a record may be either of them: a name and a home cannot say which.
    assert namesakes([senior], [junior], MODEL.personal_kinds) == "namesakes: generations differ"
    assert namesakes([senior, junior], [replace(junior, key="c")], MODEL.personal_kinds) is None
    # The family name itself goes without the suffix: Jr agrees with his records that leave it out.
    assert evidence_for(compare(senior, junior, MODEL, NO_TF).evidence, "familyName").startswith(
        "familyName exact"
    )


def test_namesakes_hold_identifiers_of_their_own_that_differ() -> None:
    father = person("a", "john", "smith", ids=("EMAIL:js@x.com", "LOYALTY_ID:633700174218"))
    son = person("b", "john", "smith", ids=("EMAIL:jsmith88@y.com",))
    son_at_the_till = person("c", "john", "smith", ids=("LOYALTY_ID:633700619379",))
    personal = MODEL.personal_kinds
    assert namesakes([father], [son], personal) == "namesakes: EMAIL differs"
    assert namesakes([father], [son_at_the_till], personal) == "namesakes: LOYALTY_ID differs"
    # Kinds only one side holds say nothing; one value in common, or one mistyped, is one person.
    assert namesakes([son], [son_at_the_till], personal) is None
    assert (
        namesakes([father], [son, replace(son, key="d", identifiers=frozenset({"EMAIL:js@x.com"}))], personal)
        is None
    )
    assert namesakes([father], [replace(son, identifiers=frozenset({"EMAIL:sj@x.com"}))], personal) is None
    # A household's mailbox is anyone's in the home, and a national id is left to the weights.
    family = replace(son, identifiers=frozenset({"EMAIL:smithfamily@x.com"}))
    assert namesakes([father], [family], personal) is None
    ids = (
        replace(father, identifiers=frozenset({"NATIONAL_ID:4392917"})),
        replace(son, identifiers=frozenset({"NATIONAL_ID:1613259"})),
    )
    assert namesakes([ids[0]], [ids[1]], personal) is None


def test_a_shared_national_id_outweighs_a_clashing_name() -> None:
    a = person("a", "jack", "maier", "1963-02-27", ids=("NATIONAL_ID:7364009",))
    b = person("b", "isabella", "maier", "1963-02-27", ids=("NATIONAL_ID:7364009",))
    assert definite_conflict(a, b, MODEL.personal_kinds) is None
    assert definite_conflict(a, b, frozenset()) == "given names differ"
    assert (
        compare(a, b, MODEL, NO_TF).weight
        > compare(a, b, replace(MODEL, personal_kinds=frozenset()), NO_TF).weight
    )


def test_a_mistyped_national_id_outweighs_a_clashing_name_but_a_neighbour_in_sequence_does_not() -> None:
    # FEBRL's copies: the id with two digits swapped, or one digit slipped, and another given name.
    kieren = person("a", "kieren", "reid", "1979-01-21", ids=("NATIONAL_ID:2428295",))
    slipped = person("b", "allegra", "reid", "1979-01-21", ids=("NATIONAL_ID:2438295",))
    swapped = replace(slipped, identifiers=frozenset({"NATIONAL_ID:2482295"}))
    # Twins registered together: consecutive numbers, one edit apart in the last digit.
    twin = replace(slipped, identifiers=frozenset({"NATIONAL_ID:2428296"}))
    for copy in (slipped, swapped):
        assert definite_conflict(kieren, copy, MODEL.personal_kinds) is None
        assert "household only" not in evidence_for(
            compare(kieren, copy, MODEL, NO_TF).evidence, "NATIONAL_ID"
        )
    assert definite_conflict(kieren, twin, MODEL.personal_kinds) == "given names differ"
    assert "household only" in evidence_for(compare(kieren, twin, MODEL, NO_TF).evidence, "NATIONAL_ID")
    assert definite_conflict(kieren, slipped, frozenset()) == "given names differ"


def population(size: int, seed: int) -> list[MatchRecord]:
    rng = random.Random(seed)
    givens = ["ann", "bob", "carl", "dina", "emma", "finn", "gail", "hugo", "ivy", "jack"]
    families = ["smith", "jones", "brown", "green", "white", "black", "ng", "lee", "khan", "ali"]
    return [
        person(
            f"p{i:04d}",
            rng.choice(givens),
            rng.choice(families),
            f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            postcode=f"{rng.randint(2000, 2099)}",
            ids=(f"EMAIL:u{i}@x.com",),
        )
        for i in range(size)
    ]


def test_estimate_u_learns_the_population_deterministically() -> None:
    records = population(400, seed=3)
    model = estimate_u(records, pairs=5000, seed=1)
    assert model == estimate_u(list(reversed(records)), pairs=5000, seed=1)
    assert model != estimate_u(records, pairs=5000, seed=2)
    # Ten given names: agreeing on one is common here, much commoner than the default assumes.
    assert model.params("givenName").u[0] > 5 * MODEL.params("givenName").u[0]
    assert model.params("givenName").weight(0) < MODEL.params("givenName").weight(0)
    for params in model.comparisons:
        assert all(0 < u < 1 for u in params.u)
    assert estimate_u(records[:1], pairs=100, seed=1) == MODEL


def strangers(size: int, seed: int) -> list[MatchRecord]:
    rng = random.Random(seed)

    def name() -> str:
        return "".join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou") for _ in range(3))

    return [
        person(
            f"s{i:04d}",
            name(),
            name(),
            f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            postcode=f"{rng.randint(1000, 9999)}",
        )
        for i in range(size)
    ]


def test_estimate_u_takes_the_prior_from_the_matches_it_meets() -> None:
    records = strangers(200, seed=4)
    twice = records + [replace(r, key=r.key + "-copy") for r in records]
    model = estimate_u(twice, pairs=20000, seed=1)
    # One copy per record: about one random pair in 400 is a match.
    assert 1 / 800 < model.prior < 1 / 200
    assert model.threshold_weight < MODEL.threshold_weight
    assert estimate_u(records, pairs=20000, seed=1).prior == MODEL.prior


def test_family_name_frequencies() -> None:
    tf = family_name_frequencies(
        [person("a", family="lee"), person("b", family="lee"), person("c", family="ng")]
    )
    assert tf == {"lee": 2 / 3, "ng": 1 / 3}


def test_the_model_checks_its_parameters() -> None:
    with pytest.raises(ValueError, match="one positive probability per level"):
        ComparisonParams("gender", (0.9, 0.1), (1.0,))
    with pytest.raises(ValueError, match="comparisons must be"):
        MatchModel(comparisons=MODEL.comparisons[1:])
    with pytest.raises(ValueError, match="strictly between"):
        MatchModel(threshold=1.0)


def test_a_looser_level_never_weighs_more_than_a_closer_one() -> None:
    params = ComparisonParams("address", (0.7, 0.2, 0.05, 0.05), (0.01, 0.0001, 0.02, 0.97))
    assert params.weights[1] == params.weights[0]
    assert list(params.weights) == sorted(params.weights, reverse=True)
