"""A realistic synthetic customer base: profiles and interactions in the ingest format, plus the truth.

Households of 1 to 6 people (singles, couples, families, flatmates, three generations), mostly in
Great Britain with some in Australia and the United States, appear in 1 to 5 of seven source systems
(`crm`, `webshop`, `app`, `callcentre`, `store`, `social`, `newsletter`), each with its own habits and
dirt: nicknames, typos, names in any case, phones in local or international formats, impossible dates,
movers with an older record at their previous address, married women with an older maiden-name record.
As in real, joined-up systems, every record of a person shares an identifier with another of their
records (social login on the app or webshop, the newsletter address used elsewhere, the loyalty card in
the CRM or the phone at the till, the caller's number on file): see `links`. And as a business that
knows a customer at all has an address for them somewhere, everyone has an account that keeps one (the
CRM's file, a web shop or app delivery address, a loyalty card's registration, a phone order): one of
their current records shows the street address of their home (`sources.ACCOUNTS`). Newsletter
subscriptions and social profiles come on top of that account, never instead of it.

The truth says which person each record belongs to, which household each person lives in, and lists
the traps (`hard_cases`): pairs of records of *different* people that a naive matcher would merge.
The kinds in `GUARANTEED_HARD_CASES` appear in any demo of 50 households or more; `SHARED_PHONE`
(a child's club card with a parent's mobile) and `NAMESAKE` (same full name, different households)
occur at their natural rates. `hard_matches` lists pairs of records of the *same* person that are hard
to match (`MOVED`, `MARRIED_NAME`).

Everything is deterministic for a seed; nothing touches a database.

Example:
    >>> from service.demo import generate
    >>> data = generate(households=60, seed=7)
    >>> first = data.profiles[0]
    >>> data.truth.records[f"{first['source']}:{first['sourceId']}"].startswith("P")
    True
    >>> {case.kind for case in data.truth.hard_cases} >= set(GUARANTEED_HARD_CASES)
    True

    Or on disk, streamed (20,000 households make about 100,000 profiles):

        write_demo(Path("demo"), households=20_000)  # profiles.jsonl, interactions.jsonl, truth.json
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from service.demo.builder import Builder, Chunk
from service.demo.people import END

__all__ = [
    "END",
    "GUARANTEED_HARD_CASES",
    "HARD_CASE_KINDS",
    "DemoData",
    "DemoFiles",
    "HardCase",
    "Truth",
    "generate",
    "write_demo",
]

GUARANTEED_HARD_CASES = (
    "TWINS",  # same surname, birth date, address and landline; different given names
    "FATHER_SON",  # same full name at the same address ("Jr" sometimes); different birth dates
    "SHARED_LANDLINE",  # a household landline on the records of several members
    "SHARED_EMAIL",  # a couple's family email
    "SHARED_DEVICE",  # one tablet on two people's app records
    "JUNK_PHONE",  # "0000000000" and friends on unrelated people
    "JUNK_EMAIL",  # "noemail@example.com", "test@test.com" on unrelated people
)
HARD_CASE_KINDS = (*GUARANTEED_HARD_CASES, "SHARED_PHONE", "NAMESAKE")


@dataclass(frozen=True, slots=True)
class HardCase:
    """Two records (`source:sourceId`) and why they look alike."""

    kind: str
    a: str
    b: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "a": self.a, "b": self.b}


@dataclass(frozen=True, slots=True)
class Truth:
    records: dict[str, str] = field(default_factory=dict)  # "source:sourceId" -> person id
    households: dict[str, str] = field(default_factory=dict)  # person id -> household id
    hard_cases: list[HardCase] = field(default_factory=list)  # records of different people that look alike
    hard_matches: list[HardCase] = field(default_factory=list)  # records of one person that look different

    def as_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "households": self.households,
            "hard_cases": [case.as_json() for case in self.hard_cases],
            "hard_matches": [case.as_json() for case in self.hard_matches],
        }


@dataclass(frozen=True, slots=True)
class DemoData:
    profiles: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    truth: Truth


@dataclass(frozen=True, slots=True)
class DemoFiles:
    profiles: Path
    interactions: Path
    truth: Path
    profile_count: int
    interaction_count: int


def _check(households: int, interactions_per_person: float) -> None:
    if households < 0:
        raise ValueError("households must be 0 or more")
    if interactions_per_person < 0:
        raise ValueError("interactions_per_person must be 0 or more")


def generate(households: int, seed: int = 7, interactions_per_person: float = 5.0) -> DemoData:
    """The whole demo in memory (about 2.5 people, 5 profiles and 12 interactions a household)."""
    _check(households, interactions_per_person)
    truth = Truth()
    profiles: list[dict[str, Any]] = []
    interactions: list[dict[str, Any]] = []
    for chunk in Builder(households, seed, interactions_per_person).chunks():
        profiles.extend(chunk.profiles)
        interactions.extend(chunk.interactions)
        _add_truth(truth, chunk)
    return DemoData(profiles, interactions, truth)


def write_demo(
    directory: Path, households: int, seed: int = 7, interactions_per_person: float = 5.0
) -> DemoFiles:
    """Writes `profiles.jsonl`, `interactions.jsonl` and `truth.json` to `directory`, household by household.

    The files hold exactly what `generate` returns for the same arguments.
    """
    _check(households, interactions_per_person)
    directory.mkdir(parents=True, exist_ok=True)
    files = (directory / "profiles.jsonl", directory / "interactions.jsonl", directory / "truth.json")
    truth = Truth()
    profile_count = interaction_count = 0
    with files[0].open("wb") as profiles, files[1].open("wb") as interactions:
        for chunk in Builder(households, seed, interactions_per_person).chunks():
            profiles.write(b"".join(orjson.dumps(p) + b"\n" for p in chunk.profiles))
            interactions.write(b"".join(orjson.dumps(i) + b"\n" for i in chunk.interactions))
            profile_count += len(chunk.profiles)
            interaction_count += len(chunk.interactions)
            _add_truth(truth, chunk)
    files[2].write_bytes(orjson.dumps(truth.as_json(), option=orjson.OPT_INDENT_2))
    return DemoFiles(files[0], files[1], files[2], profile_count, interaction_count)


def _add_truth(truth: Truth, chunk: Chunk) -> None:
    truth.records.update(chunk.records)
    truth.households.update(chunk.members)
    truth.hard_cases.extend(HardCase(*case) for case in chunk.hard_cases)
    truth.hard_matches.extend(HardCase(*case) for case in chunk.hard_matches)
