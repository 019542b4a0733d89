"""The demo generator: deterministic, in the contract's format, realistic, and honest about its truth."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from random import Random
from typing import Any

import phonenumbers
import pytest
from email_validator import validate_email

from service.demo import END, GUARANTEED_HARD_CASES, HARD_CASE_KINDS, DemoData, generate, write_demo
from service.demo.households import HouseholdMaker
from service.demo.people import Population
from service.households import Place, place_of
from service.normalize import (
    canonical_given_name,
    is_junk_identifier,
    normalize_identifier,
    normalize_name,
    normalize_profile,
    parse_birth_date,
    region_for,
)
from service.normalize import identifier_key as normalized_key
from service.records import IdentifierKind, Interaction, Profile, parse_line


@cache
def demo(households: int, seed: int = 7, per_person: float = 5.0) -> DemoData:
    return generate(households, seed=seed, interactions_per_person=per_person)


def key(obj: dict[str, Any]) -> str:
    return f"{obj['source']}:{obj['sourceId']}"


COUNTRIES = {"GB": "GB", "UK": "GB", "United Kingdom": "GB", "England": "GB", "AU": "AU", "AUS": "AU"}
COUNTRIES |= {"Australia": "AU", "US": "US", "USA": "US", "United States": "US"}


def identifier_key(kind: str, value: str, country: str | None = None) -> str:
    """A light normalisation (the service's own is richer): emails trimmed and lower-cased, phones E.164."""
    value = value.strip()
    if kind == "EMAIL":
        return f"EMAIL:{value.lower()}"
    if kind == "PHONE":
        for region in (country or "GB", "GB", "AU", "US"):
            try:
                number = phonenumbers.parse(value, region)
            except phonenumbers.NumberParseException:
                break
            if phonenumbers.is_valid_number(number):
                return "PHONE:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return "PHONE:" + re.sub(r"\D", "", value)
    if kind == "LOYALTY_ID":
        return f"LOYALTY_ID:{value.replace(' ', '')}"
    return f"{kind}:{value}"


def identifiers_of(profile: dict[str, Any]) -> set[str]:
    country = COUNTRIES.get((profile.get("address") or {}).get("country", ""))
    return {identifier_key(i["kind"], i["value"], country) for i in profile.get("identifiers", [])}


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = generate(25, seed=11)
    assert first == generate(25, seed=11)
    assert first.profiles != generate(25, seed=12).profiles


def test_deterministic_whatever_the_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED: the output must not depend on it."""
    script = (
        "import hashlib, json; from service.demo import generate; d = generate(40, seed=5);"
        "text = json.dumps([d.profiles, d.interactions, d.truth.as_json()]);"
        "print(hashlib.sha256(text.encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parents[2],
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1


def test_every_line_parses_without_rejection_or_warning() -> None:
    data = demo(60)
    for profile in data.profiles:
        parsed = parse_line(json.loads(json.dumps(profile)))
        assert isinstance(parsed.record, Profile)
        assert parsed.warnings == (), (profile, parsed.warnings)
    for interaction in data.interactions:
        parsed = parse_line(json.loads(json.dumps(interaction)))
        assert isinstance(parsed.record, Interaction)
        assert parsed.warnings == (), (interaction, parsed.warnings)
        assert interaction["type"] == "interaction"
    assert all(profile["type"] == "profile" for profile in data.profiles)


def test_keys_are_unique() -> None:
    data = demo(300)
    keys = [key(obj) for obj in data.profiles + data.interactions]
    assert len(keys) == len(set(keys))


def test_truth_covers_every_profile_and_person() -> None:
    data = demo(300)
    assert set(data.truth.records) == {key(p) for p in data.profiles}
    assert set(data.truth.records.values()) == set(data.truth.households)
    assert len(set(data.truth.households.values())) == 300


def test_each_hard_case_kind_appears_in_a_small_demo() -> None:
    for seed in (7, 8, 9):
        kinds = {case.kind for case in demo(60, seed).truth.hard_cases}
        assert kinds >= set(GUARANTEED_HARD_CASES), (seed, set(GUARANTEED_HARD_CASES) - kinds)


def test_hard_cases_are_different_people_who_really_look_alike() -> None:
    data = demo(300)
    profiles = {key(p): p for p in data.profiles}
    records, households = data.truth.records, data.truth.households
    seen = Counter(case.kind for case in data.truth.hard_cases)
    assert set(seen) <= set(HARD_CASE_KINDS)
    for case in data.truth.hard_cases:
        a, b = profiles[case.a], profiles[case.b]
        assert records[case.a] != records[case.b], case
        same_home = households[records[case.a]] == households[records[case.b]]
        if case.kind in ("JUNK_PHONE", "JUNK_EMAIL", "NAMESAKE"):
            assert not same_home, case
        else:
            assert same_home, case
        if case.kind == "TWINS":
            # names in any case: the crm writes some in capitals or lower case
            assert a["familyName"].lower() == b["familyName"].lower(), case
            assert a["birthDate"] == b["birthDate"], case
            assert a["givenName"].lower() != b["givenName"].lower(), case
        elif case.kind in ("FATHER_SON", "NAMESAKE"):
            assert a["givenName"].lower() == b["givenName"].lower(), case
            assert a["familyName"].split()[0].lower() == b["familyName"].split()[0].lower(), case
        else:
            assert identifiers_of(a) & identifiers_of(b), case


def linking_keys(profile: dict[str, Any]) -> set[str]:
    """What a matcher can join a record by: its usable non-junk identifiers as the service normalises
    them (phones read in the record's country, else GB), and canonical given + family name + birth date."""
    region = region_for((profile.get("address") or {}).get("country"), "GB")
    keys = set()
    for identifier in profile.get("identifiers", []):
        kind = IdentifierKind(identifier["kind"])
        try:
            value = normalize_identifier(kind, identifier["value"], region)
        except ValueError:
            continue
        if not is_junk_identifier(kind, value):
            keys.add(normalized_key(kind, value))
    given = normalize_name(profile.get("givenName") or "")
    family = normalize_name(profile.get("familyName") or "")
    try:
        born = parse_birth_date(profile.get("birthDate") or "")
    except ValueError:
        born = None
    if given and family and born:
        keys.add(f"NAME:{canonical_given_name(given)}|{family}|{born}")
    return keys


def linked_groups(records: list[dict[str, Any]]) -> list[int]:
    """For each record, a representative of the records it is joined to by shared keys (transitively)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, record in enumerate(records):
        for linking_key in linking_keys(record):
            parent[find(i)] = find(owner.setdefault(linking_key, i))
    return [find(i) for i in range(len(records))]


def test_every_record_has_linking_evidence() -> None:
    """Real systems are joined up: a person's records are linked by shared identifiers (social login,
    the newsletter address used elsewhere, the loyalty card in the crm, the caller's number on file)."""
    for seed in (7, 8):
        data = demo(300, seed)
        by_person: dict[str, list[dict[str, Any]]] = {}
        for profile in data.profiles:
            by_person.setdefault(data.truth.records[key(profile)], []).append(profile)
        pairs = linked = 0
        alone: Counter[str] = Counter()  # records linked to none of their person's others, by source
        for records in by_person.values():
            groups = linked_groups(records)
            sizes = Counter(groups)
            pairs += len(records) * (len(records) - 1) // 2
            linked += sum(size * (size - 1) // 2 for size in sizes.values())
            alone.update(
                r["source"]
                for r, g in zip(records, groups, strict=True)
                if len(records) > 1 and sizes[g] == 1
            )
        assert pairs > 1000
        assert linked / pairs >= 0.99, (seed, linked / pairs, alone)


def test_housemates_records_all_show_the_street_address_of_their_home() -> None:
    """A business that knows a customer at all has an address for them somewhere (a CRM file, a
    delivery address, a loyalty card's registration): nobody is in a household their records hide.
    Compared by building: a till writes the street line without the flat."""
    for seed in (7, 8):
        data = demo(300, seed)
        streets: dict[str, set[Place]] = {person: set() for person in data.truth.households}
        for profile in data.profiles:
            record = parse_line(profile).record
            assert isinstance(record, Profile)
            address = normalize_profile(record, "GB").address_key
            if address is not None and place_of(address).building:
                place = place_of(address)
                streets[data.truth.records[key(profile)]].add(Place(place.area, place.building))
        homes: dict[str, list[set[Place]]] = {}
        for person, household in data.truth.households.items():
            homes.setdefault(household, []).append(streets[person])
        shared = [members for members in homes.values() if len(members) > 1]
        assert len(shared) > 150
        assert all(set.intersection(*members) for members in homes.values()), seed


def test_hard_matches_are_one_person_sharing_an_identifier() -> None:
    data = demo(300)
    profiles = {key(p): p for p in data.profiles}
    kinds = Counter(match.kind for match in data.truth.hard_matches)
    assert kinds["MOVED"] > 0 and kinds["MARRIED_NAME"] > 0
    for match in data.truth.hard_matches:
        a, b = profiles[match.a], profiles[match.b]
        assert data.truth.records[match.a] == data.truth.records[match.b]
        assert identifiers_of(a) & identifiers_of(b), match
        assert a["observedAt"] < b["observedAt"], match
        if match.kind == "MARRIED_NAME":
            assert a["familyName"].lower() != b["familyName"].lower(), match
        else:
            assert a["address"] != b["address"], match


def test_interactions_refer_to_existing_profiles_or_identifiers() -> None:
    data = demo(200)
    profile_keys = {key(p) for p in data.profiles}
    known = {
        f"{i['kind']}:{i['value'].strip().lower()}" for p in data.profiles for i in p.get("identifiers", [])
    }
    devices = {d["id"] for p in data.profiles for d in p.get("devices", [])}
    by_identifier = 0
    for interaction in data.interactions:
        customer = interaction["customer"]
        if "identifier" in customer:
            by_identifier += 1
            identifier = customer["identifier"]
            assert identifier["kind"] in ("EMAIL", "PHONE")
            assert f"{identifier['kind']}:{identifier['value'].lower()}" in known, interaction
        else:
            assert key(customer) in profile_keys, interaction
        if "deviceId" in interaction:
            assert interaction["channel"] in ("APP", "WEB")
            assert interaction["deviceId"] in devices
    assert 0 < by_identifier < len(data.interactions) / 4


def test_relationships_point_backwards_to_existing_records_or_handles() -> None:
    data = demo(200)
    earlier: set[str] = set()
    handles: set[str] = set()
    kinds: Counter[str] = Counter()
    for profile in data.profiles:
        for relationship in profile.get("relationships", []):
            kinds[relationship["kind"]] += 1
            to = relationship["to"]
            if "identifier" in to:
                assert to["identifier"]["kind"] == "SOCIAL_HANDLE"
                assert to["identifier"]["value"] in handles
            else:
                assert key(to) in earlier, profile
                assert data.truth.records[key(to)] != data.truth.records[key(profile)]
        earlier.add(key(profile))
        handles.update(i["value"] for i in profile.get("identifiers", []) if i["kind"] == "SOCIAL_HANDLE")
    assert {"REFERRED_BY", "FOLLOWS", "FAMILY", "FRIEND"} <= set(kinds)


def test_counts_scale_with_households_and_interactions_per_person() -> None:
    small, large = demo(50), demo(200)
    assert 3 < len(large.profiles) / len(small.profiles) < 5
    assert 3 < len(large.interactions) / len(small.interactions) < 5
    people = len(large.truth.households)
    assert 1.8 < people / 200 < 3.0  # about 2.1 (children under 13 without records are not people here)
    assert 1.7 < len(large.profiles) / people < 2.8
    assert 4.0 < len(large.interactions) / people < 6.0
    busier = demo(200, per_person=10.0)
    assert 1.7 < len(busier.interactions) / len(large.interactions) < 2.3
    empty = generate(0)
    assert not empty.profiles and not empty.interactions and not empty.truth.records
    with pytest.raises(ValueError):
        generate(-1)


def test_write_demo_writes_what_generate_returns(tmp_path: Path) -> None:
    files = write_demo(tmp_path / "demo", households=40, seed=3)
    data = generate(40, seed=3)
    profiles = [json.loads(line) for line in files.profiles.read_text(encoding="utf-8").splitlines()]
    interactions = [json.loads(line) for line in files.interactions.read_text(encoding="utf-8").splitlines()]
    assert profiles == data.profiles and files.profile_count == len(profiles)
    assert interactions == data.interactions and files.interaction_count == len(interactions)
    truth = json.loads(files.truth.read_text(encoding="utf-8"))
    assert truth["records"] == data.truth.records
    assert truth["households"] == data.truth.households
    assert truth["hard_cases"] == [case.as_json() for case in data.truth.hard_cases]
    assert set(truth) == {"records", "households", "hard_cases", "hard_matches"}


def test_households_are_plausible_families() -> None:
    maker = HouseholdMaker(Population(Random(1)))
    sizes: Counter[int] = Counter()
    minors = twins = flatmates = 0
    for index in range(600):
        household = maker.make(index, ())
        members = household.members
        sizes[len(members)] += 1
        parents = [p for p in members if p.role in ("HEAD", "PARTNER")]
        for child in (p for p in members if p.role == "CHILD"):
            minors += child.age() < 18
            assert all(parent.age() - child.age() >= 18 for parent in parents), household
        for grandparent in (p for p in members if p.role == "GRANDPARENT"):
            assert grandparent.age() - min(p.age() for p in parents) >= 20
        if household.kind == "flatmates":
            flatmates += 1
            assert len({p.family for p in members}) == len(members)
        births = Counter(p.birth for p in members if p.role == "CHILD")
        twins += any(n > 1 for n in births.values())
    assert set(sizes) == {1, 2, 3, 4, 5, 6}
    assert sizes[1] > sizes[5] and sizes[2] > sizes[5]
    assert minors > 100 and flatmates > 10 and twins > 0


def test_names_are_common_and_rare_like_real_ones() -> None:
    data = demo(1000)
    surnames = Counter(p["familyName"] for p in data.profiles if p["source"] == "crm")
    total = sum(surnames.values())
    top = sum(surnames[name] for name in ("Smith", "Jones", "Williams", "Taylor", "Brown"))
    assert 0.03 < top / total < 0.15  # the five commonest are common...
    assert surnames.most_common(1)[0][1] / total < 0.04  # ...but nobody dominates
    assert len(surnames) > 200
    rare = sum(1 for n in surnames.values() if n == 1)
    assert rare > 20


def test_values_arrive_dirty() -> None:
    data = demo(1000)
    crm = [p for p in data.profiles if p["source"] == "crm"]
    names = [p.get("givenName", "") for p in data.profiles]
    assert any(n and n == n.lower() for n in names) and any(len(n) > 1 and n == n.upper() for n in names)
    assert any(n in ("Bill", "Liz", "Bob", "Mike", "Tom", "Kate", "Jim", "Steve", "Dave") for n in names)
    dates = [p["birthDate"] for p in data.profiles if "birthDate" in p]
    assert any(re.fullmatch(r"\d{4}-(1[3-9]|2\d)-\d\d", d) or d.endswith("-02-30") for d in dates)
    assert any("/" in d for d in dates)
    values = [i["value"] for p in data.profiles for i in p.get("identifiers", [])]
    assert any(v != v.strip() for v in values)
    assert any("@" in v and v.strip() != v.strip().lower() for v in values)
    phones = [i["value"] for p in data.profiles for i in p.get("identifiers", []) if i["kind"] == "PHONE"]
    assert any(v.startswith("+44") for v in phones) and any(v.startswith("07") for v in phones)
    assert any(v.startswith("(0") for v in phones) and any(
        re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", v) for v in phones
    )
    assert any(re.fullmatch(r"04\d\d \d{3} \d{3}", v) for v in phones)
    countries = Counter(p["address"]["country"] for p in crm if "address" in p)
    assert countries["GB"] > countries["AU"] > 0 and countries["US"] > 0


def test_emails_are_valid_addresses_once_trimmed() -> None:
    data = demo(500)
    emails = [i["value"] for p in data.profiles for i in p.get("identifiers", []) if i["kind"] == "EMAIL"]
    assert len(emails) > 500
    for email in emails:
        validate_email(email.strip(), check_deliverability=False)


def test_real_phones_are_valid_numbers_of_their_country() -> None:
    data = demo(500)
    junk = {"0000000000", "00000000000", "1234567890", "9999999999", "07000000000"}
    checked = 0
    for profile in data.profiles:
        region = (profile.get("address") or {}).get("country") if profile["source"] == "crm" else None
        for identifier in profile.get("identifiers", []):
            if identifier["kind"] != "PHONE" or identifier["value"] in junk:
                continue
            if region in ("GB", "AU", "US"):
                number = phonenumbers.parse(identifier["value"], region)
                assert phonenumbers.is_valid_number(number), (identifier, region)
                checked += 1
            else:
                assert identifier_key("PHONE", identifier["value"]).startswith("PHONE:+"), identifier
    assert checked > 200


def test_interactions_have_realistic_rhythms() -> None:
    data = demo(1000)
    start = END - timedelta(days=365 * 3 + 2)
    kinds = Counter(i["kind"] for i in data.interactions)
    assert set(kinds) == {"PURCHASE", "RETURN", "LOGIN", "COMPLAINT", "ENQUIRY", "CAMPAIGN_RESPONSE"}
    assert set(i["channel"] for i in data.interactions) == {
        "WEB", "APP", "EMAIL", "PHONE", "CHAT", "SOCIAL", "STORE", "MAIL"
    }  # fmt: skip
    british = {
        data.truth.records[key(p)]
        for p in data.profiles
        if p["source"] == "crm" and p.get("address", {}).get("country") == "GB"
    }
    store_days: Counter[int] = Counter()
    phone_hours: Counter[int] = Counter()
    purchase_months: Counter[int] = Counter()
    for interaction in data.interactions:
        moment = datetime.fromisoformat(interaction["occurredAt"].removesuffix("Z"))
        assert start <= moment <= END + timedelta(days=1), interaction
        if interaction["channel"] == "STORE":
            store_days[moment.weekday()] += 1
        customer = interaction["customer"]
        person = data.truth.records.get(key(customer)) if "source" in customer else None
        if interaction["channel"] == "PHONE" and person in british:
            phone_hours[moment.hour] += 1
        if interaction["kind"] == "PURCHASE":
            purchase_months[moment.month] += 1
            products = interaction["products"]
            total = sum(p["quantity"] * p["price"] for p in products)
            assert interaction["value"] == pytest.approx(total, abs=0.01)
            assert interaction["currency"] in ("GBP", "AUD", "USD")
        if interaction["kind"] in ("COMPLAINT", "ENQUIRY"):
            assert interaction["status"] in ("OPEN", "RESOLVED") and interaction["agent"]
            assert (interaction["resolution"] is None) == (interaction["status"] == "OPEN")
    assert store_days.most_common(1)[0][0] == 5  # Saturday
    # February (short, quiet) against December (the Christmas peak) is about 0.45 on average
    assert len(purchase_months) == 12 and min(purchase_months.values()) > 0.35 * max(purchase_months.values())
    assert purchase_months[12] > 1.4 * purchase_months[6]  # Christmas
    assert purchase_months[9] > 1.2 * purchase_months[5]  # back to school
    night = sum(phone_hours[h] for h in (0, 1, 2, 3, 4, 5, 6, 20, 21, 22, 23))
    assert sum(phone_hours.values()) > 50 and night == 0  # British phone lines: 8:00-20:00 local (UTC+0/+1)


def test_some_customers_lapse_and_come_back() -> None:
    data = demo(500)
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for interaction in data.interactions:
        customer = interaction["customer"]
        who = key(customer) if "source" in customer else json.dumps(customer)
        by_customer.setdefault(data.truth.records.get(who, who), []).append(interaction)
    comebacks = 0
    for interactions in by_customer.values():
        times = sorted(datetime.fromisoformat(i["occurredAt"].removesuffix("Z")) for i in interactions)
        gaps = [later - earlier for earlier, later in pairwise(times)]
        comebacks += any(gap > timedelta(days=240) for gap in gaps)
    win_backs = [i for i in data.interactions if i.get("summary", "").startswith("We miss you")]
    assert comebacks > 20 and win_backs
