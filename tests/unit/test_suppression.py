from __future__ import annotations

from service.suppression import SuppressionList, record_entry


def test_added_values_are_found_and_others_are_not() -> None:
    suppression = SuppressionList(b"key", set())
    hashes = suppression.add_all([record_entry("crm:C-1")])
    assert record_entry("crm:C-1") in suppression
    assert record_entry("crm:C-2") not in suppression
    assert "crm:C-1" not in hashes[0]  # only the keyed hash is kept
    assert len(hashes[0]) == 64


def test_the_hashes_depend_on_the_key() -> None:
    stored = SuppressionList(b"key-one", set()).add_all(["identifier:EMAIL:ann@x.com"])
    assert "identifier:EMAIL:ann@x.com" in SuppressionList(b"key-one", set(stored))
    assert "identifier:EMAIL:ann@x.com" not in SuppressionList(b"key-two", set(stored))
