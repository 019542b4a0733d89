"""Who may see and do what: the roles of KITH_API_KEYS, applied where data enters the API.

Every customer, household and interaction the API shows passes through `Access` before a GraphQL
type is built from it, so a field a role may not see is masked the same way on every path that
reaches it (the 360, search results, household members, relationships, identity links). Operations
a role may not use at all are refused with FORBIDDEN.

| role      | sees                                                    | may do                          |
|-----------|---------------------------------------------------------|---------------------------------|
| admin     | everything                                              | everything                      |
| support   | the 360; national ids masked                            | care, consent; no ingest        |
| marketing | names; emails, phones, handles and national ids masked; | search; lists hold only         |
|           | no free text                                            | customers with marketing consent|
| analyst   | pseudonymous ids, aggregates; no names, birth dates,   | no search or identifier lookup  |
|           | identifiers or free text                                |                                 |

Example:
    >>> Access(Role.MARKETING).identifier("EMAIL", "ann.green@example.com")
    'a***@example.com'
    >>> Access(Role.SUPPORT).sees_identifier("NATIONAL_ID")
    False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from service.api.errors import Forbidden
from service.consent import marketable
from service.records import IdentifierKind


class Role(StrEnum):
    ADMIN = "admin"
    SUPPORT = "support"
    MARKETING = "marketing"
    ANALYST = "analyst"


class Operation(Enum):
    INGEST = "load data"
    CARE = "raise flags, manage actions and move issues on"
    CONSENT = "record consent"
    SEARCH = "search customers"
    SOURCE_RECORDS = "list source records"
    EXPORT = "export a customer's data"
    FORGET = "erase a customer"
    AUDIT = "read the audit trail"


ALLOWED: Mapping[Operation, frozenset[Role]] = {
    Operation.INGEST: frozenset({Role.ADMIN}),
    Operation.CARE: frozenset({Role.ADMIN, Role.SUPPORT}),
    Operation.CONSENT: frozenset({Role.ADMIN, Role.SUPPORT}),
    Operation.SEARCH: frozenset({Role.ADMIN, Role.SUPPORT, Role.MARKETING}),
    Operation.SOURCE_RECORDS: frozenset({Role.ADMIN, Role.SUPPORT, Role.ANALYST}),
    Operation.EXPORT: frozenset({Role.ADMIN}),
    Operation.FORGET: frozenset({Role.ADMIN}),
    Operation.AUDIT: frozenset({Role.ADMIN}),
}

_ALL_KINDS = frozenset(kind.value for kind in IdentifierKind)
_CONTACT_KINDS = frozenset({"EMAIL", "PHONE", "SOCIAL_HANDLE"})
VISIBLE_IDENTIFIERS: Mapping[Role, frozenset[str]] = {
    Role.ADMIN: _ALL_KINDS,
    Role.SUPPORT: _ALL_KINDS - {"NATIONAL_ID"},
    Role.MARKETING: _ALL_KINDS - {"NATIONAL_ID"} - _CONTACT_KINDS,
    Role.ANALYST: frozenset(),
}
SEES_FREE_TEXT = frozenset({Role.ADMIN, Role.SUPPORT})
SEES_PERSON = frozenset({Role.ADMIN, Role.SUPPORT, Role.MARKETING})  # names and birth dates
PERSON_FIELDS = ("displayName", "givenName", "familyName", "birthDate")
INTERACTION_TEXT = ("summary", "resolution")


def mask(kind: str, value: str) -> str:
    """Enough to recognise a value the customer reads out, not enough to use it."""
    if kind == "EMAIL" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return "***" + value[-2:] if len(value) > 4 else "***"


@dataclass(frozen=True)
class Access:
    role: Role

    def allows(self, operation: Operation) -> bool:
        return self.role in ALLOWED[operation]

    def require(self, operation: Operation) -> None:
        if not self.allows(operation):
            raise Forbidden(f"The {self.role} role may not {operation.value}.")

    def sees_identifier(self, kind: str) -> bool:
        return kind in VISIBLE_IDENTIFIERS[self.role]

    def require_identifier(self, kind: str) -> None:
        if not self.sees_identifier(kind):
            raise Forbidden(f"The {self.role} role may not look customers up by {kind}.")

    @property
    def visible_identifier_kinds(self) -> list[str]:
        return sorted(VISIBLE_IDENTIFIERS[self.role])

    @property
    def lists_need_marketing_consent(self) -> bool:
        return self.role is Role.MARKETING

    def identifier(self, kind: str, value: str) -> str:
        return value if self.sees_identifier(kind) else mask(kind, value)

    def text(self, value: str | None) -> str | None:
        """Free text (notes, summaries, resolutions): shown or withheld whole."""
        return value if self.role in SEES_FREE_TEXT else None

    def _identifiers(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "value": self.identifier(item["kind"], item["value"])} for item in items]

    def _person(self, fields: dict[str, Any]) -> dict[str, Any]:
        if self.role in SEES_PERSON:
            return fields
        return {**fields, **{name: None for name in PERSON_FIELDS if name in fields}}

    def _notes(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "note": self.text(item.get("note"))} for item in items]

    def interaction(self, row: Mapping[str, Any]) -> dict[str, Any]:
        if self.role in SEES_FREE_TEXT:
            return dict(row)
        return {**row, **dict.fromkeys(INTERACTION_TEXT)}

    def issue_update(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {**row, "resolution": self.text(row.get("resolution"))}

    def customer_summary(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A `customer_summaries` row as this role may see it."""
        return {**row, "customer": self._person(dict(row["customer"]))}

    def customer(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A `customers_by_ids` row as this role may see it."""
        return {
            **self.customer_summary(row),
            "identifiers": self._identifiers(row["identifiers"]),
            "latest": [self.interaction(item) for item in row["latest"]],
            "openIssues": [self.interaction(item) for item in row["openIssues"]],
            "flags": self._notes(row["flags"]),
            "actions": self._notes(row["actions"]),
        }

    def household(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """A `household_context` as this role may see it (members without consent left out for
        marketing, like every list of customers)."""
        members = [
            {**self._person(member), "openIssues": [self.interaction(i) for i in member["openIssues"]]}
            for member in context["members"]
            if not self.lists_need_marketing_consent or marketable(member["consents"])
        ]
        return {
            **context,
            "members": members,
            "sharedIdentifiers": self._identifiers(context["sharedIdentifiers"]),
        }

    def listed(self, row: Mapping[str, Any]) -> bool:
        """May this customer (a redacted `customers_by_ids` or `customer_summaries` row) appear in a list
        shown to this role?"""
        return not self.lists_need_marketing_consent or marketable(row["consents"])
