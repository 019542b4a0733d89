"""The ingest format (see CONTRACT.md): profiles and interactions, parsed leniently.

A line is rejected only when it is not a JSON object, lacks `source`/`sourceId`, or is too large.
Any other field that cannot be used is dropped from the parsed record and reported as a warning;
the line itself is kept verbatim on the source record, so nothing the source said is lost.

Example:
    >>> parsed = parse_line({"source": "crm", "sourceId": "C-1", "gender": 7, "address": {"line1": []}})
    >>> parsed.warnings
    ('gender: Input should be a valid string', 'address.line1: Input should be a valid string')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

MAX_LINE_BYTES = 1_000_000


class IdentifierKind(StrEnum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    LOYALTY_ID = "LOYALTY_ID"
    NATIONAL_ID = "NATIONAL_ID"
    ACCOUNT_ID = "ACCOUNT_ID"
    DEVICE_ID = "DEVICE_ID"
    COOKIE_ID = "COOKIE_ID"
    SOCIAL_HANDLE = "SOCIAL_HANDLE"


class Channel(StrEnum):
    WEB = "WEB"
    APP = "APP"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CHAT = "CHAT"
    SOCIAL = "SOCIAL"
    STORE = "STORE"
    MAIL = "MAIL"


class Rejected(ValueError):
    """A line that cannot be loaded at all; the message is the reason written to the rejects file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class IdentifierValue(_Strict):
    kind: IdentifierKind
    value: str = Field(min_length=1)


class Address(_Strict):
    line1: str | None = None
    line2: str | None = None
    locality: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str | None = None


class Device(_Strict):
    id: str = Field(min_length=1)
    kind: str | None = None
    os: str | None = None


class Consent(_Strict):
    channel: str
    purpose: str
    granted: bool
    at: datetime | None = None


class RecordRef(_Strict):
    """Names a person by a source record or by one of their identifiers."""

    source: str | None = None
    sourceId: str | None = None
    identifier: IdentifierValue | None = None

    def key(self) -> str | None:
        if self.source and self.sourceId:
            return record_key(self.source, self.sourceId)
        return None


class Relationship(_Strict):
    kind: str = Field(min_length=1)
    to: RecordRef


class Product(_Strict):
    sku: str = Field(min_length=1)
    name: str | None = None
    category: str | None = None
    quantity: float | None = None
    price: float | None = None


def record_key(source: str, source_id: str) -> str:
    """The unique key of a source record or interaction: `source:sourceId`."""
    return f"{source}:{source_id}"


class Profile(_Strict):
    type: Literal["profile"] = "profile"
    source: str
    sourceId: str
    observedAt: datetime | None = None
    givenName: str | None = None
    familyName: str | None = None
    birthDate: str | None = None
    gender: str | None = None
    address: Address | None = None
    identifiers: tuple[IdentifierValue, ...] = ()
    devices: tuple[Device, ...] = ()
    consents: tuple[Consent, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    attributes: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return record_key(self.source, self.sourceId)


class Interaction(_Strict):
    type: Literal["interaction"] = "interaction"
    source: str
    sourceId: str
    customer: RecordRef | None = None
    channel: Channel | None = None
    kind: str | None = None
    occurredAt: datetime | None = None
    status: str | None = None
    agent: str | None = None
    summary: str | None = None
    resolution: str | None = None
    deviceId: str | None = None
    value: float | None = None
    currency: str | None = None
    products: tuple[Product, ...] = ()

    @property
    def key(self) -> str:
        return record_key(self.source, self.sourceId)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """A line that loads: the usable fields, the warnings about the others, and the line as given.

    A plain dataclass, not a model: its parts are validated already, and validating them again
    (the line as given copied whole) was a tenth of preparing an interaction.
    """

    record: Profile | Interaction
    raw: dict[str, Any]
    warnings: tuple[str, ...] = ()


_LIST_FIELDS = frozenset({"identifiers", "devices", "consents", "relationships", "products"})
_UPPER_FIELDS = frozenset({"kind", "status", "channel"})


def _field_error(name: str, error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    location = f"{name}.{where}" if where else name
    return f"{location}: {first['msg']}"


def _clean_list(name: str, items: Any, adapter: TypeAdapter[Any], warnings: list[str]) -> list[Any]:
    """Keeps the good items of a list field; a bad item is a warning, not a lost record."""
    if not isinstance(items, list):
        warnings.append(f"{name}: expected a list")
        return []
    kept = []
    for index, item in enumerate(items):
        try:
            kept.append(adapter.validate_python(item))
        except ValidationError as error:
            warnings.append(_field_error(f"{name}[{index}]", error))
    return kept


def _field_adapters(model: type[BaseModel]) -> dict[str, TypeAdapter[Any]]:
    """One validator per field (a list field validates item by item), built once at import."""
    adapters: dict[str, TypeAdapter[Any]] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        adapters[name] = TypeAdapter(annotation.__args__[0] if name in _LIST_FIELDS else annotation)
    return adapters


_ADAPTERS = {Profile: _field_adapters(Profile), Interaction: _field_adapters(Interaction)}


def parse_line(obj: Any) -> ParsedLine:
    """Parses one decoded JSON value; raises `Rejected` only for what the contract rejects."""
    if not isinstance(obj, dict):
        raise Rejected("not a JSON object")
    kind = obj.get("type", "profile")
    model: type[Profile] | type[Interaction]
    if kind == "profile":
        model = Profile
    elif kind == "interaction":
        model = Interaction
    else:
        raise Rejected(f"unknown type {kind!r}: expected 'profile' or 'interaction'")
    for required in ("source", "sourceId"):
        value = obj.get(required)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise Rejected(f"missing {required}")

    given: dict[str, Any] = {"source": str(obj["source"]).strip(), "sourceId": str(obj["sourceId"]).strip()}
    adapters = _ADAPTERS[model]
    for name in adapters:
        if name in given or name == "type" or obj.get(name) is None:
            continue
        value = obj[name]
        given[name] = value.strip().upper() if name in _UPPER_FIELDS and isinstance(value, str) else value
    try:
        # Most lines are sound: validated whole, once, the record is the one field-by-field
        # validation builds, at a third of the cost (which was most of preparing an interaction).
        return ParsedLine(record=model.model_validate(given), raw=obj)
    except ValidationError:
        pass
    warnings: list[str] = []
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if name in _LIST_FIELDS:
            fields[name] = tuple(_clean_list(name, value, adapters[name], warnings))
            continue
        try:
            fields[name] = adapters[name].validate_python(value)
        except ValidationError as error:
            warnings.append(_field_error(name, error))
    return ParsedLine(record=model(**fields), warnings=tuple(warnings), raw=obj)
