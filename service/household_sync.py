"""Keeps (:Customer)-[:MEMBER_OF]->(:Household) in step with the graph, and reads a household whole.

`service.households` decides who lives together; this module gathers what it needs from the graph
and writes the outcome, always through named queries in `cypher/household_*.cypher`.

- `update_households(tx, customer_ids)` runs at the end of every ingest batch, inside the batch's
  transaction: it re-decides the households of those customers and of everyone whose household
  could change with theirs (same or overlapping home, shared evidence, current co-members), so
  households are complete when ingest returns and a batch commits all or nothing.
- `rebuild_households(database)` re-decides every household, a chunk of customers per transaction.
- `household_context(database, id)` is the support agent's view of one household in one round trip.

Incremental equals full: a pass gathers a *closed* neighbourhood (see `_Neighbourhood`) and
`households.decide` depends on nothing outside it, so the groups are the ones a rebuild finds.

Example:
    async def work(tx: AsyncManagedTransaction) -> None:
        await update_households(tx, ["cus_0a1b2c3d4e5f6a7b"])
    await database.in_write_transaction(work)
    context = await household_context(database, "hh_9f8e7d6c5b4a3f2e")
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from service.graph import store
from service.graph.database import Database
from service.graph.values import plain
from service.households import (
    MAX_ADDRESS_MEMBERS,
    MAX_EVIDENCE_HOLDERS,
    RELATIVE_KINDS,
    Home,
    Place,
    Resident,
    Sighting,
    assign_household_ids,
    decide,
    home_of,
    place_of,
    role_of,
)

REBUILD_CHUNK = 2000
# An identifier or device on more records than this is not a family's; its holders are not counted.
MAX_EVIDENCE_RECORDS = 50


def new_household_id() -> str:
    return "hh_" + secrets.token_hex(8)


def _instant(text: str | None) -> datetime | None:
    """A time `household_facts` sends as ISO 8601 text: the driver's own DateTime hydration was a
    twelfth of bulk ingest's Python time, `fromisoformat` the same value at a fraction of the cost."""
    return datetime.fromisoformat(text) if text is not None else None


@dataclass(frozen=True, slots=True)
class _Facts:
    """One customer as `household_facts.cypher` returns it."""

    id: str
    merged: bool
    survivor: str | None
    resident: Resident
    home: Home
    household: str | None
    household_created: str | None
    co_members: tuple[str, ...]
    neighbours: frozenset[str]
    merged_members: tuple[str, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> _Facts:
        sightings = tuple(
            Sighting(_instant(item["observedAt"]), item["address"], item["record"])
            for item in row["sightings"]
        )
        evidence = row["evidence"]
        resident = Resident(
            row["id"],
            sightings,
            frozenset(item["key"] for item in evidence),
            row["birthDate"],
            frozenset(row["relatives"]),
        )
        neighbours = {holder for item in evidence for holder in item["holders"]} - {row["id"]}
        return cls(
            id=row["id"],
            merged=bool(row["merged"]),
            survivor=row["survivor"],
            resident=resident,
            home=home_of(sightings),
            household=row["household"],
            household_created=row["householdCreated"],
            co_members=tuple(row["householdMembers"]),
            neighbours=frozenset(neighbours),
            merged_members=tuple(row["mergedMembers"]),
        )


def _related(one: Place, other: Place) -> bool:
    """Two places that could be one home: the same, or one saying more than the other."""
    return one.refines(other) or other.refines(one)


@dataclass
class _Neighbourhood:
    """The customers whose households must be decided together with some seeds.

    Closed under: a live customer's current household co-members, everyone whose current home is or
    overlaps theirs, and the customers sharing evidence or a family tie with them that `decide` could
    use. It uses such a link only when one end is unplaced: a link between two placed customers
    never moves either. So the links of a customer who is surely placed (`_surely_placed`) lead only
    to those who may not be, and a chain of families sharing an email across town (once 570
    customers in 200 postcodes, 25 rounds for one arrival) stops at the first home. Merged-away ids
    (named, or merged into a member and still holding a membership) are `retired`: they lose their
    membership and lead to their survivor.
    """

    tx: AsyncManagedTransaction
    facts: dict[str, _Facts] = field(default_factory=dict)
    # (area, building) -> address -> ids of the customers seen there
    addresses: dict[tuple[str, tuple[str, ...]], dict[str, list[str]]] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)
    retired: set[str] = field(default_factory=set)
    # Surely placed customers linked to a surely placed member: their households do not change with it.
    outside: set[str] = field(default_factory=set)

    async def fetch(self, ids: Iterable[str]) -> None:
        missing = sorted(set(ids) - set(self.facts))
        if missing:
            rows = await store.collected(
                self.tx,
                "household_facts",
                ids=missing,
                maxHolders=MAX_EVIDENCE_HOLDERS,
                maxRecords=MAX_EVIDENCE_RECORDS,
                relativeKinds=list(RELATIVE_KINDS),
            )
            for row in rows:
                self.facts[row["id"]] = _Facts.from_row(row)

    async def residents(self, places: Iterable[Place]) -> None:
        """Reads who was seen at the addresses that could be in the buildings of `places`."""
        missing = sorted({(place.area, place.building) for place in places} - set(self.addresses))
        if not missing:
            return
        for building in missing:
            self.addresses[building] = {}
        buildings = [
            {"key": index, "area": area, "numbers": list(Place(area, words).numbers)}
            for index, (area, words) in enumerate(missing)
        ]
        for row in await store.collected(self.tx, "household_building_residents", buildings=buildings):
            self.addresses[missing[row["building"]]][row["address"]] = row["customers"]

    def _seen_at_home(self, place: Place) -> Iterator[str]:
        """Who was seen at an address (read by `residents`) that could be the home `place`. A home
        always names a building (`home_of`), and its customers are listed under that address too:
        those seen at the area alone (a till's postcode) are left out, which in a busy postcode was a
        hundred customers' facts for every arrival."""
        for address, ids in self.addresses[place.area, place.building].items():
            seen = place_of(address)
            if seen.building and _related(seen, place):
                yield from ids

    def _surely_placed(self, customer: str) -> bool:
        """Whether `decide` places this live customer at a home, whoever else is in the neighbourhood.

        A home holding more than MAX_ADDRESS_MEMBERS customers unplaces all of them, so it takes no
        more than that seen at addresses that could be the same home (an upper bound of those living
        there). Needs the facts and the home's building read (`residents`).
        """
        place = self.facts[customer].home.place
        if place is None:
            return False
        return len(set(self._seen_at_home(place))) <= MAX_ADDRESS_MEMBERS

    def _homes(self, customers: Iterable[str]) -> set[Place]:
        homes = (self.facts[c].home.place for c in customers if c in self.facts)
        return {place for place in homes if place is not None}

    async def close(self, seeds: Iterable[str]) -> None:
        frontier, boundary = set(seeds), set[str]()
        while frontier or boundary:
            await self.fetch(frontier | boundary)
            # One read of the buildings: the homes of the customers joining now, and of those whose
            # joining depends on how full their home is.
            await self.residents(self._homes(frontier - self.members | boundary))
            reached = {c for c in boundary if c in self.facts and not self._surely_placed(c)}
            self.outside |= boundary - reached
            joined: list[_Facts] = []
            follow: set[str] = set()
            for customer in sorted(frontier | reached):
                found = self.facts.get(customer)
                if found is None:
                    continue
                if found.merged:
                    self.retired.add(customer)
                    follow.update(found.co_members)
                    if found.survivor is not None:
                        follow.add(found.survivor)
                elif customer not in self.members:
                    self.members.add(customer)
                    joined.append(found)
            linked: set[str] = set()
            for found in joined:
                follow.update(found.co_members)
                follow.update(found.merged_members)
                links = found.neighbours | found.resident.relatives
                (linked if self._surely_placed(found.id) else follow).update(links)
            follow.update(await self._same_homes(joined, prefetch=follow | linked))
            frontier = follow - self.members - self.retired
            boundary = linked - frontier - self.members - self.retired - self.outside

    async def _same_homes(self, joined: Sequence[_Facts], prefetch: Iterable[str]) -> set[str]:
        """Customers whose current home is, or overlaps, the home of one of `joined`.

        The facts of the home's candidates are read together with those of `prefetch` (the
        customers the next round will look at anyway): one round trip instead of two.
        """
        places: dict[str, list[Place]] = {}
        for found in joined:
            if found.home.place is not None:
                places.setdefault(found.home.place.area, []).append(found.home.place)
        await self.residents(place for wanted in places.values() for place in wanted)
        candidates = {
            resident
            for wanted in places.values()
            for place in wanted
            for resident in self._seen_at_home(place)
        }
        await self.fetch(candidates | set(prefetch))
        same: set[str] = set()
        for customer in candidates:
            fetched = self.facts.get(customer)
            home = fetched.home.place if fetched is not None else None
            if home is not None and any(_related(home, place) for place in places.get(home.area, ())):
                same.add(customer)
        return same


@dataclass(frozen=True, slots=True)
class HouseholdPass:
    """What one pass decided: the customers it covered and the households it wrote."""

    customers: frozenset[str]
    households: int


async def _update(tx: AsyncManagedTransaction, customer_ids: Sequence[str], today: date) -> HouseholdPass:
    neighbourhood = _Neighbourhood(tx)
    await neighbourhood.close(customer_ids)
    facts = neighbourhood.facts
    members = sorted(neighbourhood.members)
    groups = decide([facts[customer].resident for customer in members])
    current: dict[str, str] = {}
    for customer in members:
        household = facts[customer].household
        if household is not None:
            current[customer] = household
    created = {found.household: found.household_created or "" for found in facts.values() if found.household}
    covered = neighbourhood.members | neighbourhood.retired
    old_ids = {
        found.household for customer, found in facts.items() if found.household and customer in covered
    }
    assignment = assign_household_ids([group.members for group in groups], current, created, new_household_id)
    rows = [
        {
            "id": assignment.ids[group.members],
            "address": group.address,
            "members": [
                {"id": customer, "role": role_of(facts[customer].resident.birth_date, today)}
                for customer in group.members
            ],
        }
        for group in groups
    ]
    await store.run(
        tx,
        "household_write",
        customers=sorted(neighbourhood.members | neighbourhood.retired),
        households=rows,
    )
    emptied = sorted(old_ids - set(assignment.ids.values()))
    if emptied:
        await store.run(tx, "household_delete", ids=emptied)
    return HouseholdPass(frozenset(neighbourhood.members), len(rows))


def _today() -> date:
    return datetime.now(UTC).date()


async def update_households(tx: AsyncManagedTransaction, customer_ids: Sequence[str]) -> None:
    """Re-decides, inside the caller's transaction, the households around `customer_ids`.

    Pass every customer id the batch touched: the clusters it wrote and the ids it merged away
    (those lose their membership). Ids that do not exist are ignored.
    """
    if customer_ids:
        await _update(tx, customer_ids, _today())


async def rebuild_households(database: Database, chunk: int = REBUILD_CHUNK) -> int:
    """Re-decides every household, `chunk` customers per transaction; returns how many there are.

    Each transaction takes the resolution lock, so ingest batches wait rather than interleave.
    Customers already covered by an earlier chunk's neighbourhood are not decided twice.
    """
    covered: set[str] = set()
    after = ""
    today = _today()
    while True:
        page = [
            row["id"] for row in await database.read("household_customers_page", after=after, limit=chunk)
        ]
        if not page:
            break
        after = page[-1]
        seeds = [customer for customer in page if customer not in covered]
        if not seeds:
            continue

        async def work(tx: AsyncManagedTransaction, seeds: list[str] = seeds) -> HouseholdPass:
            await store.take_resolution_lock(tx)
            return await _update(tx, seeds, today)

        outcome = await database.in_write_transaction(work)
        covered |= outcome.customers
    while (await database.write("household_cleanup", limit=10_000))[0]["deleted"]:
        pass
    return int((await database.read("household_count"))[0]["households"])


async def household_context(database: Database, household_id: str) -> dict[str, Any] | None:
    """A household for a support agent, or None: members with role, open issues, consents and value,
    what members share (identifiers, devices), the address and the combined value.

    A member's `role` is worked out from the golden birth date as of today (`households.role_of`),
    not read from the membership, so a child who turned 18 yesterday is an ADULT already.
    """
    rows = await database.read("household_context", id=household_id)
    if not rows:
        return None
    context: dict[str, Any] = plain(rows[0])
    today = _today()
    for member in context["members"]:
        member["role"] = role_of(member.get("birthDate"), today)
    return context
