"""service.normalize: identifiers, names, dates, addresses and whole profiles (no database)."""

from __future__ import annotations

import doctest
import random
from datetime import date, timedelta
from typing import Any

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from service import normalize
from service.nicknames import NICKNAMES
from service.normalize import (
    NormalizedIdentifier,
    canonical_given_name,
    identifier_key,
    is_junk_identifier,
    junk_reason,
    normalize_address_line,
    normalize_email,
    normalize_identifier,
    normalize_locality,
    normalize_name,
    normalize_phone,
    normalize_postcode,
    normalize_profile,
    parse_birth_date,
    region_for,
    split_generation,
)
from service.records import IdentifierKind, Profile

K = IdentifierKind


def test_module_examples_hold() -> None:
    results = doctest.testmod(normalize, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 10
    assert results.failed == 0


# --- email -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  M.Green@Example.COM ", "m.green@example.com"),
        ("ann+news@mail.example.co.uk", "ann+news@mail.example.co.uk"),
        ("o'neil@example.com", "o'neil@example.com"),  # apostrophe: library path
        ("José@Example.com", "josé@example.com"),  # internationalised local part
        ("ann@xn--bcher-kva.ch", "ann@bücher.ch"),  # punycode comes back as unicode
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["abc", "ann@@x.com", "ann@localhost", "ann@x.test", "ann@x", "@x.com", "ann@", "", "ann@ab--cd.com"],
)
def test_normalize_email_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^not an email address: "):
        normalize_email(raw)


def test_email_failure_is_remembered_but_still_raised() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="not an email address: nope"):
            normalize_email("nope")


def test_email_error_shortens_huge_values() -> None:
    with pytest.raises(ValueError) as caught:
        normalize_email("x" * 5000)
    assert len(str(caught.value)) < 300


_EMAIL_CORPUS = [
    "ann@example.com", "a.b.c@d.e.example.org", "x_y-z+tag@sub-domain.example.io", "a..b@example.com",
    ".ann@example.com", "ann.@example.com", "ann@-example.com", "ann@example-.com", "ann@example..com",
    "ann@example.c", "ann@example.123", "ann@123.example.com", "ann@example.museum", "ann@example.local",
    "ann@onion.onion", "ann@x.arpa", "ann@ab--cd.com", "ann@xn--bcher-kva.ch", "a" * 64 + "@example.com",
    "a" * 65 + "@example.com", "ann@" + "a" * 63 + ".com", "ann@" + "a" * 64 + ".com",
    "ann@" + ".".join(["abcdefghi"] * 25) + ".com", "1234@example.com", "ann@example.co.uk",
    "-ann@example.com",
]  # fmt: skip


@pytest.mark.parametrize("address", _EMAIL_CORPUS)
def test_email_fast_path_only_accepts_what_the_library_accepts_unchanged(address: str) -> None:
    fast = normalize._fast_email(address)
    if fast is None:
        return  # a miss only costs time: the library decides
    assert fast == validate_email(address, check_deliverability=False).normalized


@pytest.mark.parametrize(
    "address", ["m.green@example.com", "ann_lee+x@mail.example.co.uk", "1234@example.com", "a-b@x-y.io"]
)
def test_email_fast_path_covers_ordinary_addresses(address: str) -> None:
    assert normalize._fast_email(address) == address


@pytest.mark.parametrize("address", ["ann@x.test", "ann@ab--cd.com", "a..b@example.com", "ann@example.123"])
def test_email_fast_path_leaves_doubtful_addresses_to_the_library(address: str) -> None:
    assert normalize._fast_email(address) is None
    with pytest.raises(EmailNotValidError):
        validate_email(address, check_deliverability=False)


# --- phone -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("07911 123456", "GB", "+447911123456"),
        ("0412 345 678", "AU", "+61412345678"),
        ("+44 7911 123456", "AU", "+447911123456"),
        ("+44 7911 123456", "US", "+447911123456"),
        ("07911 123456", "gb", "+447911123456"),
        ("+44 (0)7911 123456", "AU", "+447911123456"),  # the "(0)" Britons write after +44
        ("0044 7911 123456", "GB", "+447911123456"),  # international dialling prefix
        ("(02) 9123 4567", "AU", "+61291234567"),
        ("212-555-0199", "US", "+12125550199"),
        ("1 212 555 0199", "US", "+12125550199"),
        ("07797 712345", "GB", "+447797712345"),  # Jersey: valid, though not for GB itself
        ("0207 946 0123", "GB", "+442079460123"),
        ("tel: 07911-123-456", "GB", "+447911123456"),
    ],
)
def test_normalize_phone(raw: str, region: str, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("0000000000", "GB"),
        ("abc", "GB"),
        ("123", "GB"),
        ("555-123-4567", "US"),  # 555 is not an area code
        ("07911 12345", "GB"),  # a digit short
        ("07911 123456", "XX"),  # no country code and no usable region
        ("", "GB"),
    ],
)
def test_normalize_phone_rejects(raw: str, region: str) -> None:
    with pytest.raises(ValueError, match=r"^not a phone number: "):
        normalize_phone(raw, region)


def test_phone_error_names_the_value() -> None:
    with pytest.raises(ValueError) as caught:
        normalize_phone("abc", "GB")
    assert str(caught.value) == "not a phone number: abc"
    with pytest.raises(ValueError, match=r"\(no such number in GB\)"):
        normalize_phone("0000000000", "GB")


_REGIONS = ["GB", "AU", "US", "NZ", "IE", "DE", "FR", "IT", "IN", "ZA", "SG", "CA", "JE", "IM", "BR", "AR"]
_TYPES = [
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
]


def _library_phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_corpus(count: int, seed: int) -> list[tuple[str, str]]:
    """Example numbers of many regions, digits mutated, written in the ways sources write them."""
    rng = random.Random(seed)
    corpus: list[tuple[str, str]] = []
    while len(corpus) < count:
        region = rng.choice(_REGIONS)
        example = phonenumbers.example_number_for_type(region, rng.choice(_TYPES))
        if example is None:
            continue
        digits = "".join(
            d if rng.random() > 0.3 else str(rng.randint(0, 9)) for d in str(example.national_number)
        )
        if rng.random() < 0.1:
            digits = digits[:-1]
        number = phonenumbers.PhoneNumber(country_code=example.country_code, national_number=int(digits))
        style = rng.randrange(6)
        if style == 0:
            text = digits
        elif style == 1:
            text = "0" + digits
        elif style == 2:
            text = f"+{example.country_code} (0) {digits}"
        elif style == 3:
            text = f"00{example.country_code}{digits}"
        else:
            text = phonenumbers.format_number(
                number,
                (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL)[
                    style - 4
                ],
            )
        corpus.append((text, region if rng.random() < 0.8 else rng.choice(_REGIONS)))
    return corpus


def test_phone_fast_path_agrees_with_the_library() -> None:
    hits = 0
    for text, region in _phone_corpus(4000, seed=11):
        fast = normalize._fast_phone(text, region)
        if fast is not None:
            hits += 1
            assert fast == _library_phone(text, region), (text, region)
    assert hits > 800  # the fast path must actually be taken, or this test proves nothing


def test_normalize_phone_agrees_with_the_library() -> None:
    for text, region in _phone_corpus(1500, seed=12):
        try:
            ours: str | None = normalize_phone(text, region)
        except ValueError:
            ours = None
        assert ours == _library_phone(text, region), (text, region)


def test_compiled_plan_validity_agrees_with_the_library() -> None:
    rng = random.Random(13)
    checked = 0
    for _ in range(6000):
        region = rng.choice(_REGIONS)
        plan = normalize._dialling(region)
        example = phonenumbers.example_number_for_type(region, rng.choice(_TYPES))
        if plan is None or example is None:
            continue
        digits = "".join(
            d if rng.random() > 0.25 else str(rng.randint(0, 9)) for d in str(example.national_number)
        )
        if digits[0] == "0":
            continue
        number = phonenumbers.PhoneNumber(country_code=plan.country_code, national_number=int(digits))
        assert plan.is_valid(digits) == phonenumbers.is_valid_number_for_region(number, region), (
            region,
            digits,
        )
        checked += 1
    assert checked > 3000


# --- identifiers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (K.EMAIL, " Ann@X.com ", "ann@x.com"),
        (K.PHONE, "07911 123456", "+447911123456"),
        (K.SOCIAL_HANDLE, " Ann_Lee ", "@ann_lee"),
        (K.SOCIAL_HANDLE, "@@Ann", "@ann"),
        (K.SOCIAL_HANDLE, "@ ann", "@ann"),
        (K.LOYALTY_ID, " loy-1001 ", "LOY1001"),
        (K.LOYALTY_ID, "6337 0000 7919", "633700007919"),
        (K.ACCOUNT_ID, "acc 77", "ACC77"),
        (K.NATIONAL_ID, " ab 12-34-56 c ", "AB123456C"),
        (K.DEVICE_ID, " dev-13fD ", "dev-13fD"),
        (K.COOKIE_ID, "\tAbC.def\n", "AbC.def"),
    ],
)
def test_normalize_identifier(kind: IdentifierKind, value: str, expected: str) -> None:
    assert normalize_identifier(kind, value, "GB") == expected


def test_normalize_identifier_uses_the_region_for_phones() -> None:
    assert normalize_identifier(K.PHONE, "0412 345 678", "AU") == "+61412345678"
    with pytest.raises(ValueError):
        normalize_identifier(K.PHONE, "0412 345 678", "GB")


@pytest.mark.parametrize("kind", list(IdentifierKind))
def test_normalize_identifier_rejects_empty(kind: IdentifierKind) -> None:
    with pytest.raises(ValueError):
        normalize_identifier(kind, "   ", "GB")


def test_social_handle_of_only_at_signs_is_empty() -> None:
    with pytest.raises(ValueError, match="empty SOCIAL_HANDLE value"):
        normalize_identifier(K.SOCIAL_HANDLE, " @@ ", "GB")


def test_identifier_key() -> None:
    assert identifier_key(K.EMAIL, "ann@x.com") == "EMAIL:ann@x.com"
    assert identifier_key(K.PHONE, "+447911123456") == "PHONE:+447911123456"


# --- junk --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (K.EMAIL, "noemail@gmail.com"),
        (K.EMAIL, "no.email@example.com"),
        (K.EMAIL, "noemail123@hotmail.com"),
        (K.EMAIL, "none@x.com"),
        (K.EMAIL, "test@test.com"),
        (K.EMAIL, "test1@gmail.com"),
        (K.EMAIL, "no@no.com"),
        (K.EMAIL, "no@email.com"),
        (K.EMAIL, "na@x.com"),
        (K.EMAIL, "n/a@x.com"),
        (K.EMAIL, "unknown@x.com"),
        (K.EMAIL, "example@example.com"),
        (K.EMAIL, "donotreply@shop.com"),
        (K.EMAIL, "xxx@gmail.com"),
        (K.EMAIL, "aaaa@x.com"),
        (K.EMAIL, "1234@x.com"),
        (K.EMAIL, "ann@noemail.co.uk"),
        (K.EMAIL, "bob@test.com"),
        (K.PHONE, "+440000000000"),
        (K.PHONE, "+441234567890"),
        (K.PHONE, "+11234567890"),
        (K.PHONE, "+447777777777"),
        (K.PHONE, "+447000000000"),
        (K.PHONE, "+61400000000"),
        (K.PHONE, "+449876543210"),
        (K.PHONE, "+442079460123"),  # Ofcom drama range
        (K.PHONE, "+12125550123"),  # North American 555-01xx
        (K.LOYALTY_ID, "0"),
        (K.LOYALTY_ID, "N/A"),
        (K.LOYALTY_ID, "NONE"),
        (K.LOYALTY_ID, "UNKNOWN"),
        (K.LOYALTY_ID, "TEST"),
        (K.LOYALTY_ID, "-"),
        (K.LOYALTY_ID, "XXXXXX"),
        (K.ACCOUNT_ID, "123456"),
        (K.ACCOUNT_ID, "TEST01"),
        (K.NATIONAL_ID, "000000000"),
        (K.NATIONAL_ID, "QQ123456C"),
        (K.NATIONAL_ID, "078051120"),
        (K.DEVICE_ID, "00000000-0000-0000-0000-000000000000"),
        (K.DEVICE_ID, "unknown"),
        (K.COOKIE_ID, "undefined"),
        (K.COOKIE_ID, "null"),
        (K.SOCIAL_HANDLE, "@test"),
        (K.SOCIAL_HANDLE, "@none"),
    ],
)
def test_junk_identifiers(kind: IdentifierKind, value: str) -> None:
    assert is_junk_identifier(kind, value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (K.EMAIL, "m.green@example.com"),  # the contract's example: documentation domains are fine
        (K.EMAIL, "ann@gmail.com"),
        (K.EMAIL, "jj@smith.family"),  # two letters are initials
        (K.EMAIL, "j@smith.family"),  # one letter too
        (K.EMAIL, "nora@test-kitchen.com"),
        (K.EMAIL, "tester.smith@gmail.com"),
        (K.PHONE, "+61412345678"),  # the contract's example
        (K.PHONE, "+447911123456"),
        (K.PHONE, "+447123456789"),  # a run after the first digit is not the whole number
        (K.LOYALTY_ID, "LOY-1001"),
        (K.ACCOUNT_ID, "12345"),  # short numbers are real early accounts
        (K.NATIONAL_ID, "AB123456C"),
        (K.DEVICE_ID, "dev-13fd"),
        (K.SOCIAL_HANDLE, "@ann"),
    ],
)
def test_real_identifiers_are_not_junk(kind: IdentifierKind, value: str) -> None:
    assert not is_junk_identifier(kind, value), junk_reason(kind, value)


def test_fictional_us_range() -> None:
    assert junk_reason(K.PHONE, "+12125550100") == "a number reserved for drama"
    assert junk_reason(K.PHONE, "+12125550199") == "a number reserved for drama"
    assert junk_reason(K.PHONE, "+12125550200") is None
    assert junk_reason(K.PHONE, "+12125551234") is None


def test_junk_reasons_say_which_rule() -> None:
    assert junk_reason(K.EMAIL, "noemail@x.com") == "a placeholder mailbox"
    assert junk_reason(K.EMAIL, "ann@test.com") == "a placeholder domain"
    assert junk_reason(K.PHONE, "+441234567890") == "a run of consecutive digits"
    assert junk_reason(K.PHONE, "+447777777777") == "one digit repeated"
    assert junk_reason(K.LOYALTY_ID, "-") == "no letters or digits"
    assert junk_reason(K.NATIONAL_ID, "QQ123456C") == "a documentation example"


def test_every_kind_has_junk_rules() -> None:
    assert set(normalize._JUNK_RULES) == set(IdentifierKind)


# --- names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  José  O'Neil-SMITH ", "jose oneil smith"),
        ("O\u2019Neil", "oneil"),
        ("ONeil", "oneil"),
        ("Smith-Jones", "smith jones"),
        ("Łukasz Żółć", "lukasz zolc"),
        ("Søren Ærø", "soren aero"),
        ("STRAßE", "strasse"),
        ("Zoë\tBrontë", "zoe bronte"),
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("Ann2", "ann"),
        ("ﬁona", "fiona"),  # ligature
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "123", "--", "'"])
def test_normalize_name_none_when_nothing_left(raw: str) -> None:
    assert normalize_name(raw) is None


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("bill", "william"), ("billy", "william"), ("will", "william"), ("willy", "william"),
        ("liam", "william"),
        ("bob", "robert"), ("rob", "robert"), ("bobby", "robert"), ("robbie", "robert"),
        ("johnny", "john"), ("jack", "john"), ("jon", "jonathan"), ("jonny", "jonathan"),
        ("kate", "katherine"), ("katie", "katherine"), ("kathy", "katherine"), ("cathy", "katherine"),
        ("catherine", "katherine"), ("liz", "elizabeth"), ("beth", "elizabeth"), ("lizzie", "elizabeth"),
        ("betty", "elizabeth"), ("eliza", "elizabeth"), ("mike", "michael"), ("mick", "michael"),
        ("mikey", "michael"), ("jim", "james"), ("jimmy", "james"), ("jamie", "james"), ("tom", "thomas"),
        ("tommy", "thomas"), ("dick", "richard"), ("rick", "richard"), ("ricky", "richard"),
        ("rich", "richard"),
        ("dave", "david"), ("steve", "stephen"), ("steven", "stephen"), ("chris", "christopher"),
        ("alex", "alexander"), ("sam", "samuel"), ("dan", "daniel"), ("danny", "daniel"), ("matt", "matthew"),
        ("nick", "nicholas"), ("tony", "anthony"), ("joe", "joseph"), ("joey", "joseph"), ("ben", "benjamin"),
        ("andy", "andrew"), ("drew", "andrew"), ("pete", "peter"), ("ed", "edward"), ("eddie", "edward"),
        ("ted", "edward"), ("jen", "jennifer"), ("jenny", "jennifer"), ("sue", "susan"), ("susie", "susan"),
        ("maggie", "margaret"), ("meg", "margaret"), ("peggy", "margaret"), ("pat", "patricia"),
        ("patty", "patricia"), ("debbie", "deborah"), ("deb", "deborah"), ("mandy", "amanda"),
        ("abby", "abigail"), ("jess", "jessica"), ("becky", "rebecca"), ("vicky", "victoria"),
        ("muhammad", "mohammed"),
    ],
)  # fmt: skip
def test_canonical_given_name(given: str, canonical: str) -> None:
    assert canonical_given_name(given) == canonical


def test_canonical_given_name_of_unknown_and_canonical_names_is_itself() -> None:
    assert canonical_given_name("mitchell") == "mitchell"
    assert canonical_given_name("william") == "william"
    assert canonical_given_name("zebedee") == "zebedee"


def test_canonical_given_name_takes_the_first_word() -> None:
    assert canonical_given_name("bill james") == "william"
    assert canonical_given_name("") == ""


def test_nickname_table_is_well_formed() -> None:
    nicknames = [nickname for group in NICKNAMES.values() for nickname in group]
    assert len(nicknames) >= 150
    assert len(nicknames) == len(set(nicknames)), "a nickname must map to one canonical name"
    assert not set(nicknames) & set(NICKNAMES), "a canonical name must not be another's nickname"
    for name in [*NICKNAMES, *nicknames]:
        assert normalize_name(name) == name and " " not in name, name
    for nickname in nicknames:
        once = canonical_given_name(nickname)
        assert canonical_given_name(once) == once


def test_ambiguous_nickname_table_is_refused() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        normalize._invert_nicknames({"alexander": ("alex",), "alexandra": ("alex",)})
    with pytest.raises(ValueError, match="ambiguous"):
        normalize._invert_nicknames({"john": ("jack",), "jack": ("jackie",)})


# --- birth dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1956-04-09", "1956-04-09"),
        ("1956/04/09", "1956-04-09"),
        ("1956.04.09", "1956-04-09"),
        ("09/04/1956", "1956-04-09"),  # day first
        ("9/4/1956", "1956-04-09"),
        ("09-04-1956", "1956-04-09"),
        ("19560409", "1956-04-09"),
        ("1956-04-09T00:00:00Z", "1956-04-09"),
        ("1956-04-09 13:45:00", "1956-04-09"),
        (" 2000-02-29 ", "2000-02-29"),
        ("1900-01-02", "1900-01-02"),
    ],
)
def test_parse_birth_date(raw: str, expected: str) -> None:
    assert parse_birth_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "1956-13-40",
        "31/02/1980",
        "1900-02-29",
        "1956-04/09",
        "04/09/56",
        "abc",
        "",
        "1956",
        "13/13/1956",
        "00/00/0000",
    ],
)
def test_parse_birth_date_rejects_impossible(raw: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_birth_date(raw)
    assert str(caught.value) == f"not a valid date: {raw.strip()}"


def test_parse_birth_date_rejects_future_and_before_1900() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(ValueError, match=r"^not a valid date: .* \(in the future\)$"):
        parse_birth_date(tomorrow)
    with pytest.raises(ValueError, match=r"\(before 1900\)$"):
        parse_birth_date("1899-12-31")
    assert parse_birth_date(date.today().isoformat()) == date.today().isoformat()


# --- addresses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" sw1a 1aa ", "SW1A1AA"),
        ("SW1A-1AA", "SW1A1AA"),
        ("2119", "2119"),
        ("90210-1234", "902101234"),
    ],
)
def test_normalize_postcode(raw: str, expected: str) -> None:
    assert normalize_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", " - "])
def test_normalize_postcode_empty(raw: str) -> None:
    assert normalize_postcode(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10 Downing St.", "10 downing street"),
        ("7 Wallaby Pl", "7 wallaby place"),
        ("12 Smith Rd", "12 smith road"),
        ("3 Park Ave", "3 park avenue"),
        ("3 Park Av", "3 park avenue"),
        ("5 Moon Cres", "5 moon crescent"),
        ("5 Moon Cr", "5 moon crescent"),
        ("9 Lake Dr", "9 lake drive"),
        ("1 Mill Ln", "1 mill lane"),
        ("2 Oak Ct", "2 oak court"),
        ("4 Elm Cl", "4 elm close"),
        ("100 Pacific Hwy", "100 pacific highway"),
        ("8 Marine Pde", "8 marine parade"),
        ("6 Grove Tce", "6 grove terrace"),
        ("1 Market Sq", "1 market square"),
        ("77 Sunset Blvd", "77 sunset boulevard"),
        ("Apt 5, 10 Main St", "apartment 5 10 main street"),
        ("Flt 2 10 Main St", "flat 2 10 main street"),
        ("St Mary's Rd", "saint marys road"),
        ("10 St Kilda Rd", "10 saint kilda road"),
        ("Flat 2, 10 St. Mary's Rd", "flat 2 10 saint marys road"),
        ("12 High St North", "12 high street north"),
        ("100 N Main St", "100 north main street"),
        ("Main St N", "main street north"),
        ("200 W 57th St", "200 west 57th street"),
        ("Flat E, 12 High St", "flat e 12 high street"),  # a unit letter is not east
        ("12 E St", "12 e street"),  # E Street keeps its letter
        ("3/12 Smith St", "3 12 smith street"),
        ("  1  Rue de l'Église ", "1 rue de leglise"),
        ("Mt Pleasant Rd", "mount pleasant road"),
    ],
)
def test_normalize_address_line(raw: str, expected: str) -> None:
    assert normalize_address_line(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", ", . -"])
def test_normalize_address_line_empty(raw: str) -> None:
    assert normalize_address_line(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Cleveland", "cleveland"),
        ("  St. Kilda ", "saint kilda"),
        ("Mt Eliza", "mount eliza"),
        ("Zürich", "zurich"),
        ("Newcastle-upon-Tyne", "newcastle upon tyne"),
    ],
)
def test_normalize_locality(raw: str, expected: str) -> None:
    assert normalize_locality(raw) == expected


def test_normalize_locality_empty() -> None:
    assert normalize_locality(" ,") is None


@pytest.mark.parametrize(
    ("country", "default", "expected"),
    [
        ("AU", "GB", "AU"),
        ("au", "GB", "AU"),
        (" nz ", "GB", "NZ"),
        ("Australia", "GB", "AU"),
        ("United Kingdom", "AU", "GB"),
        ("UK", "AU", "GB"),
        ("England", "AU", "GB"),
        ("USA", "GB", "US"),
        ("United States of America", "GB", "US"),
        ("GBR", "AU", "GB"),
        ("XX", "GB", "GB"),
        ("Atlantis", "AU", "AU"),
        (None, "GB", "GB"),
        ("", "AU", "AU"),
        (None, "gb", "GB"),
    ],
)
def test_region_for(country: str | None, default: str, expected: str) -> None:
    assert region_for(country, default) == expected


# --- profiles ----------------------------------------------------------------------------------------


def _profile(**fields: Any) -> Profile:
    return Profile.model_validate({"source": "crm", "sourceId": "C-1001", **fields})


def test_normalize_profile_contract_example() -> None:
    profile = _profile(
        givenName="Mitchell",
        familyName="Green",
        birthDate="1956-04-09",
        gender="M",
        address={"line1": "7 Wallaby Place", "line2": "Delmar", "locality": "Cleveland", "postcode": "2119",
                 "region": "SA", "country": "AU"},
        identifiers=[{"kind": "EMAIL", "value": "m.green@example.com"},
                     {"kind": "PHONE", "value": "0412 345 678"}],
    )  # fmt: skip
    result = normalize_profile(profile, "GB")
    match = result.match
    assert match.key == "crm:C-1001"
    assert (match.given_name, match.given_canonical, match.family_name) == ("mitchell", "mitchell", "green")
    assert (match.birth_date, match.gender) == ("1956-04-09", "M")
    assert (match.address, match.locality, match.postcode) == ("7 wallaby place", "cleveland", "2119")
    assert match.identifiers == frozenset({"EMAIL:m.green@example.com", "PHONE:+61412345678"})
    assert result.identifiers == (
        NormalizedIdentifier(K.EMAIL, "m.green@example.com", "EMAIL:m.green@example.com", False),
        NormalizedIdentifier(K.PHONE, "+61412345678", "PHONE:+61412345678", False),
    )
    assert result.warnings == ()
    assert result.address_key == "AU|2119|7 wallaby place"


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ("Ward Jr.", ("ward", "jr")),
        ("WARD JUNIOR", ("ward", "jr")),
        ("Ward Jnr", ("ward", "jr")),
        ("Ward II", ("ward", "jr")),
        ("Ward, Sr.", ("ward", "sr")),
        ("Ward III", ("ward", "iii")),
        ("Senior", ("senior", None)),
        ("Junior-Smith", ("junior smith", None)),
    ],
)
def test_a_generational_suffix_is_parsed_off_the_family_name(
    family: str, expected: tuple[str, str | None]
) -> None:
    match = normalize_profile(_profile(givenName="Thomas", familyName=family), "GB").match
    assert (match.family_name, match.generation) == expected
    assert split_generation(normalize_name(family) or "") == expected


def test_normalize_profile_reports_unusable_values_and_keeps_the_rest() -> None:
    profile = _profile(
        givenName="Mr Bill",
        familyName="O'Neil-Smith",
        birthDate="1956-13-40",
        gender="male",
        address={"line1": "Flat 2", "line2": "10 Downing St", "locality": "London", "postcode": "sw1a 1aa",
                 "country": "United Kingdom"},
        identifiers=[
            {"kind": "EMAIL", "value": " Bill@Example.com"},
            {"kind": "PHONE", "value": "abc"},
            {"kind": "PHONE", "value": "07911 123456"},
            {"kind": "EMAIL", "value": "noemail@x.com"},
            {"kind": "EMAIL", "value": "bill@example.com"},
        ],
    )  # fmt: skip
    result = normalize_profile(profile, "AU")
    assert result.warnings == (
        "identifiers[1]: not a phone number: abc",
        "birthDate: not a valid date: 1956-13-40",
    )
    match = result.match
    assert (match.given_name, match.given_canonical, match.family_name) == ("bill", "william", "oneil smith")
    assert match.birth_date is None
    assert match.gender == "M"
    assert match.address == "flat 2 10 downing street"  # line1 was only the flat: line2 completes it
    assert match.identifiers == frozenset(
        {"EMAIL:bill@example.com", "PHONE:+447911123456"}
    )  # GB from country
    assert [(i.key, i.junk) for i in result.identifiers] == [
        ("EMAIL:bill@example.com", False),
        ("PHONE:+447911123456", False),
        ("EMAIL:noemail@x.com", True),  # stored, flagged, never matched on
    ]
    assert result.address_key == "GB|SW1A1AA|flat 2 10 downing street"


def test_normalize_profile_uses_the_default_region_without_a_country() -> None:
    profile = _profile(identifiers=[{"kind": "PHONE", "value": "0412 345 678"}])
    assert normalize_profile(profile, "AU").match.identifiers == frozenset({"PHONE:+61412345678"})
    result = normalize_profile(profile, "GB")
    assert result.match.identifiers == frozenset()
    assert result.warnings[0].startswith("identifiers[0]: not a phone number: 0412 345 678")


def test_normalize_profile_of_a_bare_record() -> None:
    result = normalize_profile(_profile(), "GB")
    assert result.match.key == "crm:C-1001"
    assert result.match.given_name is None and result.match.given_canonical is None
    assert result.match.identifiers == frozenset()
    assert (result.identifiers, result.warnings, result.address_key) == ((), (), None)


@pytest.mark.parametrize(
    ("gender", "expected"),
    [
        ("M", "M"),
        ("male", "M"),
        ("Male ", "M"),
        ("f", "F"),
        ("Female", "F"),
        ("X", None),
        ("unknown", None),
        ("", None),
    ],
)
def test_normalize_profile_gender(gender: str, expected: str | None) -> None:
    result = normalize_profile(_profile(gender=gender), "GB")
    assert result.match.gender == expected
    assert result.warnings == ()


def test_normalize_profile_given_name_is_first_word_without_title() -> None:
    assert normalize_profile(_profile(givenName="Mary Jane"), "GB").match.given_name == "mary"
    assert normalize_profile(_profile(givenName="Dr. Jon"), "GB").match.given_canonical == "jonathan"
    # A lone "Miss" is kept rather than losing the field: it is all the source said.
    assert normalize_profile(_profile(givenName="Miss"), "GB").match.given_name == "miss"


def test_normalize_profile_warns_about_names_without_letters() -> None:
    result = normalize_profile(_profile(givenName="123", familyName="Smith", birthDate="  "), "GB")
    assert result.match.given_name is None
    assert result.match.family_name == "smith"
    assert result.warnings == ("givenName: not a name: 123",)


def test_normalize_profile_collapses_duplicate_identifiers() -> None:
    profile = _profile(
        identifiers=[{"kind": "EMAIL", "value": "Ann@X.com"}, {"kind": "EMAIL", "value": " ann@x.com"}],
    )
    assert [i.key for i in normalize_profile(profile, "GB").identifiers] == ["EMAIL:ann@x.com"]


@pytest.mark.parametrize(
    ("address", "key", "line"),
    [
        ({"line1": "10 Downing St", "postcode": "SW1A 1AA"}, "GB|SW1A1AA|10 downing street",
         "10 downing street"),
        ({"line1": "10 Downing St", "locality": "London"}, "GB|london|10 downing street",
         "10 downing street"),
        ({"line1": "10 Downing St"}, None, "10 downing street"),  # could be any 10 Downing St
        ({"postcode": "SW1A 1AA", "country": "uk"}, "GB|SW1A1AA|", None),
        ({"locality": "London"}, None, None),
        ({"line1": "12", "line2": "High St", "postcode": "AB1 2CD"}, "GB|AB12CD|12 high street",
         "12 high street"),
        ({"line2": "High St", "postcode": "AB1 2CD"}, "GB|AB12CD|high street", "high street"),
        ({"line1": "7 Wallaby Place", "line2": "Delmar", "postcode": "2119", "country": "Australia"},
         "AU|2119|7 wallaby place", "7 wallaby place"),
        ({"line1": "Unit 3b", "line2": "4 Smith St", "postcode": "2000", "country": "AU"},
         "AU|2000|unit 3b 4 smith street", "unit 3b 4 smith street"),
    ],
)  # fmt: skip
def test_normalize_profile_address(address: dict[str, str], key: str | None, line: str | None) -> None:
    result = normalize_profile(_profile(address=address), "GB")
    assert result.address_key == key
    assert result.match.address == line


@pytest.mark.parametrize("raw", ["1900-01-01", "01/01/1901", "1970-01-01"])
def test_parse_birth_date_rejects_placeholder_dates(raw: str) -> None:
    with pytest.raises(ValueError, match=r"\(a placeholder\)$"):
        parse_birth_date(raw)


def test_a_display_name_that_is_the_profiles_own_handle_is_no_given_name() -> None:
    handle = [{"kind": "SOCIAL_HANDLE", "value": "@murphy_j"}]
    assert normalize_profile(_profile(givenName="murphyj", identifiers=handle), "GB").match.given_name is None
    # A real given name, or one beside a family name, stays.
    assert normalize_profile(_profile(givenName="John", identifiers=handle), "GB").match.given_name == "john"
    named = _profile(givenName="murphyj", familyName="Murphy", identifiers=handle)
    assert normalize_profile(named, "GB").match.given_name == "murphyj"
