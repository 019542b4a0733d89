"""Fuzzy customer search: a Lucene query for candidates, rapidfuzz to rank them.

Neo4j's full-text index finds candidates cheaply but ranks by term statistics; people search by
what they remember ("jon smyth" for Jonathan Smith), so the final order comes from comparing the
whole text with each candidate's names, identifiers and postcodes.

Example:
    >>> lucene_query("jon smyth")
    'jon~1 OR jon* OR smyth~1 OR smyth*'
    >>> round(rank("jon smyth", ["Jonathan Smith"], [], []), 2) > 0.8
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

_TERM = re.compile(r"[\w@.+'-]+", re.UNICODE)
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def _escape(term: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def lucene_query(text: str) -> str:
    """Each term fuzzily (one edit) or as a prefix; Lucene syntax in the user's text is escaped."""
    terms = [_escape(term.casefold()) for term in _TERM.findall(text)]
    parts = []
    for term in terms:
        parts += [f"{term}~1", f"{term}*"] if len(term) > 2 else [term]
    return " OR ".join(parts)


def _name_similarity(text: str, name: str) -> float:
    """Token-wise Jaro-Winkler: every searched word against its best word of the name."""
    words, name_words = text.split(), name.split()
    if not words or not name_words:
        return 0.0
    best = [max(JaroWinkler.similarity(word, other) for other in name_words) for word in words]
    return sum(best) / len(best)


def rank(text: str, names: Sequence[str], identifiers: Sequence[str], postcodes: Sequence[str]) -> float:
    """How well a candidate answers `text`, from 0 to 1."""
    folded = " ".join(text.casefold().split())
    compact = folded.replace(" ", "")
    scores = [_name_similarity(folded, name.casefold()) for name in names if name]
    scores += [fuzz.ratio(folded, value.casefold()) / 100 for value in identifiers]
    scores += [fuzz.ratio(compact, value.replace("+", "").casefold()) / 100 for value in identifiers]
    scores += [fuzz.ratio(compact.upper(), postcode) / 100 for postcode in postcodes if postcode]
    return max(scores, default=0.0)
