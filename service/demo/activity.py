"""Interactions: purchases, returns, logins, complaints, enquiries and campaign responses over 3 years.

Times follow each channel's rhythm in the customer's local time (shops on Saturdays at lunchtime,
the web in the evening, the phone lines on Monday mornings), with seasonal peaks (back to school,
Black Friday, Christmas) and a business that grows over the period. Some customers lapse for a long
while and come back, often after a win-back campaign.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from random import Random
from typing import Any

from service.demo import names
from service.demo.people import ADULT, END, END_DAY, Household, Person, Weighted, chance, zipf
from service.demo.sources import stamp

YEARS = 3
START_DAY = END_DAY - timedelta(days=365 * YEARS)
START = datetime.combine(START_DAY, datetime.min.time())
DAYS = (END_DAY - START_DAY).days

CHANNELS = ("WEB", "APP", "EMAIL", "PHONE", "CHAT", "SOCIAL", "STORE", "MAIL")

# Relative activity by local hour (0-23) and by weekday (Monday first), per channel.
HOURS: dict[str, tuple[float, ...]] = {
    "STORE": (0, 0, 0, 0, 0, 0, 0, 0.2, 1, 4, 7, 9, 11, 11, 9, 8, 8, 8, 6, 3, 1, 0.3, 0, 0),
    "WEB": (2, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 4, 5, 5, 5, 7, 7, 5, 5, 5, 6, 7, 9, 11, 11, 8, 4),
    "APP": (2, 1, 0.5, 0.3, 0.3, 0.7, 2, 6, 8, 5, 4, 4, 7, 6, 4, 4, 5, 8, 7, 8, 9, 9, 7, 4),
    "PHONE": (0, 0, 0, 0, 0, 0, 0, 0, 3, 9, 10, 9, 7, 7, 8, 7, 6, 4, 2, 1, 0, 0, 0, 0),
    "CHAT": (0, 0, 0, 0, 0, 0, 0, 0.5, 2, 5, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 4, 3, 1, 0),
    "EMAIL": (0.5, 0.3, 0.2, 0.1, 0.1, 0.5, 3, 7, 8, 6, 5, 4, 6, 5, 4, 4, 4, 5, 5, 6, 7, 6, 4, 2),
    "SOCIAL": (2, 1, 0.5, 0.2, 0.2, 0.5, 1.5, 3, 3, 3, 3, 3, 5, 5, 3, 3, 4, 5, 6, 8, 10, 10, 8, 4),
    "MAIL": (0, 0, 0, 0, 0, 0, 0, 0, 2, 5, 6, 6, 4, 5, 6, 5, 4, 1, 0, 0, 0, 0, 0, 0),
}
WEEKDAYS: dict[str, tuple[float, ...]] = {
    "STORE": (0.8, 0.8, 0.85, 0.9, 1.1, 1.6, 1.0),
    "WEB": (1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 1.15),
    "APP": (0.95, 0.95, 0.95, 1.0, 1.0, 1.1, 1.15),
    "PHONE": (1.3, 1.1, 1.0, 1.0, 0.95, 0.5, 0.15),
    "CHAT": (1.1, 1.0, 1.0, 1.0, 1.0, 0.7, 0.6),
    "EMAIL": (1.1, 1.05, 1.0, 1.0, 0.95, 0.8, 0.9),
    "SOCIAL": (0.9, 0.9, 0.9, 1.0, 1.0, 1.2, 1.2),
    "MAIL": (1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.05),
}
SEASON = (0, 1.0, 0.85, 0.9, 0.9, 0.85, 0.85, 0.9, 1.35, 1.3, 1.0, 1.45, 1.7)  # by month, 1-based
CALIBRATION = 1.15  # makes the average per person with records come out at `per_person`
GROWTH = 0.35  # the last day is 35% busier than the first

# What each system logs, and how busy people are in it.
SOURCE_KINDS: dict[str, Weighted[tuple[str, str]]] = {
    "webshop": Weighted(
        [
            (("PURCHASE", "WEB"), 55),
            (("LOGIN", "WEB"), 33),
            (("RETURN", "WEB"), 5),
            (("ENQUIRY", "CHAT"), 5),
            (("COMPLAINT", "CHAT"), 2),
        ]
    ),
    "app": Weighted([(("PURCHASE", "APP"), 40), (("LOGIN", "APP"), 48), (("CAMPAIGN_RESPONSE", "APP"), 12)]),
    "store": Weighted(
        [
            (("PURCHASE", "STORE"), 84),
            (("RETURN", "STORE"), 12),
            (("ENQUIRY", "STORE"), 2),
            (("COMPLAINT", "STORE"), 2),
        ]
    ),
    "callcentre": Weighted(
        [
            (("COMPLAINT", "PHONE"), 35),
            (("ENQUIRY", "PHONE"), 40),
            (("COMPLAINT", "CHAT"), 10),
            (("ENQUIRY", "CHAT"), 15),
        ]
    ),
    "crm": Weighted(
        [
            (("CAMPAIGN_RESPONSE", "EMAIL"), 50),
            (("CAMPAIGN_RESPONSE", "MAIL"), 25),
            (("COMPLAINT", "EMAIL"), 8),
            (("ENQUIRY", "EMAIL"), 10),
            (("COMPLAINT", "MAIL"), 7),
        ]
    ),
    "newsletter": Weighted([(("CAMPAIGN_RESPONSE", "EMAIL"), 1)]),
    "social": Weighted(
        [(("CAMPAIGN_RESPONSE", "SOCIAL"), 50), (("ENQUIRY", "SOCIAL"), 30), (("COMPLAINT", "SOCIAL"), 20)]
    ),
}
SOURCE_ACTIVITY = {
    "webshop": 3.0,
    "app": 3.5,
    "store": 3.0,
    "callcentre": 0.8,
    "crm": 1.0,
    "newsletter": 1.2,
    "social": 0.8,
}
ID_PREFIX = {
    "PURCHASE": "ORD",
    "RETURN": "RET",
    "LOGIN": "LGN",
    "COMPLAINT": "CASE",
    "ENQUIRY": "CASE",
    "CAMPAIGN_RESPONSE": "CR",
}
RATES = {"GBP": 1.0, "AUD": 1.9, "USD": 1.27}
PRODUCTS = zipf(names.PRODUCTS, offset=8, exponent=1.1)
SEASONAL_PRODUCTS = {
    8: zipf([p for p in names.PRODUCTS if p[2] in ("school", "stationery")], offset=5),
    9: zipf([p for p in names.PRODUCTS if p[2] in ("school", "stationery")], offset=5),
    11: zipf([p for p in names.PRODUCTS if p[2] in ("gifts", "planners", "art")], offset=3),
    12: zipf([p for p in names.PRODUCTS if p[2] in ("gifts", "planners", "art")], offset=3),
}
QUANTITIES = Weighted([(1, 75.0), (2, 15.0), (3, 6.0), (4, 2.0), (5, 2.0)])
BASKET_SIZES = Weighted([(1, 55.0), (2, 25.0), (3, 12.0), (4, 5.0), (5, 3.0)])
RETURN_REASONS = ("Changed mind", "Faulty", "Damaged in transit", "Wrong item", "Duplicate gift")
_AGENT_NAMES = names.AGENTS

# An event before it becomes an interaction: (seconds from START in UTC, source, kind, channel, note)
Event = tuple[int, str, str, str, str]


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def campaign(day: date) -> str:
    """The campaign running on a day (responses name the campaign they answer)."""
    m, d, y = day.month, day.day, day.year
    if m == 1 and d <= 20:
        return f"January sale {y}"
    if m == 2 and d <= 14:
        return f"Valentine's {y}"
    if (m == 3 and d >= 15) or (m == 4 and d <= 15):
        return f"Easter {y}"
    if m == 8 or (m == 9 and d <= 10):
        return f"Back to school {y}"
    if m == 11 and d >= 20:
        return f"Black Friday {y}"
    if m == 12 and d <= 24:
        return f"Christmas {y}"
    return f"Newsletter {MONTHS[m - 1]} {y}"


def _dst_shift(month: int, dst: str) -> float:
    if dst == "N":
        return 1.0 if 4 <= month <= 10 else 0.0
    if dst == "S":
        return 1.0 if month >= 10 or month <= 3 else 0.0
    return 0.0


class Activity:
    def __init__(self, rng: Random, per_person: float) -> None:
        self.rng = rng
        self.per_person = per_person
        self._months = [(START_DAY + timedelta(days=i)).month for i in range(DAYS)]
        weekdays = [(START_DAY + timedelta(days=i)).weekday() for i in range(DAYS)]
        self._cum: dict[str, list[float]] = {}
        for channel in CHANNELS:
            cum = [0.0]
            for i in range(DAYS):
                weight = WEEKDAYS[channel][weekdays[i]] * SEASON[self._months[i]] * (1 + GROWTH * i / DAYS)
                cum.append(cum[-1] + weight)
            self._cum[channel] = cum
        self._hours = {channel: Weighted(enumerate(weights)) for channel, weights in HOURS.items()}
        self._counters: dict[str, int] = {}

    def count(self, person: Person) -> int:
        """How many interactions a person has: most have a few, some many (a gamma distribution)."""
        age = person.age()
        factor = 0.3 if age < 13 else 0.7 if age < ADULT else 0.6 if age >= 80 else 1.0
        active = DAYS - max(0, (person.since - START_DAY).days)
        tenure = min(1.0, (active + 60) / 540)  # newer customers have done less
        mean = self.per_person * factor * tenure * CALIBRATION
        return round(self.rng.gammavariate(1.3, mean / 1.3)) if mean > 0 else 0

    # --- times

    def _segments(self, person: Person) -> list[tuple[int, int]]:
        first = max(0, (person.since - START_DAY).days)
        first = min(first, DAYS - 1)
        if person.lapsed and DAYS - first > 420:
            gap = self.rng.randint(240, min(540, DAYS - first - 150))
            begin = self.rng.randint(first + 60, DAYS - 90 - gap)
            if begin > first:
                return [(first, begin), (begin + gap, DAYS)]
        return [(first, DAYS)]

    def _moment(self, channel: str, segments: list[tuple[int, int]], household: Household) -> int:
        rng = self.rng
        cum = self._cum[channel]
        masses = [cum[end] - cum[begin] for begin, end in segments]
        u = rng.random() * sum(masses)
        begin, end = segments[-1]
        for (b, e), mass in zip(segments, masses, strict=True):
            if u < mass:
                begin, end = b, e
                break
            u -= mass
        day = min(end - 1, max(begin, bisect_right(cum, cum[begin] + u) - 1))
        hour = self._hours[channel].pick(rng)
        place = household.address
        offset = place.utc_offset + _dst_shift(self._months[day], place.dst)
        return int(day * 86_400 + hour * 3600 + rng.randrange(3600) - offset * 3600)

    # --- events

    def person(self, household: Household, person: Person) -> list[dict[str, Any]]:
        rng = self.rng
        current = {rec.source: rec for rec in person.records if not rec.legacy}
        if not current or person.interactions <= 0:
            return []
        sources = Weighted((source, SOURCE_ACTIVITY[source]) for source in current)
        segments = self._segments(person)
        events: list[Event] = []
        for _ in range(person.interactions):
            source = sources.pick(rng)
            kind, channel = SOURCE_KINDS[source].pick(rng)
            note = ""
            if kind == "CAMPAIGN_RESPONSE":
                note = rng.choice(("opened", "opened", "clicked", "clicked", "redeemed"))
            t = self._moment(channel, segments, household)
            events.append((t, source, kind, channel, note))
            if note in ("clicked", "redeemed") and chance(rng, 0.35):
                follow = self._follow_up(current, t)
                if follow is not None:
                    events.append(follow)
        if len(segments) == 2:
            events.extend(self._win_back(current, segments[1][0], household))
        events.sort()
        return self._interactions(household, person, current, events)

    def _follow_up(self, current: dict[str, Any], t: int) -> Event | None:
        """A purchase soon after a campaign click: what analysts look for."""
        rng = self.rng
        options = [
            (s, c) for s, c in (("webshop", "WEB"), ("app", "APP"), ("store", "STORE")) if s in current
        ]
        if not options:
            return None
        source, channel = rng.choice(options)
        later = t + rng.randint(600, 48 * 3600)
        if later >= DAYS * 86_400:
            return None
        return (later, source, "PURCHASE", channel, "campaign")

    def _win_back(self, current: dict[str, Any], day: int, household: Household) -> list[Event]:
        rng = self.rng
        for source, channel in (("crm", "EMAIL"), ("newsletter", "EMAIL"), ("app", "APP"), ("crm", "MAIL")):
            if source in current:
                t = int((day + rng.randint(0, 3)) * 86_400 + rng.randint(8, 20) * 3600)
                t -= int(household.address.utc_offset * 3600)
                events: list[Event] = [(t, source, "CAMPAIGN_RESPONSE", channel, "winback")]
                follow = self._follow_up(current, t)
                if follow is not None and chance(rng, 0.6):
                    events.append(follow)
                return events
        return []

    def _interactions(
        self, household: Household, person: Person, current: dict[str, Any], events: list[Event]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        out: list[dict[str, Any]] = []
        last_order: str | None = None
        last_product = names.PRODUCTS[0][1]
        currency = household.currency
        for t, source, kind, channel, note in events:
            moment = START + timedelta(seconds=t)
            source_id = self._source_id(source, kind)
            interaction: dict[str, Any] = {
                "type": "interaction",
                "source": source,
                "sourceId": source_id,
                "customer": self._customer(person, current, source),
                "channel": channel,
                "kind": kind,
                "occurredAt": stamp(moment),
            }
            if kind in ("PURCHASE", "RETURN"):
                products, value = self._basket(moment.month, currency, 1 if kind == "RETURN" else 0)
                interaction["value"] = value
                interaction["currency"] = currency
                interaction["products"] = products
                if kind == "PURCHASE":
                    last_order = source_id
                    last_product = products[0]["name"]
                    if note == "campaign":
                        interaction["summary"] = f"After {campaign(moment.date())}"
                else:
                    interaction["summary"] = rng.choice(RETURN_REASONS)
                if channel == "STORE" and "summary" not in interaction:
                    interaction["summary"] = f"{household.address.locality} store"
            elif kind in ("COMPLAINT", "ENQUIRY"):
                templates = names.COMPLAINTS if kind == "COMPLAINT" else names.ENQUIRIES
                template, resolutions = rng.choice(templates)
                if "{order}" in template and last_order is None:
                    template, resolutions = templates[4]
                interaction["summary"] = template.format(
                    order=last_order, product=last_product, store=household.address.locality
                )
                interaction["agent"] = rng.choice(_AGENT_NAMES)
                recent = (END - moment).days < 21
                if chance(rng, (0.6 if kind == "COMPLAINT" else 0.3) if recent else 0.04):
                    interaction["status"] = "OPEN"
                    interaction["resolution"] = None
                else:
                    interaction["status"] = "RESOLVED"
                    interaction["resolution"] = rng.choice(resolutions)
            elif kind == "CAMPAIGN_RESPONSE":
                name = "We miss you" if note == "winback" else campaign(moment.date())
                interaction["summary"] = f"{name}: {'clicked' if note == 'winback' else note}"
            if channel in ("APP", "WEB"):
                device = self._device(person, channel)
                if device is not None:
                    interaction["deviceId"] = device
            out.append(interaction)
        return out

    def _source_id(self, source: str, kind: str) -> str:
        key = f"{source}:{kind}"
        count = self._counters.get(key, 0) + 1
        self._counters[key] = count
        prefix = ID_PREFIX.get(kind, "EV")
        if kind == "ENQUIRY":
            count += 5_000_000  # cases share a prefix: keep complaint and enquiry numbers apart
        return f"{prefix}-{count:08d}"

    def _customer(self, person: Person, current: dict[str, Any], source: str) -> dict[str, Any]:
        rng = self.rng
        if source == "callcentre" and person.own_phones and chance(rng, 0.3):
            return {"identifier": {"kind": "PHONE", "value": rng.choice(person.own_phones)}}
        if person.own_emails and chance(rng, 0.25 if source in ("crm", "newsletter") else 0.04):
            return {"identifier": {"kind": "EMAIL", "value": rng.choice(person.own_emails).lower()}}
        rec = current[source]
        return {"source": rec.source, "sourceId": rec.source_id}

    def _basket(self, month: int, currency: str, fixed: int) -> tuple[list[dict[str, Any]], float]:
        rng = self.rng
        seasonal = SEASONAL_PRODUCTS.get(month)
        rate = RATES[currency]
        count = fixed or BASKET_SIZES.pick(rng)
        products: list[dict[str, Any]] = []
        seen: list[str] = []
        total = 0.0
        for _ in range(count):
            sku, name, category, price = (
                seasonal.pick(rng) if seasonal is not None and chance(rng, 0.4) else PRODUCTS.pick(rng)
            )
            if sku in seen:
                continue
            seen.append(sku)
            local = price * rate
            local = round(local) - 0.01 if rate != 1.0 and local > 3 else round(local, 2)
            quantity = 1 if fixed or price > 10 else QUANTITIES.pick(rng)
            total += quantity * local
            products.append(
                {"sku": sku, "name": name, "category": category, "quantity": quantity, "price": local}
            )
        return products, round(total, 2)

    def _device(self, person: Person, channel: str) -> str | None:
        """A device the person's profiles list: computers for the web mostly, phones and tablets too."""
        rng = self.rng
        web, app = person.shown_devices.get("WEB"), person.shown_devices.get("APP")
        if channel == "WEB" and web and (not app or chance(rng, 0.65)):
            return rng.choice(web)
        if app:
            return app[0] if chance(rng, 0.7) else rng.choice(app)
        return None
