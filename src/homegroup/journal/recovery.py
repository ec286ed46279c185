"""Recovery time, milestones, adherence and meeting counts: pure functions over plain values.

No Django: the journal reads check-ins through its QuerySets and hands these functions dates and
sets, so pages, the API, the progress charts and (later) clinicians' alerts compute the same
numbers. See docs/adr/0004-recovery-time.md for why the rules are what they are, and
docs/references.md for the sources (DSM-5-TR's "on maintenance therapy" specifier, SAMHSA):

- Recovery time is the number of days since the last reported use that counts, starting from the
  person's own recovery date (their recovery time from before they joined).
- **Medication taken as prescribed never resets it**: it is not use, so it never appears among a
  day's substances. A prescribed medication taken *other than* prescribed does count as use
  (and misusing methadone or buprenorphine is opioid use) — except naltrexone, which has no
  misuse potential: taking it other than prescribed is a question for the prescriber, not use.
- A day with no check-in is *unknown*: it never resets the count and is never assumed to be a
  day without use; the count reports how many of its days are unknown.
- A lapse starts a new count; the earlier counts are kept (``previous``) and shown kindly.
- The person chooses what the count measures: all substances, opioids only, or alcohol only.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)

# The 12-step activities a check-in records (`CheckIn`'s yes/no fields, in the order shown):
# the one list the check-in, its form and API, progress and the exports use.
ACTIVITIES = (
    "service",
    "talked_with_sponsor",
    "sponsored_someone",
    "step_work",
    "literature",
    "shared",
    "helped_member",
    "fellowship_time",
)


class Substance(StrEnum):
    """What a check-in can report as used. The drug classes follow the BAM's items 7A-G."""

    ALCOHOL = "alcohol"
    OPIOIDS = "opioids"
    CANNABIS = "cannabis"
    SEDATIVES = "sedatives"
    COCAINE = "cocaine"
    STIMULANTS = "stimulants"
    INHALANTS = "inhalants"
    OTHER = "other"
    # A prescribed medication taken other than prescribed (more, another route, someone else's).
    MEDICATION = "medication"


class Scope(StrEnum):
    """What the person's recovery time measures."""

    ALL = "all"
    OPIOIDS = "opioids"
    ALCOHOL = "alcohol"


# Misusing these is opioid use as well as medication misuse.
OPIOID_MEDICATIONS = frozenset({"methadone", "buprenorphine"})
# An opioid antagonist without misuse potential: taken other than prescribed, it is not use
# (recovery-care.md §7; the naltrexone label).
NOT_MISUSABLE_MEDICATIONS = frozenset({"naltrexone"})


def substances_used(
    *, substances: Iterable[str], misused_medication: str | None = None
) -> frozenset[Substance]:
    """A check-in's reported use as a set of substances.

    ``misused_medication`` is the kind of prescribed medication taken other than prescribed
    (methadone, buprenorphine, naltrexone, other), or None. Medication taken as prescribed is
    never passed here: it is not use; nor is naltrexone taken other than prescribed.
    """
    used = {Substance(value) for value in substances}
    if misused_medication and misused_medication not in NOT_MISUSABLE_MEDICATIONS:
        used.add(Substance.MEDICATION)
        if misused_medication in OPIOID_MEDICATIONS:
            used.add(Substance.OPIOIDS)
    return frozenset(used)


def counts_as_use(used: frozenset[Substance], scope: Scope) -> bool:
    """Whether a day's reported substances reset a count of this scope."""
    if scope is Scope.OPIOIDS:
        return Substance.OPIOIDS in used
    if scope is Scope.ALCOHOL:
        return Substance.ALCOHOL in used
    return bool(used)


def today_in(zone: str, now: datetime) -> date:
    """The person's own date at an aware instant: "today" follows their time zone."""
    return now.astimezone(ZoneInfo(zone)).date()


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, or the month's last day when it is shorter
    (31 March + 6 months = 30 September; 29 February + 1 year = 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


MilestoneUnit = Literal["days", "months", "years"]
MILESTONE_DAYS = (1, 7, 30, 60, 90)
# The months people celebrate in the fellowships: 6 and 9 months in the first year, 18 months in
# the second (yearly after that).
MILESTONE_MONTHS = (6, 9)
MILESTONE_MONTHS_SECOND_YEAR = 18


@dataclass(frozen=True, slots=True)
class Milestone:
    """A point on the way: ``amount`` ``unit`` after the start, reached on ``on``."""

    amount: int
    unit: MilestoneUnit
    on: date


def milestone_dates(start: date) -> Iterable[Milestone]:
    """1, 7, 30, 60, 90 days, 6 and 9 months, 1 year, 18 months, then every year: an endless,
    ordered stream."""
    for amount in MILESTONE_DAYS:
        yield Milestone(amount, "days", start + timedelta(days=amount))
    for amount in MILESTONE_MONTHS:
        yield Milestone(amount, "months", add_months(start, amount))
    yield Milestone(1, "years", add_months(start, 12))
    yield Milestone(
        MILESTONE_MONTHS_SECOND_YEAR, "months", add_months(start, MILESTONE_MONTHS_SECOND_YEAR)
    )
    years = 2
    while True:
        yield Milestone(years, "years", add_months(start, 12 * years))
        years += 1


def milestones(start: date, today: date) -> tuple[tuple[Milestone, ...], Milestone]:
    """The milestones reached by ``today`` (oldest first) and the next one."""
    reached: list[Milestone] = []
    for milestone in milestone_dates(start):
        if milestone.on > today:
            return tuple(reached), milestone
        reached.append(milestone)
    raise AssertionError("milestone_dates is endless")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Streak:
    """An earlier count: from ``start`` until the lapse on ``ended_by``; ``days`` it reached."""

    start: date
    ended_by: date

    @property
    def days(self) -> int:
        return (self.ended_by - self.start).days

    @property
    def restarted_on(self) -> date:
        return self.ended_by + ONE_DAY


@dataclass(frozen=True, slots=True)
class RecoveryTime:
    """The current count and its history.

    ``start`` is the first day of the current count (the recovery date, or the day after the
    last use; it is tomorrow when use was reported today). ``days`` = today - start, never
    negative: a recovery date 100 days ago is 100 days. ``unknown_days`` counts the current
    count's days, from when tracking began until yesterday, that have no check-in.
    """

    scope: Scope
    today: date
    start: date | None
    days: int
    last_use: date | None
    unknown_days: int
    previous: tuple[Streak, ...]  # most recent first
    reached: tuple[Milestone, ...]
    next_milestone: Milestone | None

    @property
    def longest_previous(self) -> Streak | None:
        return max(self.previous, key=lambda streak: streak.days, default=None)

    @property
    def latest_previous(self) -> Streak | None:
        return self.previous[0] if self.previous else None


def recovery_time(
    *,
    today: date,
    recovery_date: date | None,
    known: Mapping[date, frozenset[Substance]],
    scope: Scope = Scope.ALL,
    tracking_since: date | None = None,
) -> RecoveryTime:
    """Days since the last reported use that counts, from the person's recovery date.

    ``known`` holds the checked-in days (with the substances each reported; an empty set is a
    day without use). Days missing from it are unknown: they never reset the count. Without a
    recovery date, the count starts at the first checked-in day. ``tracking_since`` is when the
    person began checking in (default: their first check-in); days before it are not "unknown",
    they are the time before Homegroup.
    """
    origin = recovery_date if recovery_date is not None else min(known, default=None)
    if origin is None or origin > today:
        return RecoveryTime(scope, today, origin, 0, None, 0, (), (), None)
    uses = sorted(
        day for day, used in known.items() if origin <= day <= today and counts_as_use(used, scope)
    )
    streaks: list[Streak] = []
    start = origin
    for use in uses:
        if use > start:
            streaks.append(Streak(start=start, ended_by=use))
        start = use + ONE_DAY
    days = max(0, (today - start).days)
    since = max(start, tracking_since or min(known, default=today))
    span = max(0, (today - since).days)
    checked = sum(1 for day in known if since <= day < today)
    reached, upcoming = milestones(start, today) if start <= today else ((), None)
    return RecoveryTime(
        scope=scope,
        today=today,
        start=start,
        days=days,
        last_use=uses[-1] if uses else None,
        unknown_days=span - checked,
        previous=tuple(reversed(streaks)),
        reached=reached,
        next_milestone=upcoming,
    )


class DoseStatus(StrEnum):
    TAKEN = "taken"  # taken as prescribed
    MISSED = "missed"
    DIFFERENT_DOSE = "different_dose"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a medication is due: on ``weekdays`` (0 = Sunday; all seven = daily), from
    ``active_from`` through ``active_to`` (None: still active)."""

    weekdays: frozenset[int]
    active_from: date
    active_to: date | None = None

    def is_due(self, day: date) -> bool:
        if day < self.active_from or (self.active_to is not None and day > self.active_to):
            return False
        return (day.weekday() + 1) % 7 in self.weekdays  # Python's Monday = 0 → 0 = Sunday


def scheduled_days(schedule: Schedule, start: date, end: date) -> list[date]:
    """The days in [start, end] when a dose was due."""
    first = max(start, schedule.active_from)
    last = end if schedule.active_to is None else min(end, schedule.active_to)
    days = []
    day = first
    while day <= last:
        if schedule.is_due(day):
            days.append(day)
        day += ONE_DAY
    return days


@dataclass(frozen=True, slots=True)
class Adherence:
    """Scheduled doses in a window by what the check-ins said; ``unknown`` had no answer."""

    scheduled: int
    taken: int
    missed: int
    different_dose: int

    @property
    def unknown(self) -> int:
        return self.scheduled - self.taken - self.missed - self.different_dose

    @property
    def percent_taken(self) -> float | None:
        """Taken as prescribed, of every scheduled dose (unknown doses count as not known)."""
        return round(100 * self.taken / self.scheduled, 1) if self.scheduled else None

    @property
    def percent_taken_of_known(self) -> float | None:
        known = self.scheduled - self.unknown
        return round(100 * self.taken / known, 1) if known else None


def adherence(
    *, schedule: Schedule, reports: Mapping[date, DoseStatus], start: date, end: date
) -> Adherence:
    """Adherence of one medication over [start, end] from per-day reports (check-ins)."""
    due = scheduled_days(schedule, start, end)
    statuses = [reports.get(day) for day in due]
    return Adherence(
        scheduled=len(due),
        taken=statuses.count(DoseStatus.TAKEN),
        missed=statuses.count(DoseStatus.MISSED),
        different_dose=statuses.count(DoseStatus.DIFFERENT_DOSE),
    )


@dataclass(frozen=True, slots=True)
class DaysSummary:
    """Days in a window: known (checked in with a use answer) split by use, and unknown."""

    days: int
    abstinent: int
    used: int

    @property
    def unknown(self) -> int:
        return self.days - self.abstinent - self.used

    @property
    def checked_in(self) -> int:
        """Days whose use question was answered: the only days the percentage is about."""
        return self.abstinent + self.used

    @property
    def percent_abstinent(self) -> float | None:
        """Percent days abstinent *of the days checked in* (Timeline Followback's PDA, counted
        on the diary's known days only); None with no known day. Always show it with
        ``percent_checked_in``: 100 % of 3 days says little about a month."""
        return round(100 * self.abstinent / self.checked_in, 1) if self.checked_in else None

    @property
    def percent_checked_in(self) -> float | None:
        """The coverage: days checked in, of every day in the window."""
        return round(100 * self.checked_in / self.days, 1) if self.days else None


def days_summary(
    *,
    known: Mapping[date, frozenset[Substance]],
    start: date,
    end: date,
    scope: Scope = Scope.ALL,
) -> DaysSummary:
    inside = [used for day, used in known.items() if start <= day <= end]
    used = sum(1 for substances in inside if counts_as_use(substances, scope))
    return DaysSummary(days=max(0, (end - start).days + 1), abstinent=len(inside) - used, used=used)


def meetings_between(meeting_days: Iterable[date], start: date, end: date) -> int:
    """Meetings attended in [start, end]; a day appears once per meeting attended that day."""
    return sum(1 for day in meeting_days if start <= day <= end)


def meetings_in_last(meeting_days: Iterable[date], today: date, days: int) -> int:
    """Meetings in the last ``days`` days, today included."""
    return meetings_between(meeting_days, today - timedelta(days=days - 1), today)


def meetings_per_week(meeting_days: Iterable[date], start: date, end: date) -> float:
    span = (end - start).days + 1
    if span <= 0:
        return 0.0
    return round(meetings_between(meeting_days, start, end) / (span / 7), 1)


def week_start(day: date) -> date:
    """The Sunday a week starts on (0 = Sunday, the project's convention)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def weekly_meetings(meeting_days: Iterable[date], start: date, end: date) -> list[tuple[date, int]]:
    """(Sunday, meetings that week) for every week touching [start, end], in order."""
    counts: dict[date, int] = {}
    week = week_start(start)
    while week <= end:
        counts[week] = 0
        week += timedelta(days=7)
    for day in meeting_days:
        if start <= day <= end:
            counts[week_start(day)] += 1
    return sorted(counts.items())


NINETY = 90


@dataclass(frozen=True, slots=True)
class NinetyInNinety:
    """Progress toward 90 meetings in 90 days, in the window starting ``started_on``."""

    started_on: date
    day: int  # 1-90: how far into the window today is
    meetings: int
    days_with_a_meeting: int

    @property
    def complete(self) -> bool:
        return self.meetings >= NINETY

    @property
    def on_track(self) -> bool:
        return self.meetings >= self.day


def ninety_in_ninety(
    meeting_days: Iterable[date], *, today: date, started_on: date | None = None
) -> NinetyInNinety:
    """Meetings in a 90-day window; by default the 90 days ending today."""
    start = started_on if started_on is not None else today - timedelta(days=NINETY - 1)
    end = min(today, start + timedelta(days=NINETY - 1))
    inside = [day for day in meeting_days if start <= day <= end]
    return NinetyInNinety(
        started_on=start,
        day=max(0, min(NINETY, (today - start).days + 1)),
        meetings=len(inside),
        days_with_a_meeting=len(set(inside)),
    )


def day_number(time: RecoveryTime) -> int | None:
    """The count as pages say it: "Day N", the first day being Day 1 (the API's ``days`` keeps
    counting whole days since the start, so Day N = days + 1). None when nothing is counting yet
    (no start, or a new count that starts tomorrow)."""
    if time.start is None or time.start > time.today:
        return None
    return time.days + 1


# How far back "missing days" are looked for: a year is what a person can still remember.
MISSING_DAYS_HORIZON = timedelta(days=365)


def earliest_missing_day(
    checked_in: Iterable[date], *, since: date | None, today: date
) -> date | None:
    """The first day from ``since`` (no earlier than a year back) to yesterday without a
    check-in, or None. Today is not missing: it is not over."""
    if since is None:
        return None
    start = max(since, today - MISSING_DAYS_HORIZON)
    have = set(checked_in)
    day = start
    while day < today:
        if day not in have:
            return day
        day += ONE_DAY
    return None
