"""When a saved day calls for a kind note on overdose risk: pure decisions, no Django.

After a stretch without opioids, tolerance drops, and a return to use carries a high risk of
overdose; the same holds after a run of missed methadone or buprenorphine doses
(shared/reference/recovery-care.md, Safety). The check-in page asks `overdose_risk` after a save
and, when it answers, shows the note: the risk, where to get naloxone, never using alone, and an
offer to tell a clinician the person shares with. The note informs; it never blames, and it never
changes recovery time.

The rules, deliberately simple enough to explain on the page:

- **Return to opioids**: the saved day reports opioid use (a misused methadone or buprenorphine
  dose counts), and the journal shows none in the ``min_free_days`` (7) days before it. The
  opioid-free stretch starts the day after the last reported opioid use; with none reported, at
  the recovery date (when the person's count covers opioids) or at the first checked-in day
  without opioids, whichever is earlier. Days without a check-in inside the stretch stay unknown —
  the stretch is "no opioid use recorded", not "clean" — and they do not shorten it: for a
  safety note, erring towards showing it is the kind mistake. With no evidence of a stretch at
  all (a first check-in that reports use, no recovery date) there is no return to speak of.
- **Missed doses**: the saved day reports a missed dose of an opioid-agonist medication
  (methadone or buprenorphine), and that miss is part of a run of at least ``min_missed`` (3)
  scheduled doses reported missed in a row. A scheduled day without an answer is unknown, not
  missed: it ends the run. Days the schedule does not include are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from homegroup.journal.recovery import (
    OPIOID_MEDICATIONS,
    DoseStatus,
    Schedule,
    Scope,
    Substance,
)

MIN_OPIOID_FREE_DAYS = 7
MIN_MISSED_IN_A_ROW = 3
# How far `missed_run` walks either side of the day: far enough for a weekly schedule's three
# doses, short enough to stay a small loop.
RUN_HORIZON = timedelta(days=62)
ONE_DAY = timedelta(days=1)


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
    ``day`` itself and later days are ignored.
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


def missed_run(*, day: date, schedule: Schedule, reports: Mapping[date, DoseStatus]) -> int:
    """The number of scheduled doses reported missed in a row that include ``day``'s (0 when
    ``day``'s dose was not reported missed or was not due)."""
    if not schedule.is_due(day) or reports.get(day) is not DoseStatus.MISSED:
        return 0
    run = 1
    for step in (-ONE_DAY, ONE_DAY):
        current = day + step
        while abs(current - day) <= RUN_HORIZON:
            if schedule.is_due(current):
                if reports.get(current) is not DoseStatus.MISSED:
                    break
                run += 1
            current += step
    return run


@dataclass(frozen=True, slots=True)
class AgonistDoses:
    """One methadone or buprenorphine plan: its schedule and the day-by-day reports."""

    medication: str
    schedule: Schedule
    reports: Mapping[date, DoseStatus]


@dataclass(frozen=True, slots=True)
class OverdoseRisk:
    """Why the note shows. ``opioid_free_days`` is set for a return to opioids after a
    stretch; ``missed_in_a_row`` (with ``medication``) for a run of missed doses."""

    opioid_free_days: int | None = None
    missed_in_a_row: int = 0
    medication: str = ""

    @property
    def return_to_opioids(self) -> bool:
        return self.opioid_free_days is not None

    @property
    def missed_doses(self) -> bool:
        return self.missed_in_a_row > 0


def overdose_risk(
    *,
    day: date,
    used: frozenset[Substance],
    known: Mapping[date, frozenset[Substance]],
    recovery_date: date | None = None,
    scope: Scope = Scope.ALL,
    doses: Sequence[AgonistDoses] = (),
    min_free_days: int = MIN_OPIOID_FREE_DAYS,
    min_missed: int = MIN_MISSED_IN_A_ROW,
) -> OverdoseRisk | None:
    """The reasons for an overdose-risk note after saving ``day`` (what it reported: ``used``),
    or None when there is none."""
    free_days: int | None = None
    if _uses_opioids(used):
        free = opioid_free_days_before(
            day=day, known=known, recovery_date=recovery_date, scope=scope
        )
        if free is not None and free >= min_free_days:
            free_days = free
    longest, medication = 0, ""
    for plan in doses:
        if plan.medication not in OPIOID_MEDICATIONS:
            continue
        run = missed_run(day=day, schedule=plan.schedule, reports=plan.reports)
        if run >= min_missed and run > longest:
            longest, medication = run, plan.medication
    if free_days is None and not longest:
        return None
    return OverdoseRisk(opioid_free_days=free_days, missed_in_a_row=longest, medication=medication)
