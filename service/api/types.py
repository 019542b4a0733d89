"""GraphQL types of the contract: thin views over the rows `customers_by_ids.cypher` returns.

A `Customer` is built from one 360 row; fields that reach other customers (household members,
relationships, source records' customer) go through the request's DataLoaders, so a page of them
costs one more round trip, not one per customer, and reads only a summary of each when the query
asks no more of them.
"""

from __future__ import annotations

import base64
import re
from asyncio import Future, gather
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from service.api.context import Context
from service.consent import ConsentChannel as ConsentChannelValues
from service.consent import ConsentPurpose as ConsentPurposeValues
from service.consent import decide, in_force
from service.records import Channel as ChannelValues
from service.records import IdentifierKind as IdentifierKindValues

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

T = TypeVar("T")
R = TypeVar("R")

IdentifierKind = strawberry.enum(IdentifierKindValues, name="IdentifierKind")
Channel = strawberry.enum(ChannelValues, name="Channel")


@strawberry.enum
class Direction(Enum):
    OUT = "OUT"
    IN = "IN"


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("\x1f".join(parts).encode()).decode()


def decode_cursor(cursor: str, parts: int) -> list[str]:
    """The parts of a cursor; raises ValueError for a cursor this API did not make."""
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode().split("\x1f")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError("not a valid cursor") from error
    if len(decoded) != parts:
        raise ValueError("not a valid cursor")
    return decoded


# Cypher's text of a datetime (`toString`): seconds always, a fraction only when there is one, `Z` for
# UTC and the zone's name after the offset when it has one.
CYPHER_DATETIME = re.compile(r"(.+T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d(?::\d\d)?)?(?:\[.+\])?")


def iso(value: Any) -> str | None:
    """Neo4j temporal values, or Cypher's text of them, as ISO 8601 text in one shape: nine-digit
    fraction, numeric offset (`2025-03-02T09:15:00.000000000+00:00`)."""
    if value is None:
        return None
    if hasattr(value, "iso_format"):
        return str(value.iso_format())
    parts = CYPHER_DATETIME.fullmatch(str(value))
    if parts is None:
        return str(value)
    seconds, fraction, offset = parts.groups()
    return f"{seconds}.{(fraction or '').ljust(9, '0')}{'+00:00' if offset == 'Z' else offset or ''}"


# What a `customer_summaries` row answers (its consents, when it has them, only decide whether a
# marketing caller may see the customer in a list). A customer reached from another one (a household
# member, the other side of a relationship, a source record's owner) is read as a summary when the
# query asks it for nothing more, and as its whole 360 row otherwise.
SUMMARY_FIELDS = frozenset({"__typename", "id", "displayName", "givenName", "familyName", "birthDate"})


def _summary_answers(selections: list[Selection]) -> bool:
    return all(
        selection.name in SUMMARY_FIELDS
        if isinstance(selection, SelectedField)
        else _summary_answers(selection.selections)
        for selection in selections
    )


# Whether summaries answer a field, by the ids of its nodes: the nodes belong to a parsed document (the
# parser cache hands out the same one for a text), so the answer holds for every request that asks it,
# and they are kept with it, so their ids name no other node meanwhile. strawberry builds
# `selected_fields` anew on each call: 2-3 us for each household and each relationship of a 360.
_SUMMARY_ANSWERS: dict[tuple[int, ...], tuple[list[Any], bool]] = {}
MAX_SUMMARY_ANSWERS = 1024


def _reached_customers(info: Info[Context, None]) -> DataLoader[str, Customer | None]:
    """The loader for the customers this field returns: summaries when they answer what is asked."""
    nodes = info._raw_info.field_nodes
    key = tuple(map(id, nodes))
    known = _SUMMARY_ANSWERS.get(key)
    if known is None:
        if len(_SUMMARY_ANSWERS) >= MAX_SUMMARY_ANSWERS:
            _SUMMARY_ANSWERS.clear()
        answers = all(_summary_answers(field.selections) for field in info.selected_fields)
        known = _SUMMARY_ANSWERS[key] = (list(nodes), answers)
    return info.context.customer_summaries if known[1] else info.context.customers


def _when_loaded(pending: list[Awaitable[T]], then: Callable[[list[T]], R]) -> R | Awaitable[R]:
    """`then(values)` at once when a loader has them in hand already (primed from the 360 row), else
    once they arrive. A resolver that answers with a plain value keeps graphql-core off its async path,
    which costs a task and several loop turns per field."""
    done = [item for item in pending if isinstance(item, Future) and item.done()]
    if len(done) == len(pending):
        return then([item.result() for item in done])

    async def later() -> R:
        return then(list(await gather(*pending)))

    return later()


def _shown(info: Info[Context, None], customer: Customer | None) -> bool:
    """May this customer appear in a list shown to the caller?"""
    return customer is not None and info.context.access.listed(customer.row)


def _listed(
    info: Info[Context, None], ids: list[str], loader: DataLoader[str, Customer | None]
) -> list[Customer] | Awaitable[list[Customer]]:
    """The customers with these ids that may appear in a list shown to the caller."""
    return _when_loaded(
        [loader.load(customer_id) for customer_id in ids],
        lambda found: [c for c in found if c is not None and _shown(info, c)],
    )


def _existing_customer(info: Info[Context, None], customer_id: str) -> Customer | Awaitable[Customer]:
    """A customer the row being answered points at; it can only be missing if it was erased meanwhile."""

    def present(found: list[Customer | None]) -> Customer:
        if found[0] is None:
            raise LookupError(f"customer {customer_id} vanished while answering")
        return found[0]

    return _when_loaded([_reached_customers(info).load(customer_id)], present)


LazyCustomer = Annotated["Customer", strawberry.lazy("service.api.types")]


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Identifier:
    kind: IdentifierKind  # type: ignore[valid-type]
    value: str


@strawberry.type
class Device:
    id: strawberry.ID
    kind: str | None


@strawberry.type
class SourceRecord:
    source: str
    source_id: str
    customer_id: strawberry.Private[str]

    @strawberry.field(graphql_type=LazyCustomer)
    def customer(self, info: Info[Context, None]) -> Customer | Awaitable[Customer]:
        return _existing_customer(info, self.customer_id)


@strawberry.type
class SourceRecordEdge:
    cursor: str
    node: SourceRecord


@strawberry.type
class SourceRecordConnection:
    edges: list[SourceRecordEdge]
    page_info: PageInfo


@strawberry.type
class Interaction:
    id: strawberry.ID
    source: str
    source_id: str
    channel: Channel  # type: ignore[valid-type]
    kind: str
    occurred_at: str
    status: str | None
    summary: str | None
    value: float | None
    agent: str | None = strawberry.field(description="Who handled it (call-centre agent, store clerk).")
    resolution: str | None = strawberry.field(description="How an issue was resolved.")

    @strawberry.field(description="How the issue moved on in Kith: each status change, oldest first.")
    async def history(self, info: Info[Context, None]) -> list[IssueUpdate]:
        updates = await info.context.issue_histories.load(str(self.id))
        return [IssueUpdate.from_row(update) for update in updates]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Interaction:
        return cls(
            id=strawberry.ID(row["key"]),
            source=row["source"],
            source_id=row["sourceId"],
            channel=ChannelValues(row["channel"]),
            kind=row["kind"],
            occurred_at=iso(row["occurredAt"]) or "",
            status=row.get("status"),
            summary=row.get("summary"),
            value=row.get("value"),
            agent=row.get("agent"),
            resolution=row.get("resolution"),
        )


@strawberry.type(description="One change of an issue's status, made by an agent in Kith.")
class IssueUpdate:
    before: str | None
    after: str
    resolution: str | None
    by: str | None
    at: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> IssueUpdate:
        return cls(
            before=row.get("before"),
            after=row["after"],
            resolution=row.get("resolution"),
            by=row.get("by"),
            at=iso(row["at"]) or "",
        )


def _edge_cursor(self: InteractionEdge) -> str:
    return encode_cursor(self.key)


@strawberry.type
class InteractionEdge:
    # made when asked: the 360 reads a page of edges without their cursors (2 us each)
    cursor: str = strawberry.field(resolver=_edge_cursor)
    node: Interaction
    key: strawberry.Private[str]


@strawberry.type
class InteractionConnection:
    total_count: int
    edges: list[InteractionEdge]
    page_info: PageInfo


@strawberry.type
class Relationship:
    kind: str
    direction: Direction
    customer_id: strawberry.Private[str]

    @strawberry.field(graphql_type=LazyCustomer)
    def customer(self, info: Info[Context, None]) -> Customer | Awaitable[Customer]:
        return _existing_customer(info, self.customer_id)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Relationship:
        return cls(kind=row["kind"], direction=Direction(row["direction"]), customer_id=row["customer"])


@strawberry.type
class Influence:
    score: float
    reach: int
    referrals: int


@strawberry.type
class IdentityLink:
    from_: SourceRecord = strawberry.field(name="from")
    to: SourceRecord
    rule: str
    score: float | None
    evidence: list[str]


@strawberry.type(description="A consent statement: the newest one per channel and purpose wins.")
class Consent:
    channel: str
    purpose: str
    granted: bool
    at: str | None
    source: str | None = strawberry.field(description="The system (or `kith`) the statement came from.")
    by: str | None = strawberry.field(default=None, description="Who took it, when Kith did.")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Consent:
        return cls(
            channel=row["channel"],
            purpose=row["purpose"],
            granted=bool(row["granted"]),
            at=iso(row.get("at")),
            source=row.get("source"),
            by=row.get("by"),
        )


@strawberry.type(description="May the business contact the customer this way, and on what grounds.")
class ContactDecision:
    allowed: bool
    reason: str
    statement: Consent | None = strawberry.field(description="The statement in force; null when none.")


@strawberry.enum
class FlagSeverity(Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@strawberry.enum
class ActionStatus(Enum):
    NEW = "NEW"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"


@strawberry.enum
class IssueStatus(Enum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


ConsentChannel = strawberry.enum(ConsentChannelValues, name="ConsentChannel")
ConsentPurpose = strawberry.enum(ConsentPurposeValues, name="ConsentPurpose")


@strawberry.type(description="A warning on a customer for whoever deals with them next.")
class Flag:
    id: strawberry.ID
    kind: str
    severity: FlagSeverity
    note: str | None
    raised_by: str
    raised_at: str
    cleared_by: str | None
    cleared_at: str | None

    @strawberry.field
    def active(self) -> bool:
        return self.cleared_at is None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Flag:
        return cls(
            id=strawberry.ID(row["id"]),
            kind=row["kind"],
            severity=FlagSeverity(row["severity"]),
            note=row.get("note"),
            raised_by=row["raisedBy"],
            raised_at=iso(row["raisedAt"]) or "",
            cleared_by=row.get("clearedBy"),
            cleared_at=iso(row.get("clearedAt")),
        )


@strawberry.type(description="Something to be done for a customer: call back, refund, send a form.")
class Action:
    id: strawberry.ID
    kind: str
    note: str | None
    due: str | None
    assignee: str | None
    status: ActionStatus
    created_by: str
    created_at: str
    updated_by: str | None
    updated_at: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Action:
        return cls(
            id=strawberry.ID(row["id"]),
            kind=row["kind"],
            note=row.get("note"),
            due=row.get("due"),
            assignee=row.get("assignee"),
            status=ActionStatus(row["status"]),
            created_by=row["createdBy"],
            created_at=iso(row["createdAt"]) or "",
            updated_by=row.get("updatedBy"),
            updated_at=iso(row.get("updatedAt")),
        )


@strawberry.type(description="One member of a household, as a support agent needs them.")
class HouseholdMember:
    role: str | None = strawberry.field(description="ADULT or MINOR from the birth date, when known.")
    open_issues: list[Interaction]
    consents: list[Consent]
    value: float
    customer_id: strawberry.Private[str]

    @strawberry.field(graphql_type=LazyCustomer)
    def customer(self, info: Info[Context, None]) -> Customer | Awaitable[Customer]:
        return _existing_customer(info, self.customer_id)


@strawberry.type
class Household:
    id: strawberry.ID
    member_ids: strawberry.Private[list[str]]

    async def _context(self, info: Info[Context, None]) -> dict[str, Any]:
        found = await info.context.household_contexts.load(str(self.id))
        return found or {"members": [], "sharedIdentifiers": [], "sharedDevices": [], "value": 0.0}

    @strawberry.field(description="Each member's role, open issues, consents and value (one round trip).")
    async def member_details(self, info: Info[Context, None]) -> list[HouseholdMember]:
        members = (await self._context(info))["members"]
        return [
            HouseholdMember(
                role=member.get("role"),
                open_issues=[Interaction.from_row(issue) for issue in member["openIssues"]],
                consents=[Consent.from_row(c) for c in member["consents"]],
                value=float(member["value"] or 0.0),
                customer_id=member["id"],
            )
            for member in members
        ]

    @strawberry.field(description="Identifiers two or more members hold: a landline, a family email.")
    async def shared_identifiers(self, info: Info[Context, None]) -> list[Identifier]:
        shared = (await self._context(info))["sharedIdentifiers"]
        return [Identifier(kind=IdentifierKindValues(item["kind"]), value=item["value"]) for item in shared]

    @strawberry.field(description="Devices two or more members use: the family tablet.")
    async def shared_devices(self, info: Info[Context, None]) -> list[Device]:
        shared = (await self._context(info))["sharedDevices"]
        return [Device(id=strawberry.ID(item["id"]), kind=item.get("kind")) for item in shared]

    @strawberry.field(description="What the members spent, together (purchases).")
    async def value(self, info: Info[Context, None]) -> float:
        return float((await self._context(info))["value"] or 0.0)

    @strawberry.field(graphql_type=list[LazyCustomer])
    def members(self, info: Info[Context, None]) -> list[Customer] | Awaitable[list[Customer]]:
        return _listed(info, self.member_ids, _reached_customers(info))


@strawberry.type(description="When the customer last contacted the business on one channel.")
class ChannelContact:
    channel: Channel  # type: ignore[valid-type]
    at: str


@strawberry.type(description="What the customer is worth: purchases only, returns not netted.")
class CustomerValue:
    lifetime_spend: float
    order_count: int
    last_purchase: str | None


@strawberry.type
class Customer:
    id: strawberry.ID
    display_name: str | None
    given_name: str | None
    family_name: str | None
    birth_date: str | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Customer:
        golden = row["customer"]
        return cls(
            id=strawberry.ID(golden["id"]),
            display_name=golden.get("displayName"),
            given_name=golden.get("givenName"),
            family_name=golden.get("familyName"),
            birth_date=golden.get("birthDate"),
            row=row,
        )

    @strawberry.field
    def identifiers(self) -> list[Identifier]:
        return [
            Identifier(kind=IdentifierKindValues(item["kind"]), value=item["value"])
            for item in self.row["identifiers"]
        ]

    @strawberry.field
    def source_records(self) -> list[SourceRecord]:
        return [
            SourceRecord(source=item["source"], source_id=item["sourceId"], customer_id=str(self.id))
            for item in self.row["records"]
        ]

    @strawberry.field
    def household(self) -> Household | None:
        found = self.row["household"]
        return (
            None if found is None else Household(id=strawberry.ID(found["id"]), member_ids=found["members"])
        )

    @strawberry.field
    def devices(self) -> list[Device]:
        return [Device(id=strawberry.ID(item["id"]), kind=item.get("kind")) for item in self.row["devices"]]

    @strawberry.field(description="Newest first.", graphql_type=InteractionConnection)
    def interactions(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
        channel: Channel | None = strawberry.UNSET,  # type: ignore[valid-type]
    ) -> InteractionConnection | Awaitable[InteractionConnection]:
        from service.api.pagination import interactions_page

        return interactions_page(
            info.context, self, 20 if first is None else first, after or None, channel or None
        )

    @strawberry.field(graphql_type=list[Relationship])
    def relationships(self, info: Info[Context, None]) -> list[Relationship] | Awaitable[list[Relationship]]:
        items = self.row["relationships"]
        if not info.context.access.lists_need_marketing_consent:
            return [Relationship.from_row(item) for item in items]
        others = info.context.customer_summaries
        return _when_loaded(
            [others.load(item["customer"]) for item in items],
            lambda found: [
                Relationship.from_row(item)
                for item, other in zip(items, found, strict=True)
                if _shown(info, other)
            ],
        )

    @strawberry.field
    def influence(self) -> Influence:
        return Influence(
            score=float(self.row["customer"].get("influenceScore") or 0.0),
            reach=int(self.row["reach"]),
            referrals=int(self.row["referrals"]),
        )

    @strawberry.field(description="Complaints and enquiries not resolved yet, newest first.")
    def open_issues(self) -> list[Interaction]:
        return [Interaction.from_row(row) for row in self.row["openIssues"]]

    @strawberry.field(description="The latest contact on each channel.")
    def last_contacts(self) -> list[ChannelContact]:
        return [
            ChannelContact(channel=ChannelValues(item["channel"]), at=iso(item["at"]) or "")
            for item in self.row["lastContacts"]
        ]

    @strawberry.field
    def value(self) -> CustomerValue:
        return CustomerValue(
            lifetime_spend=float(self.row["lifetimeSpend"]),
            order_count=int(self.row["orderCount"]),
            last_purchase=iso(self.row["lastPurchase"]),
        )

    @strawberry.field(description="Consent in force per channel and purpose (the newest statement).")
    def consents(self) -> list[Consent]:
        return [Consent.from_row(statement) for statement in in_force(self.row["consents"])]

    @strawberry.field(description="Every consent statement, newest first within each channel and purpose.")
    def consent_history(self) -> list[Consent]:
        return [Consent.from_row(statement) for statement in self.row["consents"]]

    @strawberry.field(
        description="Without a statement SERVICE contact is allowed; MARKETING and PROFILING are not."
    )
    def can_contact(
        self,
        channel: ConsentChannel,  # type: ignore[valid-type]
        purpose: ConsentPurpose,  # type: ignore[valid-type]
    ) -> ContactDecision:
        decision = decide(
            self.row["consents"], ConsentChannelValues(channel).value, ConsentPurposeValues(purpose).value
        )
        statement = None if decision.statement is None else Consent.from_row(decision.statement)
        return ContactDecision(allowed=decision.allowed, reason=decision.reason, statement=statement)

    @strawberry.field(description="Active flags first, newest first.")
    def flags(self) -> list[Flag]:
        return [Flag.from_row(flag) for flag in self.row["flags"]]

    @strawberry.field(description="Outstanding actions first (soonest due), then done ones.")
    def actions(self) -> list[Action]:
        return [Action.from_row(action) for action in self.row["actions"]]

    @strawberry.field(description="Why the records of this customer belong together.")
    def identity_links(self) -> list[IdentityLink]:
        customer_id = str(self.id)
        return [
            IdentityLink(
                from_=SourceRecord(
                    source=link["fromSource"], source_id=link["fromSourceId"], customer_id=customer_id
                ),
                to=SourceRecord(
                    source=link["toSource"], source_id=link["toSourceId"], customer_id=customer_id
                ),
                rule=link["rule"],
                score=link.get("score"),
                evidence=list(link.get("evidence") or []),
            )
            for link in self.row["links"]
        ]


@strawberry.type
class CustomerMatch:
    customer: Customer
    score: float


@strawberry.type(description="One of the customers who move others most (weighted PageRank).")
class InfluencerRank:
    rank: int
    customer: Customer


@strawberry.type(description="What forgetting a person erased; the person can not be found afterwards.")
class ForgetResult:
    customer_id: strawberry.ID
    records: int
    identifiers: int
    interactions: int = strawberry.field(description="Kept as anonymous facts for aggregates.")
    suppressed: int = strawberry.field(description="Hashes stored so their old lines stay out.")


@strawberry.type(description="One entry of the append-only audit trail.")
class AuditEntry:
    seq: int
    at: str
    actor: str = strawberry.field(description="The API key that acted: its role and fingerprint.")
    by: str | None = strawberry.field(description="The person the calling tool named, if any.")
    action: str
    target: str
    details: JSON


@strawberry.type
class Rejection:
    index: int
    reason: str


@strawberry.type
class IngestResult:
    accepted: int
    rejected: list[Rejection]
