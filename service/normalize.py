"""Normalisation of what sources say about a person: identifiers, names, birth dates and addresses.

Resolution compares, and storage keys on, what comes out of here, so the same value written two ways by
two sources must come out as one string. The per-value functions raise `ValueError` with a plain reason
when a value cannot be used; `normalize_profile` turns those into warnings, so one bad field never loses a
record (CONTRACT.md: "Nothing is lost for one bad field").

Example:
    >>> normalize_phone("07911 123456", "GB")
    '+447911123456'
    >>> normalize_email("  M.Green@Example.COM ")
    'm.green@example.com'
    >>> normalize_name("  José  O'Neil-SMITH ")
    'jose oneil smith'
    >>> canonical_given_name("bill")
    'william'
    >>> parse_birth_date("09/04/1956")
    '1956-04-09'
    >>> normalize_address_line("10 Downing St.")
    '10 downing street'
    >>> is_junk_identifier(IdentifierKind.EMAIL, "noemail@gmail.com")
    True

The pure per-string functions are memoised (`functools.lru_cache`): bulk loads see the same given names,
towns, household phones and email domains over and over, and phone parsing is the costliest step.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from service.nicknames import NICKNAMES
from service.records import IdentifierKind, Profile
from service.resolution.record import MatchRecord

__all__ = [
    "NormalizedIdentifier",
    "NormalizedProfile",
    "canonical_given_name",
    "identifier_key",
    "is_junk_identifier",
    "junk_reason",
    "normalize_address_line",
    "normalize_email",
    "normalize_identifier",
    "normalize_locality",
    "normalize_name",
    "normalize_phone",
    "normalize_postcode",
    "normalize_profile",
    "parse_birth_date",
    "region_for",
]

# Large enough to hold the distinct values of a big batch, small enough to stay a few tens of MB.
_CACHE_SIZE: Final = 1 << 16
# Error messages quote the value; a 1 MB garbage field must not become a 1 MB warning.
_SHOWN_MAX: Final = 80


def _shown(raw: str) -> str:
    text = raw.strip()
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 3] + "..."


@dataclass(frozen=True, slots=True)
class _Invalid:
    """A failure kept in an lru_cache, which does not keep exceptions.

    Placeholder junk ("n/a", "0000000000", "00/00/0000") repeats all through a bulk load, and failing is
    the dearest path (the library parses, then validates twice).
    """

    reason: str


def _unwrap(outcome: str | _Invalid) -> str:
    if isinstance(outcome, _Invalid):
        raise ValueError(outcome.reason)
    return outcome


# --------------------------------------------------------------------------------------------------
# Text folding shared by names, localities and address lines.

# Apostrophes (straight, typographic, modifier letters) vanish rather than split a word, so "O'Neil" and
# "ONeil" agree.
_APOSTROPHES: Final = dict.fromkeys(map(ord, "'\u2019\u2018`\u00b4\u02bc\u02bb\u2032"), None)
# Letters that NFKD leaves alone because they are not "letter + accent" in Unicode.
_LATIN_EXTRAS: Final = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i", "ħ": "h",
     "ŧ": "t"}
)  # fmt: skip
_NOT_LETTERS: Final = re.compile(r"[\W\d_]+")
_NOT_ALNUM: Final = re.compile(r"[\W_]+")


def _fold(raw: str) -> str:
    """Case-folds and strips accents; punctuation is left for the caller to decide on."""
    text = raw.translate(_APOSTROPHES)
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.translate(_LATIN_EXTRAS)


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_name(raw: str) -> str | None:
    """A person's name as resolution compares it: letters only, lower case, no accents, single spaces.

    Apostrophes are removed (O'Neil -> oneil) and every other non-letter, hyphens and digits included,
    becomes a space (Smith-Jones -> "smith jones"), so double-barrelled names agree with their spaced form.
    Returns None when no letter is left.

    >>> normalize_name("  José  O'Neil-SMITH ")
    'jose oneil smith'
    """
    words = _NOT_LETTERS.sub(" ", _fold(raw)).split()
    return " ".join(words) if words else None


def _invert_nicknames(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    inverted: dict[str, str] = {}
    for canonical, nicknames in table.items():
        for nickname in nicknames:
            if nickname in inverted or nickname in table:
                # A name reachable two ways would make canonical forms depend on dict order.
                raise ValueError(f"nickname {nickname!r} is ambiguous in service.nicknames")
            inverted[nickname] = canonical
    return inverted


_NICKNAME_TO_CANONICAL: Final = _invert_nicknames(NICKNAMES)


@lru_cache(maxsize=_CACHE_SIZE)
def canonical_given_name(normalised_given: str) -> str:
    """The canonical form of a normalised given name's first word (see `service.nicknames`).

    >>> canonical_given_name("bill")
    'william'
    >>> canonical_given_name("jon")
    'jonathan'
    >>> canonical_given_name("mitchell")
    'mitchell'
    """
    words = normalised_given.split(maxsplit=1)
    if not words:
        return ""
    return _NICKNAME_TO_CANONICAL.get(words[0], words[0])


# --------------------------------------------------------------------------------------------------
# Identifiers.

_FAST_EMAIL: Final = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z"
)
_SPECIAL_USE_SUFFIXES: Final = tuple("." + name for name in SPECIAL_USE_DOMAIN_NAMES)
_EMAIL_MAX_LENGTH: Final = 254


def _fast_email(address: str) -> str | None:
    """The address when it is plain ASCII that `validate_email` would accept unchanged, else None.

    validate_email costs ~20 µs; this regex covers nearly every real address in ~1 µs. It is a strict
    subset: no quoting, no IDNA ("--" sends punycode and R-LDH labels to the library), no special-use
    domains, lengths within the library's limits. A test checks it against the library.
    """
    if len(address) > _EMAIL_MAX_LENGTH or "--" in address or not _FAST_EMAIL.match(address):
        return None
    if address.endswith(_SPECIAL_USE_SUFFIXES):
        return None
    return address


def normalize_email(raw: str) -> str:
    """Trimmed, lower-cased, syntax-checked email address (no DNS look-up).

    >>> normalize_email(" Ann.Lee@Example.COM")
    'ann.lee@example.com'
    """
    return _unwrap(_email(raw))


@lru_cache(maxsize=_CACHE_SIZE)
def _email(raw: str) -> str | _Invalid:
    address = raw.strip().lower()
    fast = _fast_email(address)
    if fast is not None:
        return fast
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        reason = str(error).rstrip(".")
        return _Invalid(f"not an email address: {_shown(raw)} ({reason})")
    return result.normalized


# Country calling codes as strings; they are prefix-free, so reading 1, 2 then 3 digits finds the one.
_COUNTRY_CODES: Final = frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


# A number-type description from the library's metadata: the lengths it allows (empty: any) and its pattern.
_Desc = tuple[frozenset[int], re.Pattern[str]]


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern)


def _desc_matches(desc: _Desc, national: str) -> bool:
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


@dataclass(frozen=True, slots=True)
class _Dialling:
    """What the phone fast path needs to know about a region's numbering plan, compiled once."""

    region: str
    country_code: int
    national_prefix: str | None
    prefix_for_parsing: re.Pattern[str] | None
    general: _Desc
    types: tuple[_Desc, ...]

    def is_valid(self, national: str) -> bool:
        """phonenumbers.is_valid_number_for_region for this region, without its per-call regex look-ups.

        As in the library: the number must fit the general description and at least one number type
        (fixed line, mobile, toll free, ...). A test checks the two agree.
        """
        return _desc_matches(self.general, national) and any(
            _desc_matches(desc, national) for desc in self.types
        )


@lru_cache(maxsize=512)
def _dialling(region: str) -> _Dialling | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    # Plans that rewrite the number after the prefix (Argentina, Brazil, Jersey, ...) go to the library.
    if metadata is None or metadata.country_code is None or metadata.national_prefix_transform_rule:
        return None
    general = _desc(metadata.general_desc)
    if general is None:
        return None
    types = (
        metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
        metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
        metadata.fixed_line, metadata.mobile,
    )  # fmt: skip
    pattern = metadata.national_prefix_for_parsing
    return _Dialling(
        region=region,
        country_code=metadata.country_code,
        national_prefix=metadata.national_prefix,
        prefix_for_parsing=re.compile(pattern) if pattern else None,
        general=general,
        types=tuple(desc for desc in map(_desc, types) if desc is not None),
    )


# Digits and the usual separators only, optionally after a "+"; anything else (letters, extensions,
# unicode digits) goes to the library.
_PLAIN_PHONE: Final = re.compile(r"\+?[0-9][0-9 ().\-/]{4,28}\Z")
_PHONE_SEPARATORS: Final = re.compile(r"[^0-9]+")


def _fast_phone(text: str, region: str) -> str | None:
    """E.164 of a plainly written number that the region's plan validates, else None (use the library).

    parse + is_valid_number_for_region cost ~16 µs, mostly in general-purpose extraction this input
    does not need and in regex look-ups repeated on every call. The fast path splits the number the way
    parse would (country code, or the national prefix "0"), leaves every doubtful case (a prefix that is
    a carrier code, a leading zero after the prefix, an international dialling prefix) to the library,
    and only answers for numbers the library's own metadata validates (an invalid number goes to the
    library too, for its error message). Tests check it against the library on thousands of numbers.
    """
    if not _PLAIN_PHONE.match(text):
        return None
    digits = _PHONE_SEPARATORS.sub("", text)
    if text.startswith("+"):
        for size in (1, 2, 3):
            if digits[:size] in _COUNTRY_CODES:
                break
        else:
            return None
        dialling = _dialling(phonenumbers.region_code_for_country_code(int(digits[:size])))
        national = digits[size:]
        # parse would try to strip a national prefix written after the country code ("+44 (0)20 ...").
        if dialling is None or (dialling.prefix_for_parsing and dialling.prefix_for_parsing.match(national)):
            return None
    else:
        dialling = _dialling(region)
        if dialling is None:
            return None
        national = digits
        found = dialling.prefix_for_parsing.match(digits) if dialling.prefix_for_parsing else None
        if found is not None:
            if found.group(0) != dialling.national_prefix or any(group for group in found.groups()):
                return None
            national = digits[found.end() :]
    if not national or national[0] == "0" or len(national) > 17:
        return None
    if not dialling.is_valid(national):
        # Perhaps a region sharing the country code (GG, IM, JE for +44): the library knows which.
        number = phonenumbers.PhoneNumber(country_code=dialling.country_code, national_number=int(national))
        if not phonenumbers.is_valid_number(number):
            return None
    return f"+{dialling.country_code}{national}"


def normalize_phone(raw: str, region: str) -> str:
    """E.164 form of a phone number; `region` (ISO alpha-2) is used when the number has no country code.

    The number must be valid in the numbering plan (not just the right length), so "0000000000" and
    "555-123-4567" (no such US area code) are rejected.

    >>> normalize_phone("0412 345 678", "AU")
    '+61412345678'
    >>> normalize_phone("+44 7911 123456", "US")
    '+447911123456'
    """
    return _unwrap(_phone(raw, region))


@lru_cache(maxsize=_CACHE_SIZE)
def _phone(raw: str, region: str) -> str | _Invalid:
    region = region.upper()
    text = raw.strip()
    fast = _fast_phone(text, region)
    if fast is not None:
        return fast
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return _Invalid(f"not a phone number: {_shown(raw)} (no valid country code)")
        return _Invalid(f"not a phone number: {_shown(raw)}")
    # The expected region is tried first: it is ~3x cheaper than is_valid_number, which has to work out
    # which of the regions sharing a country code (GB, GG, IM, JE for +44) the number belongs to.
    if not (phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(number)):
        where = phonenumbers.region_code_for_country_code(number.country_code or 0)
        return _Invalid(f"not a phone number: {_shown(raw)} (no such number in {where})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Only separators are dropped from issued numbers: "AB 12 34 56 C" and "AB-123456-C" are one national
# id, and a loyalty card printed in groups ("6337 0000 7919") is the same card typed without them.
_ID_SEPARATORS: Final = re.compile(r"[\s-]+")
_SEPARATED_KINDS: Final = frozenset(
    {IdentifierKind.NATIONAL_ID, IdentifierKind.LOYALTY_ID, IdentifierKind.ACCOUNT_ID}
)


def normalize_identifier(kind: IdentifierKind, value: str, region: str) -> str:
    """The normalised value of an identifier of the given kind; raises ValueError when it is unusable.

    EMAIL and PHONE as `normalize_email` / `normalize_phone`; SOCIAL_HANDLE lower case with one leading
    "@"; NATIONAL_ID, LOYALTY_ID and ACCOUNT_ID upper case without spaces or dashes; DEVICE_ID
    and COOKIE_ID exactly as given (they are opaque and may be case-sensitive), all trimmed.

    >>> normalize_identifier(IdentifierKind.SOCIAL_HANDLE, " @@Ann_Lee ", "GB")
    '@ann_lee'
    >>> normalize_identifier(IdentifierKind.NATIONAL_ID, "ab 12-34-56 c", "GB")
    'AB123456C'
    >>> normalize_identifier(IdentifierKind.LOYALTY_ID, "6337 0000 7919", "GB")
    '633700007919'
    """
    # Compared with ==, not `is`: a plain "EMAIL" string from an untyped caller must not fall through.
    text = value.strip()
    if not text:
        raise ValueError(f"empty {kind} value")
    if kind == IdentifierKind.EMAIL:
        return normalize_email(text)
    if kind == IdentifierKind.PHONE:
        return normalize_phone(text, region)
    if kind == IdentifierKind.SOCIAL_HANDLE:
        handle = text.lower().lstrip("@").strip()
        if not handle:
            raise ValueError(f"empty {kind} value")
        return "@" + handle
    if kind in _SEPARATED_KINDS:
        return _ID_SEPARATORS.sub("", text).upper()
    return text


def identifier_key(kind: IdentifierKind, normalised_value: str) -> str:
    """The key of an identifier node: `KIND:value`.

    >>> identifier_key(IdentifierKind.EMAIL, "ann@x.com")
    'EMAIL:ann@x.com'
    """
    return f"{kind}:{normalised_value}"


# --------------------------------------------------------------------------------------------------
# Junk identifiers: placeholders that sources type when they have nothing, and that would otherwise glue
# thousands of strangers together. Each rule is (reason, test); the first that fires is the reason. Most
# rules look at the "compact" form of a value: upper case, letters and digits only ("n/a" -> "NA").
# The tables below are the data; `_JUNK_RULES` says which rules apply to which kind.

# Words that mean "nothing here" in any id field, email local part or social handle.
_PLACEHOLDER_WORDS: Final = frozenset(
    {
        "0", "NA", "NONE", "NULL", "NIL", "NAN", "UNKNOWN", "UNK", "TEST", "TESTING", "TBC", "TBA", "TBD",
        "NO", "NOTPROVIDED", "NOTGIVEN", "NOTKNOWN", "NOTAPPLICABLE", "NOTAVAILABLE", "DECLINED", "REFUSED",
        "DUMMY", "FAKE", "UNDEFINED", "BLANK", "EMPTY", "DEFAULT", "SAMPLE", "EXAMPLE", "PLACEHOLDER",
        "ANONYMOUS", "ANON", "GUEST", "DELETED", "INVALID", "MISSING", "NOID", "ASDF", "QWERTY", "ABC123",
    }
)  # fmt: skip
# Extra local parts that are placeholders in an email address specifically.
_PLACEHOLDER_EMAIL_LOCALS: Final = _PLACEHOLDER_WORDS | frozenset(
    {
        "NOEMAIL", "NOMAIL", "EMAIL", "MAIL", "NOBODY", "NOONE", "NOWHERE", "NOREPLY", "DONOTREPLY",
        "DONOTEMAIL", "NOADDRESS", "USER", "NAME", "YOURNAME", "YOUREMAIL", "EMAILADDRESS", "CUSTOMER",
        "SOMEONE", "ANYONE", "ABC", "XYZ", "X", "XX",
    }
)  # fmt: skip
# The "no email" family with any suffix: noemail1, no.email.given, donotreply123, notemail.
_NO_EMAIL_PREFIX: Final = re.compile(r"(?:NO|NOT|DONT|DONOT|NEVER)(?:E?MAIL|REPLY|ADDRESS)")
_PLACEHOLDER_WITH_NUMBER: Final = re.compile(r"(?:TEST|TESTING|DUMMY|FAKE|SAMPLE|EXAMPLE)\d+\Z")
# Whole domains that only ever stand for "no address". example.com/.org/.net are deliberately absent:
# they are the documentation domains synthetic data uses (CONTRACT.md's own example), so only the
# placeholder local parts above are junk there.
_PLACEHOLDER_EMAIL_DOMAINS: Final = frozenset({"test.com", "domain.com", "na.com", "no.com"})
# A domain whose first label is one of these is a placeholder under any suffix (noemail.co.uk, ...).
_PLACEHOLDER_DOMAIN_LABELS: Final = frozenset(
    {
        "noemail", "nomail", "no-email", "noemailaddress", "none", "nowhere", "test", "testing", "fake",
        "dummy", "invalid", "donotreply", "noreply", "no-reply", "null", "unknown", "notprovided",
        "placeholder",
    }
)  # fmt: skip
# Numbers the regulators keep for drama and that will never belong to anyone: Ofcom's drama ranges
# (geographic 0113-0191, London 020 7946 0xxx, Northern Ireland, Cardiff, 01632 960xxx, 07700 900xxx),
# and the North American 555-0100..555-0199.
_FICTIONAL_PHONES: Final = re.compile(
    r"\+44(?:11[3-8]4960|1214960|1314960|1414960|1514960|1614960|1914980|2079460|2896496|2920180"
    r"|1632960|7700900)\d{3}\Z"
    r"|\+1[2-9]\d{2}55501\d{2}\Z"
)
# UK National Insurance: HMRC's documentation prefix QQ is never issued. US SSNs that were printed on
# sample cards and used by thousands of people.
_DOCUMENTED_NATIONAL_IDS: Final = re.compile(r"QQ\d{6}[A-D]?\Z|078051120\Z|219099999\Z")

# Digit runs such as 123456 or 9876543210 are substrings of these (the run may wrap from 9 to 0).
_ASCENDING: Final = "0123456789" * 3
_DESCENDING: Final = "9876543210" * 3


def _compact(value: str) -> str:
    return _NOT_ALNUM.sub("", value).upper()


def _all_same(text: str) -> bool:
    return len(set(text)) == 1


def _digit_run(text: str, minimum: int) -> bool:
    return (
        len(text) >= minimum
        and text.isdigit()
        and len(text) <= len(_ASCENDING)
        and (text in _ASCENDING or text in _DESCENDING)
    )


def _national_number(e164: str) -> str:
    """The digits after the country code."""
    digits = e164.lstrip("+")
    for size in (1, 2, 3):
        if digits[:size] in _COUNTRY_CODES:
            return digits[size:]
    return digits


# A rule looks at two parts of a value, taken apart once by the kind's view: for most kinds the compact
# form and the value; for emails the compact local part and the domain; for phones the national number
# and the E.164 form.
_Rule = tuple[str, Callable[[str, str], bool]]


def _id_view(value: str) -> tuple[str, str]:
    return _compact(value), value


def _email_view(value: str) -> tuple[str, str]:
    local, _, domain = value.rpartition("@")
    return _compact(local), domain


def _phone_view(value: str) -> tuple[str, str]:
    return _national_number(value), value


# Shared by every kind but EMAIL and PHONE. A single character ("0", "-", "X") counts as repeated.
_ID_RULES: Final[tuple[_Rule, ...]] = (
    ("no letters or digits", lambda compact, _: not compact),
    (
        "a placeholder word",
        lambda compact, _: compact in _PLACEHOLDER_WORDS or bool(_PLACEHOLDER_WITH_NUMBER.match(compact)),
    ),
    ("one character repeated", lambda compact, _: _all_same(compact)),
    ("a run of consecutive digits", lambda compact, _: _digit_run(compact, 6)),
)

_EMAIL_RULES: Final[tuple[_Rule, ...]] = (
    (
        "a placeholder mailbox",
        lambda local, _: (
            local in _PLACEHOLDER_EMAIL_LOCALS
            or bool(_NO_EMAIL_PREFIX.match(local))
            or bool(_PLACEHOLDER_WITH_NUMBER.match(local))
        ),
    ),
    # Three or more of one character ("aaa@", "000@"): one or two letters are often real initials.
    ("one character repeated", lambda local, _: len(local) >= 3 and _all_same(local)),
    ("a run of consecutive digits", lambda local, _: _digit_run(local, 4)),
    (
        "a placeholder domain",
        lambda _, domain: (
            domain in _PLACEHOLDER_EMAIL_DOMAINS or domain.partition(".")[0] in _PLACEHOLDER_DOMAIN_LABELS
        ),
    ),
)

_PHONE_RULES: Final[tuple[_Rule, ...]] = (
    ("one digit repeated", lambda national, _: _all_same(national)),
    # 07000 000000, 0400 000 000: the first digit, then one digit over and over.
    ("one digit repeated", lambda national, _: len(national) >= 7 and _all_same(national[1:])),
    # The whole national number only: 0412 345 678 is a real-looking Australian mobile.
    ("a run of consecutive digits", lambda national, _: _digit_run(national, 6)),
    ("a number reserved for drama", lambda _, e164: bool(_FICTIONAL_PHONES.match(e164))),
)

_JUNK_RULES: Final[dict[IdentifierKind, tuple[Callable[[str], tuple[str, str]], tuple[_Rule, ...]]]] = {
    IdentifierKind.EMAIL: (_email_view, _EMAIL_RULES),
    IdentifierKind.PHONE: (_phone_view, _PHONE_RULES),
    IdentifierKind.NATIONAL_ID: (
        _id_view,
        (
            *_ID_RULES,
            ("a documentation example", lambda compact, _: bool(_DOCUMENTED_NATIONAL_IDS.match(compact))),
        ),
    ),
    IdentifierKind.LOYALTY_ID: (_id_view, _ID_RULES),
    IdentifierKind.ACCOUNT_ID: (_id_view, _ID_RULES),
    IdentifierKind.DEVICE_ID: (_id_view, _ID_RULES),
    IdentifierKind.COOKIE_ID: (_id_view, _ID_RULES),
    IdentifierKind.SOCIAL_HANDLE: (_id_view, _ID_RULES),
}


@lru_cache(maxsize=_CACHE_SIZE)
def junk_reason(kind: IdentifierKind, normalised_value: str) -> str | None:
    """Why a normalised identifier is a placeholder that must never merge anyone, or None if it is not.

    >>> junk_reason(IdentifierKind.PHONE, "+441234567890")
    'a run of consecutive digits'
    >>> junk_reason(IdentifierKind.EMAIL, "m.green@example.com") is None
    True
    """
    view, rules = _JUNK_RULES[kind]
    part, whole = view(normalised_value)
    for reason, test in rules:
        if test(part, whole):
            return reason
    return None


def is_junk_identifier(kind: IdentifierKind, normalised_value: str) -> bool:
    """True for placeholder values (`noemail@…`, `test@test.com`, `0000000000`, `N/A`): see `junk_reason`.

    >>> is_junk_identifier(IdentifierKind.LOYALTY_ID, "N/A")
    True
    """
    return junk_reason(kind, normalised_value) is not None


# --------------------------------------------------------------------------------------------------
# Birth dates.

# One separator per date (backreference): "1956-04/09" is more likely a typo than a date.
_DATE_PATTERNS: Final = (
    # ISO order, optionally the date part of an ISO datetime ("1956-04-09T00:00:00Z").
    re.compile(r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?:[T ].*)?\Z"),
    # Day first, as UK and Australian sources write it; US month-first dates are not accepted.
    re.compile(r"(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})\Z"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\Z"),
)
_EARLIEST_YEAR: Final = 1900
# Dates systems type when they do not know one: real birthdays, but on no real customer's record.
_PLACEHOLDER_DATES: Final = frozenset({date(1900, 1, 1), date(1901, 1, 1), date(1970, 1, 1)})


def parse_birth_date(raw: str) -> str:
    """ISO `YYYY-MM-DD` of a birth date written in a common form; ValueError for anything unusable.

    Accepts 1956-04-09, 1956/04/09, 09/04/1956 (day first), 19560409 and ISO datetimes. Rejects
    impossible days, dates in the future, dates before 1900 and the usual placeholders (1900-01-01,
    1901-01-01, 1970-01-01).

    >>> parse_birth_date("1956-04-09T00:00:00Z")
    '1956-04-09'
    """
    return _unwrap(_birth_date(raw))


# Remembered per process: a date refused as "in the future" stays refused after midnight, which for a
# birth date (a baby born tomorrow) is no loss.
@lru_cache(maxsize=_CACHE_SIZE)
def _birth_date(raw: str) -> str | _Invalid:
    text = raw.strip()
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found is None:
            continue
        try:
            day = date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            break
        if day.year < _EARLIEST_YEAR:
            return _Invalid(f"not a valid date: {_shown(raw)} (before {_EARLIEST_YEAR})")
        if day in _PLACEHOLDER_DATES:
            return _Invalid(f"not a valid date: {_shown(raw)} (a placeholder)")
        if day > date.today():
            return _Invalid(f"not a valid date: {_shown(raw)} (in the future)")
        return day.isoformat()
    return _Invalid(f"not a valid date: {_shown(raw)}")


# --------------------------------------------------------------------------------------------------
# Addresses.

_POSTCODE_SEPARATORS: Final = re.compile(r"[\s-]+")


def normalize_postcode(raw: str) -> str | None:
    """Upper case without spaces or dashes ("sw1a 1aa" -> "SW1A1AA"); None when nothing is left."""
    code = _POSTCODE_SEPARATORS.sub("", raw).upper()
    return code or None


_STREET_TYPES: Final[dict[str, str]] = {
    "rd": "road", "ave": "avenue", "av": "avenue", "pl": "place", "cres": "crescent", "cr": "crescent",
    "crs": "crescent", "dr": "drive", "ln": "lane", "ct": "court", "crt": "court", "cl": "close",
    "hwy": "highway", "pde": "parade", "tce": "terrace", "terr": "terrace", "sq": "square",
    "blvd": "boulevard", "bvd": "boulevard", "gr": "grove", "gro": "grove", "gdns": "gardens",
    "pk": "park", "esp": "esplanade", "cct": "circuit", "cir": "circle", "pkwy": "parkway",
    "fwy": "freeway", "wy": "way", "mws": "mews", "grn": "green", "hts": "heights", "wlk": "walk",
    "arc": "arcade", "prom": "promenade",
}  # fmt: skip
# Everything else expanded wherever it appears. "st" and lone compass letters need context (below).
_ABBREVIATIONS: Final[dict[str, str]] = {
    **_STREET_TYPES,
    "apt": "apartment", "flt": "flat", "ste": "suite", "lvl": "level", "fl": "floor", "rm": "room",
    "bldg": "building", "mt": "mount", "nth": "north", "sth": "south", "cnr": "corner", "ctr": "centre",
    "cntr": "centre",
}  # fmt: skip
_DIRECTIONS: Final[dict[str, str]] = {
    "n": "north", "s": "south", "e": "east", "w": "west",
    "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest",
}  # fmt: skip
_STREET_WORDS: Final = frozenset({"street", *_STREET_TYPES, *_STREET_TYPES.values()})
# "200 W 57th St": an ordinal can be the street name.
_ORDINAL: Final = re.compile(r"\d+(?:st|nd|rd|th)\Z")
_UNIT_WORDS: Final = frozenset({"flat", "unit", "apartment", "suite", "level", "floor", "room", "shop"})


def _has_digit(token: str) -> bool:
    return any(char.isdigit() for char in token)


def _is_name_word(token: str | None) -> bool:
    """A word that can be (part of) a street name, as opposed to a number, type, unit or compass point."""
    return (
        token is not None
        and token.isalpha()
        and token != "st"
        and token not in _STREET_WORDS
        and token not in _UNIT_WORDS
        and token not in _DIRECTIONS
    )


_CONTEXT_TOKENS: Final = frozenset({"st", *_DIRECTIONS})


def _expand(tokens: list[str]) -> list[str]:
    if _CONTEXT_TOKENS.isdisjoint(tokens):
        return [_ABBREVIATIONS.get(token, token) for token in tokens]
    expanded: list[str] = []
    for index, token in enumerate(tokens):
        before = expanded[-1] if expanded else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        starts_name = before is None or _has_digit(before) or before in _UNIT_WORDS
        if token == "st":
            # "10 St Kilda Rd" and "St Mary's Road" are saints; "10 Downing St" is a street.
            expanded.append("saint" if starts_name and _is_name_word(after) else "street")
        elif token in _DIRECTIONS:
            # A lone letter is a compass point only after a street type ("Main St N") or between a
            # house number and a street name ("100 N Main St"); "Flat B" and "12 E St" keep theirs.
            is_direction = before in _STREET_WORDS or (
                before is not None
                and _has_digit(before)
                and (_is_name_word(after) or (after is not None and _ORDINAL.match(after) is not None))
            )
            expanded.append(_DIRECTIONS[token] if is_direction else token)
        else:
            expanded.append(_ABBREVIATIONS.get(token, token))
    return expanded


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_address_line(raw: str) -> str | None:
    """An address line as resolution compares it: folded like names, digits kept, abbreviations expanded.

    Punctuation becomes a space ("3/12" -> "3 12"), apostrophes vanish ("Mary's" -> "marys"); the
    abbreviation table is `_ABBREVIATIONS`. Returns None when nothing is left.

    >>> normalize_address_line("Flat 2, 10 St. Mary's Rd")
    'flat 2 10 saint marys road'
    """
    tokens = _NOT_ALNUM.sub(" ", _fold(raw)).split()
    return " ".join(_expand(tokens)) if tokens else None


_LOCALITY_ABBREVIATIONS: Final = {"st": "saint", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_locality(raw: str) -> str | None:
    """A town or suburb folded like a name (digits kept), with St/Mt/Ft spelt out; None when empty.

    >>> normalize_locality("St. Kilda ")
    'saint kilda'
    """
    tokens = _NOT_ALNUM.sub(" ", _fold(raw)).split()
    return " ".join(_LOCALITY_ABBREVIATIONS.get(token, token) for token in tokens) if tokens else None


# Country names and ISO alpha-3 codes seen in source systems, folded and without spaces.
_COUNTRY_NAMES: Final[dict[str, str]] = {
    "uk": "GB", "gbr": "GB", "unitedkingdom": "GB", "greatbritain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northernireland": "GB",
    "aus": "AU", "australia": "AU",
    "usa": "US", "unitedstates": "US", "unitedstatesofamerica": "US", "america": "US",
    "nzl": "NZ", "newzealand": "NZ", "aotearoa": "NZ",
    "irl": "IE", "ireland": "IE", "eire": "IE", "republicofireland": "IE",
    "can": "CA", "canada": "CA", "deu": "DE", "germany": "DE", "deutschland": "DE",
    "fra": "FR", "france": "FR", "esp": "ES", "spain": "ES", "ita": "IT", "italy": "IT",
    "nld": "NL", "netherlands": "NL", "holland": "NL", "ind": "IN", "india": "IN",
    "zaf": "ZA", "southafrica": "ZA", "sgp": "SG", "singapore": "SG", "chn": "CN", "china": "CN",
    "hkg": "HK", "hongkong": "HK", "jpn": "JP", "japan": "JP",
}  # fmt: skip


@lru_cache(maxsize=1024)
def region_for(country: str | None, default_region: str) -> str:
    """The ISO alpha-2 region for phone numbers and address keys: the address country if recognisable.

    >>> region_for("Australia", "GB"), region_for("uk", "AU"), region_for(None, "GB")
    ('AU', 'GB', 'GB')
    """
    if country:
        code = country.strip().upper()
        if len(code) == 2 and code in phonenumbers.SUPPORTED_REGIONS:
            return code
        name = _NOT_LETTERS.sub("", _fold(country))
        if name in _COUNTRY_NAMES:
            return _COUNTRY_NAMES[name]
    return default_region.upper()


# --------------------------------------------------------------------------------------------------
# Profiles.


@dataclass(frozen=True, slots=True)
class NormalizedIdentifier:
    """One usable identifier of a profile. Junk ones are kept (and stored) but never used to match."""

    kind: IdentifierKind
    value: str
    key: str
    junk: bool = False


@dataclass(frozen=True, slots=True)
class NormalizedProfile:
    """Everything resolution and storage need from one profile.

    `match.identifiers` holds only the keys of identifiers that are not junk; `identifiers` holds all
    usable ones, junk flagged. `address_key` is `country|postcode|line` (the locality stands in for a
    missing postcode), or None when the address cannot be placed.
    """

    match: MatchRecord
    identifiers: tuple[NormalizedIdentifier, ...] = ()
    warnings: tuple[str, ...] = ()
    address_key: str | None = None


_GENDERS: Final = {
    "m": "M", "male": "M", "man": "M",
    "f": "F", "female": "F", "woman": "F",
}  # fmt: skip
# Honorifics some sources put in the given-name field; skipped when a real name follows.
_TITLES: Final = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "master"})


def _given_name(raw: str | None, warnings: list[str]) -> str | None:
    if raw is None or not raw.strip():
        return None
    name = normalize_name(raw)
    if name is None:
        warnings.append(f"givenName: not a name: {_shown(raw)}")
        return None
    words = name.split()
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return words[0]


def _is_own_handle(given: str, identifier_keys: Sequence[str]) -> bool:
    """Whether a given name is one of the record's own social handles, written without the "@".

    Example:
        >>> handles = ["SOCIAL_HANDLE:@murphy_j"]
        >>> _is_own_handle("murphyj", handles), _is_own_handle("john", handles)
        (True, False)
    """
    compact = "".join(ch for ch in given if ch.isalnum())
    prefix = f"{IdentifierKind.SOCIAL_HANDLE.value}:"
    return any(
        key.startswith(prefix) and "".join(ch for ch in key[len(prefix) :] if ch.isalnum()) == compact
        for key in identifier_keys
    )


# Generational suffixes some sources write after the family name, by the generation they name: "II"
# is the junior of a namesake as often as his grandson's heir, so it reads as "jr".
_GENERATIONS: Final = {
    "sr": "sr", "snr": "sr", "senior": "sr",
    "jr": "jr", "jnr": "jr", "junior": "jr", "ii": "jr",
    "iii": "iii", "iv": "iv",
}  # fmt: skip


def split_generation(family: str) -> tuple[str, str | None]:
    """A normalised family name without its generational suffix, and the suffix ("jr", "sr", ...).

    A father and his son of one name are told apart by it, and the son's records agree on the
    family name with and without it. A suffix alone is a family name ("Senior", "Junior").

    >>> split_generation("ward jr"), split_generation("smith junior"), split_generation("senior")
    (('ward', 'jr'), ('smith', 'jr'), ('senior', None))
    """
    name, _, last = family.rpartition(" ")
    generation = _GENERATIONS.get(last)
    if not name or generation is None:
        return family, None
    return name, generation


def _family_name(raw: str | None, warnings: list[str]) -> tuple[str | None, str | None]:
    """The normalised family name and its generational suffix (`split_generation`)."""
    if raw is None or not raw.strip():
        return None, None
    name = normalize_name(raw)
    if name is None:
        warnings.append(f"familyName: not a name: {_shown(raw)}")
        return None, None
    return split_generation(name)


def _is_partial_line(line: str) -> bool:
    """A line1 that needs line2 to be an address: "flat 2", "unit 3b", or a bare house number "12"."""
    words = line.split()
    if words[0] in _UNIT_WORDS:
        return len(words) <= 3 and all(_has_digit(word) or len(word) == 1 for word in words[1:])
    return len(words) <= 2 and all(_has_digit(word) for word in words)


def _address_line(line1: str | None, line2: str | None) -> str | None:
    first = normalize_address_line(line1) if line1 else None
    second = normalize_address_line(line2) if line2 else None
    if first is None:
        # Some sources leave line1 empty and write the street in line2.
        return second
    if second is not None and _is_partial_line(first):
        return f"{first} {second}"
    return first


def normalize_profile(profile: Profile, default_region: str) -> NormalizedProfile:
    """Normalises one profile for resolution (`match`) and storage (identifiers, address key).

    A value that cannot be used is left out and reported in `warnings`, e.g.
    "birthDate: not a valid date: 1956-13-40" or "identifiers[1]: not a phone number: abc".
    """
    warnings: list[str] = []
    address = profile.address
    region = region_for(address.country if address else None, default_region)

    identifiers: list[NormalizedIdentifier] = []
    usable: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(profile.identifiers):
        try:
            value = normalize_identifier(item.kind, item.value, region)
        except ValueError as error:
            warnings.append(f"identifiers[{index}]: {error}")
            continue
        key = identifier_key(item.kind, value)
        if key in seen:
            continue
        seen.add(key)
        junk = is_junk_identifier(item.kind, value)
        identifiers.append(NormalizedIdentifier(item.kind, value, key, junk))
        if not junk:
            usable.append(key)

    given = _given_name(profile.givenName, warnings)
    family, generation = _family_name(profile.familyName, warnings)
    if given and not family and _is_own_handle(given, usable):
        # A social profile's display name is often its handle ("murphyj", "elizawrites"): that
        # says who holds the account, by the handle, not what her given name is.
        given = None

    birth_date = None
    if profile.birthDate and profile.birthDate.strip():
        try:
            birth_date = parse_birth_date(profile.birthDate)
        except ValueError as error:
            warnings.append(f"birthDate: {error}")

    # Anything but a recognisable male/female value ("X", "unknown", "prefer not to say") is simply absent.
    gender = _GENDERS.get(profile.gender.strip().lower()) if profile.gender else None

    line = locality = postcode = None
    address_key = None
    if address is not None:
        line = _address_line(address.line1, address.line2)
        locality = normalize_locality(address.locality) if address.locality else None
        postcode = normalize_postcode(address.postcode) if address.postcode else None
        # A street line with neither postcode nor town is every "1 High Street" in the country.
        area = postcode or locality
        if postcode is not None or (line is not None and area is not None):
            address_key = f"{region}|{area}|{line or ''}"

    match = MatchRecord(
        key=profile.key,
        given_name=given,
        given_canonical=canonical_given_name(given) if given else None,
        family_name=family,
        generation=generation,
        birth_date=birth_date,
        gender=gender,
        address=line,
        locality=locality,
        postcode=postcode,
        identifiers=frozenset(usable),
    )
    return NormalizedProfile(
        match=match, identifiers=tuple(identifiers), warnings=tuple(warnings), address_key=address_key
    )
