"""Suppression: erased people stay erased when their old lines are loaded again.

Forgetting a person keeps no readable trace of them, only keyed hashes (HMAC-SHA256 under
KITH_PRIVACY_KEY) of their source record keys, interaction keys and the identifiers only they held.
Ingest hashes what each line names and turns a line away when a hash is on the list.

Example:
    >>> suppression = SuppressionList(b"secret", set())
    >>> hashes = suppression.add_all(["record:crm:C-1"])
    >>> "record:crm:C-1" in suppression, "record:crm:C-2" in suppression
    (True, False)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


class SuppressionList:
    def __init__(self, key: bytes, hashes: set[str]) -> None:
        self._key = key
        self.hashes = hashes

    def digest(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def add_all(self, values: Iterable[str]) -> list[str]:
        """Adds values; returns their hashes (what is stored)."""
        added = [self.digest(value) for value in values]
        self.hashes.update(added)
        return added

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and bool(self.hashes) and self.digest(value) in self.hashes


def record_entry(key: str) -> str:
    return f"record:{key}"


def interaction_entry(key: str) -> str:
    return f"interaction:{key}"


def identifier_entry(key: str) -> str:
    return f"identifier:{key}"
