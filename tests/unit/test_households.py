"""Deciding households: homes, movers, shared evidence, ambiguity, roles and stable ids."""

from __future__ import annotations

import doctest
import random
from datetime import date, datetime, timedelta

from service import households
from service.households import (
    Group,
    Resident,
    Sighting,
    assign_household_ids,
    decide,
    home_of,
    place_of,
    role_of,
)

OAK = "GB|LS62AB|7 oak road"
ELM = "GB|LS63CD|19 elm road"
DAY = datetime(2025, 1, 1)


def seen(address: str, days: int = 0, record: str | None = None) -> Sighting:
    return Sighting(DAY + timedelta(days=days), address, record or f"{address}@{days}")


def resident(customer: str, *sightings: Sighting, evidence: tuple[str, ...] = ()) -> Resident:
    return Resident(customer, sightings, frozenset(evidence))


def members(groups: list[Group]) -> list[tuple[str, ...]]:
    return [group.members for group in groups]


def test_one_home_written_several_ways_is_one_place() -> None:
    assert place_of("AU|2150|unit 2 12 smith street") == place_of("AU|2150|2 12 smith street")
    assert place_of("GB|N65BP|flat 20 2 windsor avenue") == place_of("GB|N65BP|2 windsor avenue flat 20")
    assert place_of("GB|N65BP|20 2 windsor avenue") != place_of("GB|N65BP|2 windsor avenue")
    assert place_of("GB|N65BP|2 windsor avenue") != place_of("GB|N65BQ|2 windsor avenue")
    assert place_of("GB|N65BP|").key is None
    assert place_of("GB|N65BP|flat 20 2 windsor avenue").refines(place_of("GB|N65BP|2 windsor avenue"))
    assert place_of("GB|N65BP|flat 20 2 windsor avenue").refines(place_of("GB|N65BP|"))
    # Unit 23 of number 31 is not number 23, though the words are the same.
    assert not place_of("AU|3065|unit 23 31 melaleuca parade").refines(
        place_of("AU|3065|23 melaleuca parade")
    )


def test_the_latest_address_is_home_and_movers_leave() -> None:
    home = home_of([seen(OAK, 0), seen(ELM, 30)])
    assert home.place == place_of(ELM) and home.address == ELM
    # A record without a time counts as the oldest.
    assert home_of([Sighting(None, ELM, "a"), seen(OAK, 0)]).place == place_of(OAK)
    # Times with and without a zone compare (a naive time is UTC).
    aware = Sighting(datetime.fromisoformat("2025-01-05T00:00:00+00:00"), ELM, "b")
    assert home_of([aware, seen(OAK, 2)]).place == place_of(ELM)


def test_a_vaguer_latest_address_refines_to_an_older_precise_one_unless_it_contradicts_it() -> None:
    flat = "GB|N65BP|flat 20 2 windsor avenue"
    assert home_of([seen(flat, 0), seen("GB|N65BP|2 windsor avenue", 9)]).place == place_of(flat)
    assert home_of([seen(flat, 0), seen("GB|N65BP|", 9)]).place == place_of(flat)
    moved = home_of([seen(flat, 0), seen("GB|E18XY|", 9)])
    assert moved.place is None and moved.hint == "GB|E18XY"
    assert home_of([]).place is None and home_of([]).hint is None


def test_people_at_one_home_share_a_household_and_two_homes_never_merge() -> None:
    groups = decide(
        [
            resident("ann", seen(OAK), evidence=("EMAIL:family",)),
            resident("bob", seen("GB|LS62AB|7 oak rd")),
            resident("cat", seen(OAK)),
            # The son who moved out still shares the family email: he stays in his own home.
            resident("son", seen(ELM), evidence=("EMAIL:family",)),
        ]
    )
    assert members(groups) == [("ann", "bob", "cat"), ("son",)]
    assert groups[0].place == place_of(OAK) and groups[0].address == OAK


def test_customers_without_an_address_join_the_one_home_their_evidence_reaches() -> None:
    people = [
        resident("ann", seen(OAK), evidence=("PHONE:land",)),
        resident("kid", seen("GB|LS62AB|"), evidence=("PHONE:land",)),  # postcode only, same area
        resident("app", evidence=("DEVICE:tablet",)),
        resident("teen", evidence=("DEVICE:tablet", "PHONE:land")),  # through a chain of unplaced ones
        resident("away", seen("GB|E18XY|"), evidence=("PHONE:land",)),  # hinted elsewhere: not joined
        resident("lone"),
    ]
    assert members(decide(people)) == [("ann", "app", "kid", "teen")]


def test_an_ambiguous_link_makes_no_household_and_evidence_alone_makes_one() -> None:
    people = [
        resident("ann", seen(OAK), evidence=("EMAIL:gran",)),
        resident("sam", seen(ELM), evidence=("PHONE:gran",)),
        resident("gran", evidence=("EMAIL:gran", "PHONE:gran")),
        resident("x", evidence=("EMAIL:pair",)),
        resident("y", evidence=("EMAIL:pair",)),
    ]
    groups = decide(people)
    assert members(groups) == [("ann",), ("sam",), ("x", "y")]
    assert groups[2].place is None and groups[2].address is None


def test_a_declared_family_tie_places_someone_only_when_identifiers_place_them_nowhere() -> None:
    mum = resident("mum", seen(OAK), evidence=("EMAIL:oak",))
    dad = resident("dad", seen(ELM))
    people = [
        mum,
        dad,
        Resident("teen", relatives=frozenset({"mum"})),
        Resident("torn", relatives=frozenset({"mum", "dad"})),  # two homes: ambiguous
        Resident("kid", evidence=frozenset({"EMAIL:oak"}), relatives=frozenset({"dad"})),  # evidence first
        Resident("aunt", (seen("GB|E18XY|"),), relatives=frozenset({"mum"})),  # hinted elsewhere
    ]
    assert members(decide(people)) == [("dad",), ("kid", "mum", "teen")]
    # The tie may be declared on either side.
    mum_says = Resident(mum.id, mum.sightings, relatives=frozenset({"teen"}))
    assert members(decide([mum_says, Resident("teen")])) == [("mum", "teen")]


def test_a_family_tie_reaches_a_relative_placed_by_evidence_or_by_another_tie() -> None:
    people = [
        resident("mum", seen(OAK)),
        resident("dad", evidence=("EMAIL:oak",)),  # no address: placed by the family email
        Resident("kid", (seen(OAK),), frozenset({"EMAIL:oak"})),
        Resident("teen", relatives=frozenset({"dad"})),  # tied to dad, who has no address himself
        Resident("baby", relatives=frozenset({"teen"})),  # tied to teen, who has no address either
    ]
    assert members(decide(people)) == [("baby", "dad", "kid", "mum", "teen")]


def test_customers_sharing_evidence_but_no_home_follow_a_family_tie_of_any_of_them() -> None:
    people = [
        resident("mum", seen(OAK)),
        Resident("son", evidence=frozenset({"DEVICE:tablet"}), relatives=frozenset({"mum"})),
        resident("daughter", evidence=("DEVICE:tablet",)),
    ]
    assert members(decide(people)) == [("daughter", "mum", "son")]


def test_family_ties_without_a_home_make_a_household_where_hints_agree() -> None:
    people = [
        Resident("gran", relatives=frozenset({"aunt"})),
        Resident("aunt", (seen("GB|E18XY|"),), relatives=frozenset({"cousin"})),
        Resident("cousin"),
        Resident("uncle", (seen("GB|LS62AB|"),), relatives=frozenset({"aunt"})),  # last seen elsewhere
    ]
    groups = decide(people)
    assert members(groups) == [("aunt", "cousin", "gran")]
    assert groups[0].place is None and groups[0].address is None


def test_a_family_tie_never_settles_what_evidence_left_ambiguous() -> None:
    people = [
        resident("ann", seen(OAK), evidence=("EMAIL:gran",)),
        resident("sam", seen(ELM), evidence=("PHONE:gran",)),
        Resident("gran", evidence=frozenset({"EMAIL:gran", "PHONE:gran"}), relatives=frozenset({"ann"})),
    ]
    assert members(decide(people)) == [("ann",), ("sam",)]


def test_a_known_home_is_a_household_even_alone_and_no_known_home_is_none() -> None:
    # Someone living alone at a known address is a household of one (its address, its members'
    # roles); someone whose home is unknown and who is tied to nobody is in no household: unknown,
    # which is not the same as living alone.
    groups = decide([resident("solo", seen(OAK)), resident("nowhere"), resident("vague", seen("GB|LS62AB|"))])
    assert members(groups) == [("solo",)] and groups[0].address == OAK


def test_a_building_written_without_its_flat_joins_the_only_flat_known_there() -> None:
    building = "GB|N65BP|2 windsor avenue"
    one = decide([resident("a", seen("GB|N65BP|flat 20 2 windsor avenue")), resident("b", seen(building))])
    assert members(one) == [("a", "b")]
    two = decide(
        [
            resident("a", seen("GB|N65BP|flat 20 2 windsor avenue")),
            resident("c", seen("GB|N65BP|flat 21 2 windsor avenue")),
            resident("b", seen(building)),
        ]
    )
    assert members(two) == [("a",), ("b",), ("c",)]


def test_a_house_number_equal_to_a_unit_number_elsewhere_is_another_home() -> None:
    groups = decide(
        [
            resident("a", seen("AU|3065|23 31 melaleuca parade")),
            resident("b", seen("AU|3065|23 melaleuca parade")),
        ]
    )
    assert members(groups) == [("a",), ("b",)]


def test_a_crowded_address_is_not_a_household() -> None:
    crowd = [resident(f"c{n:02d}", seen(OAK)) for n in range(13)]
    assert decide(crowd) == []
    assert members(decide(crowd[:12])) == [tuple(f"c{n:02d}" for n in range(12))]


def test_the_decision_does_not_depend_on_input_order() -> None:
    people = [
        resident("ann", seen(OAK), evidence=("PHONE:land",)),
        resident("kid", seen("GB|LS62AB|"), evidence=("PHONE:land",)),
        resident("bob", seen("GB|LS62AB|7 oak rd")),
        resident("sam", seen(ELM), evidence=("EMAIL:s",)),
        resident("sue", evidence=("EMAIL:s",)),
    ]
    expected = decide(people)
    for seed in range(5):
        shuffled = list(people)
        random.Random(seed).shuffle(shuffled)
        assert decide(shuffled) == expected


def test_roles_come_from_the_birth_date_as_of_today() -> None:
    today = date(2025, 6, 1)
    assert role_of("2007-06-01", today) == "ADULT"
    assert role_of("2007-06-02", today) == "MINOR"
    assert role_of("2006-02-29", date(2024, 2, 28)) is None  # not a date
    assert role_of("2004-02-29", date(2022, 2, 28)) == "MINOR"
    assert role_of("2004-02-29", date(2022, 3, 1)) == "ADULT"
    assert role_of("2030-01-01", today) is None
    assert role_of(None, today) is None and role_of("", today) is None


def test_a_group_keeps_the_id_of_the_old_household_it_overlaps_most() -> None:
    fresh = iter(f"new{n}" for n in range(10))
    created = {"h-old": "2020-01-01", "h-young": "2024-01-01"}
    ids = assign_household_ids(
        [("a", "b", "c"), ("d",)],
        {"a": "h-young", "b": "h-young", "c": "h-old", "d": "h-old"},
        created,
        lambda: next(fresh),
    )
    assert ids.ids == {("a", "b", "c"): "h-young", ("d",): "h-old"}
    assert ids.retired == ()
    # Equal overlap: the older household's id survives and the other is retired.
    ids = assign_household_ids([("a", "b")], {"a": "h-young", "b": "h-old"}, created, lambda: next(fresh))
    assert ids.ids == {("a", "b"): "h-old"} and ids.retired == ("h-young",)
    # A split: the larger part keeps the id, the other gets a new one.
    ids = assign_household_ids(
        [("a",), ("b", "c")], {"a": "h-old", "b": "h-old", "c": "h-old"}, created, lambda: next(fresh)
    )
    assert ids.ids[("b", "c")] == "h-old" and ids.ids[("a",)].startswith("new")


def test_the_examples_in_the_docstrings_hold() -> None:
    results = doctest.testmod(households)
    assert results.attempted > 5 and results.failed == 0
