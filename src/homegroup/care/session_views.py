"""Twelve-Step Facilitation sessions: the clinician's pages under /care/people/<id>/sessions/,
and the person's own session summaries under /care/my-sessions/.

Thin, like `care.views`. Every clinician page here returns the person's record, so it asks the
one disclosure gate and is `@gated` (tests/privacy/test_route_inventory.py): without a consent
that names "TSF sessions and recovery tasks" the answer is 404 and the gate has audited it. The
review of a new session is read through the same disclosure (`care.session_review`). Writing
needs a care-team place as well (`care.session_actions`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError as QueryError

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.care import session_actions, session_review, session_topics
from homegroup.care import views as care_views
from homegroup.care.session_forms import MeetingTaskForm, SessionForm, TaskForm, TopicChoiceForm
from homegroup.care.session_models import TSFSession
from homegroup.directory import search as directory_search
from homegroup.directory.models import Meeting
from homegroup.journal.models import TwelveStepLife
from homegroup.journal.tasks import RecoveryTask, TaskKind, TaskStatus
from homegroup.privacy import gate
from homegroup.privacy.categories import Category
from homegroup.privacy.models import CareTeamMember, Channel

clinician_required = role_required(Role.CLINICIAN)
TSF = Category.TSF_SESSIONS.value
# What a new session's review reads besides the sessions themselves.
REVIEW_CATEGORIES = frozenset(
    {
        TSF,
        Category.CHECK_INS.value,
        Category.MEETINGS_AND_ACTIVITIES.value,
        Category.SUBSTANCE_USE.value,
        Category.MEDICATION.value,
        Category.NETWORK.value,
    }
)
FIRST_REVIEW_DAYS = 30
MEETINGS_SHOWN = 10


def disclose_sessions(
    request: AuthenticatedRequest,
    person_id: int,
    channel: str,
    wanted: frozenset[str] = frozenset({TSF}),
) -> gate.Disclosure:
    """The gate's answer for the person's sessions; 404 unless it lets the sessions through."""
    return care_views.disclose_record(request, person_id, channel, wanted=wanted, required=TSF)


def _session(
    request: AuthenticatedRequest, disclosure: gate.Disclosure, session_id: int
) -> TSFSession:
    return audit.get_or_refuse(
        TSFSession.objects.disclosed(disclosure).select_related("counselor"),
        session_id,
        actor_id=request.user.pk,
        owner_field="person",
    )


def _tasks_of(disclosure: gate.Disclosure, session: TSFSession | None) -> list[RecoveryTask]:
    if session is None:
        return []
    return list(
        RecoveryTask.objects.disclosed(disclosure)
        .filter(pk__in=session.tasks.values("pk"))
        .order_by("id")
    )


def _previous(disclosure: gate.Disclosure, session: TSFSession | None) -> TSFSession | None:
    sessions = TSFSession.objects.disclosed(disclosure).order_by("-held_on", "-number", "-id")
    if session is not None:
        sessions = sessions.filter(number__lt=session.number)
    return sessions.first()


def _topic_of(request: AuthenticatedRequest, default: str) -> str:
    choice = TopicChoiceForm(request.GET or None)
    if request.GET.get("topic") and choice.is_valid():
        return str(choice.cleaned_data["topic"])
    return default


def _suggested_topic(number: int) -> str:
    core = [topic.code for topic in session_topics.TOPICS if topic.program == session_topics.CORE]
    return core[min(number, len(core)) - 1]


@clinician_required
@require_GET
@gate.gated
def sessions(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """The person's sessions, newest first, with their topics and tasks."""
    disclosure = disclose_sessions(request, person_id, Channel.PAGE)
    person = care_views.disclosed_person(person_id)
    rows = list(
        TSFSession.objects.disclosed(disclosure)
        .select_related("counselor")
        .prefetch_related("tasks")
        .order_by("-held_on", "-number", "-id")
    )
    return render(
        request,
        "care/sessions/list.html",
        {
            "person": person,
            "disclosure": disclosure,
            "rows": [(row, session_topics.BY_CODE.get(row.topic)) for row in rows],
            "open_tasks": RecoveryTask.objects.disclosed(disclosure)
            .filter(status=TaskStatus.OPEN)
            .count(),
            "may_write": gate.on_care_team(request.user, person_id),
        },
    )


def _session_page(
    request: AuthenticatedRequest,
    *,
    disclosure: gate.Disclosure,
    person: User,
    session: TSFSession | None,
    form: SessionForm,
    topic: str,
    review: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    previous = _previous(disclosure, session)
    clinician = request.user
    return render(
        request,
        "care/sessions/session.html",
        {
            "person": person,
            "disclosure": disclosure,
            "session": session,
            "form": form,
            "topic": session_topics.topic(topic),
            "topic_form": TopicChoiceForm(initial={"topic": topic}),
            "review_sections": session_review.sections(review, disclosure),
            "review": review,
            "previous": previous,
            "previous_tasks": _tasks_of(disclosure, previous),
            "tasks": _tasks_of(disclosure, session),
            "task_form": TaskForm(),
            "may_edit": session is None or session.counselor_id == clinician.pk,
        },
        status=status,
    )


@clinician_required
@require_http_methods(["GET", "POST"])
@gate.gated
def session_new(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """A new session: the review pre-filled from the journal since the last session."""
    disclosure = disclose_sessions(request, person_id, Channel.PAGE, REVIEW_CATEGORIES)
    person = care_views.disclosed_person(person_id)
    clinician = request.user
    if not gate.on_care_team(clinician, person_id):
        raise Http404
    today = timezone.now().date()
    previous = _previous(disclosure, None)
    since = previous.held_on + timedelta(days=1) if previous else today - timedelta(days=29)
    review = session_review.read_review(disclosure, person, since=since, until=today)
    number = session_actions.next_number(person)
    topic = request.POST.get("topic") or _topic_of(request, _suggested_topic(number))
    bad_topic = topic not in session_topics.BY_CODE
    if bad_topic:
        topic = _suggested_topic(number)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(
        data,
        topic=topic,
        initial={
            "number": number,
            "held_on": today,
            "duration_minutes": 60,
            "modality": "individual",
        },
    )
    if bad_topic and data is not None:
        form.add_error(None, _("Choose a topic from the list."))
    if request.method == "POST" and form.is_valid():
        try:
            session = session_actions.record_session(
                counselor=clinician, person=person, values=form.values(), review=review
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Session saved. Now set the recovery tasks."))
            return redirect("care:session", person_id=person.pk, session_id=session.pk)
    return _session_page(
        request,
        disclosure=disclosure,
        person=person,
        session=None,
        form=form,
        topic=topic,
        review=review,
        status=400 if request.method == "POST" else 200,
    )


def _attach(form: Any, error: ValidationError) -> None:
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@clinician_required
@require_http_methods(["GET", "POST"])
@gate.gated
def session(request: AuthenticatedRequest, person_id: int, session_id: int) -> HttpResponse:
    """One session: its review as recorded, the checklist, the tasks, the summary."""
    disclosure = disclose_sessions(request, person_id, Channel.PAGE, REVIEW_CATEGORIES)
    person = care_views.disclosed_person(person_id)
    record = _session(request, disclosure, session_id)
    topic = request.POST.get("topic") or _topic_of(request, record.topic)
    bad_topic = topic not in session_topics.BY_CODE
    if bad_topic:
        topic = record.topic
    data = request.POST if request.method == "POST" else None
    form = SessionForm(
        data,
        topic=topic,
        initial={
            "number": record.number,
            "held_on": record.held_on,
            "duration_minutes": record.duration_minutes,
            "modality": record.modality,
            "review_notes": record.review_notes,
            "items_covered": record.items_covered if topic == record.topic else [],
            "summary": record.summary,
        },
    )
    if bad_topic and data is not None:
        form.add_error(None, _("Choose a topic from the list."))
    if request.method == "POST" and form.is_valid():
        try:
            session_actions.update_session(
                session=record, counselor=request.user, values=form.values()
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("care:session", person_id=person.pk, session_id=record.pk)
    return _session_page(
        request,
        disclosure=disclosure,
        person=person,
        session=record,
        form=form,
        topic=topic,
        review=record.review,
        status=400 if request.method == "POST" else 200,
    )


def _own_session_or_404(
    request: AuthenticatedRequest,
    person_id: int,
    session_id: int,
    wanted: frozenset[str] = frozenset({TSF}),
) -> tuple[gate.Disclosure, TSFSession]:
    disclosure = disclose_sessions(request, person_id, Channel.PAGE, wanted)
    record = _session(request, disclosure, session_id)
    if record.counselor_id != request.user.pk:
        raise Http404
    return disclosure, record


def _usual_place(disclosure: gate.Disclosure) -> Meeting | None:
    """The person's home group, or else a usual meeting, that has a place on the map: where the
    meeting search starts when the clinician names no place (only when the person shares their
    meetings and 12-step activities)."""
    life = TwelveStepLife.objects.disclosed(disclosure).select_related("home_group").first()
    if life is None:
        return None
    usual = [life.home_group] if life.home_group is not None else []
    usual += list(life.usual_meetings.order_by("name", "id"))
    return next(
        (m for m in usual if m.latitude is not None and m.longitude is not None),
        None,
    )


@clinician_required
@require_POST
@gate.gated
def session_task(request: AuthenticatedRequest, person_id: int, session_id: int) -> HttpResponse:
    """Set a recovery task in words, or a meeting picked from the directory."""
    _disclosure, record = _own_session_or_404(request, person_id, session_id)
    meeting_form = MeetingTaskForm(request.POST)
    try:
        if "meeting" in request.POST:
            if not meeting_form.is_valid():
                raise ValidationError({"meeting": _("Pick the meeting from the directory.")})
            meeting = Meeting.objects.active().filter(slug=meeting_form.cleaned_data["meeting"])
            found = meeting.first()
            if found is None:
                raise ValidationError({"meeting": _("That meeting is no longer listed.")})
            session_actions.set_task(
                session=record, counselor=request.user, kind=TaskKind.MEETING, meeting=found
            )
        else:
            form = TaskForm(request.POST)
            if not form.is_valid():
                raise ValidationError({name: errors for name, errors in form.errors.items()})
            session_actions.set_task(
                session=record,
                counselor=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task set. It shows in their journal as from their counselor."))
    return redirect("care:session", person_id=person_id, session_id=record.pk)


@clinician_required
@require_GET
@gate.gated
def session_meetings(
    request: AuthenticatedRequest, person_id: int, session_id: int
) -> HttpResponse:
    """Pick meetings for recovery tasks: welcoming to people on medication first, then others,
    near a place and on days the person can go, online ones too."""
    disclosure, record = _own_session_or_404(
        request, person_id, session_id, frozenset({TSF, Category.MEETINGS_AND_ACTIVITIES.value})
    )
    person = care_views.disclosed_person(person_id)
    params = request.GET.copy()
    params.setdefault("include_online", "on")
    usual = None
    if not any(params.get(name) for name in ("near", "lat", "lng")):
        usual = _usual_place(disclosure)
        if usual is not None:
            params["lat"], params["lng"] = str(usual.latitude), str(usual.longitude)
    params["limit"] = str(MEETINGS_SHOWN)
    welcoming: list[directory_search.Found] = []
    others: list[directory_search.Found] = []
    errors: dict[str, list[str]] = {}
    try:
        query = directory_search.parse_query(params)
    except QueryError as error:
        errors = directory_search.errors_by_field(error)
    else:
        now = timezone.now()
        welcoming = directory_search.search(
            query.model_copy(update={"mat_friendly": True}), now=now
        ).results
        shown = {found.meeting.pk for found in welcoming}
        others = [
            found
            for found in directory_search.search(
                query.model_copy(update={"mat_friendly": False}), now=now
            ).results
            if found.meeting.pk not in shown
        ]
    return render(
        request,
        "care/sessions/meetings.html",
        {
            "person": person,
            "session": record,
            "welcoming": welcoming,
            "others": others,
            "errors": errors,
            "near": request.GET.get("near", ""),
            "q": request.GET.get("q", ""),
            "days": request.GET.getlist("days"),
            "weekdays": _weekdays(),
            "usual": usual,
        },
        status=400 if errors else 200,
    )


def _weekdays() -> list[tuple[str, str]]:
    from homegroup.lib.weekdays import DAY_NAMES

    return [(str(number), _(name)) for number, name in enumerate(DAY_NAMES)]


@clinician_required
@require_GET
@gate.gated
def session_summary(request: AuthenticatedRequest, person_id: int, session_id: int) -> HttpResponse:
    """The one-page summary the person takes home, printed by the clinician (no counseling
    notes, no review numbers: the topic, what was covered, the tasks, the summary)."""
    disclosure = disclose_sessions(request, person_id, Channel.PRINT)
    record = _session(request, disclosure, session_id)
    return render(
        request,
        "care/sessions/summary.html",
        {
            "person": care_views.disclosed_person(person_id),
            "session": record,
            "topic": session_topics.BY_CODE.get(record.topic),
            "tasks": _tasks_of(disclosure, record),
            "disclosure": disclosure,
        },
    )


def care_team(person_id: int) -> list[User]:
    """The clinicians on the person's care team now, each once (the CareTeam resource)."""
    ids = (
        CareTeamMember.objects.in_force()
        .filter(person_id=person_id)
        .values_list("clinician_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "pk"))


# --- The person's own session summaries --------------------------------------------------------


person_required = role_required(Role.PERSON_IN_RECOVERY)


@person_required
@require_GET
def my_sessions(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own sessions: date, topic and the summary their counselor wrote."""
    person: User = request.user
    rows = list(
        TSFSession.objects.visible_to(person)
        .select_related("counselor")
        .order_by("-held_on", "-number", "-id")
    )
    audit.record(
        action=AuditAction.CARE_TSF_SESSIONS_READ, actor_id=person.pk, subject_id=person.pk,
        object_type="tsf_session",
    )  # fmt: skip
    return render(
        request,
        "care/sessions/mine.html",
        {"rows": [(row, session_topics.BY_CODE.get(row.topic)) for row in rows]},
    )


@person_required
@require_GET
def my_session(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    """One of the person's own session summaries, printable."""
    person: User = request.user
    record = audit.get_or_refuse(
        TSFSession.objects.visible_to(person).select_related("counselor"),
        session_id,
        actor_id=person.pk,
        owner_field="person",
    )
    audit.record(
        action=AuditAction.CARE_TSF_SESSIONS_READ, actor_id=person.pk, subject_id=person.pk,
        object_type="tsf_session", object_id=record.pk,
    )  # fmt: skip
    return render(
        request,
        "care/sessions/summary.html",
        {
            "person": person,
            "session": record,
            "topic": session_topics.BY_CODE.get(record.topic),
            "tasks": list(
                RecoveryTask.objects.visible_to(person)
                .filter(pk__in=record.tasks.values("pk"))
                .order_by("id")
            ),
            "own": True,
        },
    )
