"""How welcoming a meeting is to people on medication, derived from evidence (ADR 0003).

Pure: plain values in, a level and its reasons out, no Django. `refresh_mat_level` in
`directory.actions` feeds it the meeting's counted evidence and stores the level for search.

The rule, in short (the ADR explains why):

1. **Statements** — the fellowship's charter, the group's or publisher's own statement (a
   ``MOUD`` code in its feed included), a directory maintainer's check — stand until withdrawn.
   The newest statement sets the direction (the charter is the oldest of all; on the same day a
   welcoming statement wins). Welcoming → ``confirmed_welcoming``; unwelcoming →
   ``reported_unwelcoming``; unless **reports newer than that statement outweigh it**: they
   weigh at least ``OUTWEIGH`` (two fresh people) and more than the reports on the statement's
   side. Then, and when there is no statement, step 2 decides.
2. **Reports** — accepted reports of people in recovery and clinicians, and wording in the
   listing's notes — are weighed: a report counts 1 for ``FULL_WEIGHT_DAYS`` after the
   experience, ½ until ``EXPIRES_DAYS``, then nothing; notes count 1 while the listing says it.
   More welcoming weight → ``reported_welcoming``; more unwelcoming → ``reported_unwelcoming``;
   a tie (nothing at all included) → ``unknown``.

One person counts once: of several reports with one reporter key only the newest counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

Level = Literal["confirmed_welcoming", "reported_welcoming", "unknown", "reported_unwelcoming"]
Kind = Literal[
    "charter",
    "publisher_statement",
    "source_notes",
    "member_report",
    "clinician_report",
    "maintainer",
]
Stance = Literal["welcoming", "unwelcoming"]

# Lowest to highest: what "a welcoming report never lowers the level" is measured on.
LEVEL_ORDER: Final[tuple[Level, ...]] = (
    "reported_unwelcoming",
    "unknown",
    "reported_welcoming",
    "confirmed_welcoming",
)
STATEMENT_KINDS: Final = frozenset({"charter", "publisher_statement", "maintainer"})
REPORT_KINDS: Final = frozenset({"member_report", "clinician_report"})
FULL_WEIGHT_DAYS: Final = 2 * 365
EXPIRES_DAYS: Final = 5 * 365
OUTWEIGH: Final = 2.0


@dataclass(frozen=True, slots=True)
class EvidenceFact:
    """One counted piece of evidence. ``reporter`` is the opaque key of a report's author
    (empty for everything else); ``observed_on`` is when it was said or experienced."""

    kind: Kind
    stance: Stance
    observed_on: date
    reporter: str = ""


@dataclass(frozen=True, slots=True)
class LevelDecision:
    level: Level
    reasons: tuple[str, ...]


def rank(level: Level) -> int:
    return LEVEL_ORDER.index(level)


def report_weight(fact: EvidenceFact, *, today: date) -> float:
    """How much one report or notes wording counts today."""
    if fact.kind == "source_notes":
        return 1.0  # the listing says it now: re-synced on every import
    age = (today - fact.observed_on).days
    if age <= FULL_WEIGHT_DAYS:
        return 1.0
    if age <= EXPIRES_DAYS:
        return 0.5
    return 0.0


def one_per_person(facts: Iterable[EvidenceFact]) -> list[EvidenceFact]:
    """Keep each reporter's newest report (same day: the welcoming one), and every fact
    without a reporter. Deterministic, so the order of the evidence never matters."""
    newest: dict[str, EvidenceFact] = {}
    others: list[EvidenceFact] = []
    for fact in facts:
        if not fact.reporter:
            others.append(fact)
            continue
        kept = newest.get(fact.reporter)
        if kept is None or _report_key(fact) > _report_key(kept):
            newest[fact.reporter] = fact
    return others + list(newest.values())


def _report_key(fact: EvidenceFact) -> tuple[date, bool, str]:
    return (fact.observed_on, fact.stance == "welcoming", fact.kind)


def _plural(count: float, one: str, many: str) -> str:
    shown = f"{count:g}"
    return f"{shown} {one if count == 1 else many}"


def derive_level(*, charter: bool, evidence: Sequence[EvidenceFact], today: date) -> LevelDecision:
    """The level a meeting's evidence supports, with the reasons in words for maintainers.

    ``evidence`` is what counts: imported facts and reports a maintainer accepted (pending and
    rejected reports are left out by the caller). ``charter`` is the fellowship's own
    medication-inclusive charter.
    """
    facts = one_per_person(evidence)
    statements = [fact for fact in facts if fact.kind in STATEMENT_KINDS]
    if charter:
        statements.append(EvidenceFact("charter", "welcoming", date.min))
    reports = [
        (fact, report_weight(fact, today=today))
        for fact in facts
        if fact.kind not in STATEMENT_KINDS
    ]
    welcoming = sum(weight for fact, weight in reports if fact.stance == "welcoming")
    unwelcoming = sum(weight for fact, weight in reports if fact.stance == "unwelcoming")
    tally = (
        f"reports and notes: {_plural(welcoming, 'welcoming', 'welcoming')} "
        f"against {_plural(unwelcoming, 'unwelcoming', 'unwelcoming')} (by weight)"
    )
    reasons: list[str] = []

    if statements:
        newest = max(statements, key=lambda fact: (fact.observed_on, fact.stance == "welcoming"))
        source = _describe_statement(newest)
        against: Stance = "unwelcoming" if newest.stance == "welcoming" else "welcoming"
        newer_against = sum(
            weight
            for fact, weight in reports
            if fact.stance == against and fact.observed_on > newest.observed_on
        )
        same_side = welcoming if newest.stance == "welcoming" else unwelcoming
        if newer_against >= OUTWEIGH and newer_against > same_side:
            reasons.append(
                f"{source} is outweighed by newer {against} reports "
                f"({newer_against:g} against {same_side:g})"
            )
        elif newest.stance == "welcoming":
            reasons.append(f"{source} says people on medication are welcome")
            if unwelcoming:
                reasons.append(f"not outweighed: {tally}")
            return LevelDecision("confirmed_welcoming", tuple(reasons))
        else:
            reasons.append(f"{source} says people on medication are not welcome")
            if welcoming:
                reasons.append(f"not outweighed: {tally}")
            return LevelDecision("reported_unwelcoming", tuple(reasons))

    if welcoming > unwelcoming:
        return LevelDecision("reported_welcoming", (*reasons, tally))
    if unwelcoming > welcoming:
        return LevelDecision("reported_unwelcoming", (*reasons, tally))
    if welcoming:
        return LevelDecision("unknown", (*reasons, f"conflicting evidence: {tally}"))
    if any(weight == 0 for _fact, weight in reports):
        return LevelDecision("unknown", (*reasons, "only reports too old to count"))
    return LevelDecision("unknown", (*reasons, "no evidence yet"))


def _describe_statement(fact: EvidenceFact) -> str:
    if fact.kind == "charter":
        return "the fellowship's charter"
    if fact.kind == "maintainer":
        return f"a directory maintainer's check of {fact.observed_on.isoformat()}"
    return f"the group's or publisher's statement of {fact.observed_on.isoformat()}"


# --- Wording in a listing's notes ----------------------------------------------------------------

# "MAT" and "MOUD" only in capitals ("bring a yoga mat" is not about medication); medicine names
# in any case.
_MEDICATION = (
    r"(?:(?-i:MAT|MOUD)|medication[- ]assisted(?:\s+(?:treatment|recovery))?|methadone"
    r"|buprenorphine|suboxone|subutex|sublocade|naltrexone|vivitrol"
    r"|(?:people|those|members|anyone)\s+on\s+medications?)"
)
_WELCOME = r"(?:welcom\w*|friendly|inclusive|supportive|accepted|affirming)"
_NEGATION = r"(?:not|no|never|isn't|aren't|don't|unwelcome|discouraged|prohibited|forbidden)"
_UNWELCOMING = re.compile(
    "|".join(
        [
            # "not MAT friendly", "not methadone-friendly", "not welcoming to MAT"
            rf"\bnot\s+{_MEDICATION}[- ]?{_WELCOME}",
            rf"\bnot\s+{_WELCOME}\s+(?:to|of)\s+[^.;!?\n]{{0,30}}?{_MEDICATION}",
            # "no methadone", "no MAT"
            rf"\bno\s+{_MEDICATION}\b",
            # "people on methadone are not welcome", "MAT not accepted", "methadone is not clean"
            rf"{_MEDICATION}\b[^.;!?\n]{{0,40}}?\b(?:not|isn't|aren't|never)\s+"
            rf"(?:\w+\s+)?(?:{_WELCOME}|allowed|permitted|clean|sober|abstinent|recovery)",
            rf"{_MEDICATION}\b[^.;!?\n]{{0,20}}?\b(?:unwelcome|discouraged|prohibited)",
        ]
    ),
    re.IGNORECASE,
)
_WELCOMING = re.compile(
    "|".join(
        [
            # "MAT welcome", "MAT-friendly", "methadone and Suboxone users welcome"
            rf"{_MEDICATION}[^.;!?\n]{{0,40}}?\b{_WELCOME}",
            # "all welcome, including people on methadone"
            rf"\b{_WELCOME}\b[^.;!?\n]{{0,40}}?\b(?:on|taking|using|receiving|in)\s+"
            rf"{_MEDICATION}",
        ]
    ),
    re.IGNORECASE,
)


def notes_stances(text: str) -> list[tuple[Stance, str]]:
    """What a listing's notes say about people on medication: at most one welcoming and one
    unwelcoming phrase, as written. Unwelcoming phrasing is looked for first and blanked out,
    so "MAT not welcome" is never read as "MAT ... welcome"."""
    if not text:
        return []
    found: list[tuple[Stance, str]] = []
    unwelcoming = _UNWELCOMING.search(text)
    if unwelcoming:
        found.append(("unwelcoming", " ".join(unwelcoming.group(0).split())))
        text = _UNWELCOMING.sub(".", text)
    welcoming = _WELCOMING.search(text)
    if welcoming and not re.search(rf"\b{_NEGATION}\b", welcoming.group(0), re.IGNORECASE):
        found.append(("welcoming", " ".join(welcoming.group(0).split())))
    return found
