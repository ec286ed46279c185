"""The home page of a person in recovery: their day.

The recovery time large ("Day N"), the next milestone, today checked in or not — with a quick
check-in that takes a typical day in three taps (a usual day, a craving number, a mood that
saves) and "same as yesterday" — days without a check-in one tap away, what their counselor asks
of them (`journal.from_counselor`), and their next usual meeting. Also the "More" page, the
compact navigation's list of everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homegroup.accounts.models import User
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory.models import Attendance, Meeting
from homegroup.journal import actions, from_counselor, summaries
from homegroup.journal import recovery as rules
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    JournalProfile,
    MedicationPlan,
    MeetingAttendance,
    Mood,
    TwelveStepLife,
)
from homegroup.journal.views.common import journal_page, person_required
from homegroup.lib import schedule
from homegroup.lib.weekdays import from_python
from homegroup.privacy import new_categories

CRAVING_LEVELS = range(11)


@dataclass(frozen=True)
class UsualDay:
    """What "a usual day" records for today: the usual meetings held on today's weekday, every
    medication due today taken as prescribed, and no use."""

    meetings: list[Meeting]
    plans: list[MedicationPlan]

    def values(self, *, craving: int | None, mood: int | None) -> actions.CheckInValues:
        return actions.CheckInValues(
            meetings=[
                actions.MeetingAttended(
                    meeting_id=meeting.pk,
                    attendance=MeetingAttendance.ONLINE
                    if meeting.attendance == Attendance.ONLINE
                    else MeetingAttendance.IN_PERSON,
                )
                for meeting in self.meetings
            ],
            doses=[actions.DoseReport(plan_id=plan.pk, status="taken") for plan in self.plans],
            use_status="none",
            craving=craving,
            mood=mood,
        )


def _usual_meetings(life: TwelveStepLife) -> list[Meeting]:
    found: dict[int, Meeting] = {}
    if life.home_group is not None:
        found[life.home_group.pk] = life.home_group
    if life.pk is not None:
        for meeting in life.usual_meetings.all():
            found.setdefault(meeting.pk, meeting)
    return list(found.values())


def _usual_day(person: User, today: date, meetings: list[Meeting]) -> UsualDay:
    weekday = from_python(today.weekday())
    plans = [
        plan
        for plan in MedicationPlan.objects.active_on(today).visible_to(person)
        if summaries.schedule_of(plan).is_due(today)
    ]
    return UsualDay(meetings=[m for m in meetings if m.day == weekday], plans=plans)


def _next_meeting(meetings: list[Meeting], now: datetime) -> tuple[Meeting, datetime] | None:
    """The usual meeting that starts soonest (one in progress counts), in its own zone."""
    upcoming = []
    for meeting in meetings:
        try:
            starts = schedule.next_start(
                day=meeting.day,
                start=meeting.start_time,
                end=meeting.end_time,
                tz=meeting.timezone,
                now=now,
            )
        except ValueError:
            continue  # a meeting with a broken zone is left out, never a 500
        upcoming.append((starts.astimezone(UTC), meeting, starts))
    if not upcoming:
        return None
    _, meeting, starts = min(upcoming, key=lambda row: (row[0], row[1].pk))
    return meeting, starts


def _checked_in_days(person: User, since: date | None, today: date) -> set[date]:
    if since is None:
        return set()
    start = max(since, today - rules.MISSING_DAYS_HORIZON)
    return set(
        CheckIn.objects.between(start, today).visible_to(person).values_list("date", flat=True)
    )


@person_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    days = summaries.days_of(person)
    time = summaries.recovery_time_of(person, profile, today, days)
    since = summaries.tracking_since(profile, days)
    checked = _checked_in_days(person, since, today)
    life = TwelveStepLife.objects.for_person(person)
    meetings = _usual_meetings(life)
    usual_day = _usual_day(person, today, meetings)
    missing_from = rules.earliest_missing_day(checked, since=since, today=today)
    next_meeting = _next_meeting(meetings, timezone.now())
    context: dict[str, Any] = {
        "profile": profile,
        "needs_setup": profile.pk is None,
        "today": today,
        "time": time,
        "day_number": rules.day_number(time),
        "restarts_tomorrow": time.start is not None and time.start > today,
        "checked_in_today": today in checked,
        "checked_in_yesterday": today - timedelta(days=1) in checked,
        "usual_day": usual_day,
        "craving_levels": CRAVING_LEVELS,
        "moods": Mood.choices,
        "missing_from": missing_from,
        "missing_count": sum(
            1
            for offset in range((today - missing_from).days)
            if missing_from + timedelta(days=offset) not in checked
        )
        if missing_from
        else 0,
        "asks": from_counselor.asks_for(person),
        "new_to_share": new_categories.offers_for(person),
        "next_meeting": next_meeting[0] if next_meeting else None,
        "next_meeting_starts": next_meeting[1] if next_meeting else None,
    }
    return journal_page(request, "journal/home.html", context, object_type="home")


def _int_or_none(value: str | None, allowed: range | list[int]) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number in allowed else None


@person_required
@require_POST
def quick_check_in(request: AuthenticatedRequest) -> HttpResponse:
    """The home page's check-in: "a usual day" (if ticked), a craving number, a mood. It never
    overwrites a day already saved: that day opens in the full form instead."""
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    if CheckIn.objects.visible_to(person).filter(date=today).exists():
        messages.info(request, _("Today is already saved. You can change anything here."))
        return redirect("journal:check-in")
    craving = _int_or_none(request.POST.get("craving"), CRAVING_LEVELS)
    mood = _int_or_none(request.POST.get("mood"), [value for value, _label in Mood.choices])
    if request.POST.get("usual") == "yes":
        life = TwelveStepLife.objects.for_person(person)
        values = _usual_day(person, today, _usual_meetings(life)).values(craving=craving, mood=mood)
    else:
        values = actions.CheckInValues(craving=craving, mood=mood)
    if values == actions.CheckInValues():
        messages.info(request, _("Nothing was chosen, so nothing was saved."))
        return redirect("home")
    try:
        actions.record_check_in(person=person, day=today, values=values)
    except ValidationError:
        messages.error(request, _("That could not be saved. Please use the full check-in."))
        return redirect("journal:check-in")
    messages.success(request, _("Saved. Thank you for checking in."))
    return redirect("home")


@person_required
@require_POST
def same_as_yesterday(request: AuthenticatedRequest) -> HttpResponse:
    """Today as yesterday was: the same meetings, activities, doses (of plans still due today),
    use, craving and mood — never the private note."""
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    if CheckIn.objects.visible_to(person).filter(date=today).exists():
        messages.info(request, _("Today is already saved. You can change anything here."))
        return redirect("journal:check-in")
    yesterday = (
        CheckIn.objects.visible_to(person)
        .filter(date=today - timedelta(days=1))
        .prefetch_related(Prefetch("meetings", queryset=CheckInMeeting.objects.all()), "doses")
        .first()
    )
    if yesterday is None:
        messages.info(request, _("Yesterday has no check-in to copy."))
        return redirect("home")
    due = {plan.pk for plan in _usual_day(person, today, []).plans}
    values = actions.CheckInValues(
        meetings=[
            actions.MeetingAttended(meeting_id=m.meeting_id, name=m.name, attendance=m.attendance)
            for m in yesterday.meetings.all()
        ],
        doses=[
            actions.DoseReport(plan_id=d.plan_id, status=d.status, dose_taken=d.dose_taken)
            for d in yesterday.doses.all()
            if d.plan_id in due
        ],
        **{name: getattr(yesterday, name) for name in rules.ACTIVITIES},
        step_worked=yesterday.step_worked,
        use_status=yesterday.use_status,
        substances=list(yesterday.substances),
        drinks=yesterday.drinks,
        misused_medication=yesterday.misused_medication,
        craving=yesterday.craving,
        mood=yesterday.mood,
    )
    try:
        actions.record_check_in(person=person, day=today, values=values)
    except ValidationError:
        messages.error(request, _("That could not be saved. Please use the full check-in."))
        return redirect("journal:check-in")
    messages.success(request, _("Saved: today is like yesterday. You can change anything."))
    return redirect("home")


@person_required
@require_GET
def more(request: AuthenticatedRequest) -> HttpResponse:
    """Everything the compact navigation's four tabs leave out, in one list."""
    return journal_page(request, "journal/more.html", {}, object_type="menu")
