"""Which customer id a cluster keeps, and which values its golden record shows.

Ids never die: when clusters change, each new cluster keeps the oldest customer id among its
records' current customers (so the id a support agent wrote down yesterday still answers), the
other ids of those customers redirect to it, and a cluster made only of new records gets a new id.

Golden attributes follow documented survivorship rules, per attribute:
1. the most trusted source wins (`SOURCE_TRUST`, highest first; unknown sources rank last);
2. among equally trusted values, the most frequent across the cluster's records;
3. then the most recently observed;
4. then the smallest record key, so the choice never depends on load order.

Example:
    >>> assign_ids([("crm:1", "web:2")], {"crm:1": "c-old", "web:2": "c-new"},
    ...            {"c-old": "2024-01-01", "c-new": "2025-01-01"}, new_id=lambda: "c-fresh")
    IdAssignment(ids={('crm:1', 'web:2'): 'c-old'}, merged={'c-new': 'c-old'})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Higher is more trusted: systems where a person's identity is checked beat self-typed forms.
SOURCE_TRUST: Mapping[str, int] = {
    "crm": 60,
    "store": 50,
    "webshop": 40,
    "app": 40,
    "callcentre": 30,
    "newsletter": 20,
    "social": 10,
}

GOLDEN_FIELDS = ("givenName", "familyName", "birthDate", "gender")
NAME_FIELDS = frozenset({"givenName", "familyName"})


@dataclass(frozen=True)
class IdAssignment:
    ids: dict[tuple[str, ...], str]  # cluster -> the customer id it keeps or gets
    merged: dict[str, str]  # customer id merged away -> survivor


def assign_ids(
    clusters: Sequence[tuple[str, ...]],
    current: Mapping[str, str],
    created: Mapping[str, str],
    new_id: Callable[[], str],
) -> IdAssignment:
    """Gives every cluster an id: the oldest of its records' current ids no other cluster took.

    `current` maps record key -> current customer id (records new to resolution are absent);
    `created` maps customer id -> creation timestamp (ISO, comparable as text).
    """
    ids: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    # Larger clusters choose first, then by key, so the choice is deterministic.
    for cluster in sorted(clusters, key=lambda members: (-len(members), members)):
        candidates = sorted(
            {current[key] for key in cluster if key in current}, key=lambda c: (created[c], c)
        )
        survivor = next((candidate for candidate in candidates if candidate not in taken), None)
        ids[cluster] = survivor if survivor is not None else new_id()
        taken.add(ids[cluster])
    merged: dict[str, str] = {}
    for cluster, survivor in ids.items():
        for key in cluster:
            old = current.get(key)
            if old is not None and old not in taken:
                merged.setdefault(old, survivor)
    return IdAssignment(ids=ids, merged=merged)


def golden_record(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The golden attributes of one cluster from its records' properties.

    Each record is a mapping with `key`, `source`, `observedAt` and the `GOLDEN_FIELDS` (as given by
    the source, but only when the value was usable: an impossible birth date is not a candidate).
    """
    golden: dict[str, Any] = {}
    for field in GOLDEN_FIELDS:
        holders = [record for record in records if record.get(field) not in (None, "")]
        if not holders:
            golden[field] = None
            continue
        counts = Counter(_folded(record[field]) for record in holders)
        best = min(
            holders,
            key=lambda record: (
                -SOURCE_TRUST.get(str(record.get("source")), 0),
                -counts[_folded(record[field])],
                _newest_first(record.get("observedAt")),
                str(record.get("key")),
            ),
        )
        golden[field] = _tidy_case(best[field]) if field in NAME_FIELDS else best[field]
    names = [golden["givenName"], golden["familyName"]]
    golden["displayName"] = " ".join(name for name in names if name) or None
    return golden


def _folded(value: Any) -> Any:
    return " ".join(value.casefold().split()) if isinstance(value, str) else value


def _tidy_case(name: str) -> str:
    """Sources that shout (`SMITH`) or whisper (`smith`) are shown in title case; `McDonald` stays."""
    name = " ".join(name.split())
    return name.title() if name.isupper() or name.islower() else name


def _newest_first(observed_at: Any) -> tuple[int, str]:
    """Sort key putting later timestamps first and missing ones last."""
    if observed_at is None:
        return (1, "")
    inverted = "".join(chr(0x10FFFF - ord(char)) for char in str(observed_at))
    return (0, inverted)
