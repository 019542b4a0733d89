"""The people behind the demo records: households, their members, addresses, phones and emails.

Nothing here is dirty: these are the true facts. `sources.py` renders what each source system
recorded about them, with the habits and the mistakes of that system.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random
from typing import Any, Generic, TypeVar

from service.demo import names

T = TypeVar("T")

END = datetime(2026, 10, 31, 23, 59, 59)
"""The demo's "now": every record and interaction happens before it; interactions span 3 years."""
END_DAY = END.date()


class Weighted(Generic[T]):
    """Draws items with given weights in O(log n) (faster than `Random.choices` for one draw)."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items: list[T] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            items.append(item)
            cum.append(total)
        self._items = items
        self._cum = cum
        self._total = total

    def pick(self, rng: Random) -> T:
        return self._items[bisect_right(self._cum, rng.random() * self._total)]


def zipf(items: Sequence[T], offset: float, exponent: float = 1.0) -> Weighted[T]:
    """Zipf-like weights 1/(rank + offset)^exponent: common names common, a long tail of rare ones."""
    return Weighted((item, 1.0 / (rank + offset) ** exponent) for rank, item in enumerate(items, 1))


def ascii_fold(text: str) -> str:
    """'Zoë' -> 'Zoe', 'Łukasz' -> 'Lukasz' (for email addresses and handles)."""
    folded = unicodedata.normalize("NFKD", text.replace("Ł", "L").replace("ł", "l"))
    return "".join(c for c in folded if not unicodedata.combining(c))


def slug(text: str) -> str:
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


def chance(rng: Random, p: float) -> bool:
    return rng.random() < p


MALE_NAMES = zipf(names.MALE, offset=10)
FEMALE_NAMES = zipf(names.FEMALE, offset=10)
SURNAMES = zipf(names.SURNAMES, offset=20)
COUNTRIES = Weighted([("GB", 80.0), ("AU", 10.0), ("US", 10.0)])
EMAIL_DOMAINS = {country: Weighted(pairs) for country, pairs in names.EMAIL_DOMAINS.items()}
STREET_TYPES = {
    "GB": Weighted(names.GB_STREET_TYPES),
    "AU": Weighted(names.AU_STREET_TYPES),
    "US": Weighted(names.US_STREET_TYPES),
}
STREETS = {"GB": names.GB_STREETS, "AU": names.AU_STREETS, "US": names.US_STREETS}
GB_TOWNS = Weighted((town, town[6]) for town in names.GB_TOWNS)
AU_SUBURBS = Weighted((suburb, suburb[6]) for suburb in names.AU_SUBURBS)
US_CITIES = Weighted((city, city[5]) for city in names.US_CITIES)
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Mobile ranges in use (no 07700 drama numbers, no 0791 gaps): a valid number whatever digits follow.
_GB_MOBILE = tuple(f"07{block}" for block in (*range(40, 60), *range(71, 90), 90, *range(92, 100)))
_NO_DST = {"AU": frozenset({"QLD", "WA", "NT"}), "US": frozenset({"AZ", "HI"})}


# --- phones -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number as national digits ("07911123456", "0291234567", "2125550123")."""

    country: str
    digits: str
    split: int  # length of the area code (or mobile prefix), for formatting
    mobile: bool

    @property
    def token(self) -> str:
        return f"PHONE:{self.country}:{self.digits}"


@dataclass(frozen=True, slots=True)
class Dialling:
    """How landlines look in a place: area code, subscriber length, prefixes of subscriber numbers."""

    area: str
    length: int
    first: tuple[str, ...]


# --- addresses --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    country: str
    number: str
    street: str
    street_type: str
    unit: str | None
    locality: str
    postcode: str
    region: str | None
    utc_offset: float
    dst: str  # "N" northern-hemisphere summer time, "S" southern, "" none
    dialling: tuple[Dialling, ...]

    @property
    def street_line(self) -> str:
        return f"{self.number} {self.street} {self.street_type}"


# --- people -----------------------------------------------------------------------------------------

ADULT = 18

PROFILE_ORDER = (
    "type",
    "source",
    "sourceId",
    "observedAt",
    "givenName",
    "familyName",
    "birthDate",
    "gender",
    "address",
    "identifiers",
    "devices",
    "consents",
    "attributes",
)


def email_token(value: str) -> str:
    return "EMAIL:" + value.strip().lower()


@dataclass(slots=True)
class Rec:
    """A rendered source record and what it carries (for truth, hard cases and linking evidence)."""

    key: str
    source: str
    source_id: str
    profile: dict[str, Any]
    tokens: set[str]  # membership tests only: never iterated (set order varies between runs)
    legacy: bool = False
    junk: list[tuple[str, str]] = field(default_factory=list)  # (hard-case kind, junk value)
    # The tokens of the identifiers a matcher can read as they are written (see `links.evidence_key`).
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Device:
    id: str
    kind: str
    os: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "os": self.os}


@dataclass(slots=True, eq=False)
class Person:
    pid: str
    sex: str
    given: str
    family: str
    birth: date
    role: str
    since: date = END_DAY
    nickname: str | None = None
    suffix: str | None = None
    maiden: str | None = None
    married_on: date | None = None
    email: str | None = None
    alt_email: str | None = None
    shared_email: str | None = None
    mobile: Phone | None = None
    app_devices: list[Device] = field(default_factory=list)
    web_devices: list[Device] = field(default_factory=list)
    handle: str | None = None
    loyalty: str | None = None
    account: str | None = None
    sources: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    complete: bool = False  # hard-case member: their crm record carries every field
    junk_phone: bool = False
    junk_email: bool = False
    legacy: str | None = None  # "MOVED" or "MARRIED_NAME": give them an older record
    lapsed: bool = False
    interactions: int = 0
    consent_bias: float = 0.5
    records: list[Rec] = field(default_factory=list)
    own_emails: list[str] = field(default_factory=list)
    own_phones: list[str] = field(default_factory=list)
    shown_devices: dict[str, list[str]] = field(default_factory=dict)  # channel -> ids on profiles

    def age(self, on: date = END_DAY) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))

    def identity_tokens(self) -> list[str]:
        """Tokens of the identifiers that are this person's own (or their family's email)."""
        tokens = [f"EMAIL:{e}" for e in (self.email, self.alt_email, self.shared_email) if e]
        if self.mobile is not None:
            tokens.append(self.mobile.token)
        return tokens


@dataclass(slots=True, eq=False)
class Household:
    hid: str
    index: int
    country: str
    kind: str
    address: Address
    members: list[Person]
    landline: Phone | None = None
    moved_on: date | None = None
    previous: Address | None = None
    previous_landline: Phone | None = None
    family_email: str | None = None
    shared_tablet: Device | None = None
    forced: tuple[str, ...] = ()

    @property
    def currency(self) -> str:
        return {"GB": "GBP", "AU": "AUD", "US": "USD"}[self.country]


def birth_for_age(rng: Random, age: int) -> date:
    """A birth date for someone who is `age` on END_DAY."""
    last_birthday = END_DAY.replace(year=END_DAY.year - age)
    return last_birthday - timedelta(days=rng.randrange(365))


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February birthday in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def random_date(rng: Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days))


class Population:
    """Makes people and places, keeping identifiers unique so that only planned collisions happen."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._emails: set[str] = set()
        self._phones: set[str] = set()
        self._handles: set[str] = set()
        self._addresses: set[tuple[str, str, str, str | None]] = set()
        self._person_count = 0
        self._loyalty_count = 0

    # names

    def given_name(self, sex: str) -> str:
        return (MALE_NAMES if sex == "M" else FEMALE_NAMES).pick(self.rng)

    def surname(self) -> str:
        return SURNAMES.pick(self.rng)

    def person(self, sex: str, given: str, family: str, age: int, role: str) -> Person:
        self._person_count += 1
        rng = self.rng
        person = Person(
            pid=f"P{self._person_count:06d}",
            sex=sex,
            given=given,
            family=family,
            birth=birth_for_age(rng, max(age, 0)),
            role=role,
        )
        nicks = names.NICKNAMES.get(given)
        if nicks and chance(rng, 0.35):
            person.nickname = rng.choice(nicks)
        person.consent_bias = rng.random() ** 0.8
        return person

    # places

    def address(self, country: str, near: Address | None = None) -> Address:
        rng = self.rng
        for _ in range(50):
            address = self._address(country, near if near and chance(rng, 0.6) else None)
            key = (address.postcode, address.number, address.street, address.unit)
            if key not in self._addresses:
                self._addresses.add(key)
                return address
        raise RuntimeError("could not find a free address")  # pragma: no cover

    def _address(self, country: str, near: Address | None) -> Address:
        rng = self.rng
        street = rng.choice(STREETS[country])
        street_type = STREET_TYPES[country].pick(rng)
        number = str(rng.randint(1, 40) if chance(rng, 0.6) else rng.randint(1, 220))
        if country == "GB":
            town, county, areas, code, length, first, _ = _town_of(near) if near else GB_TOWNS.pick(rng)
            area = rng.choice(areas)
            district = rng.randint(1, 20 if len(area) <= 2 else 9)
            postcode = (
                f"{area}{district} {rng.randint(1, 9)}"
                f"{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}"
            )
            unit = f"Flat {rng.randint(1, 24)}" if chance(rng, 0.12 if town != "London" else 0.4) else None
            return Address(
                "GB",
                number,
                street,
                street_type,
                unit,
                town,
                postcode,
                county or None,
                0,
                "N",
                (Dialling(code, length, tuple(first)),),
            )
        if country == "AU":
            suburb, state, postcode, code, first, offset, _ = (
                _suburb_of(near) if near else AU_SUBURBS.pick(rng)
            )
            unit = str(rng.randint(1, 30)) if chance(rng, 0.15) else None
            dst = "" if state in _NO_DST["AU"] else "S"
            return Address(
                "AU",
                number,
                street,
                street_type,
                unit,
                suburb,
                postcode,
                state,
                offset,
                dst,
                (Dialling(code, 8, (first,)),),
            )
        city, state, zip3, codes, offset, _ = _city_of(near) if near else US_CITIES.pick(rng)
        number = str(rng.randint(10, 9899))
        unit = f"Apt {rng.randint(1, 24)}{rng.choice('ABCD')}" if chance(rng, 0.25) else None
        dst = "" if state in _NO_DST["US"] else "N"
        return Address(
            "US",
            number,
            street,
            street_type,
            unit,
            city,
            f"{zip3}{rng.randint(1, 99):02d}",
            state,
            offset,
            dst,
            tuple(Dialling(code, 7, tuple("23456789")) for code in codes),
        )

    # phones

    def mobile(self, address: Address) -> Phone:
        rng = self.rng
        while True:
            if address.country == "GB":
                phone = Phone("GB", f"{rng.choice(_GB_MOBILE)}{rng.randrange(10**7):07d}", 5, True)
            elif address.country == "AU":
                phone = Phone("AU", f"04{rng.choice('01236')}{rng.randrange(10**7):07d}", 4, True)
            else:
                dialling = rng.choice(address.dialling)
                phone = Phone("US", dialling.area + self._subscriber(dialling), 3, True)
            if phone.digits not in self._phones:
                self._phones.add(phone.digits)
                return phone

    def landline(self, address: Address) -> Phone:
        rng = self.rng
        while True:
            dialling = rng.choice(address.dialling)
            phone = Phone(
                address.country, dialling.area + self._subscriber(dialling), len(dialling.area), False
            )
            if phone.digits not in self._phones:
                self._phones.add(phone.digits)
                return phone

    def _subscriber(self, dialling: Dialling) -> str:
        rng = self.rng
        prefix = rng.choice(dialling.first)
        rest = dialling.length - len(prefix)
        number = f"{prefix}{rng.randrange(10**rest):0{rest}d}"
        if address_is_us(dialling) and number[1:3] == "11":
            number = number[0] + "2" + number[2:]  # US exchanges never end in 11
        return number

    # emails, handles, cards

    def email(self, person: Person, country: str, family: str | None = None) -> str:
        rng = self.rng
        given = slug(person.given) or "me"
        surname = slug(family or person.family) or "mail"
        nick = slug(person.nickname or person.given) or given
        year = person.birth.year
        local = rng.choice(
            (
                f"{given}.{surname}",
                f"{given}.{surname}",
                f"{given}{surname}",
                f"{given[0]}{surname}",
                f"{given[0]}.{surname}",
                f"{given}.{surname}{year % 100:02d}",
                f"{given}_{surname}",
                f"{surname}{given[0]}",
                f"{nick}{surname[0]}{rng.randint(1, 99)}",
                f"{nick}{year}",
                f"{nick}.{surname}",
            )
        )
        return self._unique_email(local, EMAIL_DOMAINS[country].pick(self.rng))

    def family_email(self, members: Sequence[Person], country: str) -> str:
        rng = self.rng
        surname = slug(members[0].family) or "family"
        first = slug(members[0].given)
        second = slug(members[1].given) if len(members) > 1 else "family"
        local = rng.choice((f"the{surname}s", f"{surname}family", f"{first}and{second}", f"{surname}.home"))
        return self._unique_email(local, EMAIL_DOMAINS[country].pick(rng))

    def _unique_email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        while email in self._emails:
            email = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self._emails.add(email)
        return email

    def handle(self, person: Person) -> str:
        rng = self.rng
        given = slug(person.nickname or person.given) or "user"
        surname = slug(person.family) or "x"
        base = rng.choice(
            (
                f"{given}{surname}",
                f"{given}_{surname[0]}",
                f"the{given}{person.birth.year % 100:02d}",
                f"{given}.{surname}",
                f"{surname}{given[0]}",
                f"{given}_makes",
                f"{given}writes",
            )
        )
        handle = f"@{base}"
        while handle in self._handles:
            handle = f"@{base}{rng.randint(1, 9999)}"
        self._handles.add(handle)
        return handle

    def loyalty(self) -> str:
        self._loyalty_count += 1
        return f"6337{(self._loyalty_count * 7919) % 10**8:08d}"

    def device(self, kind: str, systems: Weighted[str]) -> Device:
        os_name = systems.pick(self.rng)
        prefix = "web" if kind in ("DESKTOP", "LAPTOP") else "dev"
        return Device(f"{prefix}-{self.rng.getrandbits(48):012x}", kind, os_name)


def address_is_us(dialling: Dialling) -> bool:
    return len(dialling.area) == 3 and dialling.length == 7 and not dialling.area.startswith("0")


def _town_of(address: Address) -> tuple[str, str, tuple[str, ...], str, int, str, float]:
    for town in names.GB_TOWNS:
        if town[0] == address.locality:
            return town
    return names.GB_TOWNS[0]  # pragma: no cover


def _suburb_of(address: Address) -> tuple[str, str, str, str, str, float, float]:
    for suburb in names.AU_SUBURBS:
        if suburb[0] == address.locality:
            return suburb
    return names.AU_SUBURBS[0]  # pragma: no cover


def _city_of(address: Address) -> tuple[str, str, str, tuple[str, ...], float, float]:
    for city in names.US_CITIES:
        if city[0] == address.locality:
            return city
    return names.US_CITIES[0]  # pragma: no cover
