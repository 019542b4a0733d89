"""Linking evidence: every record of a person shares an identifier with another of their records.

Real systems are joined up, if untidily: people log in to the app or the webshop with their social
profile, sign up to the newsletter with an address they use elsewhere, have their loyalty card
registered in the CRM or give their number at the till, and the call centre finds callers by phone.
`Linker.link` runs once a person's records are rendered. While some of them share no identifier with
the others (as a matcher reads them, see `evidence_key`), it adds what that source would plausibly
have recorded, in the source's own style and dirt:

- social: the handle on the app or webshop account (social login), else an email on the profile;
- newsletter: the address is also on a crm, webshop or app record (or given at the till or on the phone);
- store: the card registered in the crm, else the phone or the email given at the till;
- callcentre: a number the person has on another record, or a callback number;
- app, webshop: the loyalty card or the webshop account in the app, the login email kept in the crm;
- crm: the phones, emails, card and account of the person's other records.

Only the person's own identifiers, or their household's landline and family email when already on
their records, are added: the traps between different people stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from service.demo import dirt
from service.demo.people import PROFILE_ORDER, Household, Person, Phone, Rec, chance, email_token

SOCIAL_LOGIN = 0.8  # an unlinked social profile gets the login on the app or webshop, else an email
EMAIL_DIRT = {
    "crm": 0.1,
    "webshop": 0.25,
    "app": 0.1,
    "store": 0.2,
    "callcentre": 0.3,
    "social": 0.1,
    "newsletter": 0.3,
}
PHONE_INTERNATIONAL = {"crm": 0.25, "webshop": 0.25, "app": 0.25, "store": 0.1, "callcentre": 0.05}
# The records that can be given an identifier of a kind, best first.
HOLDERS = {
    "EMAIL": ("crm", "webshop", "app", "store", "callcentre", "social"),
    "PHONE": ("crm", "store", "webshop", "callcentre", "app"),
    "LOYALTY_ID": ("crm", "app", "webshop"),
    "ACCOUNT_ID": ("crm", "app"),
    "SOCIAL_HANDLE": ("app", "webshop"),
}
# How a record with nothing in common with the others gets linked, first that applies:
# "give" it an identifier another record has, "take" one of its own onto another record, "bridge"
# (put one of the person's identifiers on both), "swap" its one email for one used elsewhere.
MOVES: dict[str, tuple[tuple[str, str], ...]] = {
    "social": (("take", "SOCIAL_HANDLE"), ("give", "EMAIL"), ("bridge", "EMAIL")),
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
        return f"LOYALTY_AS_WRITTEN:{value.strip().upper()}"
    return token


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
        }

    def link(self, household: Household, person: Person) -> None:
        """Adds identifiers until all the person's records are linked, or nothing plausible is left."""
        records = person.records
        for _ in range(len(records) - 1):  # each repair joins two groups
            groups = _groups(records)
            anchor = groups[_anchor(records)]
            if all(group == anchor for group in groups):
                return
            for i, rec in enumerate(records):
                if groups[i] == anchor:
                    continue
                others = [other for j, other in enumerate(records) if groups[j] != groups[i]]
                if self._repair(household, person, rec, others):
                    break
            else:
                return

    def _repair(self, household: Household, person: Person, rec: Rec, others: list[Rec]) -> bool:
        moves = MOVES[rec.source]
        if rec.source == "social" and not chance(self.rng, SOCIAL_LOGIN):
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
            return [(person.loyalty, "LOYALTY:" + person.loyalty)] if person.loyalty else []
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
        held = sum(1 for identifier in rec.profile.get("identifiers", ()) if identifier["kind"] == kind)
        if rec.source == "crm" and kind in ("EMAIL", "PHONE"):
            return True  # the crm keeps every address and number it is given
        if rec.source == "callcentre" and kind == "PHONE":
            return held < 2  # the number called from and a callback number
        return held == 0

    def _put(self, person: Person, rec: Rec, kind: str, value: Value, token: str) -> None:
        """Writes an identifier onto a record the way that source writes it."""
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
        add_identifier(rec, kind, shown, token)

    def _targets(self, person: Person, others: list[Rec], kind: str, value: Value) -> list[Rec]:
        holders = HOLDERS[kind]
        candidates = [rec for rec in others if self._accepts(person, rec, kind, value)]
        return sorted(candidates, key=lambda rec: (rec.legacy, holders.index(rec.source)))

    # --- the moves

    def _give(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        elsewhere = {key for other in others for key in other.evidence}  # membership tests only
        for value, token in self._values(household, person, kind):
            if token in elsewhere and self._accepts(person, rec, kind, value):
                self._put(person, rec, kind, value, token)
                return True
        return False

    def _take(self, household: Household, person: Person, rec: Rec, others: list[Rec], kind: str) -> bool:
        for value, token in self._values(household, person, kind):
            if token not in rec.evidence:
                continue
            targets = self._targets(person, others, kind, value)
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
