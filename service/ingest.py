"""Bulk and real-time loading: lines in, source records and interactions out, resolved.

One code path serves `kith ingest FILE...` and the GraphQL `ingest` mutation: lines are parsed
leniently (`service.records`), normalised (`service.normalize`), written in batches with `UNWIND`
and resolved in the same transaction, so when a batch commits its people are already customers
and a dropped connection never leaves half a merge. Batches take the resolution lock first, so two
ingests sharing identifiers end exactly as if they had run one after the other. Interactions change
no one's identity: a file's are written in a transaction of their own, without the lock, once its
records are (see `ingest_parsed`); a request's few ride in its one transaction (`ingest_objects`).

Example:
    async with Database(settings) as database:
        ann = {"source": "crm", "sourceId": "1", "givenName": "Ann"}
        report = await ingest_objects(database, [ann], settings)
        assert report.accepted == 1
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from neo4j import AsyncManagedTransaction

from service.config import Settings
from service.cycle_collector import bulk_load
from service.graph import store
from service.graph.database import Database
from service.identity import resolve_keys
from service.normalize import (
    identifier_key,
    is_junk_identifier,
    normalize_identifier,
    normalize_profile,
    region_for,
)
from service.privacy import suppression_list
from service.records import (
    MAX_LINE_BYTES,
    IdentifierValue,
    Interaction,
    ParsedLine,
    Profile,
    RecordRef,
    Rejected,
    parse_line,
    record_key,
)
from service.resolution.blocking import block_key, blocking_keys
from service.resolution.model import MatchModel, stored_or_default
from service.suppression import SuppressionList, identifier_entry, interaction_entry, record_entry

BATCH_SIZE = 2000
# An interaction costs a fraction of a profile to write and nothing to resolve: a batch of
# interactions holds this many times as many lines, which halves its round trips and resolution
# passes (2.5 times as many took a tenth less Python time; profiles were slower in bigger batches).
INTERACTION_BATCH_FACTOR = 2.5
# How long the thread preparing batches may keep the GIL from the event loop that feeds Neo4j. The
# loop gives it up at every socket read and write, and at Python's default of 5 ms it spent longer
# waiting to get it back than working: a quarter of bulk ingest's time. Lowered for the whole process
# (by the first ingest; later ones find it lowered), as it costs little elsewhere.
SWITCH_INTERVAL = 0.0005
IDENTIFIER_SOURCE = "kith"
MAX_INTERACTION_WRITES = 2


@dataclass(frozen=True)
class Rejection:
    index: int  # line number in a file (1-based), or position in a mutation's list (0-based)
    reason: str
    text: str | None = None


@dataclass
class IngestReport:
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: int = 0
    profiles: int = 0
    interactions: int = 0

    def add(self, other: IngestReport) -> None:
        self.accepted += other.accepted
        self.rejected.extend(other.rejected)
        self.warnings += other.warnings
        self.profiles += other.profiles
        self.interactions += other.interactions


# The record statements of a batch, in the order they run, before its interactions that link to
# them. Each writes its rows with everything they link to in one pass, so a row is looked up once.
WRITE_ORDER = (
    "upsert_identifier_records",
    "upsert_source_records",
)


@dataclass
class Batch:
    """Flat rows for each write statement, built from accepted lines until `full`.

    `rows` (records) are written and resolved under the resolution lock; `interactions`
    (`upsert_interactions` rows), which change no one's identity, in a transaction of their own that
    needs no lock, once the records they may link to are written.
    """

    rows: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in WRITE_ORDER})
    identifier_records: dict[str, dict[str, Any]] = field(default_factory=dict)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    # What the interactions name, merged once per batch: device ids, and sku -> {sku, name, category}
    # with the last name and category a line gives (the outcome of merging line by line).
    devices: set[str] = field(default_factory=set)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)

    def full(self, batch_size: int) -> bool:
        """Whether the batch holds `batch_size` lines, counting an interaction as a fraction of one."""
        records = len(self.keys) - len(self.interactions)
        return records + len(self.interactions) / INTERACTION_BATCH_FACTOR >= batch_size

    def name_products_and_device(self, interaction: Interaction) -> None:
        if interaction.deviceId:
            self.devices.add(interaction.deviceId)
        for product in interaction.products:
            known = self.products.get(product.sku)
            if known is None:
                known = self.products[product.sku] = {"sku": product.sku, "name": None, "category": None}
            if product.name is not None:
                known["name"] = product.name
            if product.category is not None:
                known["category"] = product.category

    def needs_resolution(self) -> bool:
        return bool(self.identifier_records) or any(self.rows.values())

    def seeds(self) -> list[str]:
        """The records identity resolution must look at after this batch."""
        return sorted(
            {row["key"] for row in self.rows["upsert_source_records"]} | set(self.identifier_records)
        )


def _temporal(value: datetime | None) -> datetime | str | None:
    """A time with a zone as ISO 8601 text, for Cypher's `datetime()`: the driver's own conversion of
    a datetime was a seventh of ingest's Python time. A time without a zone stays as it is (the
    driver sends it as a local datetime, which `datetime()` would not)."""
    return value.isoformat() if value is not None and value.tzinfo is not None else value


def fingerprint(row: dict[str, Any]) -> str:
    """A digest of everything a row writes: a line loaded again unchanged (a nightly full export,
    say) has the same one, and its record or interaction is left as it is, neither rewritten nor
    resolved again."""
    return hashlib.blake2b(orjson.dumps(row, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def _append_fingerprinted(rows: list[Any], row: dict[str, Any]) -> None:
    row["fingerprint"] = fingerprint(row)
    rows.append(row)


class Suppressed(Rejected):
    """The line is about a person who was forgotten; its text is not kept, even among rejects."""

    def __init__(self) -> None:
        super().__init__("suppressed: it names a person who asked to be forgotten")


class Preparer:
    """Turns parsed lines into batch rows; holds the default phone region and the suppression list."""

    def __init__(self, default_region: str, suppression: SuppressionList | None = None) -> None:
        self.default_region = default_region
        self.suppression = suppression or SuppressionList(b"", set())

    def names_forgotten_person(self, ref: RecordRef, region: str) -> bool:
        key = ref.key()
        if key is not None:
            return record_entry(key) in self.suppression
        if ref.identifier is None or not self.suppression.hashes:
            return False
        try:
            value = normalize_identifier(ref.identifier.kind, ref.identifier.value, region)
        except ValueError:
            return False
        return identifier_entry(identifier_key(ref.identifier.kind, value)) in self.suppression

    def identifier_record(self, batch: Batch, identifier: IdentifierValue, region: str) -> str:
        """The key of the thin record standing for whoever holds `identifier` (raises ValueError)."""
        value = normalize_identifier(identifier.kind, identifier.value, region)
        key = identifier_key(identifier.kind, value)
        source_id = f"identifier:{key}"
        record = record_key(IDENTIFIER_SOURCE, source_id)
        batch.identifier_records[record] = {
            "key": record,
            "source": IDENTIFIER_SOURCE,
            "sourceId": source_id,
            "identifier": {
                "key": key,
                "kind": identifier.kind.value,
                "value": value,
                "junk": is_junk_identifier(identifier.kind, value),
            },
        }
        return record

    def reference(
        self, batch: Batch, ref: RecordRef, region: str, where: str, warnings: list[str]
    ) -> tuple[str, str | None, str | None] | None:
        """(record key, source, sourceId) of the record a reference names, or None with a warning."""
        key = ref.key()
        if key is not None:
            return key, ref.source, ref.sourceId
        if ref.identifier is not None:
            try:
                return self.identifier_record(batch, ref.identifier, region), None, None
            except ValueError as error:
                warnings.append(f"{where}: {error}")
                return None
        warnings.append(f"{where}: names neither a record nor an identifier")
        return None

    def add_profile(self, batch: Batch, parsed: ParsedLine, profile: Profile) -> int:
        normalized = normalize_profile(profile, self.default_region)
        if record_entry(profile.key) in self.suppression or any(
            identifier_entry(i.key) in self.suppression for i in normalized.identifiers
        ):
            raise Suppressed()
        warnings = [*parsed.warnings, *normalized.warnings]
        region = region_for(profile.address.country if profile.address else None, self.default_region)
        match, key, rows = normalized.match, profile.key, batch.rows
        relationships = set()
        for index, relationship in enumerate(profile.relationships):
            where = f"relationships[{index}].to"
            if self.names_forgotten_person(relationship.to, region):
                warnings.append(f"{where}: names a person who asked to be forgotten; left out")
                continue
            target = self.reference(batch, relationship.to, region, where, warnings)
            if target is not None:
                relationships.add((relationship.kind.upper(), *target))
        address = profile.address
        address_row = None
        if address is not None and normalized.address_key is not None:
            props = {**address.model_dump(), "nAddress": match.address, "nPostcode": match.postcode}
            address_row = {"key": normalized.address_key, "props": props}
        devices = {device.id: device for device in profile.devices}
        _append_fingerprinted(
            rows["upsert_source_records"],
            {
                "key": key,
                "props": {
                    "source": profile.source,
                    "sourceId": profile.sourceId,
                    "givenName": profile.givenName,
                    "familyName": profile.familyName,
                    "birthDate": profile.birthDate,
                    "gender": profile.gender,
                    "attributes": orjson.dumps(profile.attributes).decode() if profile.attributes else None,
                    "nGiven": match.given_name,
                    "nGivenCanonical": match.given_canonical,
                    "nFamily": match.family_name,
                    "nGeneration": match.generation,
                    "nBirthDate": match.birth_date,
                    "nGender": match.gender,
                    "nAddress": match.address,
                    "nLocality": match.locality,
                    "nPostcode": match.postcode,
                    "thin": False,
                    "raw": orjson.dumps(parsed.raw).decode(),
                    "warnings": warnings,
                },
                "observedAt": _temporal(profile.observedAt),
                "identifiers": [
                    {"key": i.key, "kind": i.kind.value, "value": i.value, "junk": i.junk}
                    for i in normalized.identifiers
                ],
                "address": address_row,
                "devices": [
                    {"id": device.id, "kind": device.kind, "os": device.os} for device in devices.values()
                ],
                "consents": [
                    {
                        "topic": f"{consent.channel.upper()}:{consent.purpose.upper()}",
                        "channel": consent.channel.upper(),
                        "purpose": consent.purpose.upper(),
                        "granted": consent.granted,
                        "at": _temporal(consent.at),
                    }
                    for consent in profile.consents
                ],
                "relationships": [
                    {"kind": kind, "to": to, "toSource": source, "toSourceId": source_id}
                    for kind, to, source, source_id in sorted(
                        relationships, key=lambda item: (item[0], item[1])
                    )
                ],
                "blockingKeys": [block_key(name, value) for name, value in blocking_keys(match).items()],
            },
        )
        return len(warnings)

    def add_interaction(self, batch: Batch, parsed: ParsedLine, interaction: Interaction) -> int:
        warnings = list(parsed.warnings)
        key = interaction.key
        if interaction_entry(key) in self.suppression or (
            interaction.customer is not None
            and self.names_forgotten_person(interaction.customer, self.default_region)
        ):
            raise Suppressed()
        target = None
        if interaction.customer is not None:
            target = self.reference(batch, interaction.customer, self.default_region, "customer", warnings)
        batch.name_products_and_device(interaction)
        _append_fingerprinted(
            batch.interactions,
            {
                "key": key,
                "props": {
                    "source": interaction.source,
                    "sourceId": interaction.sourceId,
                    "channel": interaction.channel.value if interaction.channel else None,
                    "kind": interaction.kind,
                    "status": interaction.status,
                    "agent": interaction.agent,
                    "summary": interaction.summary,
                    "resolution": interaction.resolution,
                    "value": interaction.value,
                    "currency": interaction.currency,
                    "raw": orjson.dumps(parsed.raw).decode(),
                    "warnings": warnings,
                },
                "occurredAt": _temporal(interaction.occurredAt),
                "customer": (
                    None
                    if target is None
                    else {"record": target[0], "source": target[1], "sourceId": target[2]}
                ),
                "device": interaction.deviceId or None,
                "products": [product.model_dump() for product in interaction.products],
            },
        )
        return len(warnings)

    def add(self, batch: Batch, parsed: ParsedLine) -> int:
        """Adds one parsed line; returns its number of warnings (raises Suppressed, adding nothing)."""
        record = parsed.record
        if isinstance(record, Profile):
            warnings = self.add_profile(batch, parsed, record)
        else:
            warnings = self.add_interaction(batch, parsed, record)
        batch.keys.add(f"{record.type}:{record.key}")
        return warnings


async def write_records(tx: AsyncManagedTransaction, batch: Batch, model: MatchModel) -> None:
    """Writes the records of one batch and resolves them, in the caller's transaction (which holds
    the resolution lock). The batch's interactions are left to the caller."""
    batch.rows["upsert_identifier_records"] = list(batch.identifier_records.values())
    for name in WRITE_ORDER:
        await store.write_rows(tx, name, batch.rows[name])
    await resolve_keys(tx, batch.seeds(), model)


async def write_batch(database: Database, batch: Batch, model: MatchModel) -> None:
    """Writes and resolves the records of one batch in a single transaction: all of them land, or
    none of them. The batch's interactions are left to `write_interactions`."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await store.take_resolution_lock(tx)
        await write_records(tx, batch, model)

    await database.in_write_transaction(work)


async def write_interactions(database: Database, batch: Batch) -> None:
    """Writes a batch's interactions in one transaction, without the resolution lock: they change
    no one's identity, and their statements merge on unique keys, so another ingest writing the same
    interaction or record waits for this one, or this one for it, and either order ends the same."""
    await database.in_write_transaction(
        lambda tx: store.write_interactions(tx, batch.interactions, batch.devices, batch.products)
    )


class InteractionWrites:
    """The interaction transactions in flight: at most `MAX_INTERACTION_WRITES`, none two sharing a key.

    Two run at once so that both of Neo4j's cores write (one transaction runs on one thread): an
    interactions file loaded one batch at a time kept Neo4j's writing thread busy and the other core
    half idle. A batch naming an interaction still being written by an earlier one waits for it, so
    each line's versions still land in order; other locks they share (a record several interactions
    hang off, a product) are waited for by Neo4j, and a deadlock between them is retried.
    """

    def __init__(self) -> None:
        # each write with its interactions' keys and how far into the input the lines before it reach
        self.writes: deque[tuple[asyncio.Task[None], set[str], int]] = deque()

    async def start(self, write: Callable[[], Awaitable[None]], keys: set[str], reached: int) -> None:
        """Starts `write` once fewer than the maximum are in flight and none shares its keys, waiting
        for the oldest to end meanwhile."""
        while self.writes and (
            len(self.writes) >= MAX_INTERACTION_WRITES
            or any(not keys.isdisjoint(written) for _, written, _ in self.writes)
        ):
            await self.writes.popleft()[0]
        self.writes.append((asyncio.ensure_future(write()), keys, reached))

    def done_through(self, reached: int) -> int:
        """How far into the input every line has landed, when the lines up to `reached` are read."""
        return self.writes[0][2] if self.writes else reached

    async def drain(self) -> None:
        while self.writes:
            await self.writes.popleft()[0]

    def cancel(self) -> None:
        for task, _, _ in self.writes:
            task.cancel()


Line = tuple[int, int, ParsedLine | Rejected, str]
"""One input line: its number (a request's: its 0-based position), how far into the input it
reaches, the line parsed or why it was rejected, and its text for the rejects file."""


def _parsed_or_rejected(parse: Callable[[Any], ParsedLine], value: Any) -> ParsedLine | Rejected:
    try:
        return parse(value)
    except Rejected as error:
        return error


def parse_json_line(text: bytes) -> ParsedLine:
    """Decodes and parses one JSON line; raises Rejected with the reason when it can not load."""
    if len(text) > MAX_LINE_BYTES:
        raise Rejected(f"line is over {MAX_LINE_BYTES // 1_000_000} MB")
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise Rejected(f"not valid JSON: {error}") from error
    return parse_line(obj)


# CSV columns map onto the JSON shape: dotted names nest (`address.line1`, `customer.sourceId`),
# identifier columns are named after their kind in lower case (`email`, `phone`, `loyalty_id`...)
# and may hold several values separated by `|`.
IDENTIFIER_COLUMNS = {
    kind.lower(): kind
    for kind in (
        "EMAIL",
        "PHONE",
        "LOYALTY_ID",
        "NATIONAL_ID",
        "ACCOUNT_ID",
        "DEVICE_ID",
        "COOKIE_ID",
        "SOCIAL_HANDLE",
    )
}


def csv_row_to_object(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as the equivalent JSON object (empty cells are missing values)."""
    obj: dict[str, Any] = {}
    identifiers = []
    for column, cell in row.items():
        if column is None or cell is None or cell.strip() == "":
            continue
        name = column.strip()
        if name in IDENTIFIER_COLUMNS:
            identifiers += [
                {"kind": IDENTIFIER_COLUMNS[name], "value": v} for v in cell.split("|") if v.strip()
            ]
        elif "." in name:
            parent, child = name.split(".", 1)
            obj.setdefault(parent, {})[child] = cell
        elif name == "value":
            obj[name] = _number_or_text(cell)
        else:
            obj[name] = cell
    if identifiers:
        obj["identifiers"] = identifiers
    return obj


def _number_or_text(cell: str) -> float | str:
    try:
        return float(cell)
    except ValueError:
        return cell


def read_lines(path: Path) -> Iterator[Line]:
    """Yields (line number, bytes read so far, parsed line or rejection, original text) for a file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            done = 0
            for number, row in enumerate(csv.DictReader(handle), start=2):
                text = ",".join(value or "" for value in row.values())
                done += len(text) + 1  # close enough for a progress bar over the file's size
                yield number, done, _parsed_or_rejected(parse_line, csv_row_to_object(row)), text
        return
    with path.open("rb") as handle:
        done = 0
        for number, line in enumerate(handle, start=1):
            done += len(line)
            stripped = line.strip()
            if not stripped:
                continue
            text = stripped[:2000].decode("utf-8", errors="replace")
            yield number, done, _parsed_or_rejected(parse_json_line, stripped), text


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def _batches(
    lines: Iterable[Line],
    preparer: Preparer,
    report: IngestReport,
    batch_size: int,
) -> Iterator[tuple[Batch, int]]:
    """Batches of the accepted lines with how far into the input each reaches; the last may be empty.

    Accepted lines and rejections are counted into `report` as they are read.
    """
    batch = Batch()
    position = 0
    for number, position, parsed, text in lines:
        if isinstance(parsed, Rejected):
            report.rejected.append(Rejection(index=number, reason=str(parsed), text=text))
            continue
        if f"{parsed.record.type}:{parsed.record.key}" in batch.keys:
            # A second version of a line in one batch: the first must land before it is replaced.
            yield batch, position
            batch = Batch()
        try:
            report.warnings += preparer.add(batch, parsed)
        except Suppressed as suppressed:
            report.rejected.append(Rejection(index=number, reason=str(suppressed)))
            continue
        report.accepted += 1
        if isinstance(parsed.record, Profile):
            report.profiles += 1
        else:
            report.interactions += 1
        if batch.full(batch_size):
            yield batch, position
            batch = Batch()
    yield batch, position


async def locked_ingest_context(
    tx: AsyncManagedTransaction, settings: Settings
) -> tuple[MatchModel, SuppressionList]:
    """Takes the resolution lock and reads, under it, the match model and the suppression list, in
    one round trip: a GraphQL `ingest` then waits for nothing else before it writes, and a person
    forgotten before it took the lock (forgetting takes the lock too) is turned away."""
    row = (await store.run(tx, "ingest_context"))[0]
    return stored_or_default(row["parameters"]), SuppressionList(settings.privacy_key(), set(row["hashes"]))


async def ingest_parsed(
    database: Database,
    lines: Iterable[Line],
    settings: Settings,
    model: MatchModel,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Loads parsed lines in batches; rejections are reported, never raised."""
    report = IngestReport()
    # Read once: a person forgotten while a long ingest runs is suppressed from the next one on.
    suppression = await suppression_list(database, settings)
    preparer = Preparer(settings.kith_default_region, suppression)
    batches = _batches(lines, preparer, report, batch_size)
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
    # The next batch is read and normalised in a thread while this one is written and resolved:
    # the thread runs while this one waits on Neo4j, so Python's and the server's work overlap.
    # Only one `next` is ever in flight, and `report` is read only once the batches run out.
    upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
    # A batch's interactions are written after its records (they may link to its thin records), in
    # a transaction of their own that Neo4j works on while the next batch is prepared and resolved.
    in_flight = InteractionWrites()
    reached = 0
    try:
        while (item := await upcoming) is not None:
            batch, position = item
            upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
            if batch.needs_resolution():
                await write_batch(database, batch, model)
            if batch.interactions:
                keys = {row["key"] for row in batch.interactions}
                await in_flight.start(partial(write_interactions, database, batch), keys, reached)
            reached = position
            if on_progress is not None:
                on_progress(in_flight.done_through(reached))
        await in_flight.drain()
        if on_progress is not None:
            on_progress(reached)
    finally:
        upcoming.cancel()
        in_flight.cancel()
    return report


async def ingest_file(
    database: Database,
    path: Path,
    settings: Settings,
    model: MatchModel,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Loads one file; its rejected lines go to FILE.rejects.jsonl with line number and reason."""
    with bulk_load():
        report = await ingest_parsed(database, read_lines(path), settings, model, on_progress, batch_size)
    rejects = rejects_path(path)
    if report.rejected:
        with rejects.open("wb") as handle:
            for rejection in report.rejected:
                entry = {"line": rejection.index, "reason": rejection.reason, "text": rejection.text}
                handle.write(orjson.dumps(entry) + b"\n")
    else:
        rejects.unlink(missing_ok=True)
    return report


async def ingest_objects(
    database: Database, objects: Sequence[Any], settings: Settings, batch_size: int = BATCH_SIZE
) -> IngestReport:
    """Loads already-decoded objects (the GraphQL mutation); rejection indexes are 0-based.

    Every `batch_size` objects are one transaction: the resolution lock is taken and the model and
    suppression list read with it (`locked_ingest_context`), then records are written and resolved
    and interactions written, batch by batch as a file's are. A request's lines are few: it holds
    the lock through its interactions' writes too, to spend no transaction and round trips on them.
    """
    lines = [(index, index, _parsed_or_rejected(parse_line, obj), "") for index, obj in enumerate(objects)]

    async def load(tx: AsyncManagedTransaction, part: list[Line]) -> IngestReport:
        model, suppression = await locked_ingest_context(tx, settings)
        report = IngestReport()  # afresh on every attempt: a retried transaction prepares again
        for batch, _ in _batches(
            part, Preparer(settings.kith_default_region, suppression), report, batch_size
        ):
            if batch.needs_resolution():
                await write_records(tx, batch, model)
            if batch.interactions:
                await store.write_interactions(tx, batch.interactions, batch.devices, batch.products)
        return report

    report = IngestReport()
    for start in range(0, len(lines), batch_size):
        report.add(await database.in_write_transaction(partial(load, part=lines[start : start + batch_size])))
    report.rejected = [Rejection(index=r.index, reason=r.reason) for r in report.rejected]
    return report
