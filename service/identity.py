"""One pass of identity resolution over part of the graph, inside the caller's write transaction.

It joins the two halves that must not know each other: `service.graph.store` reads the records
around the ones that changed and writes the outcome; `service.resolution` decides the clusters.
Ingest calls `resolve_keys` for every batch it writes (so resolution is complete when ingest
returns); `kith resolve` calls it for records left dirty, or page by page for the whole graph.

Incremental equals full because a pass always decides whole neighbourhoods: the changed records,
every record they could be linked to, and every record of the customers those belong to, followed
until nothing new turns up, through the same pure, order-independent `resolve()`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from neo4j import AsyncManagedTransaction

from service.cycle_collector import bulk_load
from service.graph import store
from service.graph.database import Database
from service.household_sync import update_households
from service.resolution.blocking import MAX_BLOCK
from service.resolution.cluster import Link
from service.resolution.compare import PairScore
from service.resolution.model import (
    MatchModel,
    estimate_u,
    family_name_frequencies,
    model_to_json,
    stored_or_default,
)
from service.resolution.record import MatchRecord
from service.resolution.resolve import Resolution, linkable, resolve, without_crowded
from service.resolution.survivorship import assign_ids, golden_record
from service.resolution.thin import is_thin
from service.resolution.training import estimate_m

RESOLVE_CHUNK = 1000
# A bound on one resolution pass: a pathological chain of candidates must not load the whole graph.
MAX_NEIGHBOURHOOD = 20_000


class ScoreMemory:
    """Pair scores remembered across resolution passes of this process, for one model at a time.

    A neighbourhood is resolved again every time one of its records changes or a neighbour arrives;
    the pairs of unchanged records in it score exactly as before, so they are looked up instead of
    compared again. Bounded: when full it starts afresh, which costs only recomputation.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.model: MatchModel | None = None
        self.scores: dict[tuple[MatchRecord, MatchRecord], PairScore] = {}

    def for_model(self, model: MatchModel) -> dict[tuple[MatchRecord, MatchRecord], PairScore]:
        if model != self.model or len(self.scores) > self.limit:
            self.model, self.scores = model, {}
        return self.scores


_SCORES = ScoreMemory()


@dataclass(frozen=True)
class PassSummary:
    records: int
    clusters: int
    merges: int

    def __add__(self, other: PassSummary) -> PassSummary:
        return PassSummary(
            self.records + other.records, self.clusters + other.clusters, self.merges + other.merges
        )


def new_customer_id() -> str:
    return "cus_" + secrets.token_hex(8)


def _match_record(row: dict[str, Any]) -> MatchRecord:
    return MatchRecord(
        key=row["key"],
        given_name=row["given"],
        given_canonical=row["givenCanonical"],
        family_name=row["family"],
        generation=row["generation"],
        birth_date=row["birthDate"],
        gender=row["gender"],
        address=row["address"],
        locality=row["locality"],
        postcode=row["postcode"],
        identifiers=frozenset(identifier["key"] for identifier in row["identifiers"]),
    )


@dataclass(frozen=True)
class StoredCustomers:
    """The customers a neighbourhood's records belong to as stored, to tell what a pass changed.

    `rows` are the neighbourhood's record rows (`resolution_neighbourhood`), by record key.
    """

    rows: dict[str, dict[str, Any]]

    @cached_property
    def current(self) -> dict[str, str]:
        """Each record that has a customer, with its id."""
        return {key: row["customer"] for key, row in self.rows.items() if row["customer"] is not None}

    @cached_property
    def sizes(self) -> Counter[str]:
        return Counter(self.current.values())

    def is_stored(self, members: tuple[str, ...], customer_id: str) -> bool:
        """Whether `members` are all the records of that customer as stored, and none changed: the
        neighbourhood holds every record of every customer it touches, so nothing else can be its."""
        unchanged = all(
            self.current.get(key) == customer_id and not self.rows[key]["dirty"] for key in members
        )
        return unchanged and self.sizes[customer_id] == len(members)

    def newcomers(self, members: tuple[str, ...], customer_id: str) -> tuple[str, ...]:
        """The records of a cluster not in it as stored: only those no customer held when the rest is
        customer `customer_id` whole and unchanged (a record joining a customer), else all of them."""
        stored = tuple(key for key in members if key in self.current)
        if stored and self.is_stored(stored, customer_id):
            return tuple(key for key in members if key not in self.current)
        return members

    def households_unmoved(self, members: tuple[str, ...], customer_id: str) -> bool:
        """Whether a cluster is a customer as stored plus new records that bring it nothing
        households are decided on (`household_facts`): no address, device, relationship or birth
        date, and only identifiers it holds already (an interaction's "whoever holds this email"
        joining its holder). Its household, and everyone else's, is then what it was."""
        new = self.newcomers(members, customer_id)
        if len(new) == len(members):
            return False
        held = {ident["key"] for key in members if key not in new for ident in self.rows[key]["identifiers"]}
        return all(
            not self.rows[key]["householdLinks"]
            and self.rows[key]["birthDate"] is None
            and {ident["key"] for ident in self.rows[key]["identifiers"]} <= held
            for key in new
        )


def _golden_input(row: dict[str, Any]) -> dict[str, Any]:
    # Only usable values compete: an impossible birth date on a record never becomes golden.
    return {
        "key": row["key"],
        "source": row["source"],
        "observedAt": row["observedAt"],
        "givenName": row["givenName"],
        "familyName": row["familyName"],
        "birthDate": row["birthDate"],
        "gender": row["gender"],
    }


@dataclass(frozen=True)
class Neighbourhood:
    """The records one resolution pass decides: their rows (`resolution_neighbourhood`) and match
    records, identifiers too common to merge anyone already left out (`resolution.without_crowded`).

    `around_thin` says the closure was cut short around seeds without a name (`closed_neighbourhood`):
    the outcome for a cluster stands only if it moves no record but those `seeds` (`settles`).
    """

    rows: dict[str, dict[str, Any]]
    records: dict[str, MatchRecord]
    seeds: frozenset[str] = frozenset()
    around_thin: bool = False

    @cached_property
    def stored(self) -> StoredCustomers:
        return StoredCustomers(self.rows)

    @cached_property
    def named_customers(self) -> list[list[str]]:
        """The named records of each stored customer here: what a pass cut short around thin records
        takes them to be (it reads every customer it reaches whole)."""
        customers: dict[str, list[str]] = {}
        for key, customer in self.stored.current.items():
            if not is_thin(self.records[key]):
                customers.setdefault(customer, []).append(key)
        return list(customers.values())

    def settles(self, members: tuple[str, ...]) -> bool:
        """Whether a cluster (of records here) leaves every record in it but the seeds resolved, and in
        the customer it is in: seeds aside, it is a stored customer whole."""
        rest = tuple(key for key in members if key not in self.seeds)
        current = self.stored.current
        return not rest or (rest[0] in current and self.stored.is_stored(rest, current[rest[0]]))


async def closed_neighbourhood(
    tx: AsyncManagedTransaction, seeds: Sequence[str], model: MatchModel, around_thin: bool = True
) -> Neighbourhood:
    """The dirty seeds and every record their outcome depends on.

    From each record found it follows the records of its customer and the candidates it could be
    linked to directly (`resolution.linkable`: scored over the threshold, or a thin record sharing
    a strong identifier). `resolve` merges only along such links and decides each group they join
    the same way whatever else it is given, so resolving the closure lands every record where a
    full run would put it, whatever order they arrived in. Candidates that could never be linked
    are compared and left out: their records stay as they are, and stay where a full run puts them.

    With `around_thin`, when every seed is a thin record (an interaction's "whoever holds this
    email"), only thin records are followed to their candidates; a named record found brings its
    customer and nothing more. No cluster of named records changes with a thin record, and where a
    thin record lands depends only on the thin records sharing its identifiers, the named holders of
    all of theirs, and those holders' customers (`resolution.thin`): all of which this reads. Named
    records are then decided without all of their candidates, which is sound only if the outcome
    leaves them where they are; the caller checks that for each cluster (`Neighbourhood.settles`) and
    decides the seeds of any other cluster again without `around_thin`.
    """
    scores, tf = _SCORES.for_model(model), model.family_frequencies
    rows: dict[str, dict[str, Any]] = {}
    records: dict[str, MatchRecord] = {}
    found: set[str] = set()
    walked: set[str] = set()  # customers whose records are all reached (a record of none: its key)
    dirty: frozenset[str] = frozenset()
    frontier, only_dirty, members_only = sorted(set(seeds)), True, False
    while frontier and len(found) < MAX_NEIGHBOURHOOD:
        named = [key for key in frontier if not is_thin(records[key])] if members_only else []
        # A named record brings only its customer's records, the same from each of them: they are
        # asked for once a customer, and never again once reached.
        asking: dict[str, str] = {}
        for key in named:
            customer = rows[key]["customer"] or key
            if customer not in walked:
                asking.setdefault(customer, key)
        found.update(set(named) - set(asking.values()))
        followed = sorted(set(frontier) - set(named))
        if not followed and not asking:
            break
        hops, fetched = await store.resolution_neighbourhood(
            tx, followed, sorted(asking.values()), rows.keys(), model.max_holders, MAX_BLOCK, only_dirty
        )
        holder_counts = {ident["key"]: ident["holders"] for row in fetched for ident in row["identifiers"]}
        cleared = without_crowded([_match_record(row) for row in fetched], holder_counts, model.max_holders)
        rows.update((row["key"], row) for row in fetched)
        records.update((record.key, record) for record in cleared)
        found.update(hop["key"] for hop in hops)
        walked.update(rows[hop["key"]]["customer"] or hop["key"] for hop in hops)
        if only_dirty:
            dirty = frozenset(hop["key"] for hop in hops)
            members_only = around_thin and bool(dirty) and all(is_thin(records[key]) for key in dirty)
        reached: set[str] = set()
        for hop in hops:
            record = records[hop["key"]]
            reached.update(hop["members"])
            reached.update(
                key
                for key in hop["candidates"]
                if key not in found and linkable(record, records[key], model, tf, scores)
            )
        frontier, only_dirty = sorted(reached - found), False
    return Neighbourhood(
        {key: rows[key] for key in found}, {key: records[key] for key in found}, dirty, members_only
    )


def _resolved(neighbourhood: Neighbourhood, model: MatchModel) -> Resolution:
    """The neighbourhood resolved; one cut short around thin records only places its thin records."""
    rows = [neighbourhood.rows[key] for key in sorted(neighbourhood.rows)]
    return resolve(
        [neighbourhood.records[row["key"]] for row in rows],
        model,
        model.family_frequencies,
        {ident["key"]: ident["holders"] for row in rows for ident in row["identifiers"]},
        {(min(row["key"], other), max(row["key"], other)) for row in rows for other in row["cannotLink"]},
        _SCORES.for_model(model),
        {block for row in rows for block in row["crowdedBlocks"]},
        neighbourhood.named_customers if neighbourhood.around_thin else None,
    )


async def resolve_keys(
    tx: AsyncManagedTransaction, seeds: Sequence[str], model: MatchModel, around_thin: bool = True
) -> PassSummary:
    """Re-decides the clusters around `seeds` and stores customers, evidence and merges.

    A closure cut short around thin seeds (`closed_neighbourhood`) settles the clusters that leave
    every named record where it was (nearly all: an interaction's "whoever holds this email" joining
    its holder); the seeds of any other cluster (one that ties two named customers together) are
    then decided by a second pass over their whole closure, which reads what the first wrote.
    """
    neighbourhood = await closed_neighbourhood(tx, seeds, model, around_thin)
    if not neighbourhood.rows:
        return PassSummary(records=0, clusters=0, merges=0)
    outcome = _resolved(neighbourhood, model)
    clusters, unsettled = outcome.clusters, []
    if neighbourhood.around_thin:
        clusters = [members for members in outcome.clusters if neighbourhood.settles(members)]
        unsettled = sorted(set(neighbourhood.seeds).difference(*clusters))
    summary = await _store(tx, neighbourhood, clusters, outcome.links)
    if unsettled:
        summary += await resolve_keys(tx, unsettled, model, around_thin=False)
    return summary


async def _store(
    tx: AsyncManagedTransaction,
    neighbourhood: Neighbourhood,
    clusters: Sequence[tuple[str, ...]],
    links: Sequence[Link],
) -> PassSummary:
    """Writes the clusters that changed (with their links and golden records), the merges, and the
    households that can move with them."""
    stored, by_key = neighbourhood.stored, neighbourhood.rows
    created = {
        row["customer"]: row["customerCreated"] for row in by_key.values() if row["customer"] is not None
    }
    assignment = assign_ids(clusters, stored.current, created, new_customer_id)
    changed = [members for members in clusters if not stored.is_stored(members, assignment.ids[members])]
    # A customer that only gains records keeps its other records' membership and evidence as they are.
    newcomers = {members: stored.newcomers(members, assignment.ids[members]) for members in changed}
    rewritten = {key for members in changed for key in newcomers[members]}
    rows = [
        {
            "id": assignment.ids[members],
            "size": len(members),
            "members": list(newcomers[members]),
            "golden": golden_record([_golden_input(by_key[key]) for key in members]),
        }
        for members in changed
    ]
    evidence = [
        {
            "a": link.a,
            "b": link.b,
            "rule": link.rule,
            "score": round(link.weight, 3),
            "evidence": list(link.evidence),
        }
        for link in links
        if link.a in rewritten or link.b in rewritten
    ]
    await store.write_clusters(tx, sorted(rewritten), rows, evidence)
    await store.write_merges(tx, assignment.merged, reason="identity resolution")
    # A reloaded profile (a new address, say) makes its cluster count as changed too, so the
    # customers of changed clusters, and those merged away, are all whose households can move.
    moved = [
        assignment.ids[members]
        for members in changed
        if not stored.households_unmoved(members, assignment.ids[members])
    ]
    await update_households(tx, sorted({*moved, *assignment.merged}))
    return PassSummary(records=len(by_key), clusters=len(rows), merges=len(assignment.merged))


async def load_model(database: Database) -> MatchModel:
    """The stored model (`kith resolve --full --estimate`), else the documented defaults."""
    rows = await database.read("read_match_model")
    return stored_or_default(rows[0]["parameters"] if rows else None)


async def estimate_model(database: Database, pairs: int = 200_000, seed: int = 7) -> tuple[MatchModel, int]:
    """Estimates u (and the prior) from random pairs of every resolvable record and m by EM over up to
    `pairs` candidate pairs (`resolution.training`), and stores the model."""
    records: list[MatchRecord] = []
    after = ""
    while True:

        async def page(tx: AsyncManagedTransaction, after: str = after) -> list[dict[str, Any]]:
            keys = await store.record_keys_page(tx, after, RESOLVE_CHUNK * 10)
            return await store.match_records(tx, keys, MAX_BLOCK) if keys else []

        rows = await database.in_read_transaction(page)
        if not rows:
            break
        records += [_match_record(row) for row in rows]
        after = rows[-1]["key"]
    model = MatchModel()
    if len(records) > 1:
        # Names seen once are left out: the table only needs the common ones, which weigh less.
        counts = Counter(record.family_name for record in records if record.family_name)
        frequencies = family_name_frequencies(records)
        common = {name: share for name, share in frequencies.items() if counts[name] > 1}
        model = estimate_m(
            records, replace(estimate_u(records, pairs, seed), family_frequencies=common), pairs, seed
        )
    await database.write("write_match_model", parameters=model_to_json(model), records=len(records))
    return model, len(records)


async def resolve_graph(database: Database, model: MatchModel, full: bool = False) -> PassSummary:
    """Resolves every dirty record (first flagging all of them with `full`), a chunk per transaction.

    Each chunk is decided and written whole under the resolution lock, so an interrupted run leaves
    only records still flagged dirty, which the next run picks up.
    """
    if full:
        while await database.in_write_transaction(lambda tx: store.mark_records_dirty(tx, 10_000)):
            pass
    total = PassSummary(records=0, clusters=0, merges=0)
    with bulk_load():
        while True:

            async def one_chunk(tx: AsyncManagedTransaction) -> PassSummary | None:
                await store.take_resolution_lock(tx)
                seeds = await store.dirty_record_keys(tx, RESOLVE_CHUNK)
                return await resolve_keys(tx, seeds, model) if seeds else None

            summary = await database.in_write_transaction(one_chunk)
            if summary is None:
                return total
            total = total + summary
