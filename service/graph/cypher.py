"""Named Cypher, loaded from the `cypher/` folder that analysts read too.

Every file starts with a header of `//` comment lines (what it does, its parameters, what it
returns); the statement follows. A file may hold several statements separated by `;` at a line end
(`schema.cypher` does).

Example:
    >>> statement("schema").startswith("CREATE CONSTRAINT")
    True
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"
_STATEMENT_END = re.compile(r";\s*$", re.MULTILINE)


class UnknownQuery(LookupError):
    """No `.cypher` file has that name."""


def _path(name: str) -> Path:
    path = (CYPHER_DIR / f"{name}.cypher").resolve()
    if CYPHER_DIR not in path.parents or not path.is_file():
        raise UnknownQuery(f"no Cypher file named {name!r} under {CYPHER_DIR}")
    return path


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()


@cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of `cypher/<name>.cypher`, header comments removed."""
    parts = _STATEMENT_END.split(_strip_comments(_path(name).read_text()))
    return tuple(part.strip() for part in parts if part.strip())


def statement(name: str) -> str:
    """The single statement of `cypher/<name>.cypher`."""
    found = statements(name)
    if len(found) != 1:
        raise ValueError(f"{name}.cypher holds {len(found)} statements, expected one")
    return found[0]


def header(name: str) -> list[str]:
    """The leading comment lines of a file, without the `//`: its documentation."""
    lines = []
    for line in _path(name).read_text().splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:].strip())
    return lines
