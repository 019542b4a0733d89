"""Blocking keys and candidate pairs."""

from __future__ import annotations

import re

from service.resolution import BLOCKING_KEYS, blocking_keys
from service.resolution.blocking import MAX_BLOCK, block_key, candidate_pairs
from tests.unit.match_records import person

FULL = person("crm:1", "bob", "smith", "1956-04-09", canonical="robert", postcode="2119")


def test_a_few_named_keys_in_camel_case() -> None:
    names = [key.name for key in BLOCKING_KEYS]
    assert 3 <= len(names) <= 5
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"bk[A-Z][A-Za-z]+", name) for name in names)
    assert set(blocking_keys(FULL)) == set(names)


def test_keys_of_a_full_record() -> None:
    assert blocking_keys(FULL) == {
        "bkSurnameYear": "SM0|1956",
        "bkPostcodeInitials": "2119|rs",
        "bkGivenBirth": "1956-04-09|r",
        "bkNames": "RBRT|SM0",
        "bkBirthPostcode": "1956-04-09|2119",
    }


def test_missing_fields_give_no_key() -> None:
    assert blocking_keys(person("web:1", ids=("EMAIL:a@x.com",))) == {}
    assert set(blocking_keys(person("web:2", "ann", "lee"))) == {"bkNames"}
    assert set(blocking_keys(person("web:3", family="lee", birth="1990-01-02"))) == {"bkSurnameYear"}


def test_nickname_and_surname_typo_still_share_keys() -> None:
    typo = person("web:9", "robert", "smiht", "1956-04-09", postcode="2119")
    shared = {name for name, value in blocking_keys(typo).items() if blocking_keys(FULL).get(name) == value}
    assert {"bkGivenBirth", "bkPostcodeInitials", "bkBirthPostcode"} <= shared


def test_swapped_names_share_the_names_key() -> None:
    straight, swapped = person("a", "grace", "george"), person("b", "george", "grace")
    assert blocking_keys(straight)["bkNames"] == blocking_keys(swapped)["bkNames"]


def test_candidates_share_a_key_or_an_identifier() -> None:
    records = [
        person("a", "ann", "lee", "1990-01-02"),
        person("b", "ann", "leigh", "1990-01-02"),  # same birth date and initial
        person("c", "zoe", "quinn", ids=("EMAIL:z@x.com",)),
        person("d", "yvonne", "park", ids=("EMAIL:z@x.com",)),  # shares only an email
        person("e", "kim", "ong"),
    ]
    assert candidate_pairs(records) == {(0, 1), (2, 3)}


def test_a_block_larger_than_the_cap_is_skipped() -> None:
    crowd = [
        person(f"k{i:04d}", f"name{i}", family="smith", birth="1980-05-05") for i in range(MAX_BLOCK + 1)
    ]
    assert candidate_pairs(crowd) == set()
    assert len(candidate_pairs(crowd[:MAX_BLOCK])) == MAX_BLOCK * (MAX_BLOCK - 1) // 2


def test_a_block_crowded_in_the_graph_pairs_no_one_in_a_smaller_set() -> None:
    pair = [person("a", "ann", "lee", "1990-01-02"), person("b", "ann", "leigh", "1990-01-02")]
    crowded = [block_key(name, value) for name, value in blocking_keys(pair[0]).items()]
    assert candidate_pairs(pair) == {(0, 1)}
    assert candidate_pairs(pair, crowded[1:]) == {(0, 1)}
    assert candidate_pairs(pair, crowded) == set()
