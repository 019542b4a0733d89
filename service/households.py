"""Who lives together: deciding household groups from addresses and shared identifiers (no database).

The rules, in order:

1. A customer's *home* is the address on their most recently observed record that has one (movers
   leave). A less precise latest address refines to an older, more precise one in the same area
   when it does not contradict it: a till's "postcode only" or "12 High St" after the CRM's
   "Flat 2, 12 High St" still means flat 2. A latest address that contradicts every precise one
   (a new postcode, no street) leaves the customer *unplaced*, with that area as a hint.
2. Customers at the same home form one household (flatmates and twins included). A home written
   without its flat ("12 High St") is the one flat known in that building, when only one is known.
   Two homes never merge, whatever they share: the son who moved out still has the family email.
3. Unplaced customers join the household of the people they share evidence with (an identifier
   other than junk, or a device), through chains of other unplaced customers, when exactly one home
   is reached and it lies in their hinted area. Several homes reached make none: no guessing.
4. Whoever shared identifiers leave without a home (not those they left between several homes)
   may be placed by a declared FAMILY relationship: to the home of the relative, however the
   relative got there (by address or by evidence), through chains of ties and evidence among the
   unplaced, again when exactly one home is reached in their hinted area.
5. Customers linked by evidence or family ties who reach no home at all make a household of their
   own, without an address, when they are two or more.
6. A household of one is a choice, not a default: a customer at a known home is a household even
   alone (it has an address, and the next person seen there joins it); a customer whose home is
   unknown and who is linked to nobody is in no household, because not knowing where someone lives
   is not knowing that they live alone.
7. Household ids survive: each group keeps the id of the old household it overlaps most.

Addresses compare as a `Place`: the ingest address key (`region|postcode|line`) with the line split
into a building and a unit, so "2/12 Smith St", "Unit 2, 12 Smith St" and "12 Smith St, Flat 2"
are one home, and unit 23 of number 31 is not number 23. A family name and a town never make a
household: only a shared home, shared identifiers or a declared family tie do.

Example:
    >>> at = lambda key, day: Sighting(datetime(2025, 1, day), key, "r" + key[-1] + str(day))
    >>> ann = Resident("ann", (at("GB|AB12CD|1 high street", 1),), frozenset({"EMAIL:f@x.com"}))
    >>> bob = Resident("bob", (at("GB|AB12CD|1 high st", 2),))
    >>> kid = Resident("kid", (at("GB|AB12CD|", 3),), frozenset({"EMAIL:f@x.com"}))
    >>> [group.members for group in decide([ann, bob, kid])]
    [('ann', 'bob', 'kid')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from service.normalize import normalize_address_line

# Evidence (`Resident.evidence`) is any identifier but junk, or a device (keys "DEVICE:<id>"), that
# several customers hold. A landline (or a parent's mobile on a child's card), a family email or a
# shared tablet link housemates. A personal one (a loyalty card, a web shop account, a social handle)
# on two customers is one person that resolution kept apart for want of more (a till's "J. SMITH",
# a social profile with a handle for a name), and a person lives where they live.
# Relationship kinds that may place a customer with no address of their own (rules 4 and 5):
# relatives often live apart, so these count only when shared identifiers place the customer nowhere.
# FRIEND, FOLLOWS and REFERRED_BY say nothing about where people live: they never count.
RELATIVE_KINDS = ("FAMILY",)
# An identifier held by more live customers than this is a business line or a shared inbox, not a
# family's: it links nobody. Households in real data rarely exceed 8 people.
MAX_EVIDENCE_HOLDERS = 8
# More live customers than this at one address is a care home, a campus or a parcel shop: no
# household is made from the address alone (its customers may still join one through evidence).
MAX_ADDRESS_MEMBERS = 12
ADULT_AGE = 18
# Words that announce a unit within a building: "Flat 2", "Unit 2", "Apt 2" ("apartment" once
# normalised) and the "2/" of "2/12 Smith St" are all flat 2 of number 12.
_UNIT_WORDS = frozenset({"flat", "unit", "apartment", "suite", "room", "level", "floor", "shop"})
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """An address as households compare it: an area (`region|postcode`), a building (house number
    and street, as normalised) and a unit within it ("2" for Flat 2), each possibly unknown."""

    area: str
    building: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()

    @property
    def key(self) -> str | None:
        """`region|postcode|building|unit`, or None when only the area is known (no home in it)."""
        return f"{self.area}|{' '.join(self.building)}|{' '.join(self.unit)}" if self.building else None

    @property
    def numbers(self) -> tuple[str, ...]:
        """The words of its building with a digit in them: house numbers, which normalising an address
        never changes, so every spelling of the building has them in its address key.

        >>> place_of("AU|2000|unit 2 12a smith street").numbers
        ('12a',)
        """
        return tuple(word for word in self.building if _has_digit(word))

    @property
    def precision(self) -> int:
        """0: an area only; 1: a building; 2: a unit in a building."""
        return 0 if not self.building else 1 if not self.unit else 2

    def refines(self, other: Place) -> bool:
        """True when this place says everything `other` says: the same place, the same area when
        `other` is only an area, or a unit of the building `other` names without a unit."""
        if self.area != other.area:
            return False
        if not other.building:
            return True
        return self.building == other.building and (not other.unit or self.unit == other.unit)


def _has_digit(word: str) -> bool:
    return any(char.isdigit() for char in word)


@lru_cache(maxsize=65_536)
def place_of(address_key: str) -> Place:
    """The `Place` of an ingest address key (`region|postcode-or-locality|normalised line`).

    >>> place_of("AU|2000|unit 2 12 smith street") == place_of("AU|2000|2 12 smith street")
    True
    >>> place_of("AU|2000|2 12 smith street").refines(place_of("AU|2000|12 smith street"))
    True
    >>> place_of("AU|2000|2 12 smith street").refines(place_of("AU|2000|2 smith street"))
    False
    >>> place_of("GB|AB12CD|").key is None
    True
    """
    region, _, rest = address_key.partition("|")
    area, _, line = rest.partition("|")
    words = (normalize_address_line(line) or "").split() if line else []
    unit: list[str] = []
    building: list[str] = []
    index = 0
    while index < len(words):
        if words[index] in _UNIT_WORDS and index + 1 < len(words):
            unit.append(words[index + 1])
            index += 2
        else:
            building.append(words[index])
            index += 1
    # Numbers before the first street word: all but the last are the unit ("2 12 smith street").
    first_word = next(
        (at for at, word in enumerate(building) if not _has_digit(word) and len(word) > 1), len(building)
    )
    if first_word > 1:
        unit += building[: first_word - 1]
        building = building[first_word - 1 :]
    return Place(f"{region}|{area}", tuple(building), tuple(sorted(unit)))


@dataclass(frozen=True, slots=True)
class Sighting:
    """One record's address: when the record was observed, and the ingest address key."""

    observed_at: datetime | None
    address: str  # the ingest key of the (:Address) node
    record: str  # the record key: breaks ties between records observed at the same moment

    @property
    def place(self) -> Place:
        return place_of(self.address)


@dataclass(frozen=True, slots=True)
class Resident:
    """What households need to know of one live customer."""

    id: str
    sightings: tuple[Sighting, ...] = ()
    evidence: frozenset[str] = frozenset()  # keys of identifiers/devices shared with other customers
    birth_date: str | None = None
    relatives: frozenset[str] = frozenset()  # customers tied to this one by a declared FAMILY relationship


@dataclass(frozen=True, slots=True)
class Home:
    """Where a customer lives now: a place (with the address node it came from), or only a hint."""

    place: Place | None  # None: unplaced
    address: str | None = None  # the (:Address) key of the sighting that placed them
    hint: str | None = None  # for the unplaced: the area of their latest address, if any


def _moment(sighting: Sighting) -> datetime:
    observed = sighting.observed_at
    if observed is None:
        return _EPOCH
    return observed if observed.tzinfo is not None else observed.replace(tzinfo=UTC)


def home_of(sightings: Iterable[Sighting]) -> Home:
    """A customer's current home from the addresses on their records (rule 1 of the module doc)."""
    # Newest first; a record without a time counts as oldest; the record key settles ties.
    ordered = sorted(sightings, key=lambda s: s.record)
    ordered.sort(key=_moment, reverse=True)
    if not ordered:
        return Home(None)
    latest = ordered[0].place
    # The most precise sighting consistent with the latest one, newest among equals.
    best = max(
        (s for s in ordered if s.place.building and s.place.refines(latest)),
        key=lambda s: s.place.precision,
        default=None,
    )
    if best is None:
        return Home(None, hint=latest.area)
    return Home(best.place, address=best.address)


@dataclass(frozen=True, slots=True)
class Group:
    """One household as decided: its members (sorted ids) and its home, if it has one."""

    members: tuple[str, ...]
    place: Place | None = None
    address: str | None = None  # the (:Address) key most of its placed members were seen at


def decide(residents: Sequence[Resident], max_address_members: int = MAX_ADDRESS_MEMBERS) -> list[Group]:
    """The households of `residents`, sorted by members; customers with none are left out.

    `residents` must be closed: everyone sharing evidence or a family tie with an unplaced customer,
    and everyone at the home of anyone in it, is in it. The result then does not depend on what else is
    in the graph, nor on the order of `residents`, so deciding around one batch gives what deciding
    the whole graph gives.
    """
    people = sorted({resident.id: resident for resident in residents}.values(), key=lambda r: r.id)
    homes = {person.id: home_of(person.sightings) for person in people}
    at_place: dict[Place, list[str]] = defaultdict(list)
    for person in people:
        place = homes[person.id].place
        if place is not None:
            at_place[place].append(person.id)
    _refine(at_place, homes)
    for place, ids in list(at_place.items()):
        if len(ids) > max_address_members:
            del at_place[place]
            for customer in ids:
                homes[customer] = Home(None, hint=place.area)

    holders: dict[str, list[str]] = defaultdict(list)
    for person in people:
        for key in person.evidence:
            holders[key].append(person.id)
    linked: dict[str, set[str]] = defaultdict(set)
    for ids in holders.values():
        for customer in ids:
            linked[customer].update(other for other in ids if other != customer)

    related: dict[str, set[str]] = defaultdict(set)
    known = {person.id for person in people}
    for person in people:
        for other in person.relatives & known - {person.id}:
            related[person.id].add(other)
            related[other].add(person.id)

    # Shared identifiers first; declared family ties only for whoever they leave without a home.
    placed = {customer: place for place, ids in at_place.items() for customer in ids}
    unplaced = [person.id for person in people if person.id not in placed]
    joined, unreached = _attach(unplaced, linked, placed, homes)
    placed |= joined
    left = [customer for component in unreached for customer in component]
    either = {customer: linked.get(customer, set()) | related.get(customer, set()) for customer in left}
    joined, unreached = _attach(left, either, placed, homes)
    placed |= joined

    members: dict[Place, list[str]] = defaultdict(list)
    for customer, place in placed.items():
        members[place].append(customer)
    groups = [Group(tuple(sorted(ids)), place, _address(place, ids, homes)) for place, ids in members.items()]
    groups += [Group(tuple(component)) for component in unreached if len(component) > 1]
    return sorted(groups, key=lambda group: group.members)


def _attach(
    candidates: Sequence[str],
    links: Mapping[str, set[str]],
    placed: Mapping[str, Place],
    homes: Mapping[str, Home],
) -> tuple[dict[str, Place], list[list[str]]]:
    """Rule 3 for some kinds of link: the groups of `candidates` connected through `links`, and the
    homes of `placed` customers they reach. Returns who joins which home (the group of a customer
    who reaches exactly one, except members hinted elsewhere) and the groups that reach none (members
    hinted away from the home the others joined count as groups of one). Groups that reach several
    homes are in neither: no household rather than a guess.
    """
    free = set(candidates)
    joined: dict[str, Place] = {}
    unreached: list[list[str]] = []
    for start in sorted(free):
        if start in free:
            component = _component(start, free, links, homes)
            free -= set(component)
            targets = _homes_reached(component, links, placed, homes)
            if len(targets) == 1:
                target = targets.pop()
                for customer in component:
                    # Someone whose own latest address is in another area does not follow the others in.
                    if homes[customer].hint in (None, target.area):
                        joined[customer] = target
                    else:
                        unreached.append([customer])
            elif not targets:
                unreached.append(component)
    return joined, unreached


def _homes_reached(
    component: Sequence[str],
    links: Mapping[str, set[str]],
    placed: Mapping[str, Place],
    homes: Mapping[str, Home],
) -> set[Place]:
    """The homes a group of unplaced customers reaches through `links`, where their hints allow."""
    return {
        placed[other]
        for customer in component
        for other in links.get(customer, ())
        if other in placed and homes[customer].hint in (None, placed[other].area)
    }


def _refine(at_place: dict[Place, list[str]], homes: dict[str, Home]) -> None:
    """Moves the customers of a home written less precisely ("12 High St") to the one home known
    that says more ("Flat 2, 12 High St"), when there is exactly one such home to choose."""
    by_area: dict[str, list[Place]] = defaultdict(list)
    for place in at_place:
        by_area[place.area].append(place)
    moves: dict[Place, Place] = {}
    for places in by_area.values():
        for place in places:
            finer = [other for other in places if other != place and other.refines(place)]
            finest = [one for one in finer if not any(o != one and o.refines(one) for o in finer)]
            if len(finest) == 1:
                moves[place] = finest[0]
    for place, target in sorted(moves.items()):
        for customer in at_place.pop(place):
            at_place[target].append(customer)
            homes[customer] = Home(target, homes[customer].address)


def _component(
    start: str, free: set[str], links: Mapping[str, set[str]], homes: Mapping[str, Home]
) -> list[str]:
    """The `free` customers reachable from `start` through `links` between compatible free ones."""
    component, todo = {start}, [start]
    while todo:
        customer = todo.pop()
        hint = homes[customer].hint
        for other in links.get(customer, ()):
            other_hint = homes[other].hint
            compatible = hint is None or other_hint is None or hint == other_hint
            if other in free and other not in component and compatible:
                component.add(other)
                todo.append(other)
    return sorted(component)


def _address(place: Place, ids: Sequence[str], homes: Mapping[str, Home]) -> str | None:
    """The address node most placed members were seen at (spellings of one home may differ)."""
    counts: dict[str, int] = defaultdict(int)
    for customer in ids:
        home = homes[customer]
        if home.place == place and home.address is not None:
            counts[home.address] += 1
    return min(counts, key=lambda key: (-counts[key], key)) if counts else None


def role_of(birth_date: str | None, today: date) -> str | None:
    """ADULT from the 18th birthday on, MINOR before it, None when the birth date is unknown or unusable.

    >>> today = date(2025, 6, 1)
    >>> role_of("2007-06-01", today), role_of("2007-06-02", today), role_of(None, today)
    ('ADULT', 'MINOR', None)
    """
    if not birth_date:
        return None
    try:
        born = date.fromisoformat(birth_date[:10])
    except ValueError:
        return None
    if born > today:
        return None
    # 29 February birthdays come of age on 1 March in common years.
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return "ADULT" if age >= ADULT_AGE else "MINOR"


@dataclass(frozen=True, slots=True)
class HouseholdIds:
    ids: dict[tuple[str, ...], str]  # group members -> the household id it keeps or gets
    retired: tuple[str, ...] = field(default=())  # old household ids no group kept


def assign_household_ids(
    groups: Sequence[tuple[str, ...]],
    current: Mapping[str, str],
    created: Mapping[str, str],
    new_id: Callable[[], str],
) -> HouseholdIds:
    """Each group keeps the id of the old household it shares most members with, unless a group
    sharing more took it first; ties go to the older household, then the smaller id.

    `current` maps customer id -> current household id; `created` household id -> creation time (ISO).

    >>> assign_household_ids([("a", "b"), ("c",)], {"a": "h1", "b": "h1", "c": "h1"}, {"h1": "2025"},
    ...                      new_id=lambda: "h-new")
    HouseholdIds(ids={('a', 'b'): 'h1', ('c',): 'h-new'}, retired=())
    """
    overlaps: dict[tuple[tuple[str, ...], str], int] = defaultdict(int)
    for group in groups:
        for customer in group:
            old = current.get(customer)
            if old is not None:
                overlaps[(group, old)] += 1
    ranked = sorted(
        overlaps.items(),
        key=lambda item: (-item[1], -len(item[0][0]), created.get(item[0][1], ""), item[0][1], item[0][0]),
    )
    ids: dict[tuple[str, ...], str] = {}
    taken: set[str] = set()
    for (group, old), _ in ranked:
        if group not in ids and old not in taken:
            ids[group] = old
            taken.add(old)
    for group in sorted(groups, key=lambda members: (-len(members), members)):
        if group not in ids:
            ids[group] = new_id()
    ordered = {group: ids[group] for group in groups}
    retired = tuple(sorted(set(current.values()) - taken))
    return HouseholdIds(ordered, retired)
