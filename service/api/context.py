"""What every resolver can reach: the request, the database, who is asking and this request's DataLoaders.

Loaders hand rows through `Access` before any type is built from them, so what a role may not see
is masked once, whatever path a query takes to a customer or a household.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from service.api.access import Access, Role
from service.audit import Actor
from service.care import issue_updates
from service.config import Settings
from service.graph.database import Database
from service.household_sync import household_context

if TYPE_CHECKING:
    from service.api.types import Customer, Household

LATEST_INTERACTIONS = 20  # the default page of the timeline, fetched with the 360 itself


@dataclass
class Context:
    request: Request | WebSocket
    database: Database
    settings: Settings
    access: Access = field(default_factory=lambda: Access(Role.ADMIN))
    actor: Actor = field(default_factory=lambda: Actor("local"))
    customers: DataLoader[str, Customer | None] = field(init=False)
    customer_summaries: DataLoader[str, Customer | None] = field(init=False)
    households: DataLoader[str, Household | None] = field(init=False)
    household_contexts: DataLoader[str, dict[str, Any] | None] = field(init=False)
    issue_histories: DataLoader[str, list[dict[str, Any]]] = field(init=False)

    def __post_init__(self) -> None:
        # Loaders live for one request: they batch and de-duplicate, never cache across requests.
        self.customers = DataLoader(load_fn=self._load_customers)
        self.customer_summaries = DataLoader(load_fn=self._load_customer_summaries)
        self.households = DataLoader(load_fn=self._load_households)
        self.household_contexts = DataLoader(load_fn=self._load_household_contexts)
        self.issue_histories = DataLoader(load_fn=self._load_issue_histories)

    async def _load_customers(self, ids: list[str]) -> list[Customer | None]:
        rows = await self.database.answer("customers_by_ids", ids=ids, latest=LATEST_INTERACTIONS)
        found = _by_requested([self.access.customer(row) for row in rows])
        # A 360 row answers wherever a summary would (the customer's own records point back at it), and
        # brings the summaries of the customers it shows around, but without the consents a marketing
        # caller's summaries need.
        self.customer_summaries.prime_many(found)
        if not self.access.lists_need_marketing_consent:
            reached = [self.access.customer_summary(other) for row in rows for other in row["reached"]]
            self.customer_summaries.prime_many(_by_requested(reached))
        return [found.get(customer_id) for customer_id in ids]

    async def _load_customer_summaries(self, ids: list[str]) -> list[Customer | None]:
        # Consent statements matter to a summary only where they decide who may be listed.
        consents = self.access.lists_need_marketing_consent
        rows = await self.database.answer("customer_summaries", ids=ids, consents=consents)
        found = _by_requested([self.access.customer_summary(row) for row in rows])
        return [found.get(customer_id) for customer_id in ids]

    async def _load_household_contexts(self, ids: list[str]) -> list[dict[str, Any] | None]:
        found = [await household_context(self.database, household_id) for household_id in ids]
        return [None if context is None else self.access.household(context) for context in found]

    async def _load_households(self, ids: list[str]) -> list[Household | None]:
        from service.api.types import Household

        rows = await self.database.answer("households_by_ids", ids=ids)
        by_id = {row["id"]: Household(id=row["id"], member_ids=row["members"]) for row in rows}
        return [by_id.get(household_id) for household_id in ids]

    async def _load_issue_histories(self, keys: list[str]) -> list[list[dict[str, Any]]]:
        found = await issue_updates(self.database, keys)
        return [[self.access.issue_update(update) for update in found.get(key, [])] for key in keys]


def _by_requested(rows: list[dict[str, Any]]) -> dict[str, Customer]:
    """Customers by the id each row answers for (`requested`: an id merged away names its survivor)."""
    from service.api.types import Customer

    return {row["requested"]: Customer.from_row(row) for row in rows}
