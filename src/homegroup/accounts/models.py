# django-otp has no type information, so the type checker cannot resolve the manager the
# authenticator device inherits from it (nor, from there, the user's reverse manager).
# mypy: disable-error-code="django-manager-missing"
"""Users and their roles.

Email is the login. A user may hold several roles; an account with none (a sponsor such as Sam)
can still sign in and see what people have shared with them. Roles are plain booleans so that
every request knows them without another query.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp import models as totp_models

from homegroup.encryption.fields import EncryptedTextField, Unreadable


class Role(models.TextChoices):
    PERSON_IN_RECOVERY = "person_in_recovery", _("Person in recovery")
    CLINICIAN = "clinician", _("Clinician")
    PROGRAM_ADMIN = "program_admin", _("Program admin")
    DIRECTORY_MAINTAINER = "directory_maintainer", _("Directory maintainer")


# Staff roles get the short sessions of H-03 and the required second factor of H-08.
STAFF_ROLES = frozenset({Role.CLINICIAN, Role.PROGRAM_ADMIN, Role.DIRECTORY_MAINTAINER})
ROLE_FIELDS = {
    Role.PERSON_IN_RECOVERY: "is_person_in_recovery",
    Role.CLINICIAN: "is_clinician",
    Role.PROGRAM_ADMIN: "is_program_admin",
    Role.DIRECTORY_MAINTAINER: "is_directory_maintainer",
}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        # Only actions.py and Django's own tooling call this; it exists for createsuperuser.
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        # Emails are stored in lower case; people type them in any case.
        return self.get(email=(username or "").strip().lower())

    def with_role(self, role: Role) -> models.QuerySet[User]:
        return self.filter(**{ROLE_FIELDS[role]: True}, is_active=True)

    def awaiting_confirmation(self) -> models.QuerySet[User]:
        """Signed up but the sign-up link not yet opened: inactive, and nobody sees them."""
        return self.filter(is_active=False, email_verified_at__isnull=True)

    def may_reset_password(self, email: str) -> models.QuerySet[User]:
        """Accounts a reset link may go to: active ones, and those awaiting their sign-up link
        (a reset link proves the address as well). Not an account awaiting deletion: signing in
        is how its owner keeps it."""
        return self.filter(email=email.strip().lower()).filter(
            models.Q(is_active=True) | models.Q(email_verified_at__isnull=True)
        )


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("name to show"),
        max_length=80,
        help_text=_("A first name or a nickname; it is shown on your pages, never in emails."),
    )
    is_person_in_recovery = models.BooleanField(_("person in recovery"), default=False)
    is_clinician = models.BooleanField(_("clinician"), default=False)
    is_program_admin = models.BooleanField(_("program admin"), default=False)
    is_directory_maintainer = models.BooleanField(_("directory maintainer"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Opens Django's admin pages (directory reference data only). Not a role."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    confirmed_adult_at = models.DateTimeField(
        _("confirmed 18 or older"),
        null=True,
        blank=True,
        help_text=_("When the person confirmed at sign-up that they are 18 or older."),
    )
    email_verified_at = models.DateTimeField(
        _("email address confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "When the owner of the address proved they read it (the sign-up link, a staff "
            "invitation or a password reset). A new account stays inactive until then."
        ),
    )
    second_factor_enabled = models.BooleanField(
        _("two-step sign-in"),
        default=False,
        help_text=_(
            "Set once the account confirms an authenticator app. Staff need one whatever this "
            "says; for anyone else it is their choice."
        ),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or f"user {self.pk}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, field in ROLE_FIELDS.items() if getattr(self, field))

    def has_role(self, role: Role) -> bool:
        return bool(getattr(self, ROLE_FIELDS[role]))

    @property
    def holds_staff_role(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> InvitationQuerySet:
        # An invitation works once, until it expires or is withdrawn.
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )

    def sent_by(self, admin: User) -> InvitationQuerySet:
        """An admin sees the invitations they sent; anyone else's are simply not found."""
        return self.filter(invited_by=admin)

    def find(self, token: str) -> Invitation | None:
        return self.usable().filter(token_hash=Invitation.hash_token(token)).first()


class Invitation(models.Model):
    """A program admin's invitation for a staff member: a link that creates the account."""

    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("name to show"), max_length=80)
    is_clinician = models.BooleanField(_("clinician"), default=False)
    is_program_admin = models.BooleanField(_("program admin"), default=False)
    is_directory_maintainer = models.BooleanField(_("directory maintainer"), default=False)
    token_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("SHA-256 of the link's token: a copy of the database cannot accept the link."),
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    program = models.ForeignKey(
        "privacy.Program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The inviting admin's program, which the new staff member joins."),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, field in ROLE_FIELDS.items() if getattr(self, field, False))


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device, models.Model):  # type: ignore[misc]
    """The TOTP authenticator app of the second factor (H-08), its secret encrypted with the
    field key ring and bound to its account (H-04): a copy of the database alone cannot produce
    sign-in codes.

    django-otp's own TOTP device keeps the secret in plain text. This device has the same fields
    and borrows that device's behaviour, whose methods read only these fields: verification,
    clock drift, throttling, replay protection and the otpauth:// URL stay django-otp's.
    """

    key = EncryptedTextField(
        default=totp_models.default_key,
        help_text=_("The secret, 20 random bytes in hex; encrypted like a person's notes."),
        bound_to=("user_id", "created_at"),
    )
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(
        default=-1, help_text=_("The time step of the last code accepted: none is taken twice.")
    )

    bin_key = totp_models.TOTPDevice.bin_key
    get_throttle_factor = totp_models.TOTPDevice.get_throttle_factor
    config_url = totp_models.TOTPDevice.config_url
    _read_str_from_settings = totp_models.TOTPDevice._read_str_from_settings  # for config_url

    class Meta:
        verbose_name = _("authenticator app")

    def __str__(self) -> str:
        return f"authenticator {self.pk}"

    @property
    def secret_readable(self) -> bool:
        """False when the stored secret failed authentication (altered, or copied from another
        account's device): the field has logged it, and no code can match it."""
        return not isinstance(self.key, Unreadable)

    def verify_token(self, token: Any) -> bool:
        if not self.secret_readable:
            return False
        return bool(totp_models.TOTPDevice.verify_token(self, token))


class ThrottleEvent(models.Model):
    """One counted attempt (a sign-up, a password reset request, an export) for the throttles of
    A-03 (`accounts.throttle`). Kept in the database every process shares, and only for a day."""

    scope = models.CharField(max_length=40, help_text=_("What was attempted, counted by what."))
    key = models.CharField(
        max_length=64,
        help_text=_(
            "A keyed digest of the email address, account or client address counted: the table "
            "never holds the address itself."
        ),
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "privacy_throttleevent"  # made by privacy's 0005, kept as it is
        indexes = [
            models.Index(fields=["scope", "key", "occurred_at"], name="privacy_throttle_count"),
            models.Index(fields=["occurred_at"], name="privacy_throttle_age"),
        ]

    def __str__(self) -> str:
        return f"throttle event {self.pk}"
