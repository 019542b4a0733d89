"""What each source system recorded about a person, with that system's habits and mistakes.

- `crm`: the fullest record: legal name, birth date, address, email, phones, loyalty card.
- `webshop`: what customers type at checkout: email, a name often in lower case, an address, a cookie.
- `app`: email, devices (MOBILE/TABLET), often the first name only; a delivery address when the app
  is where the person shops.
- `callcentre`: a phone number (one on file) and a name as heard (nicknames, sound-alikes, typos); the
  country of the line called when there is no postcode.
- `store`: the loyalty card, often "J" + surname in capitals, a postcode (the full name and the street
  line the card was registered with, when the card is the account the business knows the person by).
- `social`: a handle and a display name; the handle is often the login of the app or webshop account.
- `newsletter`: an email address the person uses elsewhere too, maybe a first name.

Every record shares at least one identifier with another record of the same person (see `links`).
Every person has an account in one of `ACCOUNTS`, and the first of those they have keeps their address:
at least one of their current records shows the street address of the home they live in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from service.demo import dirt, names
from service.demo.links import Linker, evidence_key
from service.demo.people import (
    ADULT,
    END,
    PROFILE_ORDER,
    Address,
    Household,
    Person,
    Phone,
    Population,
    Rec,
    chance,
    email_token,
)

CRM_CONSENTS = (
    ("EMAIL", "MARKETING"),
    ("SMS", "MARKETING"),
    ("PHONE", "MARKETING"),
    ("MAIL", "MARKETING"),
    ("EMAIL", "SERVICE"),
    ("EMAIL", "PROFILING"),
)
WEBSHOP_CONSENTS = (
    ("EMAIL", "MARKETING"),
    ("SMS", "MARKETING"),
    ("EMAIL", "PROFILING"),
    ("EMAIL", "SERVICE"),
)
APP_CONSENTS = (("PUSH", "MARKETING"), ("PUSH", "SERVICE"), ("PUSH", "PROFILING"))
STORE_CONSENTS = (("SMS", "MARKETING"), ("MAIL", "MARKETING"))
SOCIAL_PLATFORMS = ("instagram", "instagram", "facebook", "x", "tiktok")
APP_VERSIONS = ("6.8.2", "7.0.1", "7.1.0", "7.2.3", "7.3.1")
SOCIAL_LOGIN = 0.5  # app and webshop accounts of people on social media opened with the social login
# Rendered last, so that they can show what the person's other records show: the call centre finds a
# caller by a number on file, the newsletter is signed up with an address the person uses elsewhere.
LATE = {"callcentre": 1, "newsletter": 2}
# The systems that keep an address for a customer, best first: the CRM's file, the web shop's delivery
# address, the loyalty card's registration, the app's delivery address, an order taken on the phone.
# Everyone is a customer of one at least (newsletters and social profiles come on top, see
# `households.HouseholdMaker._sources`), and the first of them a person has shows their home.
ACCOUNTS = ("crm", "webshop", "store", "app", "callcentre")


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


@dataclass(frozen=True, slots=True)
class View:
    """What was true when a record was last written."""

    observed: datetime
    address: Address
    family: str
    landline: Phone | None
    legacy: bool
    home: bool = False  # the person's address-keeping account: shows the street address of the home


class Renderer:
    def __init__(self, rng: Random, population: Population) -> None:
        self.rng = rng
        self.pop = population
        self._counters: dict[str, int] = {}
        self.linker = Linker(rng)

    def _next(self, source: str) -> int:
        count = self._counters.get(source, 0) + 1
        self._counters[source] = count
        return count

    def _source_id(self, source: str) -> str:
        n = self._next(source)
        if source == "crm":
            return f"C-{n:07d}"
        if source == "webshop":
            return f"W{n:07d}"
        if source == "app":
            return f"{self.rng.getrandbits(64):016x}"
        if source == "callcentre":
            return f"CC-{n:06d}"
        if source == "store":
            return f"S-{n:07d}"
        if source == "social":
            return str(10**12 + (n * 104_729) % 10**12)
        return f"N-{n:07d}"

    # --- per person

    def person(self, household: Household, person: Person) -> None:
        """Renders all the records of a person (an older, legacy record first) onto `person.records`."""
        rng = self.rng
        if "store" in person.sources:
            person.loyalty = self.pop.loyalty()
        if "webshop" in person.sources:
            person.account = self._source_id("webshop")
        if "social" in person.sources and person.handle is None:
            person.handle = self.pop.handle(person)
        if person.legacy:
            self._legacy(household, person)
        start = _day_start(person.since)
        for event in (household.moved_on, person.married_on):
            if event is not None:
                start = max(start, _day_start(event))
        start = min(start, END - timedelta(days=2))
        span = int((END - start).total_seconds())
        keeper = next((source for source in ACCOUNTS if source in person.sources), None)
        for source in sorted(person.sources, key=lambda source: LATE.get(source, 0)):
            observed = start + timedelta(seconds=rng.randrange(span))
            home = source == keeper
            view = View(observed, household.address, person.family, household.landline, False, home)
            self._render(household, person, source, view)
        self.linker.link(household, person)

    def _legacy(self, household: Household, person: Person) -> None:
        rng = self.rng
        event = household.moved_on if person.legacy == "MOVED" else person.married_on
        assert event is not None
        start = _day_start(person.since)
        latest = _day_start(event) - timedelta(days=30)
        observed = start + timedelta(seconds=rng.randrange(max(1, int((latest - start).total_seconds()))))
        moved = household.moved_on is not None and observed.date() < household.moved_on
        address = household.previous if moved and household.previous else household.address
        landline = household.previous_landline if moved else household.landline
        if person.legacy == "MARRIED_NAME" and not moved:
            # before the wedding she lived elsewhere, usually in the same town
            address, landline = self.pop.address(household.country, near=household.address), None
        family = (
            person.maiden
            if person.maiden and person.married_on and observed.date() < person.married_on
            else None
        )
        view = View(observed, address, family or person.family, landline, legacy=True)
        if person.legacy == "MARRIED_NAME":
            source = "crm" if chance(rng, 0.7) or person.mobile is None else "callcentre"
        else:
            source = "crm" if chance(rng, 0.65) or not person.email else "webshop"
        self._render(household, person, source, view)

    def _render(self, household: Household, person: Person, source: str, view: View) -> Rec:
        if source == "webshop" and not view.legacy and person.account:
            source_id = person.account
        else:
            source_id = self._source_id(source)
        profile: dict[str, Any] = {
            "type": "profile",
            "source": source,
            "sourceId": source_id,
            "observedAt": stamp(view.observed),
        }
        rec = Rec(f"{source}:{source_id}", source, source_id, profile, set(), legacy=view.legacy)
        identifiers: list[dict[str, str]] = []
        render = getattr(self, f"_{source}")
        render(household, person, view, profile, identifiers, rec)
        if identifiers:
            profile["identifiers"] = identifiers
        rec.profile = {key: profile[key] for key in PROFILE_ORDER if key in profile}
        person.records.append(rec)
        return rec

    # --- shared pieces

    def _add(self, identifiers: list[dict[str, str]], rec: Rec, kind: str, value: str, token: str) -> None:
        identifiers.append({"kind": kind, "value": value})
        rec.tokens.add(token)
        key = evidence_key(rec, kind, value, token)
        if key is not None:
            rec.evidence.append(key)

    def _email(
        self,
        person: Person,
        source: str,
        identifiers: list[dict[str, str]],
        rec: Rec,
        dirty: float,
        used: bool = False,
    ) -> None:
        """One of the person's emails (or their family's); with `used`, one already on their records."""
        rng = self.rng
        value = person.email
        if person.alt_email and source in ("webshop", "newsletter", "app") and chance(rng, 0.4):
            value = person.alt_email
        own = True
        maiden = rec.legacy and person.legacy == "MARRIED_NAME"  # no family email before the wedding
        if (
            person.shared_email
            and not maiden
            and (value is None or source in ("crm", "newsletter") or chance(rng, 0.6))
        ):
            value, own = person.shared_email, False
        if used and (value is None or not _on_records(person, email_token(value))):
            emails = (person.email, person.alt_email, person.shared_email)
            known = [email for email in emails if email and _on_records(person, email_token(email))]
            if known:
                value = rng.choice(known)
                own = value != person.shared_email
        if value is None:
            return
        shown = dirt.email(rng, value, dirty)
        self._add(identifiers, rec, "EMAIL", shown, email_token(value))
        if own:
            person.own_emails.append(shown.strip())

    def _mobile(
        self, person: Person, identifiers: list[dict[str, str]], rec: Rec, international: float
    ) -> None:
        if person.mobile is None:
            return
        shown = dirt.phone(self.rng, person.mobile, international)
        self._add(identifiers, rec, "PHONE", shown, person.mobile.token)
        person.own_phones.append(shown)

    def _social_login(self, person: Person, view: View, identifiers: list[dict[str, str]], rec: Rec) -> None:
        if (
            person.handle
            and "social" in person.sources
            and not view.legacy
            and chance(self.rng, SOCIAL_LOGIN)
        ):
            self._add(identifiers, rec, "SOCIAL_HANDLE", person.handle, "HANDLE:" + person.handle)

    def _junk(self, identifiers: list[dict[str, str]], rec: Rec, kind: str, value: str) -> None:
        identifiers.append({"kind": "PHONE" if kind == "JUNK_PHONE" else "EMAIL", "value": value})
        rec.junk.append((kind, value))

    def _birth(self, person: Person, profile: dict[str, Any], rec: Rec, country: str, dirty: float) -> None:
        profile["birthDate"] = dirt.birth_date(
            self.rng, person.birth, country, 0.0 if person.complete else dirty
        )
        rec.tokens.add("DOB")

    def _consents(
        self, person: Person, view: View, pairs: tuple[tuple[str, str], ...], share: float = 0.85
    ) -> list[dict[str, Any]]:
        rng = self.rng
        minor = person.age(view.observed.date()) < 16
        earliest = _day_start(person.since)
        spread = max(1, int((view.observed - earliest).total_seconds()))
        consents = []
        for channel, purpose in pairs:
            if not chance(rng, share):
                continue
            if purpose == "SERVICE":
                granted = chance(rng, 0.95)
            elif purpose == "MARKETING":
                granted = not minor and chance(rng, person.consent_bias)
            else:
                granted = not minor and chance(rng, person.consent_bias * 0.8)
            at = view.observed - timedelta(seconds=rng.randrange(spread))
            consents.append({"channel": channel, "purpose": purpose, "granted": granted, "at": stamp(at)})
        return consents

    def _given(self, person: Person, nickname: float) -> str:
        if person.nickname and chance(self.rng, nickname):
            return person.nickname
        return person.given

    def _segment(self, person: Person) -> str:
        if person.lapsed:
            return "lapsed"
        if person.since > END.date() - timedelta(days=180):
            return "new"
        if person.interactions >= 10:
            return "gold"
        return "silver" if person.interactions >= 5 else "bronze"

    # --- the systems

    def _crm(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        full = person.complete or view.legacy or bool(person.legacy)
        family = view.family
        if person.suffix and chance(rng, 0.4):
            family = f"{family} {rng.choice(('Jr', 'Jr.', 'Junior'))}"
        given = person.given
        roll = rng.random()
        if roll < 0.04:
            given, family = given.upper(), family.upper()
        elif roll < 0.06:
            given, family = given.lower(), family.lower()
        profile["givenName"] = given
        profile["familyName"] = family
        rec.tokens.add("NAME")
        if full or chance(rng, 0.85):
            self._birth(person, profile, rec, household.country, 0.0 if person.complete else 0.04)
        gender = person.sex
        if chance(rng, 0.06):
            gender = rng.choice((gender.lower(), "Male" if gender == "M" else "Female", "U"))
        profile["gender"] = gender
        if full or view.home or chance(rng, 0.95):
            profile["address"] = dirt.address(rng, view.address, "full")
            rec.tokens.add("ADDR")
        if person.junk_email and not view.legacy:
            self._junk(identifiers, rec, "JUNK_EMAIL", "noemail@example.com")
        elif full or chance(rng, 0.9):
            self._email(person, "crm", identifiers, rec, 0.1)
        if not person.email and not person.shared_email and not person.junk_email and chance(rng, 0.3):
            self._junk(identifiers, rec, "JUNK_EMAIL", "noemail@example.com")
        if full or chance(rng, 0.85):
            self._mobile(person, identifiers, rec, 0.25)
        if view.landline is not None and (person.complete or chance(rng, 0.7)):
            self._add(identifiers, rec, "PHONE", dirt.phone(rng, view.landline, 0.1), view.landline.token)
        if person.mobile is None and view.landline is None and chance(rng, 0.2):
            self._junk(identifiers, rec, "JUNK_PHONE", rng.choice(names.JUNK_PHONES))
        if person.loyalty and chance(rng, 0.6):
            self._add(identifiers, rec, "LOYALTY_ID", person.loyalty, "LOYALTY:" + person.loyalty)
        if person.account and chance(rng, 0.25):
            self._add(identifiers, rec, "ACCOUNT_ID", person.account, "ACCOUNT:" + person.account)
        consents = self._consents(person, view, CRM_CONSENTS)
        if consents:
            profile["consents"] = consents
        attributes: dict[str, Any] = {
            "segment": self._segment(person),
            "customerSince": person.since.isoformat(),
        }
        if person.nickname and chance(rng, 0.3):
            attributes["preferredName"] = person.nickname
        profile["attributes"] = attributes

    def _webshop(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        given = self._given(person, 0.1)
        family = view.family
        if chance(rng, 0.03):
            given = dirt.typo(rng, given)
        roll = rng.random()
        if roll < 0.15:
            given, family = given.lower(), family.lower()
        elif roll < 0.18:
            given, family = given.upper(), family.upper()
        profile["givenName"] = dirt.stray_spaces(rng, given, 0.03)
        if chance(rng, 0.95):
            profile["familyName"] = dirt.typo(rng, family) if chance(rng, 0.02) else family
            rec.tokens.add("NAME")
        if chance(rng, 0.08):
            self._birth(person, profile, rec, household.country, 0.05)
        if view.legacy or view.home or chance(rng, 0.85):
            profile["address"] = dirt.address(rng, view.address, "typed")
            rec.tokens.add("ADDR")
        if person.email or person.shared_email:
            if chance(rng, 0.012):
                self._junk(
                    identifiers,
                    rec,
                    "JUNK_EMAIL",
                    rng.choice(("test@test.com", "test@test.com", "no@email.com")),
                )
            else:
                self._email(person, "webshop", identifiers, rec, 0.25)
        if chance(rng, 0.5):
            self._mobile(person, identifiers, rec, 0.25)
        self._add(identifiers, rec, "ACCOUNT_ID", rec.source_id, "ACCOUNT:" + rec.source_id)
        self._social_login(person, view, identifiers, rec)
        if chance(rng, 0.8):
            cookie = f"ck-{rng.getrandbits(64):016x}"
            self._add(identifiers, rec, "COOKIE_ID", cookie, "COOKIE:" + cookie)
        if person.web_devices and chance(rng, 0.6):
            profile["devices"] = [device.as_json() for device in person.web_devices]
            person.shown_devices["WEB"] = [device.id for device in person.web_devices]
        consents = self._consents(person, view, WEBSHOP_CONSENTS)
        if consents:
            profile["consents"] = consents
        profile["attributes"] = {"accountCreated": person.since.isoformat()}

    def _app(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        if chance(rng, 0.8):
            profile["givenName"] = dirt.case(rng, self._given(person, 0.3), lower=0.1)
            if chance(rng, 0.45):
                profile["familyName"] = view.family
                rec.tokens.add("NAME")
        if chance(rng, 0.15):
            self._birth(person, profile, rec, household.country, 0.02)
        if view.home:
            profile["address"] = dirt.address(rng, view.address, "typed")
            rec.tokens.add("ADDR")
        if chance(rng, 0.95):
            self._email(person, "app", identifiers, rec, 0.1)
        for device in person.app_devices:
            self._add(identifiers, rec, "DEVICE_ID", device.id, "DEVICE:" + device.id)
        self._social_login(person, view, identifiers, rec)
        if person.app_devices:
            profile["devices"] = [device.as_json() for device in person.app_devices]
            person.shown_devices["APP"] = [device.id for device in person.app_devices]
        consents = self._consents(person, view, APP_CONSENTS)
        if consents:
            profile["consents"] = consents
        platform = person.app_devices[0].os if person.app_devices else "iOS"
        profile["attributes"] = {"appVersion": rng.choice(APP_VERSIONS), "platform": platform}

    def _callcentre(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        given = dirt.heard(rng, self._given(person, 0.35), 0.3)
        if chance(rng, 0.15):
            given = dirt.typo(rng, given)
        family = dirt.heard(rng, view.family, 0.3)
        if chance(rng, 0.12):
            family = dirt.typo(rng, family)
        roll = rng.random()
        if roll < 0.1:
            given, family = given.upper(), family.upper()
        elif roll < 0.15:
            given, family = given.lower(), family.lower()
        profile["givenName"] = given
        if chance(rng, 0.97):
            profile["familyName"] = family
            rec.tokens.add("NAME")
        if view.legacy or chance(rng, 0.35):
            self._birth(person, profile, rec, household.country, 0.06)
        if chance(rng, 0.25):
            profile["gender"] = person.sex
        if view.home:  # taken down with an order
            profile["address"] = dirt.address(rng, view.address, "full")
            rec.tokens.add("ADDR")
        elif chance(rng, 0.3):
            profile["address"] = dirt.address(rng, view.address, "short")
        elif household.country != "GB":
            profile["address"] = {"country": view.address.country}  # the country's line they called
        # caller id, or the number the caller gives: one on file when there is one
        landline = None if view.legacy else view.landline
        on_file = [p for p in (landline, person.mobile) if p is not None and _on_records(person, p.token)]
        if on_file:
            landline = landline if landline in on_file else None
        if chance(rng, 0.007) and not view.legacy:
            self._junk(identifiers, rec, "JUNK_PHONE", rng.choice(names.JUNK_PHONES))
        elif landline is not None and (
            person.mobile is None or (on_file and person.mobile not in on_file) or chance(rng, 0.5)
        ):
            shown = dirt.phone(rng, landline, 0.03)
            self._add(identifiers, rec, "PHONE", shown, landline.token)
        else:
            self._mobile(person, identifiers, rec, 0.05)
        if chance(rng, 0.2):
            self._email(person, "callcentre", identifiers, rec, 0.3)
        if chance(rng, 0.4):
            consents = self._consents(person, view, (("PHONE", "MARKETING"),), share=1.0)
            if consents:
                profile["consents"] = consents
        profile["attributes"] = {"verified": chance(rng, 0.7)}

    def _store(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        loyalty = person.loyalty or self.pop.loyalty()
        card = f"{loyalty[:4]} {loyalty[4:8]} {loyalty[8:]}" if chance(rng, 0.1) else loyalty
        self._add(identifiers, rec, "LOYALTY_ID", card, "LOYALTY:" + loyalty)
        if person.age(view.observed.date()) < 13:
            # the kids' club: the child's own card, the parent's phone to contact
            profile["givenName"] = person.given
            profile["familyName"] = view.family
            rec.tokens.add("NAME")
            self._birth(person, profile, rec, household.country, 0.02)
            style = "full" if chance(rng, 0.6) else "till"  # the club's form, or the till's
            profile["address"] = dirt.address(rng, view.address, style)
            rec.tokens.add("ADDR")
            parent = next((p for p in household.members if p.age() >= ADULT and p.mobile), None)
            if parent is not None and parent.mobile is not None:
                self._add(identifiers, rec, "PHONE", dirt.phone(rng, parent.mobile, 0.1), parent.mobile.token)
            profile["attributes"] = {"club": "kids", "homeStore": view.address.locality}
            return
        given = self._given(person, 0.1)
        if not view.home and chance(rng, 0.35):  # a card registered with an address has the full name
            given = given[0] + ("." if chance(rng, 0.4) else "")
        family = view.family
        if chance(rng, 0.3):
            given, family = given.upper(), family.upper()
        profile["givenName"] = given
        profile["familyName"] = family
        rec.tokens.add("NAME")
        if chance(rng, 0.12):
            self._birth(person, profile, rec, household.country, 0.05)
        if view.home:  # the card's registration at the till
            profile["address"] = dirt.address(rng, view.address, "till")
            rec.tokens.add("ADDR")
        elif chance(rng, 0.4):
            profile["address"] = dirt.address(rng, view.address, "short")
        if person.junk_phone and not view.legacy:
            self._junk(identifiers, rec, "JUNK_PHONE", "0000000000")
        elif chance(rng, 0.015):
            self._junk(identifiers, rec, "JUNK_PHONE", rng.choice(names.JUNK_PHONES))
        elif chance(rng, 0.3):
            self._mobile(person, identifiers, rec, 0.1)
        if chance(rng, 0.01):
            self._junk(identifiers, rec, "JUNK_EMAIL", rng.choice(names.JUNK_EMAILS))
        elif chance(rng, 0.35):
            self._email(person, "store", identifiers, rec, 0.2)
        consents = self._consents(person, view, STORE_CONSENTS, share=0.6)
        if consents:
            profile["consents"] = consents
        profile["attributes"] = {"club": "rewards", "homeStore": view.address.locality}

    def _social(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        if person.handle is None:
            person.handle = self.pop.handle(person)
        given = self._given(person, 0.5)
        display = rng.choice(
            (
                f"{given} {view.family}",
                f"{given} {view.family}",
                f"{given} {view.family[0]}.",
                given,
                f"{given.lower()} {view.family.lower()}",
                person.handle[1:],
            )
        )
        words = display.split(" ")
        if words[0].isalpha():
            profile["givenName"] = words[0]
            if len(words) > 1 and not words[1].endswith("."):
                profile["familyName"] = " ".join(words[1:])
                rec.tokens.add("NAME")
        if chance(rng, 0.2):
            profile["address"] = {"locality": view.address.locality, "country": view.address.country}
        self._add(identifiers, rec, "SOCIAL_HANDLE", person.handle, "HANDLE:" + person.handle)
        if chance(rng, 0.1):
            self._email(person, "social", identifiers, rec, 0.1)
        followers = min(250_000, int(rng.paretovariate(1.1) * 40))
        profile["attributes"] = {
            "displayName": display,
            "platform": rng.choice(SOCIAL_PLATFORMS),
            "followers": followers,
        }

    def _newsletter(
        self,
        household: Household,
        person: Person,
        view: View,
        profile: dict[str, Any],
        identifiers: list[dict[str, str]],
        rec: Rec,
    ) -> None:
        rng = self.rng
        if chance(rng, 0.5):
            profile["givenName"] = dirt.case(rng, self._given(person, 0.2), lower=0.25)
        self._email(person, "newsletter", identifiers, rec, 0.3, used=True)
        subscribed = max(_day_start(person.since), view.observed - timedelta(days=rng.randrange(1, 900)))
        consents = [{"channel": "EMAIL", "purpose": "MARKETING", "granted": True, "at": stamp(subscribed)}]
        if chance(rng, 0.12):
            consents.append(
                {"channel": "EMAIL", "purpose": "MARKETING", "granted": False, "at": stamp(view.observed)}
            )
        profile["consents"] = consents
        profile["attributes"] = {"list": rng.choice(("weekly", "offers", "weekly", "back-to-school"))}


def _on_records(person: Person, token: str) -> bool:
    """Whether a matcher can read the identifier off one of the person's records so far."""
    return any(token in rec.evidence for rec in person.records)
