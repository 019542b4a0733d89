"""A terse way to write the normalised records resolution tests reason about."""

from __future__ import annotations

from service.resolution import MatchRecord


def person(
    key: str,
    given: str | None = None,
    family: str | None = None,
    birth: str | None = None,
    *,
    canonical: str | None = None,
    address: str | None = None,
    locality: str | None = None,
    postcode: str | None = None,
    gender: str | None = None,
    ids: tuple[str, ...] = (),
) -> MatchRecord:
    """A record; the nickname-resolved given name defaults to the given name itself."""
    return MatchRecord(
        key,
        given_name=given,
        given_canonical=canonical or given,
        family_name=family,
        birth_date=birth,
        gender=gender,
        address=address,
        locality=locality,
        postcode=postcode,
        identifiers=frozenset(ids),
    )
