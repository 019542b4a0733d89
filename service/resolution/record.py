"""The view of a source record that identity resolution works on.

Resolution is pure Python: the graph layer turns stored source records into `MatchRecord`s, and
resolution hands back clusters and the links that justify them. Every text field here is already
normalised by `service.normalize` (case-folded, accents stripped, nicknames resolved), and values
that could not be used (an impossible date, a phone that is not a number) are simply absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One source record, as resolution sees it.

    `generation` is the generational suffix written after the family name ("jr", "sr", "iii"),
    which `family_name` then goes without (`normalize.split_generation`).

    Example:
        MatchRecord(key="crm:C-1001", given_name="mitchell", given_canonical="mitchell",
                    family_name="green", birth_date="1956-04-09", gender="M",
                    address="7 wallaby place", locality="cleveland", postcode="2119",
                    identifiers=frozenset({"EMAIL:m.green@example.com", "PHONE:+61412345678"}))
    """

    key: str
    given_name: str | None = None
    given_canonical: str | None = None
    family_name: str | None = None
    generation: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    address: str | None = None
    locality: str | None = None
    postcode: str | None = None
    identifiers: frozenset[str] = field(default_factory=frozenset)
