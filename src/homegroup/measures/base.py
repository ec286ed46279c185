"""The shapes every instrument is made of: scales, items, the instrument, and answer problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

ScaleKind = Literal["days", "choice", "count"]


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer of a choice scale. ``value`` is what is stored and what scores."""

    value: int
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    """How an item is answered.

    ``days``: a raw count of days in the period (0 to ``maximum``); ``choice``: one of
    ``choices`` by value; ``count``: a whole number from ``minimum`` to ``maximum``.
    """

    key: str
    kind: ScaleKind
    choices: tuple[Choice, ...] = ()
    minimum: int = 0
    maximum: int = 30

    def values(self) -> tuple[int, ...]:
        return tuple(choice.value for choice in self.choices)

    def label_of(self, value: int) -> str | None:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return None

    def check(self, value: int) -> str | None:
        """A problem with ``value`` (a sentence), or None when it fits the scale."""
        if self.kind == "choice":
            if value not in self.values():
                allowed = ", ".join(str(v) for v in self.values())
                return f"choose one of {allowed}"
            return None
        if not self.minimum <= value <= self.maximum:
            return f"must be a whole number from {self.minimum} to {self.maximum}"
        return None


Domain = Literal["use", "risk", "protective"]


@dataclass(frozen=True, slots=True)
class Item:
    """One question.

    ``scored``: whether the item has a 0-4 item score at all (the BAM's 7A-G do not).
    ``domain``: the composite the item adds to, if any (BAM item 17 is scored but in none).
    ``skipped_when_zero``: the key of a gate item; when that item is 0 this one is not asked,
    is stored as None and scores 0 (BAM: item 5 after item 4, items 7A-G after item 6).
    ``stem``: the question a group of items shares (BAM 7A-G: "how many days did you use any of
    the following drugs"); ``asked_when``: when a follow-up question is asked, in plain words,
    for a form shown without its script.
    """

    key: str
    text: str
    scale: Scale
    scored: bool = True
    domain: Domain | None = None
    skipped_when_zero: str | None = None
    short: str = ""
    stem: str = ""
    asked_when: str = ""


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    version: str
    title: str
    period_days: int
    source: str
    items: tuple[Item, ...]
    instructions: str = ""

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """Why one answer (``key``) or the whole set (``key`` empty) cannot be scored."""

    key: str
    message: str


class AnswersInvalid(ValueError):
    """The answers cannot be scored; ``problems`` names each item and why."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.key or 'answers'}: {p.message}" for p in problems))


Answers = dict[str, int | None]


def _as_int(raw: object) -> int | None:
    """A whole number from an int or a digit string (a form posts strings); else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.isdigit() and len(text) <= 6:
            return int(text)
    return None


def clean_answers(instrument: Instrument, raw: Mapping[str, object]) -> Answers:
    """Every item's stored value, checked against its scale, or AnswersInvalid.

    Skipped items (their gate item is 0) are stored as None whatever was sent, because the
    person was never asked them. Keys that are not items of the instrument are refused.
    """
    problems: list[AnswerProblem] = []
    unknown = sorted(str(key) for key in raw if key not in instrument.keys)
    problems.extend(AnswerProblem(key, "not a question of this instrument") for key in unknown)
    cleaned: Answers = {}
    for item in instrument.items:
        if item.skipped_when_zero is not None and cleaned.get(item.skipped_when_zero) in (0, None):
            # Not asked after a 0; and when the gate itself is unusable, its problem is the one
            # to report, not a cascade of "answer this question" below it.
            cleaned[item.key] = None
            continue
        value = raw.get(item.key)
        if value is None or value == "":
            problems.append(AnswerProblem(item.key, "answer this question"))
            cleaned[item.key] = None
            continue
        number = _as_int(value)
        if number is None:
            problems.append(AnswerProblem(item.key, "must be a whole number"))
            cleaned[item.key] = None
            continue
        problem = item.scale.check(number)
        if problem is not None:
            problems.append(AnswerProblem(item.key, problem))
            cleaned[item.key] = None
            continue
        cleaned[item.key] = number
    if problems:
        raise AnswersInvalid(problems)
    return cleaned
