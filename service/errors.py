"""Errors the service's own operations raise, whatever calls them (GraphQL, the command line).

The API maps them to the contract's codes: `NotFound` to NOT_FOUND, `InvalidRequest` to BAD_USER_INPUT.
"""

from __future__ import annotations


class NotFound(LookupError):
    """The customer, flag, action or interaction named does not exist."""


class InvalidRequest(ValueError):
    """The request can not be carried out as asked (a resolved issue without a resolution...)."""
