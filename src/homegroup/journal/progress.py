"""The progress page's numbers, week by week: pure functions over plain values (no Django).

Weeks start on Sunday (the project's weekday convention). A window's first and last weeks may be
partial: each week counts only its days inside the window, and says how many that is. Days
without a check-in are *unknown* in every series, never folded into "no use" or "missed".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from homegroup.journal.recovery import (
    ACTIVITIES,
    DaysSummary,
    DoseStatus,
    Schedule,
    Scope,
    Substance,
    counts_as_use,
    scheduled_days,
    week_start,
)

ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# The marks on the meetings chart: 90 meetings in 90 days is 7 a week (a fellowship custom);
# "weekly or more" is the attendance level the research ties to better outcomes (Fiorentine 1999;
# docs/references.md).
NINETY_IN_NINETY_PER_WEEK = 7
WEEKLY_OR_MORE = 1


@dataclass(frozen=True, slots=True)
class DayFacts:
    """One checked-in day as the charts see it. ``used`` is None when the use question was not
    answered (the day is then unknown for use)."""

    day: date
    meetings: int = 0
    activities: frozenset[str] = frozenset()
    used: frozenset[Substance] | None = None


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # the Sunday
    days: int  # the week's days inside the window (7 but at the edges)
    meetings: int = 0
    activities: Mapping[str, int] = field(default_factory=dict)  # days with each activity
    abstinent: int = 0
    used: int = 0
    doses_taken: int = 0
    doses_different: int = 0
    doses_missed: int = 0
    doses_scheduled: int = 0

    @property
    def unknown(self) -> int:
        """Days of the week (inside the window) without an answer to the use question."""
        return self.days - self.abstinent - self.used

    @property
    def doses_unknown(self) -> int:
        return self.doses_scheduled - self.doses_taken - self.doses_different - self.doses_missed

    @property
    def activity_days(self) -> int:
        return sum(self.activities.values())


@dataclass(frozen=True, slots=True)
class MedicationDoses:
    schedule: Schedule
    reports: Mapping[date, DoseStatus]


def weeks(
    *,
    start: date,
    end: date,
    facts: Iterable[DayFacts],
    scope: Scope = Scope.ALL,
    medications: Sequence[MedicationDoses] = (),
) -> list[Week]:
    """Every week touching [start, end], oldest first, with its counts (days outside the
    window are left out of every count)."""
    if end < start:
        return []
    first = week_start(start)
    slots: dict[date, dict[str, int]] = {}
    activity: dict[date, dict[str, int]] = {}
    week = first
    while week <= end:
        inside = min(end, week + WEEK - ONE_DAY) - max(start, week)
        slots[week] = {
            "days": inside.days + 1,
            "meetings": 0,
            "abstinent": 0,
            "used": 0,
            "taken": 0,
            "different": 0,
            "missed": 0,
            "scheduled": 0,
        }
        activity[week] = dict.fromkeys(ACTIVITIES, 0)
        week += WEEK
    for fact in facts:
        if not start <= fact.day <= end:
            continue
        slot = slots[week_start(fact.day)]
        slot["meetings"] += fact.meetings
        for name in fact.activities:
            if name in activity[week_start(fact.day)]:
                activity[week_start(fact.day)][name] += 1
        if fact.used is not None:
            slot["used" if counts_as_use(fact.used, scope) else "abstinent"] += 1
    for medication in medications:
        for day in scheduled_days(medication.schedule, start, end):
            slot = slots[week_start(day)]
            slot["scheduled"] += 1
            status = medication.reports.get(day)
            if status is DoseStatus.TAKEN:
                slot["taken"] += 1
            elif status is DoseStatus.DIFFERENT_DOSE:
                slot["different"] += 1
            elif status is DoseStatus.MISSED:
                slot["missed"] += 1
    return [
        Week(
            start=week,
            days=slot["days"],
            meetings=slot["meetings"],
            activities=activity[week],
            abstinent=slot["abstinent"],
            used=slot["used"],
            doses_taken=slot["taken"],
            doses_different=slot["different"],
            doses_missed=slot["missed"],
            doses_scheduled=slot["scheduled"],
        )
        for week, slot in sorted(slots.items())
    ]


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over some weeks, for the plain-language summaries."""

    weeks: int
    days: int
    meetings: int
    weeks_with_a_meeting: int
    abstinent: int
    used: int
    unknown: int
    doses_scheduled: int
    doses_taken: int
    doses_missed: int
    doses_different: int
    activities: Mapping[str, int]

    @property
    def meetings_per_week(self) -> float:
        return round(self.meetings / (self.days / 7), 1) if self.days else 0.0

    @property
    def doses_unknown(self) -> int:
        return self.doses_scheduled - self.doses_taken - self.doses_missed - self.doses_different

    @property
    def use_days(self) -> DaysSummary:
        """The days as percent days abstinent sees them: of the days checked in, with coverage."""
        return DaysSummary(days=self.days, abstinent=self.abstinent, used=self.used)

    @property
    def most_frequent_activity(self) -> str | None:
        best = max(self.activities.items(), key=lambda item: item[1], default=None)
        return best[0] if best and best[1] else None


def totals(selected: Sequence[Week]) -> Totals:
    activities = dict.fromkeys(ACTIVITIES, 0)
    for week in selected:
        for name, count in week.activities.items():
            activities[name] += count
    return Totals(
        weeks=len(selected),
        days=sum(w.days for w in selected),
        meetings=sum(w.meetings for w in selected),
        weeks_with_a_meeting=sum(1 for w in selected if w.meetings),
        abstinent=sum(w.abstinent for w in selected),
        used=sum(w.used for w in selected),
        unknown=sum(w.unknown for w in selected),
        doses_scheduled=sum(w.doses_scheduled for w in selected),
        doses_taken=sum(w.doses_taken for w in selected),
        doses_missed=sum(w.doses_missed for w in selected),
        doses_different=sum(w.doses_different for w in selected),
        activities=activities,
    )
