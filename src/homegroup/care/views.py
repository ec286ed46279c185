"""Clinicians' pages: their people, a person's record as far as it is shared, its exports, and
their own counseling notes.

Thin. Every page that shows a person's record asks the one disclosure gate first and is marked
`@gated` (tests/privacy/test_route_inventory.py): without a consent (or an open break-glass
grant) the answer is 404, and the gate has audited the attempt. What is shown comes from
`journal.disclosed`, which reads only what the disclosure allows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.care import (
    actions,
    alert_rules,
    alert_wording,
    caseload,
    caseload_table,
    record,
)
from homegroup.care.forms import CounselingNoteForm
from homegroup.care.models import Alert, AlertRuleSetting, AlertStatus, CounselingNote
from homegroup.forms import attach_errors
from homegroup.journal import actions as journal_actions
from homegroup.journal import disclosed
from homegroup.journal.models import MeasureRequest
from homegroup.measures import registry
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories, gate
from homegroup.privacy.categories import Category
from homegroup.privacy.models import (
    CareTeamMember,
    Channel,
    DiagnosisGroup,
    Enrolment,
    ProgramMembership,
    Purpose,
)

clinician_required = role_required(Role.CLINICIAN)


def disclose_record(
    request: AuthenticatedRequest,
    person_id: int,
    channel: str,
    *,
    wanted: frozenset[str] = categories.ALL - categories.CARE_RECORD,
    required: str | None = None,
) -> gate.Disclosure:
    """Ask the gate for what a clinician may need for treatment (`wanted`: the record's
    categories; the sessions pages ask for theirs); 404 unless something is allowed, or unless
    the `required` category is (the gate has audited the attempt either way).

    A clinician's own record is not a disclosure to them: they read it on their own journal
    pages, never here (the disclosure artifacts of these pages are for someone else's record)."""
    if person_id == request.user.pk:
        audit.refuse(actor_id=request.user.pk, object_type="person", object_id=person_id)
    disclosure = gate.disclose(
        viewer=request.user,
        person=person_id,
        categories_requested=wanted,
        channel=channel,
        purpose=Purpose.TREATMENT,
    )
    if not (disclosure.allowed if required is None else disclosure.allows(required)):
        raise Http404
    return disclosure


def disclosed_person(person_id: int) -> User:
    # Only reached once the gate allowed something, so the person exists and is active; the
    # filter says so again rather than trust it.
    return User.objects.get(pk=person_id, is_active=True)


def disclosed_counseling_notes(disclosure: gate.Disclosure) -> list[CounselingNote]:
    """Counseling notes of every author, only when a counseling-notes consent released them."""
    if not disclosure.allows(Category.COUNSELING_NOTES.value):
        return []
    return list(
        CounselingNote.objects.disclosed(disclosure)
        .select_related("author")
        .order_by("-session_date", "-id")
    )


def _proposed(clinician: User) -> Any:
    # Places the program admin proposed: names only, to confirm or decline; they open nothing.
    return (
        CareTeamMember.objects.pending()
        .filter(clinician=clinician)
        .select_related("person", "program")
        .order_by("assigned_at", "pk")
    )


@clinician_required
@require_GET
@gate.gated
def caseload_page(request: AuthenticatedRequest) -> HttpResponse:
    """The clinician's caseload: each person they may see now, with their numbers and alerts,
    through one bulk disclosure (`care.caseload`)."""
    clinician = request.user
    built = caseload.build(clinician)
    query = request.GET.get("q", "")[:80]
    rule = request.GET.get("alert", "")
    if rule not in ("", "any", *alert_rules.RULES):
        rule = ""
    sort = request.GET.get("sort", "name")
    if sort not in caseload.SORTS:
        sort = "name"
    rows = caseload.filter_rows(built.rows, query=query, rule=rule, sort=sort)
    actions.note_caseload_viewed(clinician=clinician, people=len(built.rows))
    return render(
        request,
        "care/caseload.html",
        {
            "rows": rows,
            "tbody": caseload_table.rows_html(rows),
            "total": len(built.rows),
            "proposed": _proposed(clinician),
            "query": query,
            "rule": rule,
            "sort": sort,
            "rules": [(key, alert_wording.title(key)) for key in alert_rules.RULES],
            "sorts": [
                ("name", _("Name")),
                ("alerts", _("Most alerts")),
                ("check_in", _("Longest since a check-in")),
                ("meetings", _("Fewest meetings")),
            ],
        },
    )


@clinician_required
@require_GET
def people(request: AuthenticatedRequest) -> HttpResponse:
    """The old address of the list of people: the caseload replaced it."""
    return redirect("care:caseload", permanent=True)


def _proposed_place(request: AuthenticatedRequest, member_id: int) -> CareTeamMember:
    # Another clinician's place, or one already answered, is simply not found.
    return get_object_or_404(
        CareTeamMember.objects.pending().filter(clinician=request.user), pk=member_id
    )


@clinician_required
@require_POST
def confirm_care_team_place(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = _proposed_place(request, member_id)
    try:
        privacy_actions.confirm_care_team_place(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You are on %(name)s's care team. What they share with the program shows here.")
            % {"name": member.person.display_name},
        )
    return redirect("care:caseload")


@clinician_required
@require_POST
def decline_care_team_place(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    member = _proposed_place(request, member_id)
    try:
        privacy_actions.decline_care_team_place(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Declined. The program admin sees that you said no."))
    return redirect("care:caseload")


def _record_context(request: AuthenticatedRequest, person_id: int, channel: str) -> dict[str, Any]:
    disclosure = disclose_record(request, person_id, channel)
    person = disclosed_person(person_id)
    return {
        "person": person,
        "disclosure": disclosure,
        "record": disclosed.shared_record(disclosure, person),
        "counseling_notes": disclosed_counseling_notes(disclosure),
        "withheld": [
            categories.label(c)
            for c in categories.ordered(categories.JOURNAL - disclosure.allowed_categories)
        ],
    }


def _request_title(instrument: str) -> str:
    """What a care team may ask for, by name: a questionnaire's title, or the network's look."""
    if instrument == journal_actions.NETWORK_REVIEW:
        return _("Important People (look over the support network)")
    return str(registry.instrument(instrument).title)


@clinician_required
@require_GET
@gate.gated
def person(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """A person's record, read-only, limited to the consented categories (P2-06, P2-07)."""
    context = _record_context(request, person_id, Channel.PAGE)
    context["own_notes"] = CounselingNote.objects.visible_to(request.user).about(person_id).count()
    context["may_write_notes"] = gate.may_write_counseling_note(request.user, person_id)
    context["summary"] = record.summary(
        context["record"], context["disclosure"], viewer=request.user
    )
    context["measure_requests"] = [
        (asked, _request_title(asked.instrument))
        for asked in MeasureRequest.objects.disclosed(context["disclosure"]).order_by(
            "-requested_at", "-id"
        )[:5]
    ]
    context["requestable"] = [
        (instrument, _request_title(instrument)) for instrument in journal_actions.REQUESTABLE
    ]
    return render(request, "care/person.html", context)


@clinician_required
@require_GET
@gate.gated
def person_print(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """The same record as a printable page (no PDF): the notice and the scope on top."""
    context = _record_context(request, person_id, Channel.PRINT)
    context["summary"] = record.summary(
        context["record"], context["disclosure"], viewer=request.user
    )
    return render(request, "care/person_print.html", context)


# --- The diagnosis group of an enrolment (issue 21) -----------------------------------------------


@clinician_required
@require_http_methods(["GET", "POST"])
def diagnosis_group(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """Record or change the diagnosis group (alcohol only, drugs only, both) of a person's
    enrolment in a program where the clinician is on their care team; anyone else: 404."""
    clinician = request.user
    programs = CareTeamMember.objects.in_force().filter(person_id=person_id, clinician=clinician)
    enrolments = list(
        Enrolment.objects.current()
        .filter(person_id=person_id, program_id__in=programs.values("program_id"))
        .select_related("program", "person")
    )
    if not enrolments:
        audit.refuse(
            action=AuditAction.CARE_DIAGNOSIS_GROUP,
            actor_id=clinician.pk,
            subject_id=person_id,
            object_type="person",
            object_id=person_id,
        )
    status, problem = 200, ""
    if request.method == "POST":
        chosen = next(
            (e for e in enrolments if str(e.pk) == request.POST.get("enrolment", "")), None
        )
        if chosen is None:
            status, problem = 400, _("Choose one of the programs listed.")
        else:
            try:
                privacy_actions.record_diagnosis_group(
                    enrolment=chosen, group=request.POST.get("group", ""), by=clinician
                )
            except ValidationError as error:
                status, problem = 400, " ".join(error.messages)
            else:
                messages.success(request, _("Diagnosis group saved."))
                return redirect("care:diagnosis-group", person_id=person_id)
    return render(
        request,
        "care/diagnosis_group.html",
        {
            "person": enrolments[0].person,
            "enrolments": enrolments,
            "groups": DiagnosisGroup.choices,
            "problem": problem,
        },
        status=status,
    )


@clinician_required
@require_POST
def measure_request(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """Ask a person on the clinician's care team for a questionnaire: written into their journal
    through the journal's action; their answer comes back through the gate like the rest of
    their record (if they share questionnaires with the program)."""
    clinician = request.user
    if not gate.on_care_team(clinician, person_id):
        audit.refuse(
            action=actions.MEASURE_REQUEST_REFUSED,
            actor_id=clinician.pk,
            subject_id=person_id,
            object_type="person",
            object_id=person_id,
        )
    person = get_object_or_404(User, pk=person_id, is_active=True)
    try:
        journal_actions.request_measure(
            person=person,
            instrument_id=request.POST.get("instrument", ""),
            requested_by_id=clinician.pk,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Asked. %(name)s sees it on their home page, under From your counselor.")
            % {"name": person.display_name},
        )
    return redirect("care:person", person_id=person.pk)


# --- Counseling notes: the author's own (P2-03) -------------------------------------------------


def _may_write_or_404(request: AuthenticatedRequest, person_id: int) -> User:
    clinician = request.user
    if not gate.may_write_counseling_note(clinician, person_id):
        audit.refuse(
            action=AuditAction.CARE_COUNSELING_NOTES_READ,
            actor_id=clinician.pk,
            subject_id=person_id,
            object_type="person",
            object_id=person_id,
        )
    return get_object_or_404(User, pk=person_id, is_active=True)


@clinician_required
@require_http_methods(["GET", "POST"])
def counseling_notes(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """Write a counseling note about a person on the clinician's care team, and list the ones
    this clinician wrote (nobody else's)."""
    clinician = request.user
    person = _may_write_or_404(request, person_id)
    data = request.POST if request.method == "POST" else None
    form = CounselingNoteForm(data, initial={"session_date": timezone.now().date()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_counseling_note(
                author=clinician,
                person=person,
                session_date=form.cleaned_data["session_date"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Note saved. Only you can read it."))
            return redirect("care:counseling-notes", person_id=person.pk)
    notes = list(
        CounselingNote.objects.visible_to(clinician).about(person).order_by("-session_date", "-id")
    )
    actions.note_counseling_notes_read(author=clinician, person_id=person.pk)
    return render(
        request,
        "care/counseling_notes.html",
        {"person": person, "form": form, "notes": notes},
        status=400 if request.method == "POST" else 200,
    )


@clinician_required
@require_GET
def counseling_note(request: AuthenticatedRequest, note_id: int) -> HttpResponse:
    """One note, for its author only: anyone else (the care team too) gets 404."""
    clinician = request.user
    note = audit.get_or_refuse(
        CounselingNote.objects.visible_to(clinician).select_related("person"),
        note_id,
        actor_id=clinician.pk,
        owner_field="person",
    )
    actions.note_counseling_notes_read(
        author=clinician, person_id=note.person_id, object_id=note.pk
    )
    return render(request, "care/counseling_note.html", {"note": note})


# --- Alerts -------------------------------------------------------------------------------------


@clinician_required
@require_http_methods(["GET", "POST"])
@gate.gated
def alert(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    """One alert, why it was raised, its history; acknowledge (with a note), snooze or resolve.

    Shown only through a disclosure that allows every category the alert rests on: an alert
    about someone the clinician may not see, or about what the person stopped sharing, is not
    found (404), and the gate has audited the attempt."""
    clinician = request.user
    found = audit.get_or_refuse(
        Alert.objects.all(), alert_id, actor_id=clinician.pk, owner_field="person"
    )
    if found.person_id == clinician.pk:
        audit.refuse(actor_id=clinician.pk, object_type="alert", object_id=found.pk)
    disclosure = gate.disclose(
        viewer=clinician,
        person=found.person_id,
        categories_requested=set(found.categories),
        channel=Channel.PAGE,
        purpose=Purpose.TREATMENT,
    )
    if not found.shown_through(disclosure.allowed_categories):
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        what = request.POST.get("do", "")
        note = request.POST.get("note", "")
        try:
            if what == "acknowledge":
                actions.acknowledge_alert(alert=found, by=clinician, note=note)
                messages.success(request, _("Acknowledged."))
            elif what == "snooze":
                days = int(request.POST.get("days", "0") or 0)
                actions.snooze_alert(alert=found, by=clinician, days=days, note=note)
                messages.success(request, _("Snoozed."))
            elif what == "resolve":
                actions.resolve_alert(alert=found, by=clinician, note=note)
                messages.success(request, _("Resolved."))
            else:
                raise ValidationError(_("Choose acknowledge, snooze or resolve."))
        except (ValidationError, ValueError) as error:
            errors = list(getattr(error, "messages", [str(error)]))
        else:
            return redirect("care:alert", alert_id=found.pk)
    history = list(found.actions.order_by("acted_at", "id"))
    return render(
        request,
        "care/alert.html",
        {
            "alert": found,
            "person": disclosed_person(found.person_id),
            "disclosure": disclosure,
            "title": alert_wording.title(found.rule),
            "evidence": alert_wording.evidence(found.rule, found.facts),
            "history": history,
            "errors": errors,
            "snooze_days": actions.SNOOZE_DAYS,
            "resolved": found.status == AlertStatus.RESOLVED,
            "note_max": actions.ALERT_NOTE_MAX,
        },
        status=400 if errors else 200,
    )


# --- A program's alert rules (its admin) --------------------------------------------------------


@role_required(Role.PROGRAM_ADMIN)
@require_http_methods(["GET", "POST"])
def alert_rules_page(request: AuthenticatedRequest) -> HttpResponse:
    """The program admin switches alert rules on or off and sets their thresholds (audited).
    Admins see and change their own program only."""
    admin = request.user  # the signed-in staff member (here: a program admin)
    membership = (
        ProgramMembership.objects.admins().filter(user=admin).select_related("program").first()
    )
    if membership is None:
        raise Http404
    program = membership.program
    errors: dict[str, dict[str, list[str]]] = {}
    if request.method == "POST":
        rule = request.POST.get("rule", "")
        try:
            actions.set_alert_rule(
                program=program,
                by=admin,
                rule=rule,
                enabled=request.POST.get("enabled") == "on",
                thresholds={
                    name: request.POST.get(name, "")
                    for name in alert_rules.RULE_THRESHOLDS.get(rule, ())
                },
            )
        except ValidationError as error:
            errors[rule] = error.message_dict
            messages.error(request, _("Not saved: %(why)s") % {"why": " ".join(error.messages)})
        else:
            messages.success(request, _("Saved. The caseloads use it from their next view."))
            return redirect("care:alert-rules")
    chosen = {s.rule: s for s in AlertRuleSetting.objects.filter(program=program)}
    defaults = alert_rules.Thresholds()
    rules = []
    for rule in alert_rules.RULES:
        setting = chosen.get(rule)
        rules.append(
            {
                "rule": rule,
                "title": alert_wording.title(rule),
                "description": alert_wording.DESCRIPTIONS[rule],
                "enabled": setting.enabled if setting else True,
                "fields": [
                    {
                        "name": name,
                        "label": alert_wording.THRESHOLD_LABELS[name],
                        "value": (setting.thresholds.get(name) if setting else None)
                        or getattr(defaults, name),
                        "low": alert_rules.BOUNDS[name][0],
                        "high": alert_rules.BOUNDS[name][1],
                        "errors": errors.get(rule, {}).get(name, []),
                    }
                    for name in alert_rules.RULE_THRESHOLDS[rule]
                ],
                "version": alert_rules.VERSIONS[rule],
            }
        )
    return render(
        request,
        "care/alert_rules.html",
        {"program": program, "rules": rules},
        status=400 if errors else 200,
    )
