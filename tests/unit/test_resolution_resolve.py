"""End to end: the households that must stay apart, the duplicates that must merge, determinism."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest

from service.resolution import MatchModel, MatchRecord, Resolution, family_name_frequencies, resolve
from service.resolution.blocking import candidate_pairs
from service.resolution.resolve import linkable, without_crowded
from tests.unit.match_records import person

MODEL = MatchModel()


def at_home(key: str, given: str, birth: str | None, *ids: str, family: str = "green") -> MatchRecord:
    """A member of the Green household: one address, one landline."""
    return person(
        key,
        given,
        family,
        birth,
        address="7 wallaby place",
        locality="cleveland",
        postcode="2119",
        ids=("PHONE:+61732861234", *ids),
    )


def run(records: list[MatchRecord], **kwargs: object) -> Resolution:
    return resolve(records, MODEL, family_name_frequencies(records), holder_counts={}, **kwargs)  # type: ignore[arg-type]


def together(resolution: Resolution, *keys: str) -> bool:
    return any(set(keys) <= set(members) for members in resolution.clusters)


def test_twins_stay_apart() -> None:
    ann = at_home("crm:1", "ann", "1990-05-17")
    beth = at_home("crm:2", "beth", "1990-05-17")
    resolution = run([ann, beth])
    assert resolution.clusters == [("crm:1",), ("crm:2",)]
    assert resolution.links == []


@pytest.mark.parametrize(("first", "second"), [("megan", "morgan"), ("jack", "jake"), ("ella", "emma")])
def test_twins_with_names_that_look_alike_stay_apart(first: str, second: str) -> None:
    resolution = run([at_home("crm:1", first, "1990-05-17"), at_home("crm:2", second, "1990-05-17")])
    assert resolution.clusters == [("crm:1",), ("crm:2",)]


@pytest.mark.parametrize("typo", ["jonh", "jon", "jo", "johnn"])
def test_a_given_name_one_typo_or_cut_short_on_the_same_birth_date_is_one_person(typo: str) -> None:
    resolution = run([at_home("crm:1", "john", "1990-05-17"), at_home("web:2", typo, "1990-05-17")])
    assert resolution.clusters == [("crm:1", "web:2")]


def test_twins_who_share_a_national_id_are_one_person() -> None:
    megan = at_home("crm:1", "megan", "1990-05-17", "NATIONAL_ID:7364009")
    morgan = at_home("crm:2", "morgan", "1990-05-17", "NATIONAL_ID:7364009")
    assert run([megan, morgan]).clusters == [("crm:1", "crm:2")]


def test_father_and_son_with_one_name_one_phone_one_email_stay_apart() -> None:
    father = at_home("crm:1", "john", "1958-03-12", "EMAIL:greens@x.com")
    son = at_home("crm:2", "john", "1987-11-30", "EMAIL:greens@x.com")
    son_again = at_home("web:7", "jon", "1987-11-30", "EMAIL:greens@x.com")
    resolution = run([father, son, son_again])
    assert resolution.clusters == [("crm:1",), ("crm:2", "web:7")]


HOME = {"address": "55 moor close", "locality": "leeds", "postcode": "LS71AB"}


def test_a_son_with_no_birth_date_stays_apart_from_his_father() -> None:
    # Nothing but the name and the home links the son's webshop account to the father's crm record;
    # each holds an email of his own.
    father = person("crm:1", "harry", "webb", "1962-01-07", **HOME, ids=("EMAIL:harry.webb@x.com",))
    calls = person("call:1", "harry", "webb", ids=("EMAIL:harry.webb@x.com",))
    son = person("web:1", "harry", "webb", **HOME, ids=("ACCOUNT_ID:W1", "EMAIL:h.webb@y.com"))
    son_app = person("app:1", "harry", "webb", ids=("ACCOUNT_ID:W1", "EMAIL:hwebb@z.com"))
    assert run([father, calls, son, son_app]).clusters == [("app:1", "web:1"), ("call:1", "crm:1")]


def test_a_sons_loyalty_card_on_another_record_keeps_him_apart() -> None:
    # The father's webshop account is linked to the son's crm record by name and home alone, and
    # that link is the strongest; the two loyalty cards are on records the link does not touch.
    father_web = person("web:1", "robert", "nolan", **HOME, ids=("EMAIL:nolanr@x.com",))
    father_till = person("shop:1", "robert", "nolan", ids=("EMAIL:nolanr@x.com", "LOYALTY_ID:633710603541"))
    son = person("crm:1", "robert", "nolan", "2008-01-30", **HOME, ids=("LOYALTY_ID:633710619379",))
    son_till = person("shop:2", "robert", "nolan", ids=("LOYALTY_ID:633710619379",))
    resolution = run([father_web, father_till, son, son_till])
    assert resolution.clusters == [("crm:1", "shop:2"), ("shop:1", "web:1")]


def test_a_junior_with_nothing_but_his_name_and_home_stays_apart_from_his_father() -> None:
    father = person("crm:1", "thomas", "ward", "1968-03-11", **HOME, ids=("EMAIL:thomas.ward@x.com",))
    junior = replace(person("crm:2", "thomas", "ward", **HOME), generation="jr")
    assert run([father, junior]).clusters == [("crm:1",), ("crm:2",)]
    # His own records, with and without the suffix, are one person by the email they share.
    web = person("web:1", "thomas", "ward", **HOME, ids=("EMAIL:tom2005@y.com",))
    junior_by_email = replace(junior, identifiers=frozenset({"EMAIL:tom2005@y.com"}))
    assert run([father, junior_by_email, web]).clusters == [("crm:1",), ("crm:2", "web:1")]


def test_one_person_with_a_family_email_and_her_own_at_one_home_is_one_person() -> None:
    crm = person("crm:1", "maisie", "harrison", "1968-11-10", **HOME, ids=("EMAIL:harrisonfamily@x.com",))
    web = person("web:1", "maisie", "harrison", **HOME, ids=("EMAIL:maisieharrison@y.com",))
    assert run([crm, web]).clusters == [("crm:1", "web:1")]


def test_spouses_with_a_family_email_stay_apart() -> None:
    wife = person("crm:1", "ann", "green", "1956-04-09", ids=("EMAIL:greens@x.com",))
    husband = person("crm:2", "mitchell", "green", "1954-11-30", ids=("EMAIL:greens@x.com",))
    no_dates = [replace(wife, birth_date=None), replace(husband, birth_date=None)]
    assert run([wife, husband]).clusters == [("crm:1",), ("crm:2",)]
    assert run(no_dates).clusters == [("crm:1",), ("crm:2",)]


def test_a_shared_tablet_merges_no_one() -> None:
    ann = person("app:1", "ann", "green", ids=("DEVICE_ID:tablet-9",))
    mitchell = person("app:2", "mitchell", "green", ids=("DEVICE_ID:tablet-9",))
    assert run([ann, mitchell]).clusters == [("app:1",), ("app:2",)]


def test_an_identifier_held_by_too_many_records_merges_nothing() -> None:
    # Same name, nothing else in common but the email: the email decides.
    a = person("crm:1", "ann", "green", locality="leeds", ids=("EMAIL:info@shop.com",))
    b = person("web:1", "ann", "green", locality="york", ids=("EMAIL:info@shop.com",))
    few = resolve([a, b], MODEL, {}, holder_counts={"EMAIL:info@shop.com": 2})
    crowded = resolve([a, b], MODEL, {}, holder_counts={"EMAIL:info@shop.com": MODEL.max_holders + 1})
    assert few.clusters == [("crm:1", "web:1")]
    assert few.links[0].rule == "IDENTIFIER:EMAIL"
    assert crowded.clusters == [("crm:1",), ("web:1",)]


def test_a_nickname_and_a_typo_are_one_person() -> None:
    robert = person("crm:1", "robert", "smith", "1971-06-02", postcode="2119")
    bob = person("web:1", "bob", "smiht", "1971-06-02", canonical="robert")
    resolution = run([robert, bob])
    assert resolution.clusters == [("crm:1", "web:1")]
    [link] = resolution.links
    assert (link.a, link.b, link.rule) == ("crm:1", "web:1", "PROBABILISTIC")
    assert "givenName exact" in link.evidence[0]


def test_a_thin_record_joins_the_single_holder_of_its_identifier() -> None:
    ann = person("crm:1", "ann", "green", "1956-04-09", ids=("EMAIL:ann@x.com",))
    thin = person("shop:T-1", ids=("EMAIL:ann@x.com",))
    resolution = run([ann, thin])
    assert resolution.clusters == [("crm:1", "shop:T-1")]
    [link] = resolution.links
    assert link.rule == "IDENTIFIER:EMAIL"


def test_a_thin_record_does_not_guess_between_two_holders() -> None:
    wife = person("crm:1", "ann", "green", ids=("EMAIL:greens@x.com",))
    husband = person("crm:2", "mitchell", "green", ids=("EMAIL:greens@x.com",))
    thin = person("shop:T-1", ids=("EMAIL:greens@x.com",))
    assert run([wife, husband, thin]).clusters == [("crm:1",), ("crm:2",), ("shop:T-1",)]


def test_a_thin_record_ties_together_pieces_of_one_person_that_nothing_tells_apart() -> None:
    # The app login holds the CRM record's email and the social profile's handle.
    emma = person("crm:1", "emma", "burton", "2005-02-06", ids=("EMAIL:eburton@x.com",))
    social = person("social:1", "emma", ids=("SOCIAL_HANDLE:@emma_b",))
    app = person("app:1", ids=("EMAIL:eburton@x.com", "SOCIAL_HANDLE:@emma_b"))
    resolution = run([emma, social, app])
    assert resolution.clusters == [("app:1", "crm:1", "social:1")]
    assert {link.rule for link in resolution.links} == {"IDENTIFIER:EMAIL", "IDENTIFIER:SOCIAL_HANDLE"}
    # Pieces whose names disagree are two people: the login cannot say whose it is.
    tom = replace(social, given_name="tom", given_canonical="tom")
    assert run([emma, tom, app]).clusters == [("app:1",), ("crm:1",), ("social:1",)]
    # A shared tablet ties nothing together.
    tablet = person("app:2", ids=("EMAIL:eburton@x.com", "DEVICE_ID:tab-1"))
    device_only = replace(social, identifiers=frozenset({"DEVICE_ID:tab-1"}))
    assert run([emma, device_only, tablet]).clusters == [("app:2", "crm:1"), ("social:1",)]


def test_a_thin_record_follows_a_person_who_holds_its_identifier_twice() -> None:
    ann = person("crm:1", "ann", "green", "1956-04-09", ids=("PHONE:+61412345678",))
    ann_web = person("web:1", "ann", "green", "1956-04-09", ids=("PHONE:+61412345678",))
    thin = person("call:T-1", ids=("PHONE:+61412345678",))
    thin_too = person("call:T-2", ids=("PHONE:+61412345678", "EMAIL:ann@x.com"))
    assert run([ann, ann_web, thin, thin_too]).clusters == [("call:T-1", "call:T-2", "crm:1", "web:1")]


def test_named_clusters_given_are_taken_as_they_are_and_only_thin_records_placed() -> None:
    # Ann's two records would score as one person; given apart, they stay apart.
    ann = person("crm:1", "ann", "green", "1956-04-09", ids=("PHONE:+61412345678", "EMAIL:ann@x.com"))
    ann_web = person("web:1", "ann", "green", "1956-04-09", ids=("EMAIL:ann@x.com",))
    thin = person("call:T-1", ids=("PHONE:+61412345678",))
    records = [ann, ann_web, thin]
    assert run(records).clusters == [("call:T-1", "crm:1", "web:1")]
    resolution = run(records, named_clusters=[["crm:1"], ["web:1"]])
    assert resolution.clusters == [("call:T-1", "crm:1"), ("web:1",)]
    assert [(link.a, link.b) for link in resolution.links] == [("call:T-1", "crm:1")]
    # And two given as one stay one, with no link of theirs scored again.
    together = run(
        [ann, ann_web, replace(thin, identifiers=frozenset({"EMAIL:ann@x.com"}))],
        named_clusters=[["crm:1", "web:1"]],
    )
    assert together.clusters == [("call:T-1", "crm:1", "web:1")]
    assert [(link.a, link.b) for link in together.links] == [("call:T-1", "crm:1")]


def test_a_thin_record_with_another_birth_date_stays_apart() -> None:
    ann = person("crm:1", "ann", "green", "1956-04-09", ids=("EMAIL:greens@x.com",))
    thin = person("shop:T-1", birth="1990-01-30", ids=("EMAIL:greens@x.com",))
    assert run([ann, thin]).clusters == [("crm:1",), ("shop:T-1",)]


def test_a_married_name_keeps_the_shared_email() -> None:
    maiden = person("crm:1", "sarah", "watson", "1990-10-05", locality="leeds", ids=("EMAIL:sw@x.com",))
    married = person("crm:2", "sarah", "edwards", "1990-10-05", locality="york", ids=("EMAIL:sw@x.com",))
    resolution = run([maiden, married])
    assert resolution.clusters == [("crm:1", "crm:2")]
    assert resolution.links[0].rule == "IDENTIFIER:EMAIL"


def test_records_that_share_few_fields_join_through_a_third() -> None:
    # crm and app have only the name in common, but nothing disagrees: the webshop record holds the
    # crm record's phone and the app record's email.
    crm = person("crm:1", "noah", "hall", "1990-10-05", ids=("PHONE:+447700900123",))
    web = person("web:1", "noah", "hall", ids=("PHONE:+447700900123", "EMAIL:noah@x.com"))
    app = person("app:1", "noah", "hall", ids=("EMAIL:noah@x.com",))
    assert run([crm, web, app]).clusters == [("app:1", "crm:1", "web:1")]


def test_a_married_name_with_the_same_phone_and_a_third_record() -> None:
    maiden = person(
        "call:1", "harper", "mitchell", "1998-08-12", postcode="HG135LN", ids=("PHONE:+447804925697",)
    )
    married = person(
        "crm:1",
        "harper",
        "davies",
        "1998-08-12",
        postcode="HG132SB",
        ids=("PHONE:+447804925697", "EMAIL:hd@x.com"),
    )
    web = person("web:1", "harper", "davies", ids=("EMAIL:hd@x.com",))
    assert run([maiden, married, web]).clusters == [("call:1", "crm:1", "web:1")]


def test_a_display_name_is_the_full_name_run_together() -> None:
    app = person("app:1", "steve", "rogers", ids=("EMAIL:steve@x.com",))
    social = person("social:1", "steverogers", ids=("EMAIL:steve@x.com",))
    assert run([app, social]).clusters == [("app:1", "social:1")]


def test_an_initial_is_compatible_with_the_name_it_stands_for() -> None:
    crm = person("crm:1", "isla", "stevens", "1990-10-05", postcode="E44XT", ids=("LOYALTY_ID:633707649754",))
    store = person("store:1", "i", "stevens", postcode="E44XT", ids=("LOYALTY_ID:633707649754",))
    other = person("store:2", "m", "stevens", postcode="E44XT", ids=("LOYALTY_ID:633707649754",))
    assert together(run([crm, store]), "crm:1", "store:1")
    assert not together(run([crm, other]), "crm:1", "store:2")


def test_a_thin_record_does_not_follow_a_household_mailbox() -> None:
    # One named holder, but the address is the family's: the spouse may have signed up with it.
    oscar = person("crm:1", "oscar", "simpson", ids=("EMAIL:murphy.home@x.com",))
    for mailbox in ("murphy.home@x.com", "thesimpsons@x.com", "simpsonfamily@x.com", "oscarandmia@x.com"):
        holder = replace(oscar, identifiers=frozenset({f"EMAIL:{mailbox}"}))
        thin = person("news:1", ids=(f"EMAIL:{mailbox}",))
        assert run([holder, thin]).clusters == [("crm:1",), ("news:1",)], mailbox


def test_a_thin_record_ignores_a_crowded_identifier() -> None:
    ann = person("crm:1", "ann", "green", ids=("PHONE:+61300000000",))
    thin = person("call:T-1", ids=("PHONE:+61300000000",))
    resolution = resolve([ann, thin], MODEL, {}, holder_counts={"PHONE:+61300000000": 50})
    assert resolution.clusters == [("call:T-1",), ("crm:1",)]


def test_an_undated_record_between_father_and_son_is_ambiguous() -> None:
    # B (no birth date) has the name and the home of both A and C, who were born thirty years apart.
    a = person("a", "john", "green", "1958-03-12", address="7 wallaby place", postcode="2119")
    b = person("b", "john", "green", None, address="7 wallaby place", postcode="2119")
    c = person("c", "john", "green", "1988-03-12", address="7 wallaby place", postcode="2119")
    resolution = run([a, b, c])
    assert resolution.clusters == [("a",), ("b",), ("c",)]
    assert list(resolution.ambiguous) == ["b"]
    assert run([c, b, a]) == resolution


def test_a_clear_best_match_still_merges_beside_a_namesake() -> None:
    # B shares the son's email as well: far stronger than its name-and-home link to the father.
    a = person("a", "john", "green", "1958-03-12", address="7 wallaby place", postcode="2119")
    b = person(
        "b", "john", "green", None, address="7 wallaby place", postcode="2119", ids=("EMAIL:jg88@x.com",)
    )
    c = person(
        "c",
        "john",
        "green",
        "1988-03-12",
        address="7 wallaby place",
        postcode="2119",
        ids=("EMAIL:jg88@x.com",),
    )
    resolution = run([a, b, c])
    assert resolution.clusters == [("a",), ("b", "c")]
    assert resolution.ambiguous == {}


def test_cannot_link_splits_what_the_evidence_joins() -> None:
    a = person("crm:1", "ann", "green", "1956-04-09", postcode="2119")
    b = person("web:1", "ann", "green", "1956-04-09", postcode="2119")
    assert run([a, b]).clusters == [("crm:1", "web:1")]
    assert run([a, b], cannot_link=[("web:1", "crm:1")]).clusters == [("crm:1",), ("web:1",)]


def test_a_shared_national_id_joins_records_whose_names_clash() -> None:
    jack = person(
        "a", "jack", "maier", "1963-02-27", address="207 curtis place", ids=("NATIONAL_ID:7364009",)
    )
    typo = replace(jack, key="b", given_name="isabella", given_canonical="isabella")
    assert run([jack, typo]).clusters == [("a", "b")]
    strict = replace(MODEL, personal_kinds=frozenset())
    assert resolve([jack, typo], strict, {}, {}).clusters == [("a",), ("b",)]


def synthetic(seed: int) -> list[MatchRecord]:
    """People with duplicates (typos, nicknames, missing values), households and thin records."""
    rng = random.Random(seed)
    givens = ["ann", "bob", "carl", "dina", "emma", "finn", "gail", "hugo", "ivy", "jack", "kate", "liam"]
    families = ["smith", "jones", "green", "white", "ng", "lee", "khan", "ali", "tran", "cole"]
    records: list[MatchRecord] = []
    for i in range(120):
        family = rng.choice(families)
        birth = f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        home = {"address": f"{rng.randint(1, 40)} {family} street", "postcode": f"{2000 + i % 7}"}
        base = person(
            f"crm:{i}", rng.choice(givens), family, birth, ids=(f"PHONE:+6140000{i % 90:04d}",), **home
        )
        records.append(base)
        for copy in range(rng.choice([0, 1, 2])):
            given = base.given_name or ""
            if rng.random() < 0.5:
                given = given[:-1] + "x"
            records.append(
                replace(base, key=f"web:{i}-{copy}", given_name=given, birth_date=rng.choice([birth, None]))
            )
        if rng.random() < 0.2:
            records.append(person(f"call:{i}", ids=(f"PHONE:+6140000{i % 90:04d}",)))
    return records


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_records_in_any_order_resolve_the_same(seed: int) -> None:
    records = synthetic(seed)
    expected = run(records)
    assert len(expected.clusters) < len(records)  # something merged, something did not
    assert len(expected.clusters) > len(records) / 4
    rng = random.Random(seed)
    for _ in range(5):
        shuffled = records[:]
        rng.shuffle(shuffled)
        assert run(shuffled) == expected


def test_clusters_are_a_sorted_partition_spanned_by_links() -> None:
    records = synthetic(3)
    resolution = run(records)
    keys = [key for members in resolution.clusters for key in members]
    assert sorted(keys) == sorted(r.key for r in records)
    assert resolution.clusters == sorted(resolution.clusters)
    assert all(list(members) == sorted(members) for members in resolution.clusters)
    assert len(resolution.links) == len(records) - len(resolution.clusters)
    owner = {key: index for index, members in enumerate(resolution.clusters) for key in members}
    assert all(owner[link.a] == owner[link.b] and link.a < link.b for link in resolution.links)


def test_record_keys_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        run([person("a", "ann"), person("a", "bob")])


@pytest.mark.parametrize("seed", [1, 2])
def test_groups_joined_by_linkable_pairs_resolve_alone_as_in_the_whole(seed: int) -> None:
    # What lets a resolution pass decide only the records reachable through linkable pairs.
    records = synthetic(seed)
    tf = family_name_frequencies(records)
    holders = Counter(identifier for r in records for identifier in r.identifiers)
    cleared = without_crowded(records, holders, MODEL.max_holders)
    group = {r.key: r.key for r in cleared}

    def root(key: str) -> str:
        while group[key] != key:
            key = group[key]
        return key

    for i, j in candidate_pairs(cleared):
        if linkable(cleared[i], cleared[j], MODEL, tf):
            group[root(cleared[i].key)] = root(cleared[j].key)
    groups: dict[str, list[MatchRecord]] = {}
    for r in cleared:
        groups.setdefault(root(r.key), []).append(r)
    whole = resolve(records, MODEL, tf, holders)
    alone = [members for part in groups.values() for members in resolve(part, MODEL, tf, holders).clusters]
    assert 1 < len(groups) < len(records)
    assert sorted(alone) == whole.clusters
