"""Households on a real graph: ingest, then `update_households`, `rebuild_households`, `household_context`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from service.config import Settings
from service.demo import generate
from service.graph.database import Database
from service.household_sync import (
    _Neighbourhood,
    household_context,
    rebuild_households,
    update_households,
)
from service.households import MAX_ADDRESS_MEMBERS, decide
from service.ingest import ingest_objects
from tests.integration.graph_helpers import customer_of

SMITH_ST = {"line1": "Unit 2, 12 Smith St", "locality": "Parramatta", "postcode": "2150", "country": "AU"}
SMITH_ST_SHORT = {"line1": "2/12 Smith Street", "locality": "Parramatta", "postcode": "2150", "country": "AU"}
OAK_RD = {"line1": "7 Oak Road", "locality": "Leeds", "postcode": "LS6 2AB", "country": "GB"}
ELM_RD = {"line1": "19 Elm Road", "locality": "Leeds", "postcode": "LS6 3CD", "country": "GB"}
ASH_RD = {"line1": "3 Ash Road", "locality": "Leeds", "postcode": "LS7 1EF", "country": "GB"}


def person(source: str, source_id: str, given: str, family: str, **fields: Any) -> dict[str, Any]:
    return {"source": source, "sourceId": source_id, "givenName": given, "familyName": family, **fields}


def phone(value: str) -> dict[str, str]:
    return {"kind": "PHONE", "value": value}


def email(value: str) -> dict[str, str]:
    return {"kind": "EMAIL", "value": value}


async def record_customers(database: Database) -> dict[str, str]:
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer) RETURN r.key AS key, c.id AS customer"
    )
    return {record["key"]: record["customer"] for record in records}


async def load(database: Database, settings: Settings, profiles: Sequence[dict[str, Any]]) -> None:
    """Ingests profiles, then updates households as the ingest hook does: around every customer the
    batch touched (those of its records, and any that gained or lost records, merged-away ones too)."""
    before = await record_customers(database)
    report = await ingest_objects(database, list(profiles), settings)
    assert not report.rejected
    after = await record_customers(database)
    batch = {f"{profile['source']}:{profile['sourceId']}" for profile in profiles}
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    touched = sorted(
        {after[key] for key in batch | changed if key in after}
        | {before[key] for key in changed if key in before}
    )

    async def work(tx: AsyncManagedTransaction) -> None:
        await update_households(tx, touched)

    await database.in_write_transaction(work)


async def households(database: Database) -> dict[str, frozenset[str]]:
    """Household id -> the record keys of its members (record keys, so tests need no customer ids)."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer)-[:MEMBER_OF]->(h:Household) "
        "RETURN h.id AS id, collect(r.key) AS records"
    )
    return {record["id"]: frozenset(record["records"]) for record in records}


async def grouping(database: Database) -> set[frozenset[str]]:
    return set((await households(database)).values())


async def decided_whole(database: Database) -> set[frozenset[str]]:
    """The households `decide` finds over every live customer at once, as sets of customer ids: what
    the closure of an incremental pass must reproduce, whatever it leaves out."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer) WHERE c.mergedInto IS NULL RETURN c.id AS id"
    )

    async def read(tx: AsyncManagedTransaction) -> set[frozenset[str]]:
        neighbourhood = _Neighbourhood(tx)
        await neighbourhood.fetch(record["id"] for record in records)
        return {
            frozenset(group.members)
            for group in decide([found.resident for found in neighbourhood.facts.values()])
        }

    return await database.in_read_transaction(read)


async def written(database: Database) -> set[frozenset[str]]:
    """The households in the graph, as sets of customer ids."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)-[:MEMBER_OF]->(h:Household) RETURN h.id AS id, collect(c.id) AS members"
    )
    return {frozenset(record["members"]) for record in records}


async def household_of(database: Database, record_key: str) -> str | None:
    records, _, _ = await database.driver.execute_query(
        "MATCH (:SourceRecord {key: $key})-[:BELONGS_TO]->(:Customer)-[:MEMBER_OF]->(h:Household) "
        "RETURN h.id AS id",
        key=record_key,
    )
    return records[0]["id"] if records else None


FAMILY = [
    person(
        "crm",
        "1",
        "Maria",
        "Okafor",
        birthDate="1980-02-11",
        address=SMITH_ST,
        identifiers=[phone("+61 2 9633 1234"), phone("0412 555 001"), email("maria.okafor@example.com")],
        observedAt="2025-01-10T09:00:00Z",
    ),
    person(
        "webshop",
        "W1",
        "Chidi",
        "Okafor",
        birthDate="1978-07-30",
        address=SMITH_ST_SHORT,
        identifiers=[phone("(02) 9633 1234"), email("chidi.o@example.com")],
        observedAt="2025-02-01T09:00:00Z",
    ),
    # The kids' club: the child's own card, the mother's mobile, a postcode at the till.
    person(
        "store",
        "S1",
        "Ada",
        "Okafor",
        birthDate="2016-05-05",
        address={"postcode": "2150", "country": "AU"},
        identifiers=[{"kind": "LOYALTY_ID", "value": "L-777"}, phone("0412 555 001")],
        observedAt="2025-03-01T09:00:00Z",
    ),
]


async def test_a_family_at_one_home_is_one_household_with_roles_and_address(
    database: Database, settings: Settings
) -> None:
    await load(database, settings, FAMILY)
    assert await grouping(database) == {frozenset({"crm:1", "webshop:W1", "store:S1"})}
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)-[m:MEMBER_OF]->(h:Household)-[:AT_ADDRESS]->(a:Address) "
        "RETURN c.givenName AS name, m.role AS role, a.postcode AS postcode ORDER BY name"
    )
    assert [(r["name"], r["role"], r["postcode"]) for r in records] == [
        ("Ada", "MINOR", "2150"),
        ("Chidi", "ADULT", "2150"),
        ("Maria", "ADULT", "2150"),
    ]


def jane_baker(source: str, source_id: str, address: dict[str, str], observed_at: str) -> dict[str, Any]:
    """One of Jane Baker's records: her email on each, her address and time as given."""
    return person(source, source_id, "Jane", "Baker", birthDate="1972-03-03", address=address,
                  identifiers=[email("jane.baker@example.com")], observedAt=observed_at)  # fmt: skip


SAM_AT_ELM_RD = person("crm", "12", "Sam", "Reid", birthDate="1969-09-09", address=ELM_RD,
                       observedAt="2025-02-01T00:00:00Z")  # fmt: skip


async def test_movers_leave_and_namesakes_in_one_town_stay_apart(
    database: Database, settings: Settings
) -> None:
    await load(
        database,
        settings,
        [
            person("crm", "10", "Tom", "Baker", birthDate="1970-01-01", address=OAK_RD,
                   observedAt="2025-01-01T00:00:00Z"),
            jane_baker("crm", "11", OAK_RD, "2025-01-01T00:00:00Z"),
            # Jane's newer record: she moved to Elm Road, where Sam lives.
            jane_baker("webshop", "W11", ELM_RD, "2025-06-01T00:00:00Z"),
            SAM_AT_ELM_RD,
            # Another Tom Baker of Leeds, born the same year, at another address: not Tom's household.
            person("crm", "13", "Tom", "Baker", birthDate="1970-11-20", address=ASH_RD,
                   observedAt="2025-01-01T00:00:00Z"),
        ],
    )  # fmt: skip
    assert await customer_of(database, "crm:11") == await customer_of(database, "webshop:W11")
    assert await grouping(database) == {
        frozenset({"crm:10"}),
        frozenset({"crm:11", "webshop:W11", "crm:12"}),
        frozenset({"crm:13"}),
    }


async def test_a_mover_lives_at_the_newest_address_whatever_the_record_keys_and_time_zones(
    database: Database, settings: Settings
) -> None:
    # The newer record's key sorts first, and it is newer only with its zone (09:30 at UTC-1 is
    # 10:30 UTC, after the zoneless 10:00 read as UTC): only the times can put Jane at Elm Road.
    await load(
        database,
        settings,
        [
            jane_baker("zcrm", "11", OAK_RD, "2025-06-01T10:00:00"),
            jane_baker("app", "A11", ELM_RD, "2025-06-01T09:30:00-01:00"),
            SAM_AT_ELM_RD,
        ],
    )  # fmt: skip
    assert await grouping(database) == {frozenset({"zcrm:11", "app:A11", "crm:12"})}


async def test_flatmates_arriving_apart_share_a_household(database: Database, settings: Settings) -> None:
    await load(database, settings, [person("crm", "40", "Ola", "Berg", address=ELM_RD)])
    await load(
        database,
        settings,
        [person("webshop", "W41", "Kit", "Marsh", address={**ELM_RD, "line1": "19 elm rd"})],
    )
    assert await grouping(database) == {frozenset({"crm:40", "webshop:W41"})}


async def test_a_family_tie_places_a_customer_without_an_address_whichever_arrives_first(
    database: Database, settings: Settings
) -> None:
    mum = person("crm", "50", "Nia", "Rees", birthDate="1975-05-05", address=OAK_RD)
    tara = person(
        "app",
        "A50",
        "Tara",
        "Rees",
        identifiers=[email("tara.rees@example.com")],
        relationships=[{"kind": "FAMILY", "to": {"source": "crm", "sourceId": "50"}}],
    )
    son = person(
        "app",
        "A51",
        "Owen",
        "Rees",
        identifiers=[email("owen.rees@example.com")],
        relationships=[{"kind": "FAMILY", "to": {"source": "crm", "sourceId": "50"}}],
    )
    await load(database, settings, [tara])  # names a profile not loaded yet
    await load(database, settings, [mum])
    await load(database, settings, [son])
    assert await grouping(database) == {frozenset({"crm:50", "app:A50", "app:A51"})}


async def test_customers_without_an_address_join_only_an_unambiguous_household(
    database: Database, settings: Settings
) -> None:
    await load(
        database,
        settings,
        [
            person("crm", "20", "Priya", "Shah", birthDate="1985-04-04", address=OAK_RD,
                   identifiers=[email("the.shahs@example.com")]),
            person("crm", "21", "Ravi", "Shah", birthDate="1984-08-08", address=OAK_RD),
            # An app account on the family email, no address: joins the Shahs.
            person("app", "A20", "Anika", "Shah", identifiers=[email("the.shahs@example.com")]),
            # A grandmother sharing one email with the Shahs and a landline with her other son's home.
            person("newsletter", "N21", "Kamala", "Shah",
                   identifiers=[email("nani.shah@example.com")]),
            person("crm", "22", "Arun", "Shah", birthDate="1988-01-01", address=ELM_RD,
                   identifiers=[phone("0113 284 7721")]),
            person("callcentre", "CC21", "Kamala", "Shah", identifiers=[phone("0113 284 7721"),
                   email("nani.shah@example.com")]),
            person("crm", "23", "Ravi", "Shah", birthDate="1984-08-08", address=OAK_RD,
                   identifiers=[email("nani.shah@example.com")]),
        ],
    )  # fmt: skip
    groups = await grouping(database)
    assert any({"crm:20", "crm:21", "app:A20"} <= group for group in groups)
    # Kamala reaches Oak Road (by email) and Elm Road (by landline): no household rather than a guess.
    assert await household_of(database, "newsletter:N21") is None


async def test_a_record_resolution_kept_apart_lives_where_its_person_does(
    database: Database, settings: Settings
) -> None:
    handle = {"kind": "SOCIAL_HANDLE", "value": "@edwardsm"}
    await load(
        database,
        settings,
        [
            person("crm", "70", "Michael", "Edwards", birthDate="1971-03-03", address=OAK_RD,
                   identifiers=[handle]),
            person("crm", "71", "Jane", "Edwards", birthDate="1973-05-05", address=OAK_RD),
            # His social profile under a made-up name: the names disagree, so resolution keeps it
            # apart, and it has no address.
            {"source": "social", "sourceId": "SO70", "givenName": "Wolverine", "identifiers": [handle]},
        ],
    )  # fmt: skip
    customers = await record_customers(database)
    assert customers["social:SO70"] != customers["crm:70"]
    assert await grouping(database) == {frozenset({"crm:70", "crm:71", "social:SO70"})}


async def test_household_ids_survive_a_new_member_and_incremental_equals_rebuild(
    database: Database, settings: Settings
) -> None:
    await load(database, settings, FAMILY[:1])
    first = await household_of(database, "crm:1")
    assert first is not None
    await load(database, settings, FAMILY[1:2])
    await load(database, settings, FAMILY[2:])
    assert await household_of(database, "store:S1") == first
    incremental = await households(database)
    assert await rebuild_households(database) == 1
    assert await households(database) == incremental


async def test_a_merged_away_customer_is_no_member(database: Database, settings: Settings) -> None:
    # Two records of one person that look like two people until a third links them.
    await load(
        database,
        settings,
        [
            person("app", "A30", "Lena", "Novak", identifiers=[email("lena.novak@example.com")],
                   address=OAK_RD),
            person("callcentre", "CC30", "Lena", "Novak", identifiers=[phone("07812 345678")],
                   address=ASH_RD),
        ],
    )  # fmt: skip
    before = {await customer_of(database, "app:A30"), await customer_of(database, "callcentre:CC30")}
    lena = person("crm", "30", "Lena", "Novak", birthDate="1990-10-10", address=ASH_RD,
                  identifiers=[email("lena.novak@example.com"), phone("07812 345678")])  # fmt: skip
    await ingest_objects(database, [lena], settings)
    survivor = await customer_of(database, "crm:30")

    async def work(tx: AsyncManagedTransaction) -> None:
        # Only the survivor is named: the id merged into it must still lose its membership.
        await update_households(tx, [str(survivor)])

    await database.in_write_transaction(work)
    assert len(before) == 2 and survivor in before, "the scenario needs a merge"
    records, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)-[:MEMBER_OF]->(:Household) RETURN c.id AS id, c.mergedInto AS merged"
    )
    assert [(r["id"], r["merged"]) for r in records] == [(survivor, None)]
    records, _, _ = await database.driver.execute_query("MATCH (h:Household) RETURN count(h) AS households")
    assert records[0]["households"] == 1


async def test_household_context_answers_in_one_round_trip(database: Database, settings: Settings) -> None:
    family = [dict(profile) for profile in FAMILY]
    family[0]["devices"] = [{"id": "tab-1", "kind": "TABLET"}]
    family[1]["devices"] = [{"id": "tab-1", "kind": "TABLET"}]
    family[0]["consents"] = [
        {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2024-01-01T00:00:00Z"}
    ]
    family[1]["consents"] = [
        {"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": "2024-01-01T00:00:00Z"}
    ]
    withdrawal = person(
        "newsletter",
        "N1",
        "Maria",
        "Okafor",
        identifiers=[email("maria.okafor@example.com")],
        consents=[
            {"channel": "EMAIL", "purpose": "MARKETING", "granted": False, "at": "2025-01-01T00:00:00Z"}
        ],
    )
    await load(database, settings, [*family, withdrawal])

    def interaction(
        source_id: str, who: tuple[str, str], channel: str, kind: str, **fields: Any
    ) -> dict[str, Any]:
        return {
            "type": "interaction",
            "source": "pos" if kind == "PURCHASE" else "cc",
            "sourceId": source_id,
            "customer": {"source": who[0], "sourceId": who[1]},
            "channel": channel,
            "kind": kind,
            **fields,
        }

    interactions = [
        interaction("P1", ("crm", "1"), "STORE", "PURCHASE", occurredAt="2025-03-01T10:00:00Z", value=40.0),
        interaction("P2", ("webshop", "W1"), "WEB", "PURCHASE", occurredAt="2025-03-02T10:00:00Z", value=2.5),
        interaction(
            "T1", ("crm", "1"), "PHONE", "COMPLAINT", occurredAt="2025-03-03T10:00:00Z", status="OPEN"
        ),
        interaction(
            "T2", ("crm", "1"), "PHONE", "ENQUIRY", occurredAt="2025-03-04T10:00:00Z", status="RESOLVED"
        ),
    ]
    await ingest_objects(database, interactions, settings)
    household = await household_of(database, "crm:1")
    assert household is not None
    maria_id, chidi_id = await customer_of(database, "crm:1"), await customer_of(database, "webshop:W1")

    queries = database.queries_run
    context = await household_context(database, household)
    assert database.queries_run == queries + 1
    assert context is not None
    members = {member["id"]: member for member in context["members"]}
    assert len(members) == 3
    assert context["value"] == 42.5
    ada = members[str(await customer_of(database, "store:S1"))]
    assert (ada["value"], ada["orders"], ada["role"]) == (0.0, 0, "MINOR") and isinstance(ada["value"], float)
    assert [issue["sourceId"] for issue in members[maria_id]["openIssues"]] == ["T1"]
    assert members[chidi_id]["openIssues"] == []
    assert [(c["channel"], c["purpose"], c["granted"]) for c in members[maria_id]["consents"]] == [
        ("EMAIL", "MARKETING", False)
    ]
    assert [(c["granted"]) for c in members[chidi_id]["consents"]] == [True]
    assert sorted(member["role"] for member in members.values()) == ["ADULT", "ADULT", "MINOR"]
    shared = {(item["kind"], item["value"]) for item in context["sharedIdentifiers"]}
    assert ("PHONE", "+61296331234") in shared and ("PHONE", "+61412555001") in shared
    assert [device["id"] for device in context["sharedDevices"]] == ["tab-1"]
    assert context["address"]["postcode"] == "2150"
    assert await household_context(database, "hh_missing") is None


async def test_households_updated_batch_by_batch_equal_a_full_rebuild(
    database: Database, settings: Settings
) -> None:
    demo = generate(households=40, seed=5, interactions_per_person=0)
    profiles = list(demo.profiles)
    random.Random(3).shuffle(profiles)  # members of one household arrive in different batches
    for start in range(0, len(profiles), 37):
        await load(database, settings, profiles[start : start + 37])
    incremental = await households(database)
    assert sum(len(members) > 1 for members in incremental.values()) >= 10
    assert await written(database) == await decided_whole(database)
    assert await rebuild_households(database) == len(incremental)
    assert await households(database) == incremental  # the same groups, and every id kept


async def test_interactions_naming_people_by_identifier_leave_households_as_a_rebuild_finds_them(
    database: Database, settings: Settings
) -> None:
    # Their thin records join customers without re-deciding households
    # (`identity.StoredCustomers.households_unmoved`); profiles arriving in pieces re-decide them.
    demo = generate(households=40, seed=7, interactions_per_person=4)
    assert sum("identifier" in (line.get("customer") or {}) for line in demo.interactions) > 10
    profiles = list(demo.profiles)
    random.Random(3).shuffle(profiles)  # a person's records arrive in different batches
    for start in range(0, len(profiles), 37):
        await ingest_objects(database, profiles[start : start + 37], settings)
    for start in range(0, len(demo.interactions), 50):
        await ingest_objects(database, demo.interactions[start : start + 50], settings)
    incremental = await households(database)
    assert sum(len(members) > 1 for members in incremental.values()) >= 10
    assert await rebuild_households(database) == len(incremental)
    assert await households(database) == incremental


async def test_deciding_a_home_reads_nobody_seen_only_at_its_postcode(
    database: Database, settings: Settings
) -> None:
    """Till shoppers who gave only the postcode live somewhere unknown: a home in that postcode is
    decided without reading them (in a busy postcode they were a hundred customers an arrival)."""
    postcode_only = {"postcode": OAK_RD["postcode"], "country": "GB"}
    shoppers = [
        person("store", f"T{n}", given, family, address=postcode_only)
        for n, (given, family) in enumerate([("Cy", "Vane"), ("Dee", "Holt"), ("Eli", "Marr")])
    ]
    await load(database, settings, [person("crm", "70", "Ann", "Lee", address=OAK_RD), *shoppers])
    await load(
        database, settings, [person("webshop", "W71", "Bo", "Lee", address={**OAK_RD, "line1": "7 oak rd"})]
    )
    assert await grouping(database) == {frozenset({"crm:70", "webshop:W71"})}
    customers = await record_customers(database)

    async def read(tx: AsyncManagedTransaction) -> tuple[set[str], set[str]]:
        neighbourhood = _Neighbourhood(tx)
        await neighbourhood.close([customers["webshop:W71"]])
        return set(neighbourhood.facts), {a for read in neighbourhood.addresses.values() for a in read}

    facts, addresses = await database.in_read_transaction(read)
    assert facts == {customers["crm:70"], customers["webshop:W71"]}
    assert addresses == {"GB|LS62AB|7 oak road"}  # the postcode alone is not even read


async def test_family_ties_place_people_through_relatives_placed_by_evidence_in_any_order(
    database: Database, settings: Settings
) -> None:
    def tie(source: str, source_id: str) -> list[dict[str, Any]]:
        return [{"kind": "FAMILY", "to": {"source": source, "sourceId": source_id}}]

    profiles = [
        person("crm", "60", "Ines", "Costa", birthDate="1979-03-03", address=ASH_RD,
               identifiers=[email("the.costas@example.com")], observedAt="2025-01-01T00:00:00Z"),
        # No address: the family email places him at Ash Road.
        person("app", "A60", "Rui", "Costa", identifiers=[email("the.costas@example.com")]),
        # No address and nothing shared: a declared tie to Rui, who has no address himself.
        person("store", "S60", "Lia", "Costa", birthDate="2012-08-08",
               identifiers=[{"kind": "LOYALTY_ID", "value": "L-600"}], relationships=tie("app", "A60")),
        # Two relatives with no address anywhere: a household of their own, with no address.
        person("app", "A61", "Vera", "Lind", identifiers=[email("vera.lind@example.com")]),
        person("social", "SO61", "Axel", "Lind", identifiers=[{"kind": "SOCIAL_HANDLE", "value": "@axel"}],
               relationships=tie("app", "A61")),
        # A friend is no housemate.
        person("webshop", "W62", "Nora", "Hale", identifiers=[email("nora.hale@example.com")],
               relationships=[{"kind": "FRIEND", "to": {"source": "crm", "sourceId": "60"}}]),
    ]  # fmt: skip
    expected = {
        frozenset({"crm:60", "app:A60", "store:S60"}),
        frozenset({"app:A61", "social:SO61"}),
    }
    for profile in reversed(profiles):  # the ties arrive before the people they name
        await load(database, settings, [profile])
    assert await grouping(database) == expected
    records, _, _ = await database.driver.execute_query(
        "MATCH (h:Household) RETURN h.size AS size, EXISTS { (h)-[:AT_ADDRESS]->() } AS placed ORDER BY size"
    )
    assert [(r["size"], r["placed"]) for r in records] == [(2, False), (3, True)]
    incremental = await households(database)
    assert await rebuild_households(database) == 2
    assert await households(database) == incremental


async def test_links_between_homes_are_not_followed_past_the_first_home(
    database: Database, settings: Settings
) -> None:
    """Families sharing an email across town once chained 570 customers into one arrival's pass. A
    link between two placed customers moves neither, so the pass stops at the first home, unless
    that home is too full to be one (then its customers may be unplaced, and their links count)."""
    people = [
        person("crm", "80", "Ann", "Abbot", address=OAK_RD,
               identifiers=[email("ann.ben@example.com"), phone("+61 412 555 083")]),
        # No address: the phone she shares with Ann is all that may place her.
        person("app", "A83", "Dot", "Abbot", identifiers=[phone("+61 412 555 083")]),
        person("crm", "81", "Ben", "Bligh", address=ELM_RD,
               identifiers=[email("ann.ben@example.com"), email("ben.cal@example.com")]),
        person("crm", "82", "Cal", "Croft", address=ASH_RD, identifiers=[email("ben.cal@example.com")]),
    ]  # fmt: skip
    await load(database, settings, people[::-1])
    customers = await record_customers(database)

    async def close(tx: AsyncManagedTransaction) -> _Neighbourhood:
        neighbourhood = _Neighbourhood(tx)
        await neighbourhood.close([customers["crm:80"]])
        return neighbourhood

    around_ann = await database.in_read_transaction(close)
    # Dot, with no address, may join Ann's home and is followed; Ben, at a home of his own, is not,
    # and Cal is not even read.
    assert around_ann.members == {customers["crm:80"], customers["app:A83"]}
    assert around_ann.outside == {customers["crm:81"]}
    assert customers["crm:82"] not in around_ann.facts
    assert await written(database) == await decided_whole(database)

    crowd = [
        person("store", f"S9{n}", given, "Dunn", address=ELM_RD)
        for n, given in enumerate(
            ["Ed", "Flo", "Gus", "Hal", "Ida", "Jo", "Kit", "Lou", "Max", "Una", "Oda", "Pip"]
        )
    ]
    await load(database, settings, crowd)  # Elm Road now holds 13: no household from the address
    customers = await record_customers(database)
    around_ann = await database.in_read_transaction(close)
    assert {customers["crm:81"], customers["crm:82"], customers["store:S90"]} <= around_ann.members
    at_elm_road = {customers[f"store:{profile['sourceId']}"] for profile in crowd} | {customers["crm:81"]}
    assert len(at_elm_road) > MAX_ADDRESS_MEMBERS
    assert await written(database) == await decided_whole(database)
