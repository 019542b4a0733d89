"""Linking evidence: every record of a person shares an identifier with another of their records.

Real systems are joined up, if untidily: people log in to the app or the webshop with their social
profile, sign up to the newsletter with an address they use elsewhere, have their loyalty card
registered in the CRM or give their number at the till, and the call centre finds callers by phone.
`Linker.link` runs once a person's records are rendered. While some of them share no identifier with
the others (as a matcher reads them, see `evidence_key`), it adds what that source would plausibly
have recorded, in the source's own style and dirt:

- social: the handle on the app or webshop account (social login), else an email on the profile (for
  the few with neither, the handle noted on the crm record by the social-care team, or the mobile);
- newsletter: the address is also on a crm, webshop or app record (or given at the till or on the phone);
- store: the card registered in the crm, else the phone or the email given at the till;
- callcentre: a number the person has on another record, or a callback number;
- app, webshop: the loyalty card or the webshop account in the app, the login email kept in the crm;
- crm: the phones, emails, card and account of the person's other records.

Only the person's own identifiers, or their household's landline and family email when already on
their records, are added: the traps between different people stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random

from service.demo import dirt
from service.demo.people import PROFILE_ORDER, Household, Person, Phone, Rec, chance, email_token

LOGIN_FIRST = 0.8  # an unlinked social profile: the login on the app or webshop first, else an email
EMAIL_DIRT = {
    "crm": 0.1,
    "webshop": 0.25,
    "app": 0.1,
    "store": 0.2,
    "callcentre": 0.3,
    "social": 0.1,
    "newsletter": 0.3,
}
PHONE_INTERNATIONAL = {
    "crm": 0.25,
    "webshop": 0.25,
    "app": 0.25,
    "store": 0.1,
    "callcentre": 0.05,
    "social": 0.25,
}
# The records that can be given an identifier of a kind, best first.
HOLDERS = {
    "EMAIL": ("crm", "webshop", "app", "store", "callcentre", "social"),
    "PHONE": ("crm", "store", "webshop", "callcentre", "app", "social"),
    "LOYALTY_ID": ("crm", "app", "webshop"),
    "ACCOUNT_ID": ("crm", "app"),
    "SOCIAL_HANDLE": ("app", "webshop", "crm"),
}
LOGIN = ("app", "webshop")
# How a record with nothing in common with the others gets linked, first that applies:
# "give" it an identifier another record has, "take" one of its own onto another record, "bridge"
# (put one of the person's identifiers on both), "swap" its one email for one used elsewhere. "login"
# is "take" onto an app or webshop account only.
MOVES: dict[str, tuple[tuple[str, str], ...]] = {
    "social": (
        ("login", "SOCIAL_HANDLE"),
        ("give", "EMAIL"),
        ("bridge", "EMAIL"),
        ("take", "SOCIAL_HANDLE"),
        ("give", "PHONE"),
        ("bridge", "PHONE"),
    ),
    "newsletter": (("take", "EMAIL"), ("swap", "EMAIL")),
    "store": (
        ("take", "LOYALTY_ID"),
        ("give", "PHONE"),
        ("take", "PHONE"),
        ("give", "EMAIL"),
        ("take", "EMAIL"),
        ("bridge", "PHONE"),
        ("bridge", "EMAIL"),
    ),
    "callcentre": (
        ("give", "PHONE"),
        ("take", "PHONE"),
        ("give", "EMAIL"),
        ("take", "EMAIL"),
        ("bridge", "EMAIL"),
    ),
    "app": (
        ("give", "LOYALTY_ID"),
        ("give", "ACCOUNT_ID"),
        ("give", "EMAIL"),
        ("take", "EMAIL"),
        ("give", "PHONE"),
        ("swap", "EMAIL"),
        ("bridge", "PHONE"),
        ("bridge", "EMAIL"),
    ),
    "webshop": (
        ("take", "EMAIL"),
        ("give", "EMAIL"),
        ("take", "ACCOUNT_ID"),
        ("give", "LOYALTY_ID"),
        ("give", "PHONE"),
        ("take", "PHONE"),
        ("swap", "EMAIL"),
        ("bridge", "PHONE"),
        ("bridge", "EMAIL"),
    ),
    "crm": (
        ("give", "PHONE"),
        ("give", "EMAIL"),
        ("give", "LOYALTY_ID"),
        ("give", "ACCOUNT_ID"),
        ("take", "PHONE"),
        ("take", "EMAIL"),
        ("bridge", "PHONE"),
        ("bridge", "EMAIL"),
    ),
}

Value = str | Phone


def _has_country(rec: Rec) -> bool:
    return "country" in (rec.profile.get("address") or {})


def evidence_key(rec: Rec, kind: str, value: str, token: str) -> str | None:
    """The token of an identifier as a matcher reads it off this record, or None when it cannot.

    A phone written without its country code is read in the record's country, or as a British number
    when the record has no address (CONTRACT.md, `KITH_DEFAULT_REGION`): an Australian or American
    number written the local way on such a record links to nothing. A loyalty card written in groups
    ("6337 0017 4218") is only the same as the same card written the same way.
    """
    if kind == "PHONE":
        if token.startswith("PHONE:GB:") or value.lstrip().startswith("+") or _has_country(rec):
            return token
        return None
    if kind == "LOYALTY_ID" and value.strip() != token.removeprefix("LOYALTY:"):
        return _card_as_written(value)
    return token


def _card_as_written(value: str) -> str:
    return f"LOYALTY_AS_WRITTEN:{value.strip().upper()}"


def add_identifier(rec: Rec, kind: str, value: str, token: str) -> None:
    """Adds an identifier to a rendered record (whose profile may have had none)."""
    identifiers = rec.profile.get("identifiers")
    if identifiers is None:
        identifiers = []
        rec.profile["identifiers"] = identifiers
        rec.profile = {key: rec.profile[key] for key in PROFILE_ORDER if key in rec.profile}
    identifiers.append({"kind": kind, "value": value})
    rec.tokens.add(token)
    key = evidence_key(rec, kind, value, token)
    if key is not None:
        rec.evidence.append(key)


def _groups(records: list[Rec]) -> list[int]:
    """For each record, the index of a representative of the records it is linked to (transitively)."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, rec in enumerate(records):
        for key in rec.evidence:
            j = owner.setdefault(key, i)
            if j != i:
                parent[find(i)] = find(j)
    return [find(i) for i in range(len(records))]


def _anchor(records: list[Rec]) -> int:
    current = [i for i, rec in enumerate(records) if not rec.legacy]
    return next((i for i in current if records[i].source == "crm"), current[0] if current else 0)


class Linker:
    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._moves: dict[str, Callable[[Household, Person, Rec, list[Rec], str], bool]] = {
            "give": self._give,
            "take": self._take,
            "bridge": self._bridge,
            "swap": self._swap,
            "login": self._login,
        }

    def link(self, household: Household, person: Person) -> None:
        """Adds identifiers until all the person's records are linked, or nothing plausible is left."""
        records = person.records
        for _ in range(len(records) - 1):  # each repair joins two groups
            groups = _groups(records)
            anchor = groups[_anchor(records)]
            if all(group == anchor for group in groups):
                return
            # the records apart from the anchor's first, then the anchor's own (which may take or give)
            order = sorted(range(len(records)), key=lambda i: groups[i] == anchor)
            for i in order:
                others = [other for j, other in enumerate(records) if groups[j] != groups[i]]
                if self._repair(household, person, records[i], others):
                    break
            else:
                return

    def _repair(self, household: Household, person: Person, rec: Rec, others: list[Rec]) -> bool:
        moves = MOVES[rec.source]
        if rec.source == "social" and not chance(self.rng, LOGIN_FIRST):
            moves = (("give", "EMAIL"), *moves)
        return any(self._moves[move](household, person, rec, others, kind) for move, kind in moves)

    # --- what the person has, and who may record it

    def _values(self, household: Household, person: Person, kind: str) -> list[tuple[Value, str]]:
        """The person's identifiers of a kind with their tokens, their own first."""
        if kind == "EMAIL":
            emails = (person.email, person.alt_email, person.shared_email)
            return [(email, email_token(email)) for email in emails if email]
        if kind == "PHONE":
            phones = (person.mobile, household.landline, household.previous_landline)
            return [(phone, phone.token) for phone in phones if phone is not None]
        if kind == "LOYALTY_ID":
            if not person.loyalty:
                return []
            # the card as the till printed it, and as someone copied it in groups of four
            values: list[tuple[Value, str]] = [(person.loyalty, "LOYALTY:" + person.loyalty)]
            for rec in person.records:
                for item in rec.profile.get("identifiers", ()):
                    if item["kind"] == kind and item["value"].strip() != person.loyalty:
                        values.append((item["value"], _card_as_written(item["value"])))
            return values
        if kind == "ACCOUNT_ID":
            accounts = [rec.source_id for rec in person.records if rec.source == "webshop"]
            return [(account, "ACCOUNT:" + account) for account in accounts]
        return [(person.handle, "HANDLE:" + person.handle)] if person.handle else []

    def _accepts(self, person: Person, rec: Rec, kind: str, value: Value) -> bool:
        """Whether the source would record this identifier too (one login email, one card, ...)."""
        if rec.source not in HOLDERS[kind] or (kind == "SOCIAL_HANDLE" and rec.legacy):
            return False
        if value == person.shared_email and rec.legacy and person.legacy == "MARRIED_NAME":
            return False  # no family email before the wedding
        if rec.source == "social" and kind == "PHONE" and value != person.mobile:
            return False  # a profile may show a mobile, never a home's landline
        held = sum(1 for identifier in rec.profile.get("identifiers", ()) if identifier["kind"] == kind)
        if rec.source == "crm" and kind in ("EMAIL", "PHONE"):
            return True  # the crm keeps every address and number it is given
        if rec.source == "callcentre" and kind == "PHONE":
            return held < 2  # the number called from and a callback number
        return held == 0

    def _put(self, person: Person, rec: Rec, kind: str, value: Value, token: str) -> None:
        """Writes an identifier onto a record the way that source writes it (a card as it was written)."""
        rng = self.rng
        if isinstance(value, Phone):
            international = PHONE_INTERNATIONAL[rec.source]
            if value.country != "GB" and not _has_country(rec):
                international = 1.0  # stored with the country code, or it would be read as British
            shown = dirt.phone(rng, value, international)
            if value is person.mobile:
                person.own_phones.append(shown)
        elif kind == "EMAIL":
            shown = dirt.email(rng, value, EMAIL_DIRT[rec.source])
            if value != person.shared_email:
                person.own_emails.append(shown.strip())
        else:
            shown = value
            if kind == "LOYALTY_ID":
                token = "LOYALTY:" + value.replace(" ", "")
        add_identifier(rec, kind, shown, token)

    def _targets(
        self, person: Person, others: list[Rec], kind: str, value: Value, only: tuple[str, ...] = ()
    ) -> list[Rec]:
        holders = HOLDERS[kind]
        candidates = [
            rec
            for rec in others
            if (not only or rec.source in only) and self._accepts(person, rec, kind, value)
        ]
        return sorted(candidates, key=lambda rec: (rec.legacy, holders.index(rec.source)))

    # --- the moves

    def _give(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        elsewhere = {key for other in others for key in other.evidence}  # membership tests only
        for value, token in self._values(household, person, kind):
            if token not in elsewhere:
                continue
            if isinstance(value, Phone) and token in rec.tokens and self._rewrite(person, rec, value):
                return True
            if self._accepts(person, rec, kind, value):
                self._put(person, rec, kind, value, token)
                return True
        return False

    def _rewrite(self, person: Person, rec: Rec, phone: Phone) -> bool:
        """A number on the record that cannot be read without its country gets its country code."""
        identifiers = rec.profile.get("identifiers", [])
        for i, item in enumerate(identifiers):
            if item["kind"] == "PHONE" and re.sub(r"\D", "", item["value"]) == phone.digits:
                shown = dirt.phone(self.rng, phone, 1.0)
                identifiers[i] = {"kind": "PHONE", "value": shown}
                if phone is person.mobile and item["value"] in person.own_phones:
                    person.own_phones.remove(item["value"])
                    person.own_phones.append(shown)
                rec.evidence.append(phone.token)
                return True
        return False

    def _login(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        return self._take(household, person, rec, others, kind, LOGIN)

    def _take(
        self,
        household: Household,
        person: Person,
        rec: Rec,
        others: list[Rec],
        kind: str,
        only: tuple[str, ...] = (),
    ) -> bool:
        for value, token in self._values(household, person, kind):
            if token not in rec.evidence:
                continue
            targets = self._targets(person, others, kind, value, only)
            if targets:
                self._put(person, targets[0], kind, value, token)
                return True
        return False

    def _bridge(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        values = self._values(household, person, kind)
        if kind == "PHONE":
            values = values[:1] if person.mobile is not None else []  # a landline belongs to a home
        for value, token in values:
            if token not in rec.evidence and not self._accepts(person, rec, kind, value):
                continue
            targets = self._targets(person, others, kind, value)
            if targets:
                if token not in rec.evidence:
                    self._put(person, rec, kind, value, token)
                self._put(person, targets[0], kind, value, token)
                return True
        return False

    def _swap(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        """The record's one email becomes one the person uses elsewhere."""
        identifiers = rec.profile.get("identifiers", [])
        index = next((i for i, item in enumerate(identifiers) if item["kind"] == kind), None)
        if index is None:
            return False
        old = identifiers[index]["value"]
        if any(old == value for _, value in rec.junk):
            return False
        elsewhere = {key for other in others for key in other.evidence}
        for value, token in self._values(household, person, kind):
            if token in elsewhere and isinstance(value, str):
                if rec.legacy and person.legacy == "MARRIED_NAME" and value == person.shared_email:
                    continue
                old_token = email_token(old)
                rec.tokens.discard(old_token)
                rec.evidence = [key for key in rec.evidence if key != old_token]
                if old.strip() in person.own_emails:
                    person.own_emails.remove(old.strip())
                shown = dirt.email(self.rng, value, EMAIL_DIRT[rec.source])
                identifiers[index] = {"kind": kind, "value": shown}
                rec.tokens.add(token)
                rec.evidence.append(token)
                if value != person.shared_email:
                    person.own_emails.append(shown.strip())
                return True
        return False
