from __future__ import annotations

import pytest

from service.graph.cypher import CYPHER_DIR, UnknownQuery, header, statement, statements


def test_every_cypher_file_opens_with_a_header_naming_it() -> None:
    files = sorted(CYPHER_DIR.rglob("*.cypher"))
    assert files
    for path in files:
        name = str(path.relative_to(CYPHER_DIR).with_suffix(""))
        assert header(name), f"{path} has no header comment"
        assert header(name)[0].startswith(path.stem + ":"), f"{path} header must start with its name"


def test_schema_statements_are_split_and_idempotent() -> None:
    found = statements("schema")
    assert len(found) > 5
    assert all("IF NOT EXISTS" in text for text in found)
    assert not any(text.lstrip().startswith("//") for text in found)


def test_an_unknown_or_escaping_name_is_refused() -> None:
    with pytest.raises(UnknownQuery):
        statement("no_such_query")
    with pytest.raises(UnknownQuery):
        statement("../pyproject")


def test_statement_refuses_a_file_of_several_statements() -> None:
    with pytest.raises(ValueError, match="statements"):
        statement("schema")
