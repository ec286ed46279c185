"""The program admin's pages: enrolment codes, care-team places, break-glass reviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homegroup.accounts.models import Role
from homegroup.accounts.permissions import role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.forms import attach_errors, form_status
from homegroup.privacy import actions
from homegroup.privacy.forms import (
    AssignClinicianForm,
    ReviewForm,
)
from homegroup.privacy.models import (
    BreakGlassGrant,
    CareTeamMember,
    Enrolment,
    Program,
    ProgramMembership,
    ProgramRole,
)
from homegroup.privacy.views.common import ELEMENT_FIELDS


def _administered(request: AuthenticatedRequest) -> Program | None:
    membership = (
        ProgramMembership.objects.admins()
        .filter(user=request.user)
        .select_related("program")
        .first()
    )
    return membership.program if membership else None


def _program_or_404(request: AuthenticatedRequest) -> Program:
    program = _administered(request)
    if program is None:
        raise Http404
    return program


def _program_page(
    request: AuthenticatedRequest,
    program: Program | None,
    *,
    issued_code: str | None = None,
    assign_form: AssignClinicianForm | None = None,
) -> HttpResponse:
    if program is None:
        return render(request, "privacy/program.html", {"program": None})
    staff = list(ProgramMembership.objects.current().filter(program=program).select_related("user"))
    clinicians = [
        (m.user_id, m.user.display_name) for m in staff if m.role == ProgramRole.CLINICIAN
    ]
    enrolments = list(Enrolment.objects.current().filter(program=program).select_related("person"))
    team: dict[int, list[CareTeamMember]] = {}
    for member in CareTeamMember.objects.open().filter(program=program).select_related("clinician"):
        team.setdefault(member.person_id, []).append(member)
    people = [
        {
            "enrolment": enrolment,
            "team": team.get(enrolment.person_id, []),
            "form": AssignClinicianForm(
                initial={"person": enrolment.person_id},
                clinicians=clinicians,
                auto_id=f"id_p{enrolment.person_id}_%s",  # one form per person: unique ids
            ),
        }
        for enrolment in enrolments
    ]
    awaiting = BreakGlassGrant.objects.filter(program=program).awaiting_review().count()
    admin = request.user
    audit.record(
        action=AuditAction.PRIVACY_PROGRAM_VIEWED,
        actor_id=admin.pk,
        object_type="program",
        object_id=program.pk,
    )
    return render(
        request,
        "privacy/program.html",
        {
            "program": program,
            "staff": staff,
            "people": people,
            "issued_code": issued_code,
            "awaiting_review": awaiting,
            "assign_errors": assign_form.errors if assign_form is not None else None,
        },
        status=form_status(request, assign_form),
    )


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def program_home(request: AuthenticatedRequest) -> HttpResponse:
    """Staff, enrolment codes and care teams: names only, never a person's record (Pat's view)."""
    return _program_page(request, _administered(request))


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def issue_enrolment_code(request: AuthenticatedRequest) -> HttpResponse:
    program = _program_or_404(request)
    issued = actions.issue_enrolment_code(program=program, by=request.user)
    return _program_page(request, program, issued_code=issued.code)


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def assign_clinician(request: AuthenticatedRequest) -> HttpResponse:
    program = _program_or_404(request)
    clinicians = [
        (m.user_id, m.user.display_name)
        for m in ProgramMembership.objects.clinicians()
        .filter(program=program)
        .select_related("user")
    ]
    form = AssignClinicianForm(request.POST, clinicians=clinicians)
    if form.is_valid():
        try:
            actions.assign_clinician(
                program=program,
                person_id=form.cleaned_data["person"],
                clinician_id=form.cleaned_data["clinician"],
                by=request.user,
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "The care team is updated. A new clinician's place starts when they confirm "
                    "it; until then it opens nothing."
                ),
            )
            return redirect("privacy:program")
    return _program_page(request, program, assign_form=form)


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def end_care_team_place(request: AuthenticatedRequest, member_id: int) -> HttpResponse:
    program = _program_or_404(request)
    member = audit.get_or_refuse(
        CareTeamMember.objects.open().filter(program=program).select_related("program"),
        member_id,
        actor_id=request.user.pk,
        owner_field="person",
    )
    actions.end_care_team_place(member=member, by=request.user)
    messages.success(request, _("The clinician is no longer on this care team."))
    return redirect("privacy:program")


def _reviews_page(
    request: AuthenticatedRequest,
    program: Program | None,
    *,
    failed: tuple[int, ReviewForm] | None = None,
) -> HttpResponse:
    grants = (
        list(
            BreakGlassGrant.objects.filter(program=program)
            .select_related("clinician", "person")
            .order_by("reviewed_at", "-opened_at")[:200]
        )
        if program
        else []
    )
    if program is not None:
        audit.record(
            action=AuditAction.PRIVACY_BREAK_GLASS_REVIEWS_VIEWED,
            actor_id=request.user.pk,
            object_type="program",
            object_id=program.pk,
        )
    rows = []
    for grant in grants:
        form = ReviewForm(auto_id=f"id_g{grant.pk}_%s")  # one form per grant: unique ids
        if failed is not None and failed[0] == grant.pk:
            form = failed[1]
        rows.append({"grant": grant, "form": form})
    return render(
        request,
        "privacy/reviews.html",
        {"program": program, "grants": rows},
        status=400 if failed is not None else 200,
    )


@role_required(Role.PROGRAM_ADMIN)
@require_GET
def reviews(request: AuthenticatedRequest) -> HttpResponse:
    """Break-glass accesses of the admin's program, those awaiting review first (H-02)."""
    return _reviews_page(request, _administered(request))


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def review(request: AuthenticatedRequest, grant_id: int) -> HttpResponse:
    program = _program_or_404(request)
    grant = audit.get_or_refuse(
        BreakGlassGrant.objects.filter(program=program).select_related("program"),
        grant_id,
        actor_id=request.user.pk,
        owner_field="person",
    )
    form = ReviewForm(request.POST, auto_id=f"id_g{grant.pk}_%s")
    if form.is_valid():
        try:
            actions.review_break_glass(
                grant=grant,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(request, _("Review saved."))
            return redirect("privacy:reviews")
    return _reviews_page(request, program, failed=(grant.pk, form))
