"""Neo4j values as plain, JSON-ready Python data.

Example:
    >>> from neo4j.time import Date
    >>> plain({"born": Date(1956, 4, 9), "tags": ["a"]})
    {'born': '1956-04-09', 'tags': ['a']}
"""

from __future__ import annotations

from typing import Any


def plain(value: Any) -> Any:
    """Temporal values as ISO 8601 text, recursively through maps and lists."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
