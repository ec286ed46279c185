"""The daily check-in (`/journal/` and `/journal/<day>/`) and the safety note it may leave."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.directory.models import Meeting
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions, reception, safety, safety_wording, summaries
from homegroup.journal import recovery as rules
from homegroup.journal.forms import (
    CheckInForm,
)
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    JournalProfile,
    MedicationPlan,
    TwelveStepLife,
)
from homegroup.journal.recovery import Substance
from homegroup.journal.views.common import (
    GET_POST,
    directory_search_url,
    journal_page,
    person_required,
)
from homegroup.privacy.models import Consent


def _listed_meetings(person: User, check_in: CheckIn | None, extra_slug: str) -> list[Meeting]:
    """Home group first, then usual meetings, meetings already recorded that day, and a
    meeting passed as ?meeting=<slug> (a directory page's "I went to this meeting")."""
    life = TwelveStepLife.objects.for_person(person)
    listed: list[Meeting] = []
    if life.home_group is not None:
        listed.append(life.home_group)
    if life.pk is not None:
        listed.extend(life.usual_meetings.all())
    if check_in is not None:
        listed.extend(m.meeting for m in check_in.meetings.all() if m.meeting is not None)
    if extra_slug:
        extra = Meeting.objects.active().filter(slug=extra_slug[:100]).first()
        if extra is not None:
            listed.append(extra)
    unique: dict[int, Meeting] = {}
    for meeting in listed:
        unique.setdefault(meeting.pk, meeting)
    return list(unique.values())


@person_required
@GET_POST
def check_in(request: AuthenticatedRequest, day: date | None = None) -> HttpResponse:
    person = request.user
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    day = day or today
    if day < actions.EARLIEST_DAY:
        raise Http404  # no journal reaches back that far (and the day before would overflow)
    if day > today:
        return journal_page(
            request,
            "journal/future_day.html",
            {"day": day, "today": today},
            object_type="check_in",
            status=404,
        )
    existing = (
        CheckIn.objects.visible_to(person)
        .filter(date=day)
        .prefetch_related(
            Prefetch("meetings", queryset=CheckInMeeting.objects.select_related("meeting")),
            "doses",
        )
        .first()
    )
    extra_slug = request.GET.get("meeting", "")
    meetings = _listed_meetings(person, existing, extra_slug)
    plans = list(MedicationPlan.objects.active_on(day).visible_to(person))
    initial = CheckInForm.initial_from(existing)
    if extra_slug and existing is None:
        initial.update({f"meeting_{m.pk}": True for m in meetings if m.slug == extra_slug})
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, meetings=meetings, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values()
            saved = actions.record_check_in(person=person, day=day, values=values)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            if saved.changed:
                _remember_safety_note(request, person, profile, day, values, plans)
            if saved.created:
                messages.success(request, _("Saved. Thank you for checking in."))
            elif saved.changed:
                messages.success(request, _("Your changes are saved."))
            else:
                messages.info(request, _("Nothing to change: this day was already saved."))
            return redirect(_day_url(day, today))
    context = {
        "form": form,
        "safety_note": _safety_note(request) if request.method == "GET" else None,
        "day": day,
        "today": today,
        "is_today": day == today,
        "existing": existing,
        "previous_day": day - timedelta(days=1) if day > actions.EARLIEST_DAY else None,
        "next_day": day + timedelta(days=1) if day < today else None,
        "directory_search_url": directory_search_url(),
        "has_usual_meetings": bool(meetings),
        # The one-tap "how did this meeting receive you" question (journal/reception.py).
        "reception": reception.for_check_in(person, existing),
    }
    return journal_page(
        request,
        "journal/check_in.html",
        context,
        object_type="check_in",
        object_id=existing.pk if existing else "",
        status=form_status(request, form),
    )


SAFETY_NOTE_KEY = "hg_safety_note"
SAFETY_MEDICATIONS = (*rules.OPIOID_MEDICATIONS, safety.NALTREXONE)


def _remember_safety_note(
    request: HttpRequest,
    person: User,
    profile: JournalProfile,
    day: date,
    values: actions.CheckInValues,
    plans: list[MedicationPlan],
) -> None:
    """After a save: when the day calls for the overdose-risk note (journal.safety), keep it in
    the session for the page the save redirects to. Reads only when the day reports opioid use
    or a missed methadone, buprenorphine or naltrexone dose."""
    used = frozenset[Substance]()
    if values.use_status == "used":
        used = rules.substances_used(
            substances=values.substances, misused_medication=values.misused_medication or None
        )
    missed = {dose.plan_id for dose in values.doses if dose.status == "missed"}
    if Substance.OPIOIDS not in used and not any(
        p.pk in missed and p.medication in SAFETY_MEDICATIONS for p in plans
    ):
        return
    # Every methadone, buprenorphine or naltrexone plan that may shape the note: active that day
    # or ended shortly before (the rule ignores the others).
    candidates = list(
        MedicationPlan.objects.visible_to(person)
        .filter(medication__in=SAFETY_MEDICATIONS, active_from__lte=day)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=day - safety.RECENTLY_STOPPED))
    )
    reports = summaries.dose_reports(
        person, candidates, day - safety.RUN_HORIZON, day + safety.RUN_HORIZON
    )
    note = safety.overdose_note(
        day=day,
        used=used,
        known=summaries.days_of(person).known,
        medications=[
            safety.MedicationDoses(p.medication, summaries.schedule_of(p), reports[p.pk])
            for p in candidates
        ],
        recovery_date=profile.recovery_date,
        scope=rules.Scope(profile.count_scope),
    )
    if note is None:
        return
    shares = (
        Consent.objects.given_by(person)
        .possibly_active()
        .filter(recipient_program__isnull=False)
        .exists()
    )
    request.session[SAFETY_NOTE_KEY] = {"note": note.as_json(), "shares_with_program": shares}


def _safety_note(request: HttpRequest) -> dict[str, Any] | None:
    stored = request.session.pop(SAFETY_NOTE_KEY, None)
    try:
        note = safety.OverdoseNote.from_json(stored["note"])
    except (KeyError, TypeError, ValueError):
        return None  # nothing stored, or a note from before this version of the rule
    return {
        "case": note.case.value,
        "explanation": safety_wording.explanation(note),
        "steps": safety_wording.STEPS,
        "shares_with_program": bool(stored.get("shares_with_program")),
        "harm_reduction_lines": settings.HOMEGROUP_HARM_REDUCTION_LINES,
        "naloxone_url": settings.HOMEGROUP_NALOXONE_URL,
        "sharing_url": reverse("privacy:sharing"),
    }


def _day_url(day: date, today: date) -> str:
    if day == today:
        return reverse("journal:check-in")
    return reverse("journal:day", kwargs={"day": day})
