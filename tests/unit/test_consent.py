from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from service.consent import decide, in_force, marketable


def said(channel: str, purpose: str, granted: bool, day: int | None, source: str = "crm") -> dict[str, Any]:
    at = None if day is None else datetime(2025, 1, day, tzinfo=UTC)
    return {"channel": channel, "purpose": purpose, "granted": granted, "at": at, "source": source}


def test_the_newest_statement_wins_whatever_the_order() -> None:
    history = [said("EMAIL", "MARKETING", False, 10, "newsletter"), said("EMAIL", "MARKETING", True, 2)]
    decision = decide(history, "EMAIL", "MARKETING")
    assert decision.allowed is False
    assert decision.statement is not None and decision.statement["source"] == "newsletter"
    assert decide(list(reversed(history)), "EMAIL", "MARKETING").allowed is False


def test_an_undated_statement_is_older_than_any_dated_one() -> None:
    history = [said("SMS", "MARKETING", False, None), said("SMS", "MARKETING", True, 1)]
    assert decide(history, "SMS", "MARKETING").allowed is True


def test_a_withdrawal_wins_a_tie() -> None:
    history = [said("SMS", "MARKETING", True, 5), said("SMS", "MARKETING", False, 5)]
    assert decide(history, "SMS", "MARKETING").allowed is False
    assert decide(list(reversed(history)), "SMS", "MARKETING").allowed is False


def test_without_a_statement_only_service_contact_is_allowed() -> None:
    assert decide([], "PHONE", "SERVICE").allowed is True
    assert decide([], "PHONE", "SERVICE").statement is None
    assert decide([], "PHONE", "MARKETING").allowed is False
    assert decide([], "PHONE", "PROFILING").allowed is False


def test_a_service_withdrawal_is_respected() -> None:
    assert decide([said("PHONE", "SERVICE", False, 3)], "PHONE", "SERVICE").allowed is False


def test_in_force_keeps_one_statement_per_channel_and_purpose() -> None:
    history = [
        said("EMAIL", "MARKETING", True, 1),
        said("EMAIL", "MARKETING", False, 2),
        said("EMAIL", "SERVICE", True, 1),
    ]
    assert [(s["channel"], s["purpose"], s["granted"]) for s in in_force(history)] == [
        ("EMAIL", "MARKETING", False),
        ("EMAIL", "SERVICE", True),
    ]


def test_marketable_needs_a_marketing_grant_in_force() -> None:
    assert marketable([said("EMAIL", "MARKETING", True, 1)]) is True
    assert marketable([said("EMAIL", "MARKETING", True, 1), said("EMAIL", "MARKETING", False, 2)]) is False
    assert marketable([said("EMAIL", "SERVICE", True, 1)]) is False
    assert marketable([]) is False


def test_times_as_cypher_text_compare_as_instants() -> None:
    # 10:00+02:00 is earlier than 09:00Z: the offsets decide, not the text.
    grant = {**said("EMAIL", "MARKETING", True, None), "at": "2025-01-05T10:00:00+02:00[Europe/Paris]"}
    withdrawal = {**said("EMAIL", "MARKETING", False, None), "at": "2025-01-05T09:00:00.5Z"}
    assert decide([withdrawal, grant], "EMAIL", "MARKETING").allowed is False
    grant["at"] = "2025-01-05T12:00:00+02:00[Europe/Paris]"
    assert decide([withdrawal, grant], "EMAIL", "MARKETING").allowed is True
