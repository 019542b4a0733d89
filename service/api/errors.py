"""GraphQL errors as the contract wants them: a plain message and one of six codes.

Resolvers raise `ApiError` subclasses for what the caller did wrong; anything else is mapped by
`coded()` when the response is formatted: the service's own `NotFound` and `InvalidRequest`
become NOT_FOUND and BAD_USER_INPUT, a database outage UNAVAILABLE, a parse or validation failure
BAD_USER_INPUT, and any other exception INTERNAL with no stack trace.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from service.errors import InvalidRequest, NotFound
from service.graph.database import DatabaseUnavailable


class ApiError(Exception):
    code = "INTERNAL"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"


class Forbidden(ApiError):
    code = "FORBIDDEN"


def coded(error: GraphQLError, request_id: str = "-") -> dict[str, Any]:
    """One error of a response, with `extensions.code` always set and internals never shown."""
    original = error.original_error
    if original is None:
        code, message = "BAD_USER_INPUT", error.message
    elif isinstance(original, ApiError):
        code, message = original.code, str(original)
    elif isinstance(original, NotFound):
        code, message = "NOT_FOUND", str(original)
    elif isinstance(original, InvalidRequest):
        code, message = "BAD_USER_INPUT", str(original)
    elif isinstance(original, DatabaseUnavailable | ServiceUnavailable | SessionExpired):
        code, message = "UNAVAILABLE", "The customer database is not answering; try again shortly."
    else:
        code, message = "INTERNAL", f"Something went wrong on our side; it is logged as request {request_id}."
    formatted: dict[str, Any] = {"message": message, "extensions": {"code": code}}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = error.path
    return formatted
