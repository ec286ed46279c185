"""Every write to accounts: sign-up, invitations, profile and credential changes, sign-in events.

Keyword-only, typed, atomic, validated, audited (docs/adr/0001-actions-layer.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from homegroup.accounts import second_factor
from homegroup.accounts.models import (
    ROLE_FIELDS,
    STAFF_ROLES,
    AuthenticatorDevice,
    Invitation,
    Role,
    User,
)
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _ensure_email_free(email: str, *, field: str = "email") -> None:
    # Only where the person asking already proved they read the address (an invitation link)
    # or for the demo and the test universe: elsewhere this answer would reveal an account.
    if User.objects.filter(email=email).exists():
        raise ValidationError({field: _("An account with this email address already exists.")})


# --- Sign-up and the sign-up link (no account enumeration) ---------------------------------------
# Sign-up answers "check your email" whoever owns the address. The email decides: a link that
# activates the new account, or, when the address already has one, a note that someone tried to
# sign up with a password-reset link. The password is hashed either way, so the answer takes as
# long for a taken address as for a free one.

ACTIVATION_SALT = "homegroup.accounts.activate"


def activation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=ACTIVATION_SALT)


def account_awaiting_link(token: str) -> User | None:
    """The account a sign-up link activates, while the link is fresh and not yet used."""
    try:
        payload = signing.loads(
            token,
            salt=ACTIVATION_SALT,
            max_age=timedelta(days=settings.HOMEGROUP_ACTIVATION_DAYS),
        )
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return (
        User.objects.awaiting_confirmation()
        .filter(pk=payload["u"], email=str(payload.get("e")))
        .first()
    )


def _password_reset_link(user: User, base_url: str) -> str:
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url + path


def sign_up(
    *, email: str, display_name: str, password: str, confirmed_adult: bool, base_url: str
) -> None:
    """A person in recovery asks for an account; the email to the address does the rest.

    Returns nothing on purpose: what the page says must not depend on who owns the address.
    `base_url` ("https://host") starts the links in the email.
    """
    email = _normalise_email(email)
    if not confirmed_adult:
        raise ValidationError(
            {"confirmed_adult": _("Homegroup is for adults: please confirm you are 18 or older.")}
        )
    user = User(
        email=email,
        display_name=display_name.strip(),
        is_person_in_recovery=True,
        is_active=False,
        confirmed_adult_at=timezone.now(),
    )
    validate_password(password, user)
    user.set_password(password)  # also for a taken address: the same work, the same time
    existing = None
    try:
        with transaction.atomic():
            existing = User.objects.filter(email=email).first()
            if existing is None:
                user.save(force_insert=True)
                audit.record(
                    action=AuditAction.ACCOUNT_SIGN_UP, actor_id=user.pk, subject_id=user.pk
                )
    except IntegrityError:  # the same address signed up a moment ago
        existing = User.objects.filter(email=email).first()
    if existing is None:
        context = {
            "link": base_url + reverse("accounts:activate", args=[activation_token(user)]),
            "days": settings.HOMEGROUP_ACTIVATION_DAYS,
        }
        _send(user.email, _("Confirm your email for Homegroup"), "sign_up", context)
        return
    # The owner reads about the attempt in their own audit page; the visitor learns nothing.
    audit.record(
        action=AuditAction.ACCOUNT_SIGN_UP,
        actor_id=None,
        subject_id=existing.pk,
        outcome=Outcome.DENIED,
    )
    may_reset = User.objects.may_reset_password(existing.email).filter(pk=existing.pk).exists()
    context = {
        "reset_link": _password_reset_link(existing, base_url) if may_reset else "",
        "sign_in_link": base_url + reverse("accounts:sign-in"),
    }
    _send(existing.email, _("Someone tried to sign up with your email"), "sign_up_taken", context)


def _send(to: str, subject: str, template: str, context: dict[str, object]) -> None:
    # Only links and plain words: no record content ever goes into an email.
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


def activate_account(*, token: str, password: str) -> User:
    """The sign-up link, opened by someone who also knows the password chosen at sign-up: the
    owner of the mailbox made this account, so it starts working."""
    user = account_awaiting_link(token)
    if user is None:
        raise ValidationError(_("This link does not work any more."))
    if not user.check_password(password):
        audit.record(
            action=AuditAction.ACCOUNT_ACTIVATED,
            actor_id=None,
            subject_id=user.pk,
            outcome=Outcome.FAILURE,
        )
        raise ValidationError(
            {"password": _("That is not the password you chose when you signed up.")}
        )
    with transaction.atomic():
        _confirm_email(user)
        audit.record(action=AuditAction.ACCOUNT_ACTIVATED, actor_id=user.pk, subject_id=user.pk)
    return user


# A sign-up whose link was never opened is kept this long after the link stops working (a
# password-reset link can still activate it meanwhile), then deleted: an address and a name
# nobody confirmed are not kept for ever.
UNCONFIRMED_KEPT_DAYS = 30


def purge_unconfirmed_sign_ups(*, now: datetime | None = None) -> list[int]:
    """Delete the sign-ups of people in recovery never confirmed within the link's days plus
    `UNCONFIRMED_KEPT_DAYS` (never a staff account waiting for its invitation). Returns the ids;
    each deletion is audited by id."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.HOMEGROUP_ACTIVATION_DAYS + UNCONFIRMED_KEPT_DAYS)
    stale = (
        User.objects.awaiting_confirmation()
        .filter(date_joined__lt=cutoff, last_login__isnull=True, is_person_in_recovery=True)
        .filter(is_clinician=False, is_program_admin=False, is_directory_maintainer=False)
    )
    purged: list[int] = []
    for user_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            removed, _counts = stale.filter(pk=user_id).delete()  # re-checked: not confirmed since
            if not removed:
                continue
            audit.record(
                action=AuditAction.ACCOUNT_UNCONFIRMED_PURGED,
                actor_id=None,
                subject_id=user_id,
                object_type="account",
                object_id=str(user_id),
            )
        purged.append(user_id)
    return purged


def _confirm_email(user: User) -> None:
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])


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
    now = timezone.now()
    user = User(
        email=email, display_name=display_name, confirmed_adult_at=now, email_verified_at=now
    )
    for role in roles:
        setattr(user, ROLE_FIELDS[role], True)
    validate_password(password, user)
    user.set_password(password)
    user.save(force_insert=True)
    audit.record(action=AuditAction.ACCOUNT_CREATED, actor_id=actor_id, subject_id=user.pk)
    return user


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # only ever put in the email to the invited address; only its hash is stored


class StaffPrograms(Protocol):
    """Which program a program admin's invitations join, and the program memberships an
    accepted invitation gives. Programs are privacy's: it registers its own from its
    `AppConfig.ready` (`register_staff_programs`), so accounts never imports privacy."""

    def administered_by(self, admin: User) -> Any: ...

    def join(self, *, invitation: Invitation, user: User) -> None: ...


_staff_programs: list[StaffPrograms] = []


def register_staff_programs(programs: StaffPrograms) -> None:
    _staff_programs[:] = [programs]


@transaction.atomic
def invite_staff(
    *,
    invited_by: User,
    email: str,
    display_name: str,
    roles: set[Role],
    program: Any = None,
) -> IssuedInvitation:
    """Invite a staff member; they join `program` (by default the inviting admin's own).

    Any address is invited alike, so the admin learns nothing about who has an account; the
    email tells the owner of a taken address instead (`send_invitation_email`).
    """
    if not invited_by.has_role(Role.PROGRAM_ADMIN):
        raise PermissionError("only a program admin invites staff")
    if program is None and _staff_programs:
        program = _staff_programs[0].administered_by(invited_by)
    roles = set(roles)
    if not roles or not roles <= STAFF_ROLES:
        raise ValidationError({"roles": _("Choose at least one staff role.")})
    email = _normalise_email(email)
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
        program=program,
    )
    invitation.save(force_insert=True)
    audit.record(
        action=AuditAction.ACCOUNT_INVITE,
        actor_id=invited_by.pk,
        object_type="invitation",
        object_id=invitation.pk,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def send_invitation_email(*, invitation: Invitation, link: str) -> None:
    """The link goes only to the invited address: opening it proves the mailbox. An address that
    already has an account gets no link (a staff account needs an address of its own)."""
    taken = User.objects.filter(email=invitation.email).exists()
    _send(
        invitation.email,
        _("Your Homegroup staff account"),
        "invitation_taken" if taken else "invitation",
        {"link": link, "days": settings.HOMEGROUP_INVITATION_DAYS},
    )


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, by: User) -> None:
    if invitation.accepted_at or invitation.withdrawn_at:
        raise ValidationError(_("This invitation can no longer be withdrawn."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit.record(
        action=AuditAction.ACCOUNT_INVITATION_WITHDRAWN,
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
        email_verified_at=timezone.now(),  # the link came to this address
    )
    validate_password(password, user)
    user.set_password(password)
    user.save(force_insert=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    audit.record(
        action=AuditAction.ACCOUNT_INVITATION_ACCEPTED,
        actor_id=user.pk,
        object_type="invitation",
        object_id=invitation.pk,
    )
    for programs in _staff_programs:
        programs.join(invitation=invitation, user=user)
    return user


@transaction.atomic
def update_profile(*, user: User, display_name: str) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": _("Enter a name to show.")})
    if display_name != user.display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        audit.record(
            action=AuditAction.ACCOUNT_PROFILE_CHANGED, actor_id=user.pk, subject_id=user.pk
        )
    return user


@transaction.atomic
def change_email(*, user: User, email: str) -> User:
    email = _normalise_email(email)
    if email != user.email:
        _ensure_email_free(email)
        user.email = email
        user.save(update_fields=["email"])
        audit.record(action=AuditAction.ACCOUNT_EMAIL_CHANGED, actor_id=user.pk, subject_id=user.pk)
    return user


@transaction.atomic
def set_password(*, user: User, password: str, reason: str) -> User:
    """Change or reset a password; `reason` is 'change' or 'reset' for the audit.

    A reset link proves the address too: an account still waiting for its sign-up link starts
    working with the new password.
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        action=AuditAction(f"auth.password_{reason}"), actor_id=user.pk, subject_id=user.pk
    )
    if reason == "reset" and user.email_verified_at is None:
        _confirm_email(user)
        audit.record(action=AuditAction.ACCOUNT_ACTIVATED, actor_id=user.pk, subject_id=user.pk)
    return user


def note_password_reset_requested(*, user_ids: list[int]) -> None:
    # One row per matching account; the page says the same thing whether or not one matched.
    for user_id in user_ids:
        audit.record(
            action=AuditAction.AUTH_PASSWORD_RESET_REQUESTED, actor_id=None, subject_id=user_id
        )


def note_sign_in(*, user: User) -> None:
    audit.record(action=AuditAction.AUTH_SIGN_IN, actor_id=user.pk, subject_id=user.pk)


def note_sign_in_failed(*, user_id: int | None, locked_out: bool = False) -> None:
    # The typed email is never stored: it may be a person's address or a mistyped password.
    audit.record(
        action=AuditAction.AUTH_LOCKED_OUT if locked_out else AuditAction.AUTH_SIGN_IN,
        actor_id=None,
        outcome=Outcome.DENIED if locked_out else Outcome.FAILURE,
        subject_id=user_id,
    )


def note_sign_out(*, user_id: int | None, reason: str = "sign_out") -> None:
    audit.record(action=AuditAction(f"auth.{reason}"), actor_id=user_id, subject_id=user_id)


def note_reauthenticated(*, user: User, outcome: Outcome) -> None:
    audit.record(action=AuditAction.AUTH_REAUTHENTICATE, actor_id=user.pk, outcome=outcome)


# --- Second factor (H-08) -----------------------------------------------------------------------
# Failed attempts are audited outside the transaction that checks them, so a refusal is recorded
# even though nothing else is written.

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@dataclass(frozen=True)
class SecondFactorEnrolment:
    device: AuthenticatorDevice
    recovery_codes: list[str]  # shown once; only keyed digests are stored


def confirmed_totp_device(user: User) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


@transaction.atomic
def start_totp_enrolment(*, user: User) -> AuthenticatorDevice:
    """A fresh, unconfirmed device whose secret the enrolment page shows."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    if device is not None and not device.secret_readable:
        device.delete()  # a secret nobody can read cannot be enrolled: start again
        device = None
    if device is None:
        device = AuthenticatorDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.save()
        audit.record(
            action=AuditAction.AUTH_2FA_ENROLMENT_STARTED, actor_id=user.pk, subject_id=user.pk
        )
    return device


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = second_factor.new_recovery_codes()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=second_factor.recovery_code_digest(code)) for code in codes
    )
    return [second_factor.display_recovery_code(code) for code in codes]


def confirm_totp_enrolment(*, user: User, code: str) -> SecondFactorEnrolment:
    """The first code from the app proves the secret arrived; then 10 recovery codes, once."""
    with transaction.atomic():
        device = (
            AuthenticatorDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .first()
        )
        if device is not None and device.verify_token(code.replace(" ", "")):
            AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
            user.second_factor_enabled = True
            user.save(update_fields=["second_factor_enabled"])
            audit.record(action=AuditAction.AUTH_2FA_ENROLLED, actor_id=user.pk, subject_id=user.pk)
            return SecondFactorEnrolment(device=device, recovery_codes=codes)
    audit.record(
        action=AuditAction.AUTH_2FA_ENROLLED,
        actor_id=user.pk,
        subject_id=user.pk,
        outcome=Outcome.FAILURE,
    )
    raise ValidationError(
        {
            "code": _(
                "That code did not match. Enter the newest 6-digit code your app shows, and "
                "check that your phone's clock is right."
            )
        }
    )


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """A code from the app, or one of the recovery codes (which then stops working)."""
    code = code.strip()
    if second_factor.looks_like_totp(code):
        kind = "totp"
        with transaction.atomic():
            totp = (
                AuthenticatorDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .first()
            )
            device: Device | None = (
                totp if totp is not None and totp.verify_token(code.replace(" ", "")) else None
            )
    else:
        kind = "recovery_code"
        with transaction.atomic():
            static = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            digest = second_factor.recovery_code_digest(code)
            device = static if static is not None and static.verify_token(digest) else None
    if device is None:
        audit.record(
            action=AuditAction.AUTH_2FA_VERIFIED,
            actor_id=user.pk,
            subject_id=user.pk,
            outcome=Outcome.FAILURE,
            object_type=kind,
        )
        return None
    audit.record(
        action=AuditAction.AUTH_2FA_VERIFIED, actor_id=user.pk, subject_id=user.pk, object_type=kind
    )
    if kind == "recovery_code":
        audit.record(
            action=AuditAction.AUTH_2FA_RECOVERY_CODE_USED,
            actor_id=user.pk,
            subject_id=user.pk,
            object_id=recovery_codes_left(user),
        )
    return device


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    if confirmed_totp_device(user) is None:
        raise ValidationError(_("Switch on two-step sign-in first."))
    codes = _replace_recovery_codes(user)
    audit.record(
        action=AuditAction.AUTH_2FA_RECOVERY_CODES_REPLACED, actor_id=user.pk, subject_id=user.pk
    )
    return codes


@transaction.atomic
def disable_second_factor(*, user: User) -> None:
    """People in recovery may switch it off again; staff cannot (H-08)."""
    if user.holds_staff_role:
        raise ValidationError(_("Staff accounts always use two-step sign-in."))
    AuthenticatorDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.second_factor_enabled = False
    user.save(update_fields=["second_factor_enabled"])
    audit.record(action=AuditAction.AUTH_2FA_DISABLED, actor_id=user.pk, subject_id=user.pk)


@transaction.atomic
def add_totp_device(*, user: User, key: str | None = None) -> AuthenticatorDevice:
    """A confirmed authenticator for `homegroup demo` and the test universe only.

    Real accounts enrol on the two-factor page, which proves the secret reached their app.
    """
    device = AuthenticatorDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    if key is not None:
        device.key = key
    device.save()
    user.second_factor_enabled = True
    user.save(update_fields=["second_factor_enabled"])
    audit.record(action=AuditAction.AUTH_2FA_ENROLLED, actor_id=user.pk, subject_id=user.pk)
    return device
