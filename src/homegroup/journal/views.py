"""The person's journal pages. Thin: forms collect, `journal.actions` writes, `summaries` and
the pure functions compute. Every page view is audited as one `journal.read`; a person in
recovery role is required (others get 403), and another person's object is not found (404)."""

from __future__ import annotations

import calendar as calendar_module
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.directory.models import Meeting
from homegroup.forms import attach_errors, form_status
from homegroup.journal import actions, progress, reception, safety, safety_wording, summaries
from homegroup.journal import recovery as rules
from homegroup.journal.context_processors import remember_discreet_mode
from homegroup.journal.forms import (
    CheckInForm,
    DiscreetModeForm,
    InstrumentForm,
    MedicationPlanForm,
    MeetingSearchForm,
    NetworkMemberForm,
    ProfileForm,
    ServiceCommitmentForm,
    SponsorStepsForm,
    month_of,
)
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    NetworkMember,
    NetworkSnapshot,
    ServiceCommitment,
    TwelveStepLife,
)
from homegroup.journal.recovery import Substance
from homegroup.measures import aai, bam, network, registry
from homegroup.privacy.access import get_visible_or_404
from homegroup.privacy.models import Consent

person_required = role_required(Role.PERSON_IN_RECOVERY)
GET_POST = require_http_methods(["GET", "POST"])
SEARCH_RESULTS = 10
ADHERENCE_DAYS = 30
RESPONSES_LISTED = 50


def _person(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    object_type: str,
    object_id: object = "",
    status: int = 200,
) -> HttpResponse:
    """Render a journal page, auditing the view as one read of the person's record."""
    person = _person(request)
    actions.note_read(viewer=person, person=person, object_type=object_type, object_id=object_id)
    return render(request, template, context, status=status)


def _directory_search_url() -> str | None:
    # The directory's search page is built in its own issue; link to it once it exists.
    for name in ("directory:search", "directory:meetings"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


# --- Daily check-in ----------------------------------------------------------------------------


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
def check_in(request: HttpRequest, day: date | None = None) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    day = day or today
    if day < actions.EARLIEST_DAY:
        raise Http404  # no journal reaches back that far (and the day before would overflow)
    if day > today:
        return _page(
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
        "directory_search_url": _directory_search_url(),
        "has_usual_meetings": bool(meetings),
        # The one-tap "how did this meeting receive you" question (journal/reception.py).
        "reception": reception.for_check_in(person, existing),
    }
    return _page(
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
        "sharing_url": _url_or_none("privacy:sharing"),
    }


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _day_url(day: date, today: date) -> str:
    if day == today:
        return reverse("journal:check-in")
    return reverse("journal:day", kwargs={"day": day})


# --- Calendar ----------------------------------------------------------------------------------


@person_required
@require_http_methods(["GET"])
def calendar(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    first = month_of(request.GET.get("month"), today)
    if first is None or first.year < actions.EARLIEST_DAY.year:
        raise BadRequest("month must look like 2025-03")
    if first > today:
        raise Http404
    days_in_month = calendar_module.monthrange(first.year, first.month)[1]
    last = first.replace(day=days_in_month)
    rows = (
        CheckIn.objects.between(first, last)
        .visible_to(person)
        .annotate(meeting_count=Count("meetings"))
        .values_list("date", "retrospective", "meeting_count")
    )
    known = {day: (retro, count) for day, retro, count in rows}
    weeks: list[list[dict[str, Any] | None]] = []
    week: list[dict[str, Any] | None] = [None] * ((first.weekday() + 1) % 7)  # 0 = Sunday
    for number in range(1, days_in_month + 1):
        day = first.replace(day=number)
        retro, meeting_count = known.get(day, (False, 0))
        week.append(
            {
                "date": day,
                "known": day in known,
                "retrospective": retro,
                "meetings": meeting_count,
                "future": day > today,
                "today": day == today,
            }
        )
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    past_days = [d for w in weeks for d in w if d is not None and not d["future"]]
    context = {
        "month": first,
        "weeks": weeks,
        "weekday_names": [_("Sun"), _("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat")],
        "previous_month": previous_month,
        "next_month": next_month if next_month <= today else None,
        "known_count": sum(1 for d in past_days if d["known"]),
        "unknown_count": sum(1 for d in past_days if not d["known"]),
    }
    return _page(request, "journal/calendar.html", context, object_type="calendar", object_id=first)


# --- Recovery time -----------------------------------------------------------------------------


@person_required
@require_http_methods(["GET"])
def recovery(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    days = summaries.days_of(person)
    time = summaries.recovery_time_of(person, profile, today, days)
    context = {
        "profile": profile,
        "time": time,
        "today": today,
        "restarts_tomorrow": time.start is not None and time.start > today,
        "latest_previous": time.latest_previous,
        "earlier": time.previous[1:],
        "reached": list(reversed(time.reached)),
        "has_history": bool(days.known) or profile.recovery_date is not None,
    }
    return _page(request, "journal/recovery.html", context, object_type="recovery_time")


# --- Medication --------------------------------------------------------------------------------


@person_required
@require_http_methods(["GET"])
def medication(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    plans = list(MedicationPlan.objects.visible_to(person))
    start = today - timedelta(days=ADHERENCE_DAYS - 1)
    current = [p for p in plans if p.active_to is None or p.active_to >= start]
    context = {
        "plans": plans,
        "adherence": summaries.adherence_of(person, current, start, today),
        "adherence_days": ADHERENCE_DAYS,
        "today": today,
    }
    return _page(request, "journal/medication.html", context, object_type="medication_plan")


def _plan_form_page(
    request: HttpRequest, plan: MedicationPlan | None, initial: dict[str, Any]
) -> HttpResponse:
    person = _person(request)
    data = request.POST if request.method == "POST" else None
    form = MedicationPlanForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.save_medication_plan(
                person=person,
                plan=plan,
                medication=values["medication"],
                other_name=values["other_name"],
                prescriber=values["prescriber"],
                dose=values["dose"],
                dose_unit=values["dose_unit"],
                schedule=values["schedule"],
                weekdays=values["weekdays"],
                active_from=values["active_from"],
                active_to=values["active_to"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your medication plan is saved."))
            return redirect("journal:medication")
    return _page(
        request,
        "journal/medication_form.html",
        {"form": form, "plan": plan},
        object_type="medication_plan",
        object_id=plan.pk if plan else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def medication_new(request: HttpRequest) -> HttpResponse:
    today = JournalProfile.objects.for_person(_person(request)).today()
    return _plan_form_page(
        request, None, {"schedule": "daily", "dose_unit": "mg", "active_from": today}
    )


@person_required
@GET_POST
def medication_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_visible_or_404(MedicationPlan.objects.all(), request.user, pk=plan_id)
    return _plan_form_page(request, plan, MedicationPlanForm.initial_from(plan))


@person_required
@require_POST
def medication_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_visible_or_404(MedicationPlan.objects.all(), request.user, pk=plan_id)
    actions.delete_medication_plan(person=_person(request), plan=plan)
    messages.success(request, _("The medication was removed from your plan."))
    return redirect("journal:medication")


# --- 12-step life ------------------------------------------------------------------------------


def _search_meetings(query: str) -> list[Meeting]:
    text = query.strip()
    if not text:
        return []
    slug = text.rstrip("/").rsplit("/", 1)[-1]  # a pasted directory link ends with the slug
    return list(
        Meeting.objects.active()
        .filter(Q(slug=slug) | Q(name__icontains=text))
        .order_by("name", "day", "start_time")[:SEARCH_RESULTS]
    )


@person_required
@GET_POST
def twelve_step(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    life = TwelveStepLife.objects.for_person(person)
    data = request.POST if request.method == "POST" else None
    form = SponsorStepsForm(
        data,
        initial={
            "sponsor_status": life.sponsor_status,
            "sponsor_name": life.sponsor_name,
            "sponsor_supports_medication": life.sponsor_supports_medication,
            "steps_worked": life.steps_worked,
        },
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.update_sponsor_and_steps(
                person=person,
                sponsor_status=values["sponsor_status"],
                sponsor_name=values["sponsor_name"],
                sponsor_supports_medication=values["sponsor_supports_medication"],
                steps_worked=values["steps_worked"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("journal:twelve-step")
    search = MeetingSearchForm(request.GET or None)
    results = _search_meetings(search.cleaned_data["q"]) if search.is_valid() else []
    usual = list(life.usual_meetings.all()) if life.pk else []
    context = {
        "life": life,
        "form": form,
        "search": search,
        "results": results,
        "searched": bool(request.GET.get("q")),
        "usual": usual,
        "usual_ids": {m.pk for m in usual},
        "commitments": list(ServiceCommitment.objects.visible_to(person).select_related("meeting")),
        "directory_search_url": _directory_search_url(),
    }
    return _page(
        request,
        "journal/twelve_step.html",
        context,
        object_type="twelve_step_life",
        object_id=life.pk or "",
        status=form_status(request, form),
    )


@person_required
@require_POST
def twelve_step_meetings(request: HttpRequest) -> HttpResponse:
    """Home group and usual meetings, by a directory meeting's slug."""
    person = _person(request)
    what = request.POST.get("what", "")
    slug = request.POST.get("slug", "")[:100]
    if what == "clear_home_group":
        actions.set_home_group(person=person, meeting=None)
        messages.success(request, _("You have no home group set now."))
        return redirect("journal:twelve-step")
    if what not in ("home_group", "add", "remove") or not slug:
        raise BadRequest("what and slug are required")
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise Http404
    if what == "home_group":
        actions.set_home_group(person=person, meeting=meeting)
        messages.success(request, _("%(name)s is your home group.") % {"name": meeting.name})
    elif what == "add":
        actions.add_usual_meeting(person=person, meeting=meeting)
        messages.success(
            request,
            _("%(name)s is now listed on your check-in.") % {"name": meeting.name},
        )
    else:
        actions.remove_usual_meeting(person=person, meeting=meeting)
        messages.success(request, _("%(name)s was taken off your list.") % {"name": meeting.name})
    return redirect("journal:twelve-step")


def _service_form_page(request: HttpRequest, commitment: ServiceCommitment | None) -> HttpResponse:
    person = _person(request)
    life = TwelveStepLife.objects.for_person(person)
    meetings = list(life.usual_meetings.all()) if life.pk else []
    if commitment is not None and commitment.meeting and commitment.meeting not in meetings:
        meetings.append(commitment.meeting)
    initial: dict[str, Any] = {}
    if commitment is not None:
        initial = {
            "role": commitment.role,
            "meeting": commitment.meeting_id,
            "meeting_name": commitment.meeting_name,
            "started_on": commitment.started_on,
            "ended_on": commitment.ended_on,
        }
    else:
        initial = {
            "started_on": JournalProfile.objects.for_person(person).today(),
            "meeting": life.home_group_id,
        }
    data = request.POST if request.method == "POST" else None
    form = ServiceCommitmentForm(data, meetings=meetings, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        chosen = next((m for m in meetings if m.pk == values["meeting"]), None)
        try:
            actions.save_service_commitment(
                person=person,
                commitment=commitment,
                role=values["role"],
                meeting=chosen,
                meeting_name=values["meeting_name"],
                started_on=values["started_on"],
                ended_on=values["ended_on"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your service commitment is saved."))
            return redirect("journal:twelve-step")
    return _page(
        request,
        "journal/service_form.html",
        {"form": form, "commitment": commitment},
        object_type="service_commitment",
        object_id=commitment.pk if commitment else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def service_new(request: HttpRequest) -> HttpResponse:
    return _service_form_page(request, None)


@person_required
@GET_POST
def service_edit(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = get_visible_or_404(
        ServiceCommitment.objects.select_related("meeting"), request.user, pk=commitment_id
    )
    return _service_form_page(request, commitment)


@person_required
@require_POST
def service_delete(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = get_visible_or_404(ServiceCommitment.objects.all(), request.user, pk=commitment_id)
    actions.delete_service_commitment(person=_person(request), commitment=commitment)
    messages.success(request, _("The service commitment was removed."))
    return redirect("journal:twelve-step")


# --- Support network ---------------------------------------------------------------------------

INDEX_LABELS = {
    "size": _lazy("People in your network"),
    "daily": _lazy("People you are in touch with daily"),
    "average_importance": _lazy("Average importance (1-5)"),
    "percent_heavy_drinkers": _lazy("People who drink heavily (%)"),
    "percent_heavy_drug_users": _lazy("People who use drugs heavily (%)"),
    "percent_abstinent_from_alcohol": _lazy("People who don't drink, or are in recovery (%)"),
    "percent_abstinent_from_drugs": _lazy("People who don't use drugs, or are in recovery (%)"),
    "important_supporting_not_drinking": _lazy(
        "Very important people who encourage you not to drink"
    ),
    "important_supporting_not_using_drugs": _lazy(
        "Very important people who encourage you not to use drugs"
    ),
    "important_encouraging_drinking": _lazy("Very important people who encouraged your drinking"),
    "important_encouraging_drug_use": _lazy("Very important people who encouraged your drug use"),
    "supporters_of_recovery": _lazy("People who support your recovery and treatment"),
    "supporters_of_medication": _lazy("People who support your medication"),
    "in_fellowship": _lazy("People in a fellowship"),
    "sponsor_listed": _lazy("Your sponsor is listed in your network"),
}


@person_required
@require_http_methods(["GET"])
def network_page(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    members = list(NetworkMember.objects.visible_to(person))
    indices = network.network_indices(actions.network_person(m) for m in members)
    earlier = NetworkSnapshot.objects.before(today).visible_to(person).first()
    before = network.NetworkIndices.from_json(earlier.indices, earlier.version) if earlier else None
    changes = [
        {"change": change, "label": INDEX_LABELS[change.name]}
        for change in network.compare(before, indices)
    ]
    context = {
        "members": members,
        "indices": indices,
        "changes": changes,
        "earlier": earlier,
        "can_add": len(members) < network.MAX_PEOPLE,
        "max_people": network.MAX_PEOPLE,
    }
    return _page(request, "journal/network.html", context, object_type="network")


def _member_form_page(request: HttpRequest, member: NetworkMember | None) -> HttpResponse:
    person = _person(request)
    data = request.POST if request.method == "POST" else None
    initial = (
        NetworkMemberForm.initial_from(member) if member else {"supports_medication": "unknown"}
    )
    form = NetworkMemberForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_network_member(person=person, member=member, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your network is saved."))
            return redirect("journal:network")
    return _page(
        request,
        "journal/network_form.html",
        {"form": form, "member": member},
        object_type="network_member",
        object_id=member.pk if member else "",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def network_new(request: HttpRequest) -> HttpResponse:
    return _member_form_page(request, None)


@person_required
@GET_POST
def network_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_visible_or_404(NetworkMember.objects.all(), request.user, pk=member_id)
    return _member_form_page(request, member)


@person_required
@require_POST
def network_delete(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_visible_or_404(NetworkMember.objects.all(), request.user, pk=member_id)
    actions.remove_network_member(person=_person(request), member=member)
    messages.success(request, _("They were taken off your network."))
    return redirect("journal:network")


# --- Measures ----------------------------------------------------------------------------------


@person_required
@require_http_methods(["GET"])
def measures(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    titles = {key: instrument.title for key, instrument in registry.INSTRUMENTS.items()}
    responses = MeasureResponse.objects.latest_first().visible_to(person)[:RESPONSES_LISTED]
    context = {
        "responses": [
            {"response": r, "title": titles.get((r.instrument, r.version), r.instrument)}
            for r in responses
        ]
    }
    return _page(request, "journal/measures.html", context, object_type="measure_response")


def _instrument_page(request: HttpRequest, instrument_id: str) -> HttpResponse:
    person = _person(request)
    instrument = registry.instrument(instrument_id)
    data = request.POST if request.method == "POST" else None
    form = InstrumentForm(data, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            response = actions.record_measure(
                person=person, instrument_id=instrument.id, answers=form.answers()
            )
        except ValidationError as error:
            attach_errors(form, error, prefix="item_")
        else:
            return redirect("journal:measure-result", response_id=response.pk)
    return _page(
        request,
        "journal/instrument_form.html",
        {"form": form, "instrument": instrument},
        object_type="measure_response",
        status=form_status(request, form),
    )


@person_required
@GET_POST
def measure_bam(request: HttpRequest) -> HttpResponse:
    return _instrument_page(request, bam.ID)


@person_required
@GET_POST
def measure_aai(request: HttpRequest) -> HttpResponse:
    return _instrument_page(request, aai.ID)


@person_required
@require_http_methods(["GET"])
def measure_result(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_visible_or_404(MeasureResponse.objects.all(), request.user, pk=response_id)
    context: dict[str, Any] = {"response": response}
    if response.instrument == bam.ID:
        try:
            context["notes"] = bam.item_notes(response.answers, response.version)
        except KeyError:
            raise Http404 from None
        context["template"] = "journal/_bam_result.html"
    else:
        context["template"] = "journal/_aai_result.html"
    try:
        context["instrument"] = registry.instrument(response.instrument, response.version)
    except KeyError:
        raise Http404 from None
    return _page(
        request,
        "journal/measure_result.html",
        context,
        object_type="measure_response",
        object_id=response.pk,
    )


# --- Settings ----------------------------------------------------------------------------------


@person_required
@GET_POST
def settings_page(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    profile = JournalProfile.objects.for_person(person)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(
        data,
        initial={
            "timezone": profile.timezone,
            "recovery_date": profile.recovery_date,
            "count_scope": profile.count_scope,
        },
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            actions.update_profile(
                person=person,
                timezone_name=values["timezone"],
                recovery_date=values["recovery_date"],
                count_scope=values["count_scope"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("journal:recovery")
    discreet_form = DiscreetModeForm(initial={"discreet": profile.discreet_mode})
    return _page(
        request,
        "journal/settings.html",
        {"form": form, "profile": profile, "discreet_form": discreet_form},
        object_type="journal_profile",
        object_id=profile.pk or "",
        status=form_status(request, form),
    )


@person_required
@require_POST
def discreet_mode(request: HttpRequest) -> HttpResponse:
    form = DiscreetModeForm(request.POST)
    on = bool(form.is_valid() and form.cleaned_data["discreet"])
    actions.set_discreet_mode(person=_person(request), on=on)
    remember_discreet_mode(request, on)
    if on:
        messages.success(request, _("Discreet mode is on."))
    else:
        messages.success(request, _("Discreet mode is off."))
    return redirect("journal:settings")


# --- Progress ----------------------------------------------------------------------------------

PROGRESS_WINDOWS = {"12": 12, "26": 26, "52": 52, "156": 156}
DEFAULT_WINDOW = "26"
RECENT_WEEKS = 4
# The counts of people (one scale for one chart); the percentages are in the changes above it.
NETWORK_CHART_INDICES = (
    "size",
    "daily",
    "supporters_of_recovery",
    "supporters_of_medication",
    "in_fellowship",
    "important_supporting_not_drinking",
    "important_supporting_not_using_drugs",
)


def _short(day: date) -> str:
    return formats.date_format(day, "M j")


def _progress_chart_data(
    weekly: list[progress.Week],
    bam_rows: list[tuple[date, dict[str, Any]]],
    network_rows: list[tuple[date, network.NetworkIndices]],
    has_plans: bool,
) -> dict[str, Any]:
    """What static/journal/progress.js draws; every label is translated here."""
    return {
        "weeks": [_short(w.start) for w in weekly],
        "meetings": {
            "values": [w.meetings for w in weekly],
            "label": _("Meetings"),
            "ninety": progress.NINETY_IN_NINETY_PER_WEEK,
            "ninety_label": _("90 in 90 pace (7 a week)"),
            "weekly": progress.WEEKLY_OR_MORE,
            "weekly_label": _("Weekly or more (1 a week)"),
        },
        "activities": [
            {"label": str(ACTIVITY_LABELS[name]), "values": [w.activities[name] for w in weekly]}
            for name in progress.ACTIVITIES
        ],
        "days": [
            {"label": _("Days without use"), "values": [w.abstinent for w in weekly], "key": "ok"},
            {"label": _("Days with use"), "values": [w.used for w in weekly], "key": "used"},
            {
                "label": _("Not checked in (unknown)"),
                "values": [w.unknown for w in weekly],
                "key": "unknown",
            },
        ],
        "doses": (
            [
                {"label": _("Taken as prescribed"), "values": [w.doses_taken for w in weekly]},
                {"label": _("A different dose"), "values": [w.doses_different for w in weekly]},
                {"label": _("Missed"), "values": [w.doses_missed for w in weekly]},
                {"label": _("Not recorded"), "values": [w.doses_unknown for w in weekly]},
            ]
            if has_plans
            else None
        ),
        "bam": (
            {
                "dates": [_short(day) for day, _scores in bam_rows],
                "series": [
                    {"label": _("Use (0-12)"), "values": [s.get("use") for _d, s in bam_rows]},
                    {"label": _("Risk (0-24)"), "values": [s.get("risk") for _d, s in bam_rows]},
                    {
                        "label": _("Protective (0-24)"),
                        "values": [s.get("protective") for _d, s in bam_rows],
                    },
                ],
                "marks": [
                    {
                        "label": _("12: risk flag at or above, protective flag at or below"),
                        "value": bam.RISK_FLAG_AT_LEAST,
                    },
                    {"label": _("1: any use is flagged"), "value": bam.USE_FLAG_AT_LEAST},
                ],
            }
            if bam_rows
            else None
        ),
        "network": (
            {
                "dates": [_short(day) for day, _indices in network_rows],
                "series": [
                    {
                        "label": str(INDEX_LABELS[name]),
                        "values": [getattr(indices, name) for _d, indices in network_rows],
                    }
                    for name in NETWORK_CHART_INDICES
                ],
            }
            if network_rows
            else None
        ),
    }


ACTIVITY_LABELS = {
    "service": _lazy("Service"),
    "talked_with_sponsor": _lazy("Talked with my sponsor"),
    "sponsored_someone": _lazy("Sponsored someone"),
    "step_work": _lazy("Step work"),
    "literature": _lazy("Read literature"),
    "shared": _lazy("Shared or spoke at a meeting"),
    "helped_member": _lazy("Helped another member"),
    "fellowship_time": _lazy("Fellowship time"),
}


@person_required
@require_http_methods(["GET"])
def progress_page(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    window = request.GET.get("weeks", DEFAULT_WINDOW)
    if window not in PROGRESS_WINDOWS:
        raise BadRequest("weeks must be one of 12, 26, 52, 156")
    profile = JournalProfile.objects.for_person(person)
    today = profile.today()
    start = rules.week_start(today) - timedelta(weeks=PROGRESS_WINDOWS[window] - 1)
    first = summaries.first_check_in(person)
    began = [day for day in (first,) if day is not None]
    if profile.pk is not None:
        began.append(rules.today_in(profile.timezone, profile.created_at))
    # Weeks before the person began their journal are not "unknown": they are not shown.
    start = max(start, min(began, default=today))
    facts = summaries.day_facts(person, start, today)
    plans = [
        plan
        for plan in MedicationPlan.objects.visible_to(person)
        if plan.active_from <= today and (plan.active_to is None or plan.active_to >= start)
    ]
    reports = summaries.dose_reports(person, plans, start, today)
    weekly = progress.weeks(
        start=start,
        end=today,
        facts=facts,
        scope=rules.Scope(profile.count_scope),
        medications=[
            progress.MedicationDoses(summaries.schedule_of(plan), reports[plan.pk])
            for plan in plans
        ],
    )
    bam_rows = summaries.bam_history(person)
    network_rows = summaries.network_history(person)
    recent = progress.totals(weekly[-RECENT_WEEKS:])
    whole = progress.totals(weekly)
    latest_bam = bam_rows[-1] if bam_rows else None
    first_bam = bam_rows[0] if len(bam_rows) > 1 else None
    network_changes: list[dict[str, Any]] = []
    network_since = network_rows[-2][0] if len(network_rows) > 1 else None
    if len(network_rows) > 1:
        before, after = network_rows[-2][1], network_rows[-1][1]
        network_changes = [
            {"change": change, "label": INDEX_LABELS[change.name]}
            for change in network.compare(before, after)
            if change.delta
        ]
    context = {
        "window": window,
        "windows": [
            ("12", _("12 weeks")),
            ("26", _("6 months")),
            ("52", _("1 year")),
            ("156", _("3 years")),
        ],
        "weekly": weekly,
        "recent": recent,
        "whole": whole,
        "recent_weeks": min(RECENT_WEEKS, len(weekly)),
        "has_checkins": bool(facts),
        "plans": plans,
        "profile": profile,
        "most_frequent_label": (
            ACTIVITY_LABELS[recent.most_frequent_activity] if recent.most_frequent_activity else ""
        ),
        "activity_labels": [ACTIVITY_LABELS[name] for name in progress.ACTIVITIES],
        "activity_rows": [
            (week, [week.activities[name] for name in progress.ACTIVITIES]) for week in weekly
        ],
        "bam_rows": bam_rows,
        "latest_bam": latest_bam,
        "first_bam": first_bam,
        "network_labels": [INDEX_LABELS[name] for name in NETWORK_CHART_INDICES],
        "network_table": [
            (day, [getattr(indices, name) for name in NETWORK_CHART_INDICES])
            for day, indices in network_rows
        ],
        "network_changes": network_changes,
        "network_since": network_since,
        "ninety_pace": progress.NINETY_IN_NINETY_PER_WEEK,
        "chart_data": _progress_chart_data(weekly, bam_rows, network_rows, bool(plans)),
    }
    return _page(request, "journal/progress.html", context, object_type="progress")
