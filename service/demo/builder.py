"""Puts it together, one household at a time, so that files can be written as they are made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Any

from service.demo.activity import Activity
from service.demo.households import HouseholdMaker
from service.demo.people import Household, Person, Population, Rec, chance
from service.demo.sources import Renderer

# Forced once each in the first households, so that even a small demo has every kind.
FORCED = (
    "TWINS",
    "FATHER_SON",
    "SHARED_LANDLINE",
    "SHARED_EMAIL",
    "SHARED_DEVICE",
    "JUNK_PHONE",
    "JUNK_PHONE",
    "JUNK_EMAIL",
    "JUNK_EMAIL",
)
FORCED_WITHIN = 50
FOLLOW_COUNTS = (0, 0, 1, 1, 2, 2, 3, 4, 6)


@dataclass(slots=True)
class Chunk:
    """Everything one household contributes."""

    profiles: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)
    members: list[tuple[str, str]] = field(default_factory=list)
    hard_cases: list[tuple[str, str, str]] = field(default_factory=list)
    hard_matches: list[tuple[str, str, str]] = field(default_factory=list)


def _ref(rec: Rec) -> dict[str, str]:
    return {"source": rec.source, "sourceId": rec.source_id}


def _current(person: Person) -> list[Rec]:
    return [rec for rec in person.records if not rec.legacy]


def _primary(person: Person) -> Rec:
    """The record others point to: the crm one when there is one."""
    current = _current(person)
    return next((rec for rec in current if rec.source == "crm"), current[0])


def _best(person: Person, *tokens: str) -> Rec | None:
    """The record that best shows a trap: carrying all `tokens`, crm first, with name and birth date."""
    candidates = [rec for rec in person.records if all(token in rec.tokens for token in tokens)]
    if not candidates:
        return None

    def score(rec: Rec) -> int:
        return (rec.source == "crm") * 4 + ("DOB" in rec.tokens) * 2 + ("NAME" in rec.tokens) - rec.legacy * 8

    return max(candidates, key=score)


def _named(person: Person) -> Rec | None:
    """The best record showing the person's full legal name as it is (case aside)."""
    given, family = person.given.lower(), person.family.lower()
    named = [
        rec
        for rec in person.records
        if str(rec.profile.get("givenName", "")).strip().lower() == given
        and str(rec.profile.get("familyName", "")).lower().startswith(family)
    ]
    return max(named, key=lambda rec: (rec.source == "crm", not rec.legacy), default=None)


class Builder:
    def __init__(self, households: int, seed: int, interactions_per_person: float) -> None:
        self.households = households
        self.rng = Random(seed)
        self.population = Population(self.rng)
        self.maker = HouseholdMaker(self.population)
        self.renderer = Renderer(self.rng, self.population)
        self.activity = Activity(self.rng, interactions_per_person)
        slots = self.rng.sample(range(min(households, FORCED_WITHIN)), min(households, FORCED_WITHIN))
        self.forced: dict[int, tuple[str, ...]] = {}
        for kind, slot in zip(FORCED, slots, strict=False):
            self.forced[slot] = (kind,)
        self._referrers: list[dict[str, str]] = []  # preferential attachment: picked ones come back
        self._handles: list[str] = []
        self._junk_seen: dict[tuple[str, str], tuple[str, str]] = {}  # (kind, value) -> (record key, hid)
        self._names_seen: dict[
            str, tuple[str, str] | None
        ] = {}  # name -> (record key, hid), None once paired

    def chunks(self) -> Iterator[Chunk]:
        for index in range(self.households):
            yield self._household(index)

    def _household(self, index: int) -> Chunk:
        household = self.maker.make(index, self.forced.get(index, ()))
        for person in household.members:
            person.interactions = self.activity.count(person)
            self.renderer.person(household, person)
        self._relationships(household)
        chunk = Chunk()
        for person in household.members:
            if not person.records:
                continue
            chunk.members.append((person.pid, household.hid))
            for rec in person.records:
                chunk.profiles.append(rec.profile)
                chunk.records.append((rec.key, person.pid))
            chunk.interactions.extend(self.activity.person(household, person))
        self._hard_cases(household, chunk)
        self._remember(household)
        return chunk

    # --- relationships

    def _relationships(self, household: Household) -> None:
        rng = self.rng
        people = [p for p in household.members if p.records]
        for i, person in enumerate(people):
            earlier = people[:i]
            current = _current(person)
            if not current:
                continue
            anchor = next((rec for rec in current if rec.source == "crm"), current[0])
            if earlier and household.kind != "flatmates" and chance(rng, 0.6):
                _relate(anchor, "FAMILY", _ref(_primary(earlier[0])))
            if earlier and household.kind == "flatmates" and chance(rng, 0.4):
                _relate(anchor, "FRIEND", _ref(_primary(rng.choice(earlier))))
            if chance(rng, 0.12):
                referrer = None
                if earlier and chance(rng, 0.2):
                    referrer = _ref(_primary(rng.choice(earlier)))
                elif self._referrers:
                    referrer = self._referrers[rng.randrange(len(self._referrers))]
                    self._referrers.append(referrer)
                if referrer is not None:
                    target = next((r for r in current if r.source in ("webshop", "app", "crm")), anchor)
                    _relate(target, "REFERRED_BY", referrer)
            social = next((rec for rec in current if rec.source == "social"), None)
            if self._referrers and chance(rng, 0.08):
                friend = self._referrers[rng.randrange(len(self._referrers))]
                _relate(social or anchor, "FRIEND", friend)
            if social is not None:
                follows: list[str] = []
                for other in earlier:
                    if other.handle and chance(rng, 0.6):
                        follows.append(other.handle)
                if self._handles:
                    for _ in range(rng.choice(FOLLOW_COUNTS)):
                        handle = self._handles[rng.randrange(len(self._handles))]
                        if handle not in follows:
                            follows.append(handle)
                            self._handles.append(handle)
                for handle in follows:
                    _relate(social, "FOLLOWS", {"identifier": {"kind": "SOCIAL_HANDLE", "value": handle}})

    def _remember(self, household: Household) -> None:
        """Later households may refer to, befriend and follow the people of this one."""
        rng = self.rng
        for person in household.members:
            if person.records and person.age() >= 16:
                self._referrers.append(_ref(_primary(person)))
            if person.handle:
                self._handles.extend([person.handle] * (25 if chance(rng, 0.02) else 1))

    # --- truth: the traps

    def _hard_cases(self, household: Household, chunk: Chunk) -> None:
        people = [p for p in household.members if p.records]

        def add(kind: str, a: Rec | None, b: Rec | None) -> None:
            if a is not None and b is not None:
                chunk.hard_cases.append((kind, a.key, b.key))

        for i, one in enumerate(people):
            for other in people[i + 1 :]:
                if (
                    one.family == other.family
                    and one.birth == other.birth
                    and one.role == other.role == "CHILD"
                ):
                    add("TWINS", _best(one, "NAME", "DOB"), _best(other, "NAME", "DOB"))
                if (
                    one.given == other.given
                    and one.family == other.family
                    and one.sex == other.sex == "M"
                    and {one.role, other.role} in ({"HEAD", "CHILD"}, {"PARTNER", "CHILD"})
                ):
                    add("FATHER_SON", _named(one), _named(other))
        shared = (
            ("SHARED_LANDLINE", household.landline.token if household.landline else None),
            ("SHARED_EMAIL", f"EMAIL:{household.family_email}" if household.family_email else None),
            ("SHARED_DEVICE", f"DEVICE:{household.shared_tablet.id}" if household.shared_tablet else None),
        )
        for kind, token in shared:
            if token is None:
                continue
            holders = [rec for rec in (_best(p, token) for p in people) if rec is not None]
            for rec in holders[1:]:
                add(kind, holders[0], rec)
        for person in people:
            for rec in person.records:
                if rec.source == "store" and "NAME" in rec.tokens and person.age() < 13:
                    for parent in people:
                        if (
                            parent is not person
                            and parent.mobile is not None
                            and parent.mobile.token in rec.tokens
                        ):
                            add("SHARED_PHONE", rec, _best(parent, parent.mobile.token))
                for kind, value in rec.junk:
                    seen = self._junk_seen.get((kind, value))
                    if seen is None:
                        self._junk_seen[(kind, value)] = (rec.key, household.hid)
                    elif seen[1] != household.hid:
                        chunk.hard_cases.append((kind, seen[0], rec.key))
                if rec.source == "crm" and not rec.legacy:
                    self._namesake(f"{person.given} {person.family}".lower(), rec, household, chunk)
            self._legacy_match(person, chunk)

    def _namesake(self, name: str, rec: Rec, household: Household, chunk: Chunk) -> None:
        if name not in self._names_seen:
            self._names_seen[name] = (rec.key, household.hid)
            return
        seen = self._names_seen[name]
        if seen is not None and seen[1] != household.hid:
            chunk.hard_cases.append(("NAMESAKE", seen[0], rec.key))
            self._names_seen[name] = None

    def _legacy_match(self, person: Person, chunk: Chunk) -> None:
        """An older record (previous address, maiden name) and a current one sharing an email or phone,
        both showing what differs (a caller's record may lack the family name)."""
        tokens = person.identity_tokens()
        shown = "ADDR" if person.legacy == "MOVED" else "NAME"
        for rec in person.records:
            if not rec.legacy or person.legacy is None or shown not in rec.tokens:
                continue
            shared = [token for token in tokens if token in rec.tokens]
            twins = [c for c in _current(person) if shown in c.tokens and any(t in c.tokens for t in shared)]
            twin = next((c for c in twins if c.source == "crm"), twins[0] if twins else None)
            if twin is not None:
                chunk.hard_matches.append((person.legacy, rec.key, twin.key))


def _relate(rec: Rec, kind: str, to: dict[str, Any]) -> None:
    rec.profile.setdefault("relationships", []).append({"kind": kind, "to": to})
