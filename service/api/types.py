"""GraphQL types of the contract, thin views over rows the graph layer returns."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type
class Customer:
    id: strawberry.ID
    display_name: str | None
    given_name: str | None
    family_name: str | None
    birth_date: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Customer:
        return cls(
            id=strawberry.ID(row["id"]),
            display_name=row.get("displayName"),
            given_name=row.get("givenName"),
            family_name=row.get("familyName"),
            birth_date=row.get("birthDate"),
        )
