"""Households: who lives together, how old they are, what they are called, what they share.

A household's `forced` hard cases make sure each kind of trap exists even in a small demo; the same
traps also occur at their natural (small) rates everywhere else.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from service.demo import names
from service.demo.people import (
    ADULT,
    COUNTRIES,
    END_DAY,
    Household,
    Person,
    Population,
    Weighted,
    add_years,
    chance,
    random_date,
)
from service.demo.sources import ACCOUNTS

HOUSEHOLD_KINDS = Weighted(
    [
        ("single", 30.0),
        ("couple", 25.0),
        ("family", 28.0),
        ("single_parent", 7.0),
        ("flatmates", 6.0),
        ("multigen", 4.0),
    ]
)
SINGLE_AGES = Weighted([((19, 29), 20.0), ((30, 44), 20.0), ((45, 64), 25.0), ((65, 92), 35.0)])
COUPLE_AGES = Weighted([((22, 34), 25.0), ((35, 54), 25.0), ((55, 90), 50.0)])
CHILD_COUNTS = Weighted([(1, 40.0), (2, 40.0), (3, 15.0), (4, 5.0)])
SOURCE_COUNTS = Weighted([(1, 33.0), (2, 32.0), (3, 20.0), (4, 10.0), (5, 5.0)])

# Which systems people of an age tend to appear in (relative weights).
SOURCE_TASTE: tuple[tuple[int, dict[str, float]], ...] = (
    (13, {"store": 1.0}),
    (18, {"app": 5, "social": 4, "webshop": 2, "store": 3, "newsletter": 0.5}),
    (35, {"webshop": 5, "app": 5, "social": 3, "store": 3, "crm": 3, "newsletter": 2, "callcentre": 1.5}),
    (60, {"crm": 5, "webshop": 5, "app": 3, "store": 4, "newsletter": 3, "callcentre": 2.5, "social": 1.2}),
    (
        200,
        {"crm": 6, "store": 5, "callcentre": 3.5, "newsletter": 3, "webshop": 2.5, "app": 0.8, "social": 0.3},
    ),
)
KIDS_CLUB_RATE = 0.3

MOBILE_OS = {
    "GB": Weighted([("iOS", 52.0), ("Android", 48.0)]),
    "AU": Weighted([("iOS", 55.0), ("Android", 45.0)]),
    "US": Weighted([("iOS", 60.0), ("Android", 40.0)]),
}
TABLET_OS = Weighted([("iPadOS", 65.0), ("Android", 35.0)])
WEB_OS = Weighted([("Windows", 55.0), ("macOS", 30.0), ("ChromeOS", 8.0), ("Linux", 2.0)])


def _other(sex: str) -> str:
    return "F" if sex == "M" else "M"


class HouseholdMaker:
    def __init__(self, population: Population) -> None:
        self.pop = population
        self.rng: Random = population.rng

    def make(self, index: int, forced: tuple[str, ...]) -> Household:
        rng = self.rng
        country = COUNTRIES.pick(rng)
        kind = HOUSEHOLD_KINDS.pick(rng)
        if "TWINS" in forced or "FATHER_SON" in forced:
            kind = "family"
        elif "SHARED_EMAIL" in forced and kind not in ("couple", "family", "multigen"):
            kind = "couple"
        elif ("SHARED_LANDLINE" in forced or "SHARED_DEVICE" in forced) and kind in (
            "single",
            "single_parent",
        ):
            kind = rng.choice(("couple", "family"))
        address = self.pop.address(country)
        household = Household(
            hid=f"H{index + 1:06d}", index=index, country=country, kind=kind, address=address, members=[]
        )
        household.forced = forced
        household.members = self._members(kind, forced)
        self._home(household)
        for person in household.members:
            self._equip(household, person)
        self._share(household)
        return household

    # --- who lives here

    def _members(self, kind: str, forced: tuple[str, ...]) -> list[Person]:
        rng, pop = self.rng, self.pop
        if kind == "single":
            low, high = SINGLE_AGES.pick(rng)
            sex = rng.choice("MF")
            return [pop.person(sex, pop.given_name(sex), pop.surname(), rng.randint(low, high), "HEAD")]
        if kind == "flatmates":
            mates: list[Person] = []
            surnames: list[str] = []
            for _ in range(rng.choice((2, 2, 3, 3, 4))):
                surname = pop.surname()
                while surname in surnames:
                    surname = pop.surname()
                surnames.append(surname)
                sex = rng.choice("MF")
                mates.append(pop.person(sex, pop.given_name(sex), surname, rng.randint(19, 36), "FLATMATE"))
            return mates
        if kind == "single_parent":
            sex = "F" if chance(rng, 0.85) else "M"
            age = rng.randint(22, 55)
            parent = pop.person(sex, pop.given_name(sex), pop.surname(), age, "HEAD")
            return [parent, *self._children(parent.family, age, rng.choice((1, 1, 2, 2, 3)), forced)]
        # couple, family, multigen
        if "TWINS" in forced:
            head_age = rng.randint(44, 62)
        elif "FATHER_SON" in forced:
            head_age = rng.randint(42, 66)
        elif kind == "couple":
            low, high = COUPLE_AGES.pick(rng)
            head_age = rng.randint(low, high)
        elif kind == "family":
            head_age = rng.randint(28, 58)
        else:
            head_age = rng.randint(36, 58)
        head_sex = "M" if "FATHER_SON" in forced else rng.choice("MF")
        couple = self._couple(head_sex, head_age, same_sex_ok=not {"FATHER_SON", "TWINS"} & set(forced))
        if kind == "couple":
            return couple
        younger = min(p.age() for p in couple)
        father = next((p for p in couple if p.sex == "M"), couple[0])
        mother = next((p for p in couple if p.sex == "F"), couple[-1])
        child_surname = father.family if "FATHER_SON" in forced else self._child_surname(father, mother)
        count = CHILD_COUNTS.pick(rng)
        members = list(couple)
        if "FATHER_SON" in forced:
            son_age = rng.randint(16, min(35, father.age() - 21))
            son = pop.person("M", father.given, father.family, son_age, "CHILD")
            son.nickname = father.nickname
            son.suffix = "Jr"
            members.append(son)
            father.complete = son.complete = True
            father.required.append("crm")
            son.required.append("crm")
            count = min(count, 3)
        if kind == "multigen":
            count = min(count, 2)
        children = self._children(child_surname, younger, count, forced)
        sons = [c for c in children if c.sex == "M" and c.age() >= 16 and c.family == father.family]
        if sons and father.sex == "M" and "FATHER_SON" not in forced and chance(rng, 0.04):
            sons[0].given, sons[0].nickname = father.given, father.nickname
            sons[0].suffix = "Jr" if chance(rng, 0.5) else None
        members.extend(children)
        if kind == "multigen":
            members.extend(self._grandparents(couple))
        return members[:6]

    def _couple(self, head_sex: str, head_age: int, same_sex_ok: bool) -> list[Person]:
        rng, pop = self.rng, self.pop
        same_sex = same_sex_ok and chance(rng, 0.06)
        partner_sex = head_sex if same_sex else _other(head_sex)
        shift = rng.gauss(2.5 if head_sex == "M" else -2.5, 3.5)
        partner_age = max(19, min(98, round(head_age - shift)))
        head = pop.person(head_sex, pop.given_name(head_sex), pop.surname(), head_age, "HEAD")
        partner = pop.person(partner_sex, pop.given_name(partner_sex), pop.surname(), partner_age, "PARTNER")
        if not same_sex and chance(rng, 0.65):
            husband, wife = (head, partner) if head.sex == "M" else (partner, head)
            earliest = max(add_years(wife.birth, 19), END_DAY - timedelta(days=365 * 40))
            married_on = random_date(rng, earliest, END_DAY - timedelta(days=30))
            if chance(rng, 0.85):
                wife.maiden = wife.family
                wife.family = husband.family
                wife.married_on = married_on
        return [head, partner]

    def _child_surname(self, father: Person, mother: Person) -> str:
        rng = self.rng
        if father.family == mother.family:
            return father.family
        roll = rng.random()
        if roll < 0.7:
            return father.family
        if roll < 0.95:
            return mother.family
        return f"{mother.family}-{father.family}"

    def _children(self, surname: str, parent_age: int, count: int, forced: tuple[str, ...]) -> list[Person]:
        rng, pop = self.rng, self.pop
        oldest = max(0, min(parent_age - 18, 30))
        children: list[Person] = []
        given_names: list[str] = []

        def child(sex: str, given: str, age: int) -> Person:
            given_names.append(given)
            return pop.person(sex, given, surname, age, "CHILD")

        twins = "TWINS" in forced or (chance(rng, 0.015 * count) and oldest >= 0)
        if twins:
            age = rng.randint(16, max(16, oldest)) if "TWINS" in forced else rng.randint(0, oldest)
            if chance(rng, 0.5):
                sex, first, second = rng.choice(names.TWIN_NAMES)
                pair = [child(sex, first, age), child(sex, second, age)]
            else:
                first_sex, second_sex = rng.choice("MF"), rng.choice("MF")
                first = pop.given_name(first_sex)
                second = pop.given_name(second_sex)
                while second == first:
                    second = pop.given_name(second_sex)
                pair = [child(first_sex, first, age), child(second_sex, second, age)]
            pair[1].birth = pair[0].birth
            for twin in pair:
                twin.complete = True
                if "TWINS" in forced:
                    twin.required.append("crm")
            children.extend(pair)
            count = max(0, count - 2)
        for _ in range(count):
            sex = rng.choice("MF")
            given = pop.given_name(sex)
            while given in given_names:
                given = pop.given_name(sex)
            children.append(child(sex, given, rng.randint(0, oldest)))
        return children

    def _grandparents(self, couple: list[Person]) -> list[Person]:
        rng, pop = self.rng, self.pop
        child = rng.choice(couple)
        surname = child.maiden or child.family
        age = min(98, child.age() + rng.randint(22, 38))
        sex = "F" if chance(rng, 0.6) else "M"
        first = pop.person(sex, pop.given_name(sex), surname, age, "GRANDPARENT")
        if chance(rng, 0.35) and age < 92:
            other_age = min(98, age + rng.randint(-4, 4))
            second = pop.person(_other(sex), pop.given_name(_other(sex)), surname, other_age, "GRANDPARENT")
            return [first, second]
        return [first]

    # --- the home and its shared things

    def _home(self, household: Household) -> None:
        rng, pop = self.rng, self.pop
        oldest = max(p.age() for p in household.members)
        base, old = {"GB": (0.15, 0.45), "AU": (0.1, 0.35), "US": (0.06, 0.3)}[household.country]
        forced = household.forced
        if (
            "TWINS" in forced
            or "SHARED_LANDLINE" in forced
            or chance(rng, base + (old if oldest >= 55 else 0))
        ):
            household.landline = pop.landline(household.address)
        if "SHARED_LANDLINE" in forced:
            for person in household.members[:2]:
                person.complete = True
                person.required.append("crm")
        if chance(rng, 0.12) and oldest >= 25:
            household.moved_on = random_date(
                rng, END_DAY - timedelta(days=365 * 6), END_DAY - timedelta(days=60)
            )
            household.previous = pop.address(household.country, near=household.address)
            if household.landline is not None or chance(rng, 0.3):
                household.previous_landline = pop.landline(household.previous)

    def _equip(self, household: Household, person: Person) -> None:
        """Email, phone, devices, customer-since date and the systems that know this person."""
        rng, pop = self.rng, self.pop
        country = household.country
        age = person.age()
        if age >= 13 and chance(rng, 0.75 if age < ADULT else 0.7 if age >= 80 else 0.93):
            person.email = pop.email(person, country)
            if age >= ADULT and chance(rng, 0.15):
                person.alt_email = pop.email(person, country)
        if age >= 11 and chance(rng, 0.8 if age < ADULT else 0.7 if age >= 80 else 0.95):
            person.mobile = pop.mobile(household.address)
        if age >= 13:
            if person.mobile is not None:
                person.app_devices.append(pop.device("MOBILE", MOBILE_OS[country]))
            if chance(rng, 0.12):
                person.app_devices.append(pop.device("TABLET", TABLET_OS))
            if chance(rng, 0.6):
                person.web_devices.append(pop.device(rng.choice(("DESKTOP", "LAPTOP")), WEB_OS))
        # customer since: not before 13 (4 for the kids' club), half of them within the last 3 years
        floor = add_years(person.birth, 13 if age >= 13 else 4)
        if chance(rng, 0.5):
            since = random_date(rng, END_DAY - timedelta(days=365 * 3), END_DAY - timedelta(days=20))
        else:
            since = random_date(rng, END_DAY - timedelta(days=365 * 12), END_DAY - timedelta(days=365 * 3))
        person.since = min(max(since, floor), END_DAY - timedelta(days=20))
        person.lapsed = chance(rng, 0.12)
        # legacy records: older ones under a previous address or a maiden name
        if age >= ADULT and household.moved_on is not None and chance(rng, 0.45):
            self._legacy(person, "MOVED", household.moved_on)
        elif (
            person.maiden
            and person.married_on
            and person.married_on > END_DAY - timedelta(days=365 * 8)
            and chance(rng, 0.5)
        ):
            self._legacy(person, "MARRIED_NAME", person.married_on)

    def _legacy(self, person: Person, kind: str, event: date) -> None:
        rng = self.rng
        adult_from = add_years(person.birth, ADULT)
        latest = event - timedelta(days=60)
        if latest <= adult_from or (person.email is None and person.mobile is None):
            return
        person.legacy = kind
        person.since = min(
            person.since, random_date(rng, max(adult_from, latest - timedelta(days=1500)), latest)
        )
        person.required.append("crm")

    def _share(self, household: Household) -> None:
        """Family email, shared tablet, junk values, and the systems each member appears in."""
        rng, pop = self.rng, self.pop
        members = household.members
        forced = household.forced
        adults = [p for p in members if p.age() >= ADULT]
        if (
            len(adults) >= 2
            and household.kind in ("couple", "family", "multigen")
            and ("SHARED_EMAIL" in forced or chance(rng, 0.08))
        ):
            couple = adults[:2]
            household.family_email = pop.family_email(couple, household.country)
            for person in couple:
                person.shared_email = household.family_email
                if "SHARED_EMAIL" in forced:
                    person.complete = True
                    person.required.append("crm")
        users = [p for p in members if p.age() >= 13]
        if len(users) >= 2 and ("SHARED_DEVICE" in forced or chance(rng, 0.06)):
            tablet = pop.device("TABLET", TABLET_OS)
            household.shared_tablet = tablet
            for person in rng.sample(users, 2):
                person.app_devices.append(tablet)
                person.required.append("app")
        if "JUNK_PHONE" in forced:
            adults[0].junk_phone = True
            adults[0].required.append("store")
        if "JUNK_EMAIL" in forced:
            adults[-1].junk_email = True
            adults[-1].required.append("crm")
        for person in members:
            person.sources = self._sources(household, person)

    def _sources(self, household: Household, person: Person) -> list[str]:
        rng = self.rng
        age = person.age()
        if age < 13:
            chosen = ["store"] if age >= 4 and chance(rng, KIDS_CLUB_RATE) else []
            return [*chosen, *(s for s in person.required if s not in chosen)]
        taste = next(weights for limit, weights in SOURCE_TASTE if age < limit)
        has_email = bool(person.email or person.shared_email)
        has_phone = person.mobile is not None or household.landline is not None
        eligible = {
            source: weight
            for source, weight in taste.items()
            if (source not in ("webshop", "newsletter") or has_email)
            and (source != "callcentre" or has_phone)
            and (source != "app" or person.app_devices)
            and (source != "social" or has_email or person.mobile is not None)  # to sign up with
        }
        chosen = []
        for _ in range(min(SOURCE_COUNTS.pick(rng), len(eligible))):
            pool = eligible if chosen else {s: w for s, w in eligible.items() if s in ACCOUNTS}
            source = Weighted(pool.items()).pick(rng)
            chosen.append(source)
            del eligible[source]
        for source in person.required:
            if source not in chosen:
                chosen.append(source)
        return chosen
