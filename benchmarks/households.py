"""`kith demo` data through ingest and the household rebuild: co-membership against the generator's truth.

Usage: python benchmarks/households.py [--households 2000] [--seed 11]

Each person is mapped to the household of the customer holding most of their records. Printed:

- pairwise precision and recall of "lives with" over the people given a household (the usual
  pairwise score: people without one are left out), then recall over everyone (people without a
  household count as living alone) and coverage (the share of people in shared homes who got one);
- recall over what the records show: housemates count as linked when their records share a street
  address in one postcode, an identifier (any kind, junk aside) or a device, or a declared FAMILY
  relationship, directly or through other housemates; friendships, follows and referrals do not
  count (they say nothing about where people live). Recall over these links, coverage of the people
  who have one, and how many people in shared homes have none. The generator gives everyone a record
  with the street address of their home (`service.demo.sources.ACCOUNTS`), so that count should be 0
  and these figures equal those over everyone; a person it counts is in a household nobody could
  know from the data, and the gap between the two recalls is what such people cost;
- the same figures for the baseline measured in the same run: customers sharing the normalised
  address (the ingest's `Address` node) of their latest record with a street address, nothing
  else (a postcode alone is no address: it would lump whole suburbs together);
- the traps: twins (must be two customers in one household) and namesakes (same full name in
  another household: must not share one).

Target (issue #5): precision and recall over everyone >= 0.97 each.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from benchmarks.common import PairScores, bench_database, bench_settings, pairwise, run_on_demo
from service.demo import write_demo
from service.graph.database import Database
from service.household_sync import rebuild_households
from service.ingest import ingest_file
from service.resolution.model import MatchModel


async def graph_state(database: Database) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(record -> customer, customer -> household, customer -> the address of its latest record with a
    street line: the baseline's grouping, the ingest's normalised address and nothing else)."""
    records, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord)-[:BELONGS_TO]->(c:Customer) WHERE c.mergedInto IS NULL "
        "RETURN r.key AS key, c.id AS customer"
    )
    members, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)-[:MEMBER_OF]->(h:Household) RETURN c.id AS customer, h.id AS household"
    )
    latest, _, _ = await database.driver.execute_query(
        "MATCH (c:Customer)<-[:BELONGS_TO]-(r:SourceRecord)-[:AT_ADDRESS]->(a:Address) "
        "WHERE c.mergedInto IS NULL AND a.nAddress IS NOT NULL "
        "WITH c, r, a ORDER BY r.observedAt DESC, r.key "
        "RETURN c.id AS customer, head(collect(a.key)) AS address"
    )
    return (
        {row["key"]: row["customer"] for row in records},
        {row["customer"]: row["household"] for row in members},
        {row["customer"]: row["address"] for row in latest},
    )


async def record_marks(database: Database) -> dict[str, set[str]]:
    """Record key -> what the record shows that a housemate's record could show too: its identifiers
    (junk aside), devices, street addresses' postcode areas and FAMILY ties (the pair of records)."""
    rows, _, _ = await database.driver.execute_query(
        "MATCH (r:SourceRecord) WHERE NOT coalesce(r.pending, false) "
        "RETURN r.key AS key, "
        "[(r)-[:HAS_IDENTIFIER]->(i:Identifier) WHERE NOT coalesce(i.junk, false) | i.key] "
        "+ [(r)-[:USED]->(d:Device) | 'DEVICE:' + d.id] "
        "+ [(r)-[:AT_ADDRESS]->(a:Address) WHERE a.nAddress IS NOT NULL "
        "   | 'HOME:' + split(a.key, '|')[0] + '|' + split(a.key, '|')[1]] AS marks, "
        "[(r)-[:RELATES_TO {kind: 'FAMILY'}]-(o:SourceRecord) | o.key] AS family"
    )
    return {
        row["key"]: {*row["marks"], *("FAMILY:" + "~".join(sorted((row["key"], o))) for o in row["family"])}
        for row in rows
    }


def linked_truth(
    marks: Mapping[str, set[str]], truth_records: Mapping[str, str], truth: Mapping[str, str]
) -> dict[str, str]:
    """Each person -> the part of their true household that their records link them to (housemates
    whose records share a mark, directly or through other housemates); alone, their own part."""
    person_marks: dict[str, set[str]] = defaultdict(set)
    for record, person in truth_records.items():
        person_marks[person] |= marks.get(record, set())
    part = {person: person for person in truth}

    def root(person: str) -> str:
        while part[person] != person:
            person = part[person]
        return person

    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person in sorted(truth):
        for mark in person_marks[person]:
            holders[(truth[person], mark)].append(person)
    for people in holders.values():
        for other in people[1:]:
            part[root(other)] = root(people[0])
    return {person: f"{truth[person]}/{root(person)}" for person in truth}


def people_to_customers(
    record_customers: Mapping[str, str], truth_records: Mapping[str, str]
) -> dict[str, str]:
    """Each person's customer: the one holding most of their records (the smallest id on a tie)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for record, person in truth_records.items():
        customer = record_customers.get(record)
        if customer is not None:
            counts[person][customer] += 1
    return {person: min(held, key=lambda c: (-held[c], c)) for person, held in counts.items()}


@dataclass(frozen=True)
class Figures:
    assigned: PairScores  # over the people given a group
    everyone: PairScores  # the others alone
    coverage: float  # of the people in shared homes
    linked_recall: float  # over everyone, of the pairs of housemates their records link
    linked_coverage: float  # of the people linked to a housemate
    unlinked: int  # people in shared homes linked to no housemate
    shared: int  # people in shared homes


def scores(
    person_customer: Mapping[str, str],
    grouping: Mapping[str, str],
    truth: Mapping[str, str],
    linked: Mapping[str, str],
) -> Figures:
    assigned = {p: grouping[c] for p, c in person_customer.items() if c in grouping}
    everyone = {p: assigned.get(p, f"alone:{p}") for p in person_customer}
    sizes, linked_sizes = Counter(truth.values()), Counter(linked.values())
    shared = [p for p in person_customer if sizes[truth[p]] > 1]
    with_links = [p for p in shared if linked_sizes[linked[p]] > 1]
    return Figures(
        pairwise(assigned, truth),
        pairwise(everyone, truth),
        _share(shared, assigned),
        pairwise(everyone, linked).recall,
        _share(with_links, assigned),
        len(shared) - len(with_links),
        len(shared),
    )


def _share(people: Sequence[str], assigned: Mapping[str, str]) -> float:
    return sum(p in assigned for p in people) / len(people) if people else 1.0


def print_scores(label: str, figures: Figures) -> None:
    pad = " " * len(label)
    print(f"  {figures.assigned.line(label)}")
    print(
        f"  {pad}  over everyone: recall={figures.everyone.recall:.4f} "
        f"precision={figures.everyone.precision:.4f}"
        f"   coverage of people in shared homes: {figures.coverage:.4f}"
    )
    print(
        f"  {pad}  over what the records show: recall={figures.linked_recall:.4f}"
        f"   coverage: {figures.linked_coverage:.4f}"
        f"   ({figures.unlinked} of {figures.shared} people in shared homes linked to no housemate)"
    )


async def measure(households: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = write_demo(Path(folder), households, seed, interactions_per_person=0)
        truth = orjson.loads(files.truth.read_bytes())
        async with bench_database() as database:
            started = time.perf_counter()
            report = await ingest_file(database, files.profiles, bench_settings(), MatchModel())
            ingest_seconds = time.perf_counter() - started
            started = time.perf_counter()
            count = await rebuild_households(database)
            rebuild_seconds = time.perf_counter() - started
            record_customers, customer_households, customer_address = await graph_state(database)
            marks = await record_marks(database)
    person_customer = people_to_customers(record_customers, truth["records"])
    lives_with: dict[str, str] = truth["households"]
    linked = linked_truth(marks, truth["records"], lives_with)
    print(
        f"demo: {households} households, {report.accepted} profiles of {len(person_customer)} people "
        f"into {len(set(record_customers.values()))} customers; ingest {ingest_seconds:.1f}s, "
        f"household rebuild {rebuild_seconds:.1f}s -> {count} households"
    )
    print_scores("kith households", scores(person_customer, customer_households, lives_with, linked))
    print_scores("same-address baseline", scores(person_customer, customer_address, lives_with, linked))
    print("  target: kith precision >= 0.97 and recall >= 0.97")

    cases = truth["hard_cases"]
    household_of_record = {
        record: customer_households.get(customer) for record, customer in record_customers.items()
    }
    for kind, want in (("TWINS", "two customers, one household"), ("NAMESAKE", "never one household")):
        pairs = [case for case in cases if case["kind"] == kind]
        together = sum(
            household_of_record.get(c["a"]) is not None
            and household_of_record.get(c["a"]) == household_of_record.get(c["b"])
            for c in pairs
        )
        apart_people = sum(record_customers.get(c["a"]) != record_customers.get(c["b"]) for c in pairs)
        print(
            f"  {kind:8s} pairs={len(pairs)}: in one household={together}, "
            f"separate customers={apart_people}   ({want})"
        )


if __name__ == "__main__":
    run_on_demo(measure, __doc__)
