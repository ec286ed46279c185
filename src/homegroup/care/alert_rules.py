"""The caseload's alert rules: pure, versioned functions over plain values (no Django).

Each rule takes what it needs (dates, counts, scores) and returns a `Finding`, or None: the rule,
its version, the data categories it rests on, a key that names the episode (the same drift seen
again tomorrow is the same alert, not a new one), the numbers the evidence sentence shows, and
the dates it rests on. `care.alert_wording` turns a finding into plain words; `care.caseload`
feeds the rules from what the disclosure gate let through, so a rule never sees a category the
person did not share. A rule's version changes whenever what it decides changes: an alert keeps
the version that raised it.

Sources: recovery-care.md §1 (weekly attendance is the threshold: Fiorentine 1999), §2 (the
BAM's flags, VA guidance), §5 and §7 (the overdose-safety rule, reused as it is from
`journal.safety`), and the Important People indices (Zywiak 2009: heavy drinkers and heavy drug
users counted apart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from homegroup.journal import safety
from homegroup.journal.recovery import DoseStatus, Schedule, Scope, Substance

# Data categories (the values of privacy.categories.Category; tests check they match).
CHECK_INS = "check_ins"
MEETINGS = "meetings_and_activities"
MEDICATION = "medication"
SUBSTANCE_USE = "substance_use"
NETWORK = "network"
MEASURES = "measures"

# Rule ids: stored on alerts and in the program's settings; never rename one.
NO_MEETINGS = "no_meetings"
NO_CHECK_IN = "no_check_in"
BAM_FLAGS = "bam_flags"
MISSED_DOSES = "missed_doses"
OVERDOSE_RISK = "overdose_risk"
NETWORK_HEAVY_USE = "network_heavy_use"
UNWELCOMING_MEETING = "unwelcoming_meeting"

VERSIONS = {
    NO_MEETINGS: "1",
    NO_CHECK_IN: "1",
    BAM_FLAGS: "1",
    MISSED_DOSES: "1",
    OVERDOSE_RISK: "1",
    NETWORK_HEAVY_USE: "1",
    UNWELCOMING_MEETING: "1",
}
RULES = tuple(VERSIONS)


@dataclass(frozen=True)
class Thresholds:
    """What a program may tune. The defaults are the sources' (see the module docstring)."""

    quiet_days: int = 14  # no meeting logged for this many days...
    pattern_weeks: int = 4  # ...after at least one meeting in each of this many weeks
    no_check_in_days: int = 7
    bam_use_at_least: int = 1
    bam_risk_at_least: int = 12
    bam_protective_at_most: int = 12
    missed_doses_at_least: int = 2
    missed_doses_window_days: int = 7
    # How far back a check-in's overdose-risk note still raises an alert.
    overdose_lookback_days: int = 14
    # How far back a meeting the person said was unwelcoming still raises an alert.
    reception_lookback_days: int = 30

    def as_json(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str
    categories: frozenset[str]
    facts: Mapping[str, Any]
    dates: tuple[date, ...] = ()
    version: str = field(default="")

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", VERSIONS[self.rule])


def _iso(day: date) -> str:
    return day.isoformat()


# --- Meetings -----------------------------------------------------------------------------------


def no_meetings(
    *, today: date, meeting_days: Sequence[date], thresholds: Thresholds = Thresholds()
) -> Finding | None:
    """No meeting logged for `quiet_days` after a weekly pattern: at least one meeting in each of
    the `pattern_weeks` seven-day blocks that end with the last meeting logged.

    Someone who never went weekly raises nothing here: weekly is the threshold the research ties
    to benefit, and this alert is about drifting from it, not about starting."""
    past = sorted(day for day in meeting_days if day <= today)
    if not past:
        return None
    last = past[-1]
    quiet = (today - last).days
    if quiet < thresholds.quiet_days:
        return None
    blocks = thresholds.pattern_weeks
    start = last - timedelta(days=7 * blocks - 1)
    counts = [0] * blocks
    for day in past:
        if start <= day <= last:
            counts[(last - day).days // 7] += 1
    if not all(counts):
        return None
    return Finding(
        rule=NO_MEETINGS,
        key=f"last:{_iso(last)}",
        categories=frozenset({MEETINGS}),
        facts={
            "last": _iso(last),
            "quiet_days": quiet,
            "pattern_start": _iso(start),
            "pattern_weeks": blocks,
            "pattern_meetings": sum(counts),
        },
        dates=(start, last),
    )


# --- Check-ins ----------------------------------------------------------------------------------


def no_check_in(
    *, today: date, last_check_in: date | None, thresholds: Thresholds = Thresholds()
) -> Finding | None:
    """No check-in for `no_check_in_days` days. Someone who never checked in raises nothing:
    there is no habit to drift from."""
    if last_check_in is None:
        return None
    quiet = (today - last_check_in).days
    if quiet < thresholds.no_check_in_days:
        return None
    return Finding(
        rule=NO_CHECK_IN,
        key=f"last:{_iso(last_check_in)}",
        categories=frozenset({CHECK_INS}),
        facts={"last": _iso(last_check_in), "days": quiet},
        dates=(last_check_in,),
    )


# --- The Brief Addiction Monitor ------------------------------------------------------------------


def bam_flags(
    *,
    response_id: int,
    taken_on: date,
    use: int,
    risk: int,
    protective: int,
    thresholds: Thresholds = Thresholds(),
) -> Finding | None:
    """The latest BAM's composites against the VA's flags (Use ≥ 1, Risk ≥ 12, Protective ≤ 12
    by default). The flags are prompts for item-level review, nothing more."""
    flagged = {}
    if use >= thresholds.bam_use_at_least:
        flagged["use"] = {"score": use, "at": thresholds.bam_use_at_least}
    if risk >= thresholds.bam_risk_at_least:
        flagged["risk"] = {"score": risk, "at": thresholds.bam_risk_at_least}
    if protective <= thresholds.bam_protective_at_most:
        flagged["protective"] = {"score": protective, "at": thresholds.bam_protective_at_most}
    if not flagged:
        return None
    return Finding(
        rule=BAM_FLAGS,
        key=f"bam:{response_id}",
        categories=frozenset({MEASURES}),
        facts={"taken_on": _iso(taken_on), "response_id": response_id, "flags": flagged},
        dates=(taken_on,),
    )


# --- Medication ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One medication plan: its kind (methadone, buprenorphine, naltrexone, other), when doses
    are due, and what the check-ins said day by day."""

    kind: str
    schedule: Schedule
    reports: Mapping[date, DoseStatus]


def missed_doses(
    *, today: date, plans: Sequence[Plan], thresholds: Thresholds = Thresholds()
) -> Finding | None:
    """At least `missed_doses_at_least` scheduled doses reported missed in the last
    `missed_doses_window_days` days (today included), over every plan. Doses not reported are
    unknown and never counted as missed."""
    start = today - timedelta(days=thresholds.missed_doses_window_days - 1)
    missed: list[tuple[date, str]] = []
    scheduled = 0
    for plan in plans:
        day = start
        while day <= today:
            if plan.schedule.is_due(day):
                scheduled += 1
                if plan.reports.get(day) is DoseStatus.MISSED:
                    missed.append((day, plan.kind))
            day += timedelta(days=1)
    if len(missed) < thresholds.missed_doses_at_least:
        return None
    missed.sort()
    return Finding(
        rule=MISSED_DOSES,
        key=f"missed:{_iso(missed[0][0])}",
        categories=frozenset({MEDICATION}),
        facts={
            "missed": len(missed),
            "scheduled": scheduled,
            "window_days": thresholds.missed_doses_window_days,
            "days": [_iso(day) for day, _kind in missed],
            "medications": sorted({kind for _day, kind in missed}),
        },
        dates=tuple(day for day, _kind in missed),
    )


# --- Overdose risk (the person's own safety note, journal.safety) --------------------------------


def overdose_risk(
    *,
    today: date,
    known: Mapping[date, frozenset[Substance]],
    medications: Sequence[safety.MedicationDoses] = (),
    recovery_date: date | None = None,
    scope: Scope = Scope.ALL,
    thresholds: Thresholds = Thresholds(),
) -> Finding | None:
    """The most recent day in the last `overdose_lookback_days` whose check-in called for the
    overdose-risk note, by the very rule that showed the person their note
    (`journal.safety.overdose_note`): the clinician reads the same case and the same words,
    and is asked for a naloxone conversation.

    ``known`` holds the days whose use question was answered (empty when substance use is not
    shared: then only missed-dose cases can be found); ``medications`` the plans with their dose
    reports (empty when medication is not shared)."""
    start = today - timedelta(days=thresholds.overdose_lookback_days - 1)
    candidates = {day for day, used in known.items() if start <= day <= today and used}
    for plan in medications:
        candidates |= {
            day
            for day, status in plan.reports.items()
            if start <= day <= today and status is DoseStatus.MISSED
        }
    for day in sorted(candidates, reverse=True):
        note = safety.overdose_note(
            day=day,
            used=known.get(day, frozenset()),
            known=known,
            medications=medications,
            recovery_date=recovery_date,
            scope=scope,
        )
        if note is None:
            continue
        rests_on = set()
        if Substance.OPIOIDS in known.get(day, frozenset()):
            rests_on.add(SUBSTANCE_USE)
        if note.medication:
            rests_on.add(MEDICATION)
        return Finding(
            rule=OVERDOSE_RISK,
            key=f"day:{_iso(day)}",
            categories=frozenset(rests_on or {SUBSTANCE_USE}),
            facts={"day": _iso(day), "note": note.as_json()},
            dates=(day,),
        )
    return None


# --- The support network ------------------------------------------------------------------------


def heavy_counts(indices: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """How many people in a network drink heavily, and how many use drugs heavily (the indices
    keep percentages of the network's size)."""
    size = indices.get("size")
    if not size:
        return (0, 0) if size == 0 else (None, None)

    def count(name: str) -> int | None:
        value = indices.get(name)
        return None if value is None else round(value * size / 100)

    return count("percent_heavy_drinkers"), count("percent_heavy_drug_users")


def _rose(before: int | None, after: int | None) -> bool:
    return before is not None and after is not None and after > before


def network_heavy_use(
    *,
    before_on: date | None,
    before: Mapping[str, Any] | None,
    after_on: date,
    after: Mapping[str, Any],
) -> Finding | None:
    """More people in the network who drink heavily, or who use drugs heavily, than at the
    network's previous change (the two are counted apart, never summed)."""
    if before is None or before_on is None:
        return None
    drink_before, drugs_before = heavy_counts(before)
    drink_after, drugs_after = heavy_counts(after)
    more_drinking = _rose(drink_before, drink_after)
    more_drugs = _rose(drugs_before, drugs_after)
    if not (more_drinking or more_drugs):
        return None
    return Finding(
        rule=NETWORK_HEAVY_USE,
        key=f"network:{_iso(after_on)}",
        categories=frozenset({NETWORK}),
        facts={
            "before_on": _iso(before_on),
            "after_on": _iso(after_on),
            "drinking": [drink_before, drink_after],
            "drugs": [drugs_before, drugs_after],
        },
        dates=(before_on, after_on),
    )


# --- How meetings received the person ---------------------------------------------------------


@dataclass(frozen=True)
class Reception:
    """One meeting the person said was unwelcoming to them as someone on medication, on the day
    they went (their own answer in their journal, shared as medication is)."""

    meeting_id: int
    meeting_name: str
    attended_on: date


def unwelcoming_meeting(
    *, today: date, unwelcoming: Sequence[Reception], thresholds: Thresholds = Thresholds()
) -> Finding | None:
    """The latest meeting, within `reception_lookback_days`, that the person said received them
    badly as someone on medication. Many groups reject people on medication, and a person turned
    away from meetings is at risk of leaving them: the clinician is asked to talk it over and to
    look with them for meetings that welcome people on medication (recovery-care.md §4: "told
    not to speak, urged to taper, refused sponsorship"; coping is "trying other groups"). One
    alert per meeting: a person answers once per meeting."""
    start = today - timedelta(days=thresholds.reception_lookback_days - 1)
    recent = sorted(
        (answer for answer in unwelcoming if start <= answer.attended_on <= today),
        key=lambda answer: (answer.attended_on, answer.meeting_id),
        reverse=True,
    )
    if not recent:
        return None
    latest = recent[0]
    return Finding(
        rule=UNWELCOMING_MEETING,
        key=f"meeting:{latest.meeting_id}",
        categories=frozenset({MEDICATION}),
        facts={
            "meeting": latest.meeting_name,
            "day": _iso(latest.attended_on),
            "others": [[answer.meeting_name, _iso(answer.attended_on)] for answer in recent[1:]],
        },
        dates=tuple(sorted(answer.attended_on for answer in recent)),
    )


# --- What a program may tune ------------------------------------------------------------------

# Each rule's thresholds (fields of `Thresholds`), and the range an admin may set them in.
RULE_THRESHOLDS: dict[str, tuple[str, ...]] = {
    NO_MEETINGS: ("quiet_days", "pattern_weeks"),
    NO_CHECK_IN: ("no_check_in_days",),
    BAM_FLAGS: ("bam_use_at_least", "bam_risk_at_least", "bam_protective_at_most"),
    MISSED_DOSES: ("missed_doses_at_least", "missed_doses_window_days"),
    OVERDOSE_RISK: ("overdose_lookback_days",),
    NETWORK_HEAVY_USE: (),
    UNWELCOMING_MEETING: ("reception_lookback_days",),
}
BOUNDS: dict[str, tuple[int, int]] = {
    "quiet_days": (7, 60),
    "pattern_weeks": (1, 8),
    "no_check_in_days": (2, 60),
    "bam_use_at_least": (1, 12),
    "bam_risk_at_least": (1, 24),
    "bam_protective_at_most": (0, 23),
    "missed_doses_at_least": (1, 14),
    "missed_doses_window_days": (3, 28),
    "overdose_lookback_days": (1, 28),
    "reception_lookback_days": (7, 90),
}


@dataclass(frozen=True)
class RuleSettings:
    """A program's choice: which rules run, with which thresholds."""

    enabled: frozenset[str] = frozenset(RULES)
    thresholds: Thresholds = Thresholds()
