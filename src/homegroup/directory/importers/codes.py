"""Meeting type codes: each fellowship's list, and turning a source's tokens into codes.

AA and most fellowships use the Meeting Guide table (``data/types.json``, code4recovery/spec,
MIT): 87 codes with names in 9 languages. NA uses the 12 Step Meeting List plugin's NA list,
which is what BMLT world ids map to. Both tables also know:

- ``ONL`` and ``NS``: removed from the spec in 2022 but still emitted by the TSML plugin;
- ``MOUD``: Homegroup's documented custom code, "welcomes people on medication for opioid use
  disorder". ``MED`` is Meditation and ``MA`` is Marijuana Anonymous in TSML, and ``MOUD``
  collides with no code and no ISO 639 language code. Other apps ignore codes they don't know.

A token that is neither a code (any case) nor a type name (any of the 9 languages, any case) is
kept as written in ``unknown_codes`` and reported: a source's custom codes are never dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Final

MOUD: Final = "MOUD"
MOUD_NAME: Final = "Welcomes people on medication for opioid use disorder"

# Both are still in use (TSML emits them), so recognise them rather than warn on every meeting.
LEGACY_CODES: Final[Mapping[str, str]] = {"ONL": "Online Meeting", "NS": "Non-Smoking"}

# The 12 Step Meeting List plugin's NA program types (code4recovery/12-step-meeting-list,
# includes/variables.php), plus BMLT's hybrid world id so hybrid NA meetings are not reported.
NA_CODES: Final[Mapping[str, str]] = {
    "BEG": "Beginner/Newcomer",
    "BT": "Basic Text",
    "C": "Closed",
    "CAN": "Candlelight",
    "CPT": "12 Concepts",
    "CW": "Children Welcome",
    "DISC": "Discussion/Participation",
    "GL": "Gay/Lesbian",
    "HYBR": "Hybrid",
    "IP": "IP Study",
    "IW": "It Works Study",
    "JFT": "Just For Today Study",
    "LC": "Living Clean",
    "LIT": "Literature Study",
    "M": "Men",
    "MED": "Meditation",
    "NS": "Non-Smoking",
    "O": "Open",
    "ONL": "Online Meeting",
    "QA": "Questions & Answers",
    "RA": "Restricted Access",
    "SMOK": "Smoking",
    "SPAD": "Spiritual Principle a Day",
    "SPK": "Speaker",
    "STEP": "Step",
    "SWG": "Step Working Guide Study",
    "TC": "Location Temporarily Closed",
    "TOP": "Topic",
    "TRAD": "Tradition",
    "VAR": "Format Varies",
    "W": "Women",
    "X": "Wheelchair Accessible",
    "Y": "Young People",
}

# BMLT world ids whose NA code differs; every other world id in NA_CODES is its own code.
WORLD_ID_TO_NA: Final[Mapping[str, str]] = {
    "CLOSED": "C",
    "OPEN": "O",
    "VM": "ONL",
    "WCHR": "X",
}


# Fellowships by name, for feeds whose records name theirs in words ("Narcotics Anonymous");
# the codes are the directory's (directory/migrations/0003_fellowships.py).
FELLOWSHIP_NAMES: Final[Mapping[str, str]] = {
    "Alcoholics Anonymous": "AA",
    "Narcotics Anonymous": "NA",
    "Cocaine Anonymous": "CA",
    "Crystal Meth Anonymous": "CMA",
    "Marijuana Anonymous": "MA",
    "Heroin Anonymous": "HA",
    "Pills Anonymous": "PA",
    "Overeaters Anonymous": "OA",
    "Gamblers Anonymous": "GA",
    "Sex Addicts Anonymous": "SAA",
    "Sex and Love Addicts Anonymous": "SLAA",
    "Adult Children of Alcoholics": "ACA",
    "Co-Dependents Anonymous": "CODA",
    "Debtors Anonymous": "DA",
    "Al-Anon": "ALANON",
    "Al-Anon Family Groups": "ALANON",
    "Nar-Anon": "NARANON",
    "Nar-Anon Family Groups": "NARANON",
    "Medication-Assisted Recovery Anonymous": "MARA",
    "SMART Recovery": "SMART",
    "Recovery Dharma": "RD",
    "Refuge Recovery": "RR",
    "LifeRing Secular Recovery": "LIFERING",
    "LifeRing": "LIFERING",
    "Celebrate Recovery": "CR",
    "Women for Sobriety": "WFS",
}
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_BY_NAME: Final = {
    _NOT_ALNUM.sub("", name.casefold()): code for name, code in FELLOWSHIP_NAMES.items()
}
_CODE_LIKE = re.compile(r"[A-Za-z0-9-]{1,16}")


def fellowship_code(value: str) -> str | None:
    """A fellowship's code from a record's ``fellowship`` field: its code in any case ("na"),
    or its name ("Narcotics Anonymous", "Al-Anon"); None for anything else."""
    text = value.strip()
    by_name = _BY_NAME.get(_NOT_ALNUM.sub("", text.casefold()))
    if by_name is not None:
        return by_name
    if _CODE_LIKE.fullmatch(text):
        return text.upper()
    return None


@cache
def meeting_guide_types() -> Mapping[str, Mapping[str, str]]:
    """The Meeting Guide type table: code → {language: name}."""
    text = files(__package__).joinpath("data/types.json").read_text(encoding="utf-8")
    table: dict[str, dict[str, str]] = json.loads(text)
    return table


class CodeTable:
    """One fellowship's known codes, with lookups by code and by name (case-insensitive)."""

    def __init__(self, fellowship: str, names: Mapping[str, Mapping[str, str]]) -> None:
        self.fellowship = fellowship
        self.names: dict[str, str] = {
            code: by_lang.get("en", code) for code, by_lang in names.items()
        }
        self._by_upper = {code.upper(): code for code in names}
        self._by_name = {
            name.strip().casefold(): code
            for code, by_lang in names.items()
            for name in by_lang.values()
        }

    def __contains__(self, code: object) -> bool:
        return code in self.names

    def lookup(self, token: str) -> str | None:
        """The canonical code for a code or a type name in any case, or None."""
        if token in self.names:
            return token
        return self._by_upper.get(token.upper()) or self._by_name.get(token.casefold())


@cache
def code_table(fellowship: str) -> CodeTable:
    """The code table for a fellowship: NA's own list for NA, the Meeting Guide table for the
    rest (it is the de facto list of AA, CA, and the many fellowships that copy it)."""
    extras = {MOUD: MOUD_NAME}
    if fellowship.upper() == "NA":
        base: dict[str, Mapping[str, str]] = {code: {"en": name} for code, name in NA_CODES.items()}
    else:
        base = dict(meeting_guide_types())
        for code, name in LEGACY_CODES.items():
            base.setdefault(code, {"en": name})
    for code, name in extras.items():
        base.setdefault(code, {"en": name})
    return CodeTable(fellowship.upper(), base)


def normalise_code_map(raw: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """A code map as written in a map file ({"SS": "ST", "12": ["ST", "TR"], "F": []}) to
    code → codes. An empty list drops the source code on purpose (and silently)."""
    result: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            result[key] = (value,) if value.strip() else ()
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            result[key] = tuple(item for item in value if item.strip())
        else:
            raise ValueError(f"code map entry {key!r} must be a code or a list of codes")
    return result


class CodeResolver:
    """Turns a source's type tokens into (known codes, unknown tokens) through its code map.

    Memoised per token: a feed repeats a few dozen tokens across thousands of meetings.
    """

    def __init__(self, table: CodeTable, code_map: Mapping[str, tuple[str, ...]]) -> None:
        self.table = table
        self.code_map = dict(code_map)
        self._map_upper = {key.upper(): value for key, value in code_map.items()}
        self._cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def resolve_token(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        text = token.strip()
        mapped = self.code_map.get(text)
        if mapped is None:
            mapped = self._map_upper.get(text.upper())
        candidates = mapped if mapped is not None else ((text,) if text else ())
        known: list[str] = []
        unknown: list[str] = []
        for candidate in candidates:
            code = self.table.lookup(candidate)
            if code is None:
                unknown.append(candidate)
            else:
                known.append(code)
        result = (tuple(known), tuple(unknown))
        self._cache[token] = result
        return result

    def resolve(self, tokens: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Sorted, de-duplicated known codes and unknown tokens (sorted so that re-importing an
        unchanged feed gives equal meetings whatever order the source wrote codes in)."""
        known: set[str] = set()
        unknown: set[str] = set()
        for token in tokens:
            found, missing = self.resolve_token(token)
            known.update(found)
            unknown.update(missing)
        return tuple(sorted(known)), tuple(sorted(unknown))
