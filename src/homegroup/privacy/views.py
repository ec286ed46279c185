"""Pages: a person's sharing and accounting, a sponsor's inbox, the program admin's pages and
break-glass. Thin: every write is an action, every check of another person's record the gate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts import sessions
from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import reauth_required, role_required
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.forms import attach_errors, form_status
from homegroup.privacy import accounting, actions, categories, throttle
from homegroup.privacy.forms import (
    AssignClinicianForm,
    BreakGlassForm,
    CodeForm,
    ProgramShareForm,
    RestrictionForm,
    ReviewForm,
    RevokeForm,
    SupporterShareForm,
    WindowForm,
)
from homegroup.privacy.models import (
    BreakGlassGrant,
    CareTeamMember,
    Consent,
    ConsentKind,
    ConsentStatus,
    Enrolment,
    ExpiryKind,
    Program,
    ProgramMembership,
    ProgramRole,
    Purpose,
    Restriction,
)

# Validation names consent elements (P2-01); these are the form fields that carry them.
ELEMENT_FIELDS = {"expiry": "expires_on", "signature": "password", "recipient": None}


def _throttled(request: HttpRequest) -> HttpResponse:
    return throttle.too_many(request, int(throttle.WINDOW.total_seconds()))


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- A person's sharing page -------------------------------------------------------------------


def _consent_rows(person: User) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = timezone.now()
    current: list[dict[str, Any]] = []
    ended: list[dict[str, Any]] = []
    consents = (
        Consent.objects.given_by(person)
        .with_treatment()
        .select_related("recipient_program", "recipient_user")
    )
    for consent in consents:
        status = consent.status(now=now)
        row = {
            "consent": consent,
            "status": status,
            "status_label": ConsentStatus(status).label,
            "what": [categories.label(c) for c in consent.categories],
            "recipient": _recipient_name(consent),
        }
        (current if status in (ConsentStatus.ACTIVE, ConsentStatus.PENDING) else ended).append(row)
    return current, ended


def _recipient_name(consent: Consent) -> str:
    if consent.recipient_program is not None:
        return _("Your care team at %(program)s") % {"program": consent.recipient_program.name}
    if consent.recipient_user is not None:
        return f"{consent.recipient_label} ({consent.recipient_user.display_name})"
    return str(consent.recipient_label)


def _restriction_recipients(person: User) -> list[tuple[str, str]]:
    """People and programs that could receive something: the restriction form's choices."""
    choices: list[tuple[str, str]] = []
    for consent in (
        Consent.objects.given_by(person)
        .filter(recipient_user__isnull=False)
        .select_related("recipient_user")
    ):
        key = f"user:{consent.recipient_user_id}"
        if consent.recipient_user and all(key != k for k, _label in choices):
            choices.append((key, consent.recipient_label or consent.recipient_user.display_name))
    for member in (
        CareTeamMember.objects.current()
        .filter(person=person)
        .select_related("clinician", "program")
    ):
        key = f"user:{member.clinician_id}"
        if all(key != k for k, _label in choices):
            choices.append((key, f"{member.clinician.display_name} ({member.program.name})"))
    for enrolment in Enrolment.objects.current().filter(person=person).select_related("program"):
        choices.append((f"program:{enrolment.program_id}", enrolment.program.name))
    return choices


def _sharing_page(
    request: HttpRequest,
    *,
    join_form: CodeForm | None = None,
    restriction_form: RestrictionForm | None = None,
) -> HttpResponse:
    person = _user(request)
    enrolments = list(Enrolment.objects.current().filter(person=person).select_related("program"))
    current, ended = _consent_rows(person)
    restrictions = list(
        Restriction.objects.current()
        .filter(person=person)
        .select_related("recipient_user", "recipient_program")
    )
    recipients = _restriction_recipients(person)
    audit.record(action="privacy.sharing_viewed", actor_id=person.pk, subject_id=person.pk)
    return render(
        request,
        "privacy/sharing.html",
        {
            "current": current,
            "ended": ended,
            "enrolments": enrolments,
            "restrictions": [
                {"restriction": r, "what": [categories.label(c) for c in r.categories]}
                for r in restrictions
            ],
            "join_form": join_form or CodeForm(),
            "restriction_form": restriction_form or RestrictionForm(recipients=recipients),
        },
        status=form_status(request, join_form, restriction_form),
    )


@role_required(Role.PERSON_IN_RECOVERY)
@require_GET
def sharing(request: HttpRequest) -> HttpResponse:
    return _sharing_page(request)


@role_required(Role.PERSON_IN_RECOVERY)
@require_http_methods(["GET", "POST"])
def share_with_program(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    programs = Program.objects.filter(
        enrolments__person=person, enrolments__ended_at__isnull=True
    ).distinct()
    form = ProgramShareForm(request.POST if request.method == "POST" else None, programs=programs)
    if request.method == "POST":
        if throttle.signing_blocked(person):
            return _throttled(request)
        if form.is_valid():
            try:
                signed = actions.sign_consent(
                    person=person,
                    kind=form.cleaned_data["kind"],
                    categories_chosen=form.cleaned_data["categories"],
                    purposes=form.purposes(),
                    expiry_kind=form.cleaned_data["expiry_kind"],
                    expires_on=form.cleaned_data["expires_on"],
                    password=form.cleaned_data["password"],
                    recipient_program=form.cleaned_data["program"],
                )
            except ValidationError as error:
                attach_errors(form, error, rename=ELEMENT_FIELDS)
            else:
                sessions.mark_reauthenticated(request)  # the signature re-entered the password
                messages.success(request, _("Signed. Your care team can see what you chose."))
                return redirect("privacy:consent", consent_id=signed.consent.pk)
    return render(
        request,
        "privacy/share_with_program.html",
        {"form": form, "has_program": programs.exists()},
        status=form_status(request, form),
    )


@role_required(Role.PERSON_IN_RECOVERY)
@require_http_methods(["GET", "POST"])
def share_with_supporter(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    form = SupporterShareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if throttle.signing_blocked(person):
            return _throttled(request)
        if form.is_valid():
            try:
                signed = actions.sign_consent(
                    person=person,
                    kind=ConsentKind.SPECIFIC,
                    categories_chosen=form.cleaned_data["categories"],
                    purposes={Purpose.PERSONAL_SUPPORT},
                    expiry_kind=ExpiryKind.DATE,
                    expires_on=form.cleaned_data["expires_on"],
                    password=form.cleaned_data["password"],
                    recipient_label=form.cleaned_data["recipient_label"],
                )
            except ValidationError as error:
                attach_errors(form, error, rename=ELEMENT_FIELDS)
            else:
                sessions.mark_reauthenticated(request)
                link = request.build_absolute_uri(reverse("privacy:shared-with-me"))
                return render(
                    request,
                    "privacy/share_code.html",
                    {"consent": signed.consent, "code": signed.share_code, "link": link},
                )
    return render(
        request,
        "privacy/share_with_supporter.html",
        {"form": form},
        status=form_status(request, form),
    )


@role_required(Role.PERSON_IN_RECOVERY)
@require_GET
def consent_detail(request: HttpRequest, consent_id: int) -> HttpResponse:
    person = _user(request)
    consent = audit.get_or_refuse(
        Consent.objects.given_by(person)
        .with_treatment()
        .select_related("recipient_program", "recipient_user"),
        consent_id,
        actor_id=person.pk,
        owner_field="person",
    )
    audit.record(
        action="privacy.consent_viewed",
        actor_id=person.pk,
        subject_id=person.pk,
        object_type="consent",
        object_id=consent.pk,
    )
    status = consent.status()
    return render(
        request,
        "privacy/consent.html",
        {
            "consent": consent,
            "status": status,
            "status_label": ConsentStatus(status).label,
            "recipient": _recipient_name(consent),
            "hash_ok": consent.text_hash_matches(),
        },
    )


@role_required(Role.PERSON_IN_RECOVERY)
@reauth_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Revocation in writing (P2-04): signed in, password confirmed lately (A-05), attested."""
    person = _user(request)
    consent = audit.get_or_refuse(
        Consent.objects.given_by(person).select_related("recipient_program", "recipient_user"),
        consent_id,
        actor_id=person.pk,
        owner_field="person",
    )
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_consent(
                consent=consent, by=person, attested=form.cleaned_data["attested"]
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(
                request,
                _("Revoked. %(who)s can no longer see your record.")
                % {"who": _recipient_name(consent)},
            )
            return redirect("privacy:sharing")
    return render(
        request,
        "privacy/revoke.html",
        {"form": form, "consent": consent, "recipient": _recipient_name(consent)},
        status=form_status(request, form),
    )


@role_required(Role.PERSON_IN_RECOVERY)
@require_POST
def join_program(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    if throttle.code_redemption_blocked(person):
        return _throttled(request)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            enrolment = actions.join_program(person=person, code=form.cleaned_data["code"])
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(
                request,
                _("You joined %(program)s. Nothing is shared until you choose to share.")
                % {"program": enrolment.program.name},
            )
            return redirect("privacy:sharing")
    return _sharing_page(request, join_form=form)


@role_required(Role.PERSON_IN_RECOVERY)
@require_POST
def leave_program(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    person = _user(request)
    enrolment = audit.get_or_refuse(
        Enrolment.objects.current().filter(person=person).select_related("program"),
        enrolment_id,
        actor_id=person.pk,
        owner_field="person",
    )
    actions.leave_program(enrolment=enrolment, by=person)
    messages.success(
        request,
        _("You left %(program)s. Consents that lasted until the end of treatment have ended.")
        % {"program": enrolment.program.name},
    )
    return redirect("privacy:sharing")


@role_required(Role.PERSON_IN_RECOVERY)
@require_POST
def add_restriction(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    form = RestrictionForm(request.POST, recipients=_restriction_recipients(person))
    if form.is_valid():
        recipient = form.cleaned_data["recipient"]
        kind, _sep, raw_id = recipient.partition(":")
        try:
            actions.request_restriction(
                person=person,
                categories_restricted=form.cleaned_data["categories"],
                recipient_user=User.objects.get(pk=int(raw_id)) if kind == "user" else None,
                recipient_program=Program.objects.get(pk=int(raw_id))
                if kind == "program"
                else None,
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(request, _("Saved. That will not be shared, whatever a consent says."))
            return redirect("privacy:sharing")
    return _sharing_page(request, restriction_form=form)


@role_required(Role.PERSON_IN_RECOVERY)
@reauth_required
@require_POST
def withdraw_restriction(request: HttpRequest, restriction_id: int) -> HttpResponse:
    person = _user(request)
    restriction = audit.get_or_refuse(
        Restriction.objects.current().filter(person=person),
        restriction_id,
        actor_id=person.pk,
        owner_field="person",
    )
    actions.withdraw_restriction(restriction=restriction, by=person)
    messages.success(request, _("The restriction is lifted."))
    return redirect("privacy:sharing")


@role_required(Role.PERSON_IN_RECOVERY)
@require_GET
def accounting_page(request: HttpRequest) -> HttpResponse:
    person = _user(request)
    form = WindowForm({"from": request.GET.get("from", ""), "to": request.GET.get("to", "")})
    rows: list[accounting.Entry] = []
    truncated = False
    window = None
    status = 200
    if form.is_valid():
        try:
            window = accounting.window(
                form.cleaned_data["from"], form.cleaned_data["to"], today=timezone.now().date()
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
    if window is None:
        status = 400
    else:
        rows, truncated = accounting.entries(person_id=person.pk, start=window[0], end=window[1])
        audit.record(action="privacy.accounting_viewed", actor_id=person.pk, subject_id=person.pk)
        form = WindowForm(initial={"from": window[0], "to": window[1]})
    return render(
        request,
        "privacy/accounting.html",
        {"form": form, "rows": rows, "truncated": truncated, "window": window},
        status=status,
    )


# --- A sponsor's or supporter's side ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def shared_with_me(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("code", "")},
    )
    if request.method == "POST":
        if throttle.code_redemption_blocked(user):
            return _throttled(request)
        if form.is_valid():
            try:
                consent = actions.accept_share(recipient=user, code=form.cleaned_data["code"])
            except ValidationError as error:
                attach_errors(form, error, rename=ELEMENT_FIELDS)
            else:
                messages.success(
                    request,
                    _("%(name)s now shares part of their recovery journal with you.")
                    % {"name": consent.person.display_name},
                )
                return redirect("privacy:shared-with-me")
    now = timezone.now()
    received = [
        {
            "consent": consent,
            "what": [categories.label(c) for c in consent.categories],
        }
        for consent in Consent.objects.received_by(user)
        .possibly_active(now)
        .with_treatment()
        .filter(person__is_active=True)
        .select_related("person")
        if consent.status(now=now) == ConsentStatus.ACTIVE
    ]
    return render(
        request,
        "privacy/shared_with_me.html",
        {"form": form, "received": received},
        status=form_status(request, form),
    )


# --- The program admin's pages ------------------------------------------------------------------


def _administered(request: HttpRequest) -> Program | None:
    membership = (
        ProgramMembership.objects.admins()
        .filter(user=_user(request))
        .select_related("program")
        .first()
    )
    return membership.program if membership else None


def _program_or_404(request: HttpRequest) -> Program:
    program = _administered(request)
    if program is None:
        raise Http404
    return program


def _program_page(
    request: HttpRequest,
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
    admin = _user(request)
    audit.record(
        action="privacy.program_viewed",
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
def program_home(request: HttpRequest) -> HttpResponse:
    """Staff, enrolment codes and care teams: names only, never a person's record (Pat's view)."""
    return _program_page(request, _administered(request))


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def issue_enrolment_code(request: HttpRequest) -> HttpResponse:
    program = _program_or_404(request)
    issued = actions.issue_enrolment_code(program=program, by=_user(request))
    return _program_page(request, program, issued_code=issued.code)


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def assign_clinician(request: HttpRequest) -> HttpResponse:
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
                by=_user(request),
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
def end_care_team_place(request: HttpRequest, member_id: int) -> HttpResponse:
    program = _program_or_404(request)
    member = audit.get_or_refuse(
        CareTeamMember.objects.open().filter(program=program).select_related("program"),
        member_id,
        actor_id=_user(request).pk,
        owner_field="person",
    )
    actions.end_care_team_place(member=member, by=_user(request))
    messages.success(request, _("The clinician is no longer on this care team."))
    return redirect("privacy:program")


def _reviews_page(
    request: HttpRequest, program: Program | None, *, failed: tuple[int, ReviewForm] | None = None
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
            action="privacy.break_glass_reviews_viewed",
            actor_id=_user(request).pk,
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
def reviews(request: HttpRequest) -> HttpResponse:
    """Break-glass accesses of the admin's program, those awaiting review first (H-02)."""
    return _reviews_page(request, _administered(request))


@role_required(Role.PROGRAM_ADMIN)
@require_POST
def review(request: HttpRequest, grant_id: int) -> HttpResponse:
    program = _program_or_404(request)
    grant = audit.get_or_refuse(
        BreakGlassGrant.objects.filter(program=program).select_related("program"),
        grant_id,
        actor_id=_user(request).pk,
        owner_field="person",
    )
    form = ReviewForm(request.POST, auto_id=f"id_g{grant.pk}_%s")
    if form.is_valid():
        try:
            actions.review_break_glass(
                grant=grant,
                by=_user(request),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.success(request, _("Review saved."))
            return redirect("privacy:reviews")
    return _reviews_page(request, program, failed=(grant.pk, form))


# --- Break-glass ---------------------------------------------------------------------------------

BREAK_GLASS_VIEWED = "privacy.break_glass_viewed"


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id: int) -> HttpResponse:
    """Emergency access for a clinician of the person's program outside their care team (H-02)."""
    clinician = _user(request)
    if not actions.shared_programs(clinician, person_id):
        audit.refuse(
            action=BREAK_GLASS_VIEWED,
            actor_id=clinician.pk,
            subject_id=person_id,
            object_type="person",
            object_id=person_id,
        )
    person = audit.get_or_refuse(
        User.objects.filter(is_active=True),
        person_id,
        actor_id=clinician.pk,
        owner_field="pk",
        object_type="person",
    )
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = actions.open_break_glass(
                clinician=clinician, person_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error, rename=ELEMENT_FIELDS)
        else:
            messages.warning(
                request,
                _("Emergency access is open until %(time)s UTC. It is logged and will be reviewed.")
                % {"time": grant.expires_at.strftime("%H:%M")},
            )
            return redirect("privacy:break-glass", person_id=person.pk)
    open_grant = (
        BreakGlassGrant.objects.open_at(timezone.now())
        .filter(clinician=clinician, person=person)
        .first()
    )
    # The page names the person: audited, though no record is shown. Denied unless a grant is
    # open (the record itself opens only through the gate).
    audit.record(
        action=BREAK_GLASS_VIEWED,
        actor_id=clinician.pk,
        outcome=Outcome.SUCCESS if open_grant else Outcome.DENIED,
        subject_id=person.pk,
        object_type="person",
        object_id=person.pk,
    )
    return render(
        request,
        "privacy/break_glass.html",
        {
            "form": form,
            "person": person,
            "open_grant": open_grant,
            "minutes": settings.HOMEGROUP_BREAK_GLASS_MINUTES,
        },
        status=form_status(request, form),
    )
