"""Phone numbers and email addresses inside a listing's free text (pure: no Django).

Feeds keep a meeting's contacts in private fields, but people also type "Contact: Jo
505-555-0100" into the notes, and every other directory publishes that verbatim. Homegroup
finds them at import and, unless the source's policy says "publish as is", hides them in every
public output (the meeting page, the Meeting Guide feed, the API, iCalendar) until a directory
maintainer publishes them one by one.

What is *not* taken for a personal number, because a listing needs it public: the meeting's own
dial-in (``conference_phone``) and the publisher's phone and email (``entity_phone``,
``entity_email``), and numbers introduced as a meeting id, passcode or dial-in ("Meeting ID 849
297 4572", "Passcode: 123 4567"). The rule errs towards holding: a held intergroup hotline costs
a maintainer one click, a published member's mobile number cannot be taken back.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

# The canonical (and model) fields of free text a listing publishes.
PUBLIC_TEXT_FIELDS: Final = (
    "notes",
    "location_notes",
    "group_notes",
    "conference_url_notes",
    "conference_phone_notes",
)

_PHONE = re.compile(
    r"""
    (?<![\w/#.+=-])                         # not inside a word, a path, a URL or an id
    (?:(?:\+\d{1,3}|1)[\s.-]?)?             # country code: +44, +1, or the 1 of 1-800
    (?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])?       # area code: (505) or 505-
    \d{3,4}[\s.-]\d{3,4}                    # the number: 555-0100, 7946 0958
    (?![\w/=-]|[.,]\d)                      # and nothing after that continues it
    """,
    re.VERBOSE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Words that introduce a number a listing must show: a meeting id, a passcode, a dial-in.
_NOT_PERSONAL = re.compile(
    r"(?:\bid|\bi\.d\.|passcode|password|\bpass|\bpw|\bpin|\bcode|access|\broom"
    r"|conference|\bzoom|webex|\bteams|dial[\s-]?in|meeting|\bext|extension|\bx)"
    r"\W{0,3}(?:(?:number|no|num|\#)\W{0,3})?$",
    re.IGNORECASE,
)
_YEARS = re.compile(r"(?:19|20)\d\d\s?[-.]\s?(?:19|20)\d\d")  # "1985-2020" is no phone number
_DIGITS = re.compile(r"\D")
_MIN_DIGITS: Final = 7
_MAX_DIGITS: Final = 15

Kind = Literal["phone", "email"]


@dataclass(frozen=True, slots=True)
class Found:
    """A phone number or email address as the text writes it, and the field it is in."""

    field: str
    kind: Kind
    value: str


def digits(value: str) -> str:
    return _DIGITS.sub("", value)


def kind_of(value: str) -> Kind:
    return "email" if "@" in value else "phone"


def find_in_text(text: str, *, field: str = "") -> list[Found]:
    """The phone numbers and email addresses in one text, in order, each once."""
    if not text:
        return []
    found: list[Found] = []
    seen: set[str] = set()
    if "@" in text:
        for match in _EMAIL.finditer(text):
            value = match.group(0).rstrip(".")
            if value not in seen:
                seen.add(value)
                found.append(Found(field, "email", value))
    for match in _PHONE.finditer(text):
        value = match.group(0).strip()
        count = len(digits(value))
        if not _MIN_DIGITS <= count <= _MAX_DIGITS or _YEARS.fullmatch(value):
            continue
        if _NOT_PERSONAL.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        if value not in seen:
            seen.add(value)
            found.append(Found(field, "phone", value))
    return found


def find_in_listing(
    texts: Mapping[str, str],
    *,
    conference_phone: str = "",
    entity_phone: str = "",
    entity_email: str = "",
) -> list[Found]:
    """The phone numbers and email addresses in a listing's public free text (``texts``: field
    → text), less the ones the listing publishes in its own fields on purpose."""
    public_numbers = {
        number for number in (digits(conference_phone), digits(entity_phone)) if number
    }
    found: list[Found] = []
    for field in PUBLIC_TEXT_FIELDS:
        for item in find_in_text(texts.get(field) or "", field=field):
            if item.kind == "email" and item.value.casefold() == entity_email.casefold():
                continue
            number = digits(item.value)
            if item.kind == "phone" and any(
                number in public or public in number for public in public_numbers
            ):
                continue
            found.append(item)
    return found


def mask(text: str, values: Collection[str], *, phone: str, email: str) -> str:
    """``text`` with each of ``values`` replaced by ``phone`` or ``email`` (the words that say
    something was withheld). Longer values first, so that a value inside another goes too."""
    if not text or not values:
        return text
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, email if kind_of(value) == "email" else phone)
    return text


def held_values(found: Iterable[Found], *, published: Collection[str]) -> list[str]:
    """What stays hidden: the values found, less those a maintainer published, sorted."""
    return sorted({item.value for item in found} - set(published))
