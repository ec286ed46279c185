"""Every write to accounts: sign-up, invitations, profile and credential changes, sign-in events.

Keyword-only, typed, atomic, validated, audited (docs/adr/0001-actions-layer.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import ROLE_FIELDS, STAFF_ROLES, Invitation, Role, User
from homegroup.privacy import audit
from homegroup.privacy.models import Outcome


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _ensure_email_free(email: str, *, field: str = "email") -> None:
    if User.objects.filter(email=email).exists():
        raise ValidationError({field: _("An account with this email address already exists.")})


@transaction.atomic
def sign_up(*, email: str, display_name: str, password: str, confirmed_adult: bool) -> User:
    """A person in recovery creates their own account."""
    email = _normalise_email(email)
    if not confirmed_adult:
        raise ValidationError(
            {"confirmed_adult": _("Homegroup is for adults: please confirm you are 18 or older.")}
        )
    _ensure_email_free(email)
    user = User(email=email, display_name=display_name.strip(), is_person_in_recovery=True)
    validate_password(password, user)
    user.confirmed_adult_at = timezone.now()
    user.set_password(password)
    user.save(force_insert=True)
    audit.record(action="account.sign_up", actor_id=user.pk, subject_id=user.pk)
    return user


@transaction.atomic
def create_account(
    *,
    email: str,
    display_name: str,
    password: str,
    roles: set[Role],
    actor_id: int | None = None,
) -> User:
    """Create an account directly: for `homegroup demo` and the test universe only.

    Real staff accounts come through invitations, and people in recovery sign up themselves.
    """
    email = _normalise_email(email)
    _ensure_email_free(email)
    user = User(email=email, display_name=display_name, confirmed_adult_at=timezone.now())
    for role in roles:
        setattr(user, ROLE_FIELDS[role], True)
    validate_password(password, user)
    user.set_password(password)
    user.save(force_insert=True)
    audit.record(action="account.created", actor_id=actor_id, subject_id=user.pk)
    return user


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once to the admin and put in the email link; only its hash is stored


@transaction.atomic
def invite_staff(
    *, invited_by: User, email: str, display_name: str, roles: set[Role]
) -> IssuedInvitation:
    if not invited_by.has_role(Role.PROGRAM_ADMIN):
        raise PermissionError("only a program admin invites staff")
    roles = set(roles)
    if not roles or not roles <= STAFF_ROLES:
        raise ValidationError({"roles": _("Choose at least one staff role.")})
    email = _normalise_email(email)
    _ensure_email_free(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        display_name=display_name.strip(),
        is_clinician=Role.CLINICIAN in roles,
        is_program_admin=Role.PROGRAM_ADMIN in roles,
        is_directory_maintainer=Role.DIRECTORY_MAINTAINER in roles,
        token_hash=Invitation.hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.HOMEGROUP_INVITATION_DAYS),
    )
    invitation.save(force_insert=True)
    audit.record(
        action="account.invite",
        actor_id=invited_by.pk,
        object_type="invitation",
        object_id=invitation.pk,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def send_invitation_email(*, invitation: Invitation, link: str) -> None:
    # Only the link and who invited them: no record content ever goes into an email.
    body = render_to_string(
        "accounts/email/invitation.txt",
        {"invitation": invitation, "link": link, "days": settings.HOMEGROUP_INVITATION_DAYS},
    )
    send_mail(_("Your Homegroup staff account"), body, None, [invitation.email])


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, by: User) -> None:
    if invitation.accepted_at or invitation.withdrawn_at:
        raise ValidationError(_("This invitation can no longer be withdrawn."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit.record(
        action="account.invitation_withdrawn",
        actor_id=by.pk,
        object_type="invitation",
        object_id=invitation.pk,
    )


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> User:
    invitation = Invitation.objects.select_for_update().find(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more. Ask for a new one."))
    _ensure_email_free(invitation.email)
    user = User(
        email=invitation.email,
        display_name=invitation.display_name,
        is_clinician=invitation.is_clinician,
        is_program_admin=invitation.is_program_admin,
        is_directory_maintainer=invitation.is_directory_maintainer,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save(force_insert=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    audit.record(
        action="account.invitation_accepted",
        actor_id=user.pk,
        object_type="invitation",
        object_id=invitation.pk,
    )
    return user


@transaction.atomic
def update_profile(*, user: User, display_name: str) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Enter a name to show.")})
    if display_name != user.display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        audit.record(action="account.profile_changed", actor_id=user.pk, subject_id=user.pk)
    return user


@transaction.atomic
def change_email(*, user: User, email: str) -> User:
    email = _normalise_email(email)
    if email != user.email:
        _ensure_email_free(email)
        user.email = email
        user.save(update_fields=["email"])
        audit.record(action="account.email_changed", actor_id=user.pk, subject_id=user.pk)
    return user


@transaction.atomic
def set_password(*, user: User, password: str, reason: str) -> User:
    """Change or reset a password; `reason` is 'change' or 'reset' for the audit."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(action=f"auth.password_{reason}", actor_id=user.pk, subject_id=user.pk)
    return user


def note_password_reset_requested(*, user_ids: list[int]) -> None:
    # One row per matching account; the page says the same thing whether or not one matched.
    for user_id in user_ids:
        audit.record(action="auth.password_reset_requested", actor_id=None, subject_id=user_id)


def note_sign_in(*, user: User) -> None:
    audit.record(action="auth.sign_in", actor_id=user.pk, subject_id=user.pk)


def note_sign_in_failed(*, user_id: int | None, locked_out: bool = False) -> None:
    # The typed email is never stored: it may be a person's address or a mistyped password.
    audit.record(
        action="auth.locked_out" if locked_out else "auth.sign_in",
        actor_id=None,
        outcome=Outcome.DENIED if locked_out else Outcome.FAILURE,
        subject_id=user_id,
    )


def note_sign_out(*, user_id: int | None, reason: str = "sign_out") -> None:
    audit.record(action=f"auth.{reason}", actor_id=user_id, subject_id=user_id)


def note_reauthenticated(*, user: User, outcome: Outcome) -> None:
    audit.record(action="auth.reauthenticate", actor_id=user.pk, outcome=outcome)
