"""When a saved day calls for a kind note on overdose risk, and which one: pure, no Django.

One rule, reused as it is: the person's check-in page shows the note after a save
(`journal.views.check_in`), and the clinician's caseload alerts (care) show the same case with
the same wording (`journal.safety_wording`). It takes plain values — the day, what it reported, the
person's use reports, and their medication plans with their dose reports — and returns an
`OverdoseNote` naming the case and the wording, or None. The note informs; it never blames, and it
never changes recovery time. Sources: docs/references.md ("Overdose-safety rule").

The day *calls for* a note when it reports opioid use (misused methadone or buprenorphine is
opioid use) or a missed dose of methadone, buprenorphine or naltrexone. Then, in this order:

1. **Agonist, days without a dose** (`AGONIST_DAYS_WITHOUT_DOSE`): the person is on methadone or
   buprenorphine and the journal shows **3 or more calendar days in a row without a dose taken**
   around the day (calendar days, not scheduled doses: `days_without_dose`). Tolerance may be low;
   the usual or a take-home dose waits until the clinic reassesses. A plan that ended within the
   last 30 days counts too: every day after its end is a day without a dose.
2. **Naltrexone** (`NALTREXONE`): the day reports a missed naltrexone dose, or opioid use while on
   naltrexone or within 30 days of stopping it. After a missed dose or stopping, tolerance is low
   and the risk high; pushing past the blockade can cause an overdose (the extended-release label).
3. **Agonist taken as prescribed** (`AGONIST_AS_PRESCRIBED`): opioid use while on methadone or
   buprenorphine without such a run. Tolerance has not dropped; the risk is fentanyl and mixing
   (alcohol, benzodiazepines, more opioids) on top of the medication.
4. **No medication** (`NO_MEDICATION`): opioid use without any of the above. When the journal
   shows **7 or more days without opioid use** before it, the wording says tolerance drops after
   time without (``opioid_free_days``); with no evidence of such a stretch (a first check-in, a
   short history) the note still shows, without that claim.

Opioid use that continues — opioid use also reported in the 7 days before — shows no note for
cases 2 to 4: the note was shown at the start of that stretch. A missed-dose note never waits.

Every note carries the same steps (`journal.safety_wording.STEPS`): naloxone, never using alone,
not mixing, going slowly, and what to do for someone who cannot be woken (the recovery position,
a second naloxone dose after 2-3 minutes without response).

Days without a check-in stay unknown: they neither shorten the opioid-free stretch (for a safety
note, erring towards showing it is the kind mistake) nor count as missed doses (an unanswered
scheduled dose ends a run; only the saved day's own answer may still be pending).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from homegroup.journal.recovery import (
    OPIOID_MEDICATIONS,
    DoseStatus,
    Schedule,
    Scope,
    Substance,
)

NALTREXONE = "naltrexone"
MIN_OPIOID_FREE_DAYS = 7
MIN_DAYS_WITHOUT_DOSE = 3
# How long after a plan ends it still shapes the note: an extended-release naltrexone dose lasts
# about a month, and a recently stopped agonist leaves falling tolerance. A project choice.
RECENTLY_STOPPED = timedelta(days=30)
# How far `days_without_dose` walks either side of the day: far enough for two weekly doses and a
# plan that ended a month ago, short enough to stay a small loop.
RUN_HORIZON = timedelta(days=62)
ONE_DAY = timedelta(days=1)
TAKEN_STATUSES = frozenset({DoseStatus.TAKEN, DoseStatus.DIFFERENT_DOSE})


class Case(StrEnum):
    """Which situation the note is about (what an alert names)."""

    AGONIST_DAYS_WITHOUT_DOSE = "agonist_days_without_dose"
    NALTREXONE = "naltrexone"
    AGONIST_AS_PRESCRIBED = "agonist_as_prescribed"
    NO_MEDICATION = "no_medication"


class Wording(StrEnum):
    """Which explanation the note shows (keys of `journal.safety_wording`)."""

    DAYS_WITHOUT_DOSE = "days_without_dose"
    NALTREXONE_LOW_TOLERANCE = "naltrexone_low_tolerance"
    FENTANYL_AND_MIXING_ON_MEDICATION = "fentanyl_and_mixing_on_medication"
    TOLERANCE_AFTER_TIME_WITHOUT = "tolerance_after_time_without"
    ANY_OPIOID_USE = "any_opioid_use"


@dataclass(frozen=True, slots=True)
class MedicationDoses:
    """One medication plan as the rule sees it: its kind (methadone, buprenorphine, naltrexone,
    other), its schedule (with the dates it was active) and the day-by-day dose reports."""

    kind: str
    schedule: Schedule
    reports: Mapping[date, DoseStatus]


@dataclass(frozen=True, slots=True)
class OverdoseNote:
    """The decision: the case, the wording, and the numbers the wording shows.

    ``medication``: the medication the case is about (empty for no medication);
    ``days_without_dose``: calendar days in a row without a dose (agonist case);
    ``opioid_free_days``: the stretch without opioid use before the day (no medication, 7+);
    ``missed_dose``: the day itself reports a missed dose of ``medication``;
    ``stopped_on``: the last day of a plan that has ended (a recent stop).
    """

    case: Case
    wording: Wording
    medication: str = ""
    days_without_dose: int = 0
    opioid_free_days: int | None = None
    missed_dose: bool = False
    stopped_on: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case.value,
            "wording": self.wording.value,
            "medication": self.medication,
            "days_without_dose": self.days_without_dose,
            "opioid_free_days": self.opioid_free_days,
            "missed_dose": self.missed_dose,
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OverdoseNote:
        stopped = data.get("stopped_on")
        return cls(
            case=Case(data["case"]),
            wording=Wording(data["wording"]),
            medication=str(data.get("medication") or ""),
            days_without_dose=int(data.get("days_without_dose") or 0),
            opioid_free_days=data.get("opioid_free_days"),
            missed_dose=bool(data.get("missed_dose")),
            stopped_on=date.fromisoformat(stopped) if stopped else None,
        )


def _uses_opioids(used: frozenset[Substance]) -> bool:
    return Substance.OPIOIDS in used


def opioid_free_days_before(
    *,
    day: date,
    known: Mapping[date, frozenset[Substance]],
    recovery_date: date | None = None,
    scope: Scope = Scope.ALL,
) -> int | None:
    """How many days before ``day`` the journal shows no opioid use, or None without evidence.

    ``known`` holds the checked-in days whose use question was answered (what each reported);
    ``day`` itself and later days are ignored. The stretch starts the day after the last reported
    opioid use; with none, at the recovery date (when the person's count covers opioids) or the
    first checked-in day, whichever is earlier.
    """
    before = {d: used for d, used in known.items() if d < day}
    last_use = max((d for d, used in before.items() if _uses_opioids(used)), default=None)
    if last_use is not None:
        return (day - last_use).days - 1
    starts = [d for d, used in before.items() if not _uses_opioids(used)]
    if recovery_date is not None and recovery_date < day and scope in (Scope.ALL, Scope.OPIOIDS):
        starts.append(recovery_date)
    if not starts:
        return None
    return (day - min(starts)).days


def continued_use(*, day: date, known: Mapping[date, frozenset[Substance]]) -> bool:
    """Opioid use reported in the ``MIN_OPIOID_FREE_DAYS`` days before ``day``."""
    return any(
        _uses_opioids(known.get(day - timedelta(days=n), frozenset()))
        for n in range(1, MIN_OPIOID_FREE_DAYS + 1)
    )


def _ended_before(schedule: Schedule, day: date) -> bool:
    return schedule.active_to is not None and schedule.active_to < day


def days_without_dose(*, day: date, schedule: Schedule, reports: Mapping[date, DoseStatus]) -> int:
    """Calendar days in a row without a dose taken, in the run that includes ``day`` (0: none).

    The run starts at the first of consecutive scheduled doses reported missed (days the schedule
    does not include are skipped, and count only once the run has started: a dose taken covers
    the days until the next one is due), or the day after the plan ended. It ends at ``day``, or
    at a later missed dose when a past day is filled in. A scheduled dose taken (as prescribed or
    a different dose) ends it; so does an unanswered one. ``day``'s own unanswered dose may still
    be taken: it neither ends the run nor counts in it.
    """
    due = schedule.is_due(day)
    if due and reports.get(day) in TAKEN_STATUSES:
        return 0
    first: date | None = None
    latest: date | None = None
    current = day
    while day - current <= RUN_HORIZON:
        counted = False
        if schedule.is_due(current):
            status = reports.get(current)
            if status is DoseStatus.MISSED:
                counted = True
            elif not (current == day and status is None):
                break
        elif _ended_before(schedule, current):
            counted = True
        elif current < schedule.active_from:
            break
        if counted:
            first = current
            latest = latest or current
        current -= ONE_DAY
    if first is None or latest is None:
        return 0
    last = latest if due and reports.get(day) is None else day
    current = day + ONE_DAY
    while current - day <= RUN_HORIZON and not _ended_before(schedule, current):
        if schedule.is_due(current):
            if reports.get(current) is not DoseStatus.MISSED:
                break
            last = current
        current += ONE_DAY
    return (last - first).days + 1


def _in_scope(schedule: Schedule, day: date) -> bool:
    """Active on ``day``, or ended within ``RECENTLY_STOPPED`` before it."""
    if schedule.active_from > day:
        return False
    return schedule.active_to is None or schedule.active_to >= day - RECENTLY_STOPPED


def _missed_on(plan: MedicationDoses, day: date) -> bool:
    return plan.schedule.is_due(day) and plan.reports.get(day) is DoseStatus.MISSED


def overdose_note(
    *,
    day: date,
    used: frozenset[Substance],
    known: Mapping[date, frozenset[Substance]],
    medications: Sequence[MedicationDoses] = (),
    recovery_date: date | None = None,
    scope: Scope = Scope.ALL,
) -> OverdoseNote | None:
    """The overdose-risk note after saving ``day`` (what it reported: ``used``), or None.

    ``known``: the person's checked-in days with what each reported as used (the saved day may be
    among them); ``medications``: their plans with the dose reports around the day (plans of
    other kinds, or long ended, are ignored); ``recovery_date`` and ``scope``: their recovery
    time's start and what it counts, evidence of a stretch without opioids.
    """
    opioid_use = _uses_opioids(used)
    plans = [plan for plan in medications if _in_scope(plan.schedule, day)]
    agonists = [plan for plan in plans if plan.kind in OPIOID_MEDICATIONS]
    naltrexone = [plan for plan in plans if plan.kind == NALTREXONE]
    missed = [plan for plan in agonists + naltrexone if _missed_on(plan, day)]
    if not opioid_use and not missed:
        return None

    longest, longest_plan = 0, None
    for plan in agonists:
        if opioid_use or plan in missed:
            run = days_without_dose(day=day, schedule=plan.schedule, reports=plan.reports)
            if run > longest:
                longest, longest_plan = run, plan
    if longest_plan is not None and longest >= MIN_DAYS_WITHOUT_DOSE:
        ended = _ended_before(longest_plan.schedule, day)
        return OverdoseNote(
            case=Case.AGONIST_DAYS_WITHOUT_DOSE,
            wording=Wording.DAYS_WITHOUT_DOSE,
            medication=longest_plan.kind,
            days_without_dose=longest,
            missed_dose=longest_plan in missed,
            stopped_on=longest_plan.schedule.active_to if ended else None,
        )

    returning = opioid_use and not continued_use(day=day, known=known)
    for plan in naltrexone:
        if plan in missed or returning:
            ended = _ended_before(plan.schedule, day)
            return OverdoseNote(
                case=Case.NALTREXONE,
                wording=Wording.NALTREXONE_LOW_TOLERANCE,
                medication=NALTREXONE,
                missed_dose=plan in missed,
                stopped_on=plan.schedule.active_to if ended else None,
            )
    if not returning:
        return None

    current = [plan for plan in agonists if not _ended_before(plan.schedule, day)]
    if current:
        return OverdoseNote(
            case=Case.AGONIST_AS_PRESCRIBED,
            wording=Wording.FENTANYL_AND_MIXING_ON_MEDICATION,
            medication=current[0].kind,
        )
    free = opioid_free_days_before(day=day, known=known, recovery_date=recovery_date, scope=scope)
    if free is not None and free >= MIN_OPIOID_FREE_DAYS:
        return OverdoseNote(
            case=Case.NO_MEDICATION,
            wording=Wording.TOLERANCE_AFTER_TIME_WITHOUT,
            opioid_free_days=free,
        )
    return OverdoseNote(case=Case.NO_MEDICATION, wording=Wording.ANY_OPIOID_USE)
