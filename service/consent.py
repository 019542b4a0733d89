"""Consent: which statement is in force for a channel and purpose, and may we contact the customer.

A customer's statements come from their source records and from Kith itself (an agent, a preference
centre). Per channel and purpose the newest statement wins; a statement without a time is older than
any dated one; on a tie a withdrawal beats a grant. With no statement at all, SERVICE contact is
allowed (it is how the business delivers what the customer asked for), while MARKETING and
PROFILING need an opt-in.

Example:
    >>> from datetime import datetime, UTC
    >>> said = [{"channel": "EMAIL", "purpose": "MARKETING", "granted": True,
    ...          "at": datetime(2025, 1, 1, tzinfo=UTC), "source": "crm"},
    ...         {"channel": "EMAIL", "purpose": "MARKETING", "granted": False,
    ...          "at": datetime(2025, 6, 1, tzinfo=UTC), "source": "newsletter"}]
    >>> decide(said, "EMAIL", "MARKETING").allowed
    False
    >>> decide(said, "EMAIL", "SERVICE").allowed
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ConsentChannel(StrEnum):
    EMAIL = "EMAIL"
    SMS = "SMS"
    PHONE = "PHONE"
    MAIL = "MAIL"
    PUSH = "PUSH"


class ConsentPurpose(StrEnum):
    MARKETING = "MARKETING"
    SERVICE = "SERVICE"
    PROFILING = "PROFILING"


CHANNELS = tuple(channel.value for channel in ConsentChannel)
PURPOSES = tuple(purpose.value for purpose in ConsentPurpose)
ALLOWED_WITHOUT_STATEMENT = frozenset({"SERVICE"})

Statement = Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    statement: Statement | None  # the statement the answer rests on; None when no statement exists
    reason: str


def _timestamp(statement: Statement) -> float:
    at = statement.get("at")
    if at is None:
        return float("-inf")
    if isinstance(at, str):  # Cypher's text of a datetime; a named zone follows the offset in brackets
        at = datetime.fromisoformat(at.split("[", 1)[0])
    native = at.to_native() if hasattr(at, "to_native") else at
    return native.timestamp() if isinstance(native, datetime) else float("-inf")


def in_force(statements: Sequence[Statement]) -> list[Statement]:
    """The statement in force for each channel and purpose that has one, ordered by channel, purpose."""
    newest: dict[tuple[str, str], Statement] = {}
    for statement in statements:
        topic = (statement["channel"], statement["purpose"])
        held = newest.get(topic)
        rank = (_timestamp(statement), not statement["granted"])
        if held is None or rank > (_timestamp(held), not held["granted"]):
            newest[topic] = statement
    return [newest[topic] for topic in sorted(newest)]


def decide(statements: Sequence[Statement], channel: str, purpose: str) -> Decision:
    """May the business contact the customer on `channel` for `purpose`, and on what grounds."""
    for statement in in_force(statements):
        if (statement["channel"], statement["purpose"]) == (channel, purpose):
            verb = "granted" if statement["granted"] else "withdrawn"
            return Decision(bool(statement["granted"]), statement, f"{verb} via {statement.get('source')}")
    if purpose in ALLOWED_WITHOUT_STATEMENT:
        return Decision(True, None, f"no statement; {purpose} contact needs none")
    return Decision(False, None, f"no statement; {purpose} needs an opt-in")


def marketable(statements: Sequence[Statement]) -> bool:
    """True when marketing on at least one channel is granted by the statement in force."""
    return any(s["granted"] and s["purpose"] == "MARKETING" for s in in_force(statements))
