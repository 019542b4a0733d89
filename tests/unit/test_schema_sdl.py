from __future__ import annotations

from pathlib import Path

from strawberry.printer import print_schema

from service.api.schema import schema

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_the_exported_sdl() -> None:
    assert SDL.read_text().strip() == print_schema(schema).strip(), (
        "schema.graphql is stale: run `.venv/bin/strawberry export-schema service.api.schema:schema "
        "--output schema.graphql`"
    )
