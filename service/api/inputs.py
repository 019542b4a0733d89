"""GraphQL inputs of the `ingest` mutation: the JSON Lines shapes, field for field.

Kinds, channels and dates are plain strings here on purpose: the mutation shares the lenient
ingest path, where a bad value is a warning on one field (or a rejection of one record, by index)
rather than a failed request.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

import strawberry
from strawberry.scalars import JSON


def to_json(value: Any) -> Any:
    """An input object as the equivalent JSON Lines object (unset and null fields left out)."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for field in fields(value):
            item = getattr(value, field.name)
            if item is None or item is strawberry.UNSET:
                continue
            out[_camel(field.name)] = to_json(item)
        return out
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.input
class IdentifierInput:
    kind: str
    value: str


@strawberry.input
class AddressInput:
    line1: str | None = None
    line2: str | None = None
    locality: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str | None = None


@strawberry.input
class DeviceInput:
    id: str
    kind: str | None = None
    os: str | None = None


@strawberry.input
class ConsentInput:
    channel: str
    purpose: str
    granted: bool
    at: str | None = None


@strawberry.input
class RecordRefInput:
    source: str | None = None
    source_id: str | None = None
    identifier: IdentifierInput | None = None


@strawberry.input
class RelationshipInput:
    kind: str
    to: RecordRefInput


@strawberry.input
class ProductInput:
    sku: str
    name: str | None = None
    category: str | None = None
    quantity: float | None = None
    price: float | None = None


@strawberry.input
class ProfileInput:
    source: str
    source_id: str
    observed_at: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    address: AddressInput | None = None
    identifiers: list[IdentifierInput] | None = None
    devices: list[DeviceInput] | None = None
    consents: list[ConsentInput] | None = None
    relationships: list[RelationshipInput] | None = None
    attributes: JSON | None = None


@strawberry.input
class InteractionInput:
    source: str
    source_id: str
    customer: RecordRefInput | None = None
    channel: str | None = None
    kind: str | None = None
    occurred_at: str | None = None
    status: str | None = None
    agent: str | None = None
    summary: str | None = None
    resolution: str | None = None
    device_id: str | None = None
    value: float | None = None
    currency: str | None = None
    products: list[ProductInput] | None = None
