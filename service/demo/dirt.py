"""How values get dirty on their way into a source system: typing, hearing, formatting."""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Any

from service.demo import names
from service.demo.people import Address, Phone, chance

_KEY_NEIGHBOURS = {
    "a": "sqz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "y": "tu",
}


def typo(rng: Random, text: str) -> str:
    """One slip of the fingers: swapped neighbours, a dropped, doubled or mistyped letter."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    roll = rng.random()
    if roll < 0.35 and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if roll < 0.65:
        return text[:i] + text[i + 1 :]
    if roll < 0.8:
        return text[:i] + text[i] + text[i:]
    neighbours = _KEY_NEIGHBOURS.get(text[i].lower())
    if not neighbours:
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice(neighbours) + text[i + 1 :]


def case(rng: Random, text: str, lower: float = 0.0, upper: float = 0.0) -> str:
    roll = rng.random()
    if roll < lower:
        return text.lower()
    if roll < lower + upper:
        return text.upper()
    return text


def heard(rng: Random, name: str, p: float) -> str:
    """A name as written down by someone who heard it on the phone."""
    alternatives = names.SOUNDALIKES.get(name)
    if alternatives and chance(rng, p):
        return rng.choice(alternatives)
    return name


def stray_spaces(rng: Random, text: str, p: float) -> str:
    if not chance(rng, p):
        return text
    return rng.choice((f" {text}", f"{text} ", f" {text} ", f"{text}  "))


def email(rng: Random, value: str, p: float) -> str:
    """Capitals and stray spaces, as people type them into forms."""
    if not chance(rng, p):
        return value
    local, _, domain = value.partition("@")
    roll = rng.random()
    if roll < 0.35:
        local = ".".join(part.capitalize() for part in local.split("."))
        domain = domain.capitalize()
    elif roll < 0.5:
        local, domain = local.upper(), domain.upper()
    elif roll < 0.75:
        local = local.capitalize()
    return stray_spaces(rng, f"{local}@{domain}", 0.7)


def _groups(digits: str, sizes: tuple[int, ...]) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return " ".join(p for p in parts if p)


def _subscriber(digits: str) -> str:
    if len(digits) == 8:
        return _groups(digits, (4, 4))
    if len(digits) == 7:
        return _groups(digits, (3, 4))
    return digits


def phone(rng: Random, number: Phone, international: float) -> str:
    """A number in one of the ways people write it in that country, local or international."""
    digits = number.digits
    intl = chance(rng, international)
    roll = rng.random()
    if number.country == "US":
        area, exchange, line = digits[:3], digits[3:6], digits[6:]
        if intl:
            return (f"+1 {area}-{exchange}-{line}", f"+1 ({area}) {exchange}-{line}", f"+1{digits}")[
                int(roll * 3)
            ]
        return (
            f"({area}) {exchange}-{line}",
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            digits,
        )[int(roll * 5)]
    code = "44" if number.country == "GB" else "61"
    prefix, rest = digits[: number.split], digits[number.split :]
    if number.mobile:
        spaced = _groups(rest, (3, 3)) if number.country == "AU" else rest
        if intl:
            options = [f"+{code} {prefix[1:]} {spaced}", f"+{code}{digits[1:]}"]
            if number.country == "GB":
                options.append(f"00{code} {prefix[1:]} {spaced}")  # Australians dial 0011, not 00
            return options[min(len(options) - 1, int(roll * (len(options) + 0.3)))]
        if number.country == "GB":
            return (f"{prefix} {rest}", f"{prefix} {rest}", digits, f"{prefix} {_groups(rest, (3, 3))}")[
                int(roll * 4)
            ]
        return (f"{prefix} {spaced}", f"{prefix} {spaced}", digits)[int(roll * 3)]
    if intl:
        return (f"+{code} {prefix[1:]} {_subscriber(rest)}", f"+{code}{digits[1:]}")[int(roll * 2)]
    return (f"({prefix}) {_subscriber(rest)}", f"{prefix} {_subscriber(rest)}", digits)[int(roll * 3)]


def birth_date(rng: Random, born: date, country: str, p: float) -> str:
    """ISO mostly; sometimes day and month swapped, a local format, an impossible or a placeholder date."""
    if not chance(rng, p):
        return born.isoformat()
    roll = rng.random()
    if roll < 0.4 and born.day <= 12 and born.day != born.month:
        return f"{born.year:04d}-{born.day:02d}-{born.month:02d}"
    if roll < 0.7:
        if country == "US":
            return f"{born.month:02d}/{born.day:02d}/{born.year:04d}"
        return f"{born.day:02d}/{born.month:02d}/{born.year:04d}"
    if roll < 0.9:
        return rng.choice(
            (
                f"{born.year:04d}-{born.month + 12:02d}-{born.day + 20:02d}",
                f"{born.year:04d}-02-30",
                f"{born.year:04d}-{born.month:02d}-{born.day + 31:02d}",
                f"{born.year:04d}-00-00",
            )
        )
    return "1900-01-01"


_COUNTRY_NAMES = {
    "GB": ("GB", "GB", "GB", "UK", "United Kingdom", "England"),
    "AU": ("AU", "AU", "AU", "Australia", "AUS"),
    "US": ("US", "US", "US", "USA", "United States"),
}


def address(rng: Random, place: Address, style: str) -> dict[str, Any]:
    """`full` (a CRM form), `typed` (a customer at checkout), `short` (a postcode asked at a till, maybe
    the street line) or `till` (the postcode and the street line, as a till registers a card)."""
    country = place.country if chance(rng, 0.93) else rng.choice(_COUNTRY_NAMES[place.country])
    postcode = place.postcode
    if style in ("short", "till"):
        result: dict[str, Any] = {"postcode": postcode, "country": place.country}
        if style == "till" or chance(rng, 0.3):
            result["line1"] = place.street_line
        return result
    street_type = place.street_type
    if style == "typed" and chance(rng, 0.35):
        street_type = names.STREET_ABBREVIATIONS.get(street_type, street_type)
    if place.country == "US" and chance(rng, 0.6):
        street_type = names.STREET_ABBREVIATIONS.get(street_type, street_type)
    street = f"{place.number} {place.street} {street_type}"
    line1, line2 = street, None
    if place.unit:
        if place.country == "GB":
            line1, line2 = place.unit, street
            if chance(rng, 0.4):
                line1, line2 = f"{place.unit}, {street}", None
        elif place.country == "AU":
            line1 = f"{place.unit}/{street}" if chance(rng, 0.7) else f"Unit {place.unit}, {street}"
        else:
            line2 = place.unit
    if style == "typed":
        line1 = case(rng, line1, lower=0.12, upper=0.03)
        if chance(rng, 0.15):
            postcode = postcode.replace(" ", "")
        if chance(rng, 0.1):
            postcode = postcode.lower()
    result = {"line1": line1}
    if line2:
        result["line2"] = line2
    result["locality"] = case(rng, place.locality, upper=0.05) if style == "typed" else place.locality
    result["postcode"] = postcode
    if place.region and (place.country != "GB" or chance(rng, 0.3)):
        result["region"] = place.region
    result["country"] = country
    return result
