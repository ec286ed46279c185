"""A person's sharing page (consents, programs, restrictions) and their accounting of
disclosures.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homegroup.accounts import sessions, throttle
from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import reauth_required, role_required
from homegroup.accounts.requests import AuthenticatedRequest
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.forms import attach_errors, form_status
from homegroup.privacy import accounting, actions, categories, new_categories, rules
from homegroup.privacy.forms import (
    CodeForm,
    ProgramShareForm,
    RestrictionForm,
    RevokeForm,
    SupporterShareForm,
    WindowForm,
)
from homegroup.privacy.models import (
    CareTeamMember,
    Consent,
    ConsentKind,
    ConsentStatus,
    Enrolment,
    ExpiryKind,
    Program,
    Purpose,
    Restriction,
)
from homegroup.privacy.views.common import ELEMENT_FIELDS, too_many_tries


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
    request: AuthenticatedRequest,
    *,
    join_form: CodeForm | None = None,
    restriction_form: RestrictionForm | None = None,
) -> HttpResponse:
    person = request.user
    enrolments = list(Enrolment.objects.current().filter(person=person).select_related("program"))
    current, ended = _consent_rows(person)
    restrictions = list(
        Restriction.objects.current()
        .filter(person=person)
        .select_related("recipient_user", "recipient_program")
    )
    recipients = _restriction_recipients(person)
    audit.record(
        action=AuditAction.PRIVACY_SHARING_VIEWED, actor_id=person.pk, subject_id=person.pk
    )
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
def sharing(request: AuthenticatedRequest) -> HttpResponse:
    return _sharing_page(request)


@role_required(Role.PERSON_IN_RECOVERY)
@require_http_methods(["GET", "POST"])
def share_with_program(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    programs = Program.objects.filter(
        enrolments__person=person, enrolments__ended_at__isnull=True
    ).distinct()
    # `?from=<consent>`: the home page's offer of a kind of information that did not exist when
    # that consent was signed (privacy/new_categories.py); any other value starts a blank form.
    asked = request.GET.get("from", "")
    start = (
        Consent.objects.given_by(person)
        .filter(kind=rules.TPO, recipient_program__in=programs, pk=int(asked))
        .first()
        if asked.isdigit() and len(asked) < 12
        else None
    )
    form = ProgramShareForm(
        request.POST if request.method == "POST" else None,
        programs=programs,
        initial=new_categories.form_start(start) if start else None,
    )
    if request.method == "POST":
        if throttle.signing_blocked(person):
            return too_many_tries(request)
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
def share_with_supporter(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    form = SupporterShareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if throttle.signing_blocked(person):
            return too_many_tries(request)
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
def consent_detail(request: AuthenticatedRequest, consent_id: int) -> HttpResponse:
    person = request.user
    consent = audit.get_or_refuse(
        Consent.objects.given_by(person)
        .with_treatment()
        .select_related("recipient_program", "recipient_user"),
        consent_id,
        actor_id=person.pk,
        owner_field="person",
    )
    audit.record(
        action=AuditAction.PRIVACY_CONSENT_VIEWED,
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
def revoke(request: AuthenticatedRequest, consent_id: int) -> HttpResponse:
    """Revocation in writing (P2-04): signed in, password confirmed lately (A-05), attested."""
    person = request.user
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
def join_program(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
    if throttle.code_redemption_blocked(person):
        return too_many_tries(request)
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
def leave_program(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    person = request.user
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
def add_restriction(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
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
def withdraw_restriction(request: AuthenticatedRequest, restriction_id: int) -> HttpResponse:
    person = request.user
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
def accounting_page(request: AuthenticatedRequest) -> HttpResponse:
    person = request.user
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
        audit.record(
            action=AuditAction.PRIVACY_ACCOUNTING_VIEWED, actor_id=person.pk, subject_id=person.pk
        )
        form = WindowForm(initial={"from": window[0], "to": window[1]})
    return render(
        request,
        "privacy/accounting.html",
        {"form": form, "rows": rows, "truncated": truncated, "window": window},
        status=status,
    )
