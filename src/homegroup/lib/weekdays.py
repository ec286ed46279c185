"""The one weekday convention inside Homegroup: 0 = Sunday … 6 = Saturday.

It is the Meeting Guide's convention, so a day read from or written to a Meeting Guide feed needs
no conversion. Every other convention is converted at the edge by exactly one helper here:

=====================  ==========================  =================================
convention             Sunday … Saturday           helper
=====================  ==========================  =================================
Homegroup / Meeting    0 … 6                       (none needed)
Guide
BMLT semantic API      1 … 7                       ``from_bmlt`` / ``to_bmlt``
Python ``weekday()``   6, 0 … 5 (Monday = 0)       ``from_python`` / ``to_python``
Django ``__week_day``  1 … 7                       ``to_django_week_day``
=====================  ==========================  =================================
"""

from __future__ import annotations

from typing import Final

SUNDAY: Final = 0
MONDAY: Final = 1
TUESDAY: Final = 2
WEDNESDAY: Final = 3
THURSDAY: Final = 4
FRIDAY: Final = 5
SATURDAY: Final = 6

DAY_NAMES: Final = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# Spellings seen in real feeds that are not prefixes of the English name.
_ALIASES: Final = {"weds": WEDNESDAY, "thur": THURSDAY, "thurs": THURSDAY, "tues": TUESDAY}


def _check(day: int) -> int:
    # bool is an int subclass; True as "Monday" is always a bug upstream.
    if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
        raise ValueError(f"day must be an integer 0-6 with 0 = Sunday, not {day!r}")
    return day


def day_name(day: int) -> str:
    """The English name of a day (0 = Sunday)."""
    return DAY_NAMES[_check(day)]


def from_bmlt(value: int | str) -> int:
    """BMLT ``weekday_tinyint`` (1-7, 1 = Sunday, often a string) to 0-6."""
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            raise ValueError(f"BMLT weekday must be 1-7 with 1 = Sunday, not {value!r}")
        number = int(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise ValueError(f"BMLT weekday must be 1-7 with 1 = Sunday, not {value!r}")
    if not 1 <= number <= 7:
        raise ValueError(f"BMLT weekday must be 1-7 with 1 = Sunday, not {value!r}")
    return number - 1


def to_bmlt(day: int) -> int:
    """0-6 (0 = Sunday) to BMLT's 1-7 (1 = Sunday)."""
    return _check(day) + 1


def from_python(weekday: int) -> int:
    """Python's ``date.weekday()`` (Monday = 0) to 0-6 (0 = Sunday)."""
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"Python weekday must be 0-6 with 0 = Monday, not {weekday!r}")
    return (weekday + 1) % 7


def to_python(day: int) -> int:
    """0-6 (0 = Sunday) to Python's ``date.weekday()`` (Monday = 0)."""
    return (_check(day) + 6) % 7


def to_django_week_day(day: int) -> int:
    """0-6 (0 = Sunday) to the value of Django's ``__week_day`` lookup (1 = Sunday … 7)."""
    return _check(day) + 1


def parse_day(value: int | str) -> int:
    """Read a day as feeds write it: ``3``, ``"3"``, ``"Tuesday"``, ``"tue"``, ``"TUES"``.

    Integers and digit strings are 0-6 with 0 = Sunday (the Meeting Guide's convention); a source
    with another numbering must convert first (``from_bmlt``). Names are English, any case, any
    unambiguous prefix of two letters or more ("tu", "thu", "sat"), or a plural ("Mondays").
    """
    if isinstance(value, bool):
        raise ValueError(f"not a day: {value!r}")
    if isinstance(value, int):
        return _check(value)
    if not isinstance(value, str):
        raise ValueError(f"not a day: {value!r} (expected 0-6 or a day name)")
    text = value.strip().lower().rstrip(".")
    if not text:
        raise ValueError("no day given (expected 0-6 or a day name)")
    if text.isdigit():
        number = int(text)
        if number > 6:
            raise ValueError(f"day must be 0-6 with 0 = Sunday, not {value!r}")
        return number
    if text in _ALIASES:
        return _ALIASES[text]
    if text.endswith("s") and text[:-1] in _LOWER_NAMES:
        text = text[:-1]
    if len(text) >= 2:
        matches = [index for index, name in enumerate(_LOWER_NAMES) if name.startswith(text)]
        if len(matches) == 1:
            return matches[0]
    raise ValueError(f"not a day: {value!r} (expected 0-6 with 0 = Sunday, or a day name)")


_LOWER_NAMES: Final = tuple(name.lower() for name in DAY_NAMES)
