from __future__ import annotations

from typing import Any

import pytest

from service.api.access import Access, Operation, Role, mask
from service.api.errors import Forbidden


def customer_row(**consents: bool) -> dict[str, Any]:
    issue = {"key": "cc:T-1", "summary": "Rude driver", "resolution": "Refund", "kind": "COMPLAINT"}
    return {
        "customer": {
            "id": "cus_1",
            "displayName": "Ann Green",
            "givenName": "Ann",
            "familyName": "Green",
            "birthDate": "1956-04-09",
        },
        "identifiers": [
            {"kind": "EMAIL", "value": "ann.green@example.com"},
            {"kind": "PHONE", "value": "+447911123456"},
            {"kind": "NATIONAL_ID", "value": "QQ123456C"},
            {"kind": "LOYALTY_ID", "value": "L-998877"},
        ],
        "latest": [issue],
        "openIssues": [issue],
        "flags": [{"id": "flag_1", "note": "Hard of hearing"}],
        "actions": [{"id": "act_1", "note": "Call back after 6pm"}],
        "consents": [
            {"channel": "EMAIL", "purpose": purpose, "granted": granted, "at": None, "source": "crm"}
            for purpose, granted in consents.items()
        ],
    }


def identifiers(row: dict[str, Any]) -> dict[str, str]:
    return {item["kind"]: item["value"] for item in row["identifiers"]}


def test_masks_keep_enough_to_recognise_and_no_more() -> None:
    assert mask("EMAIL", "ann.green@example.com") == "a***@example.com"
    assert mask("PHONE", "+447911123456") == "***56"
    assert mask("NATIONAL_ID", "QQ1") == "***"


def test_admin_sees_everything() -> None:
    row = customer_row()
    assert Access(Role.ADMIN).customer(row) == row


def test_support_sees_the_360_but_not_the_national_id() -> None:
    seen = Access(Role.SUPPORT).customer(customer_row())
    assert identifiers(seen) == {
        "EMAIL": "ann.green@example.com",
        "PHONE": "+447911123456",
        "NATIONAL_ID": "***6C",
        "LOYALTY_ID": "L-998877",
    }
    assert seen["flags"][0]["note"] == "Hard of hearing" and seen["latest"][0]["summary"] == "Rude driver"


def test_marketing_sees_names_but_no_contact_details_or_free_text() -> None:
    seen = Access(Role.MARKETING).customer(customer_row())
    assert seen["customer"]["displayName"] == "Ann Green"
    assert identifiers(seen) == {
        "EMAIL": "a***@example.com",
        "PHONE": "***56",
        "NATIONAL_ID": "***6C",
        "LOYALTY_ID": "L-998877",
    }
    assert seen["flags"][0]["note"] is None and seen["actions"][0]["note"] is None
    assert seen["openIssues"][0]["summary"] is None and seen["openIssues"][0]["resolution"] is None


def test_analyst_sees_pseudonymous_ids_only() -> None:
    seen = Access(Role.ANALYST).customer(customer_row())
    assert seen["customer"] == {
        "id": "cus_1",
        "displayName": None,
        "givenName": None,
        "familyName": None,
        "birthDate": None,
    }
    assert not set(identifiers(seen).values()) & set(identifiers(customer_row()).values())


@pytest.mark.parametrize("role", list(Role))
def test_a_summary_is_masked_as_the_360_row_it_is_part_of(role: Role) -> None:
    row = customer_row(MARKETING=True)
    summary = {"requested": "cus_1", "customer": row["customer"], "consents": row["consents"]}
    seen, whole = Access(role).customer_summary(summary), Access(role).customer(row)
    assert seen == {"requested": "cus_1", "customer": whole["customer"], "consents": whole["consents"]}


def test_marketing_lists_hold_only_customers_with_marketing_consent() -> None:
    marketing = Access(Role.MARKETING)
    assert marketing.listed(customer_row(MARKETING=True)) is True
    assert marketing.listed(customer_row(MARKETING=False)) is False
    assert marketing.listed(customer_row(SERVICE=True)) is False
    assert Access(Role.SUPPORT).listed(customer_row()) is True


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, set(Operation)),
        (Role.SUPPORT, {Operation.CARE, Operation.CONSENT, Operation.SEARCH, Operation.SOURCE_RECORDS}),
        (Role.MARKETING, {Operation.SEARCH}),
        (Role.ANALYST, {Operation.SOURCE_RECORDS}),
    ],
)
def test_operations_by_role(role: Role, allowed: set[Operation]) -> None:
    access = Access(role)
    for operation in Operation:
        if operation in allowed:
            access.require(operation)
        else:
            with pytest.raises(Forbidden):
                access.require(operation)


def test_identifier_lookups_follow_what_a_role_may_see() -> None:
    Access(Role.SUPPORT).require_identifier("EMAIL")
    with pytest.raises(Forbidden):
        Access(Role.SUPPORT).require_identifier("NATIONAL_ID")
    with pytest.raises(Forbidden):
        Access(Role.MARKETING).require_identifier("PHONE")
    assert Access(Role.ANALYST).visible_identifier_kinds == []
