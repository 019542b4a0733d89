"""Validation results cached by query text.

strawberry's `ValidationCache` keys its LRU on the parsed document, and a graphql-core document is a
tree of frozen dataclasses that hashes every one of its nodes on each lookup: 34 us a request for the
360 query. The text names the document as well (`ParserCache` parses a text once, with the same
options every time), and a string hashes in well under a microsecond.

Example:
    strawberry.Schema(query=Query, extensions=[ParserCache, TextValidationCache])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_TEXTS = 128  # like strawberry's caches: unique texts from a public endpoint can not grow memory


@dataclass(frozen=True)
class _Checked:
    """A document to validate, known by its text, the rules it is checked against and the schema."""

    text: str
    rules: tuple[type[ASTValidationRule], ...]
    schema: GraphQLSchema
    document: DocumentNode = field(compare=False)


@lru_cache(maxsize=MAX_TEXTS)
def _errors(checked: _Checked) -> list[GraphQLError]:
    return validate_document(checked.schema, checked.document, checked.rules)


class TextValidationCache(SchemaExtension):
    """Validates each distinct query text once per schema and set of rules."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is not None and document is not None:
            checked = _Checked(context.query, context.validation_rules, context.schema._schema, document)
            context.pre_execution_errors = _errors(checked)
        yield
