"""Who may see whom: programs and care teams, consents, restrictions and disclosures.

Disclosure records keep plain ids, never foreign keys, so deleting an account never touches
them, and never the content of a record; they are a sealed ledger of the audit app, MAC'd and
sealed like the audit log (docs/adr/0002-audit-log.md). See docs/adr/0005-consent-model.md for
programs, consents and the gate.

Over 600 lines on purpose: an app's models stay in one module, as Django's migrations read them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homegroup.accounts.models import Role
from homegroup.audit.models import AppendOnlyQuerySet
from homegroup.encryption.fields import EncryptedTextField
from homegroup.privacy import rules

# --- Programs, enrolment and care teams ----------------------------------------------------------


class Program(models.Model):
    """A treatment program (a clinic, an outpatient service): the unit staff and consents name."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramRole(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Program admin")


class ProgramMembershipQuerySet(models.QuerySet["ProgramMembership"]):
    def current(self) -> ProgramMembershipQuerySet:
        return self.filter(ended_at__isnull=True)

    def clinicians(self) -> ProgramMembershipQuerySet:
        return self.current().filter(role=ProgramRole.CLINICIAN, user__is_active=True)

    def admins(self) -> ProgramMembershipQuerySet:
        return self.current().filter(role=ProgramRole.ADMIN, user__is_active=True)


class ProgramMembership(models.Model):
    """A staff member's place in a program. The account's role flag says what they are; this
    says where. A clinician sees a record only through a program they are a member of."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_memberships"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=ProgramRole.choices)
    joined_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ProgramMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"],
                condition=Q(ended_at__isnull=True),
                name="privacy_one_current_membership_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"membership {self.pk}"


class DiagnosisGroup(models.TextChoices):
    """What the person is in treatment for, as the outcome reports group people (Witbrodt &
    Kaskutas 2005: alcohol only, drugs only, both). Empty until someone records it."""

    UNKNOWN = "", _("Not recorded")
    ALCOHOL = "alcohol", _("Alcohol only")
    DRUGS = "drugs", _("Drugs only")
    BOTH = "both", _("Alcohol and drugs")


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def current(self) -> EnrolmentQuerySet:
        return self.filter(ended_at__isnull=True)


class Enrolment(models.Model):
    """A person in recovery belongs to a program because they joined it with a code the program
    gave them (docs/adr/0005-consent-model.md). Joining shares nothing: sharing is a consent."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("End of treatment: consents that last 'until the end of treatment' end here."),
    )
    diagnosis_group = models.CharField(
        _("diagnosis group"),
        max_length=8,
        choices=DiagnosisGroup.choices,
        blank=True,
        default=DiagnosisGroup.UNKNOWN,
        help_text=_(
            "Alcohol only, drugs only or both, recorded at intake by the clinician or the person "
            "and changeable; empty = not recorded (never assumed)."
        ),
    )
    diagnosis_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["enrolled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program"],
                condition=Q(ended_at__isnull=True),
                name="privacy_one_current_enrolment",
            )
        ]
        # `Consent.objects.with_treatment()` asks, per consent, whether the person left the
        # program since signing: without this index that scans the program's every enrolment
        # (10,000 consents of one program took 39 s on SQLite; the outcome report reads them all).
        indexes = [
            models.Index(fields=["person", "program", "ended_at"], name="privacy_enrolment_spans")
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk}"


class EnrolmentCodeQuerySet(models.QuerySet["EnrolmentCode"]):
    def usable(self) -> EnrolmentCodeQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class EnrolmentCode(models.Model):
    """A single-use code a program admin hands a person (on paper, at intake) to join."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("SHA-256 of the code; the code itself is shown once."),
    )
    issued_by_id = models.BigIntegerField(help_text=_("The admin who issued it (a plain id)."))
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by_id = models.BigIntegerField(null=True, blank=True)

    objects = EnrolmentCodeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"enrolment code {self.pk}"


def hash_code(code: str) -> str:
    """Codes are typed by people: compare them without case, spaces or dashes."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


# The row's own clinician and person (a care-team place, a break-glass grant).
_ROW_CLINICIAN = F("clinician")
_ROW_PERSON = F("person")


def serving_rule(
    *, clinician: Any = _ROW_CLINICIAN, person: Any = _ROW_PERSON, program: str = "program__"
) -> dict[str, Any]:
    """The care-team rule, written once: the clinician still works in the program as a
    clinician and the person is still enrolled in it. By default for a row with a clinician, a
    person and a program (a care-team place, a break-glass grant); on `Program` itself pass
    `program=""` with the clinician and the person."""
    return {
        f"{program}memberships__user": clinician,
        f"{program}memberships__role": ProgramRole.CLINICIAN,
        f"{program}memberships__ended_at__isnull": True,
        f"{program}enrolments__person": person,
        f"{program}enrolments__ended_at__isnull": True,
    }


class CareTeamQuerySet(models.QuerySet["CareTeamMember"]):
    def open(self) -> CareTeamQuerySet:
        """Not ended: confirmed places and those still waiting for the clinician."""
        return self.filter(ended_at__isnull=True)

    def current(self) -> CareTeamQuerySet:
        """Places in effect: confirmed by the clinician and not ended. Only these open a record;
        a place waiting for its clinician counts as no place at all."""
        return self.open().filter(confirmed_at__isnull=False)

    def pending(self) -> CareTeamQuerySet:
        """Proposed by the program admin, waiting for the clinician to confirm or decline."""
        return self.open().filter(confirmed_at__isnull=True)

    def for_clinician(self, clinician: Any) -> CareTeamQuerySet:
        """The people a clinician cares for now (the later caseload starts here)."""
        return self.current().filter(clinician=clinician)

    def in_force(self) -> CareTeamQuerySet:
        """Places through which a program's consent can reach the clinician: the clinician still
        works in the program as a clinician, the person is still enrolled in it, and the
        person's account is active. The gate and every listing use this one rule."""
        return self.current().filter(person__is_active=True, **serving_rule())

    def serving(self, clinician: Any, person_id: int | None = None) -> CareTeamQuerySet:
        """The places in force (`in_force`) through which this clinician serves now, for one
        person when `person_id` is given. Nothing for an account without the clinician role."""
        if not clinician.has_role(Role.CLINICIAN):
            return self.none()
        places = self.in_force().filter(clinician=clinician)
        return places if person_id is None else places.filter(person_id=person_id)


class CareTeamMember(models.Model):
    """One clinician caring for one person within one program. Ending keeps the history.

    The program admin proposes the place; it takes effect only when the clinician confirms it
    (so an admin can't put an account of her own making on someone's care team)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="care_team")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_team"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by_id = models.BigIntegerField(null=True, blank=True)
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the clinician confirmed the place; until then it discloses nothing."),
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by_id = models.BigIntegerField(null=True, blank=True)

    objects = CareTeamQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "clinician"],
                condition=Q(ended_at__isnull=True),
                name="privacy_one_current_care_team_place",
            )
        ]

    def __str__(self) -> str:
        return f"care team member {self.pk}"


# --- Consents -------------------------------------------------------------------------------------


class ConsentKind(models.TextChoices):
    TPO = rules.TPO, _("Treatment, payment and health care operations")
    SPECIFIC = rules.SPECIFIC, _("A named person, until a date")
    COUNSELING_NOTES = rules.COUNSELING_NOTES, _("SUD counseling notes")
    RESEARCH = rules.RESEARCH, _("Research")


class Purpose(models.TextChoices):
    TREATMENT = rules.TREATMENT, _("treatment")
    PAYMENT = rules.PAYMENT, _("payment")
    OPERATIONS = rules.OPERATIONS, _("health care operations")
    PERSONAL_SUPPORT = rules.PERSONAL_SUPPORT, _("support in my recovery")
    RESEARCH = rules.RESEARCH_PURPOSE, _("research")


class ExpiryKind(models.TextChoices):
    DATE = rules.EXPIRES_ON_DATE, _("on a date")
    END_OF_TREATMENT = rules.EXPIRES_AT_END_OF_TREATMENT, _("at the end of my treatment")
    NONE = rules.NO_EXPIRY, _("no end date (until I revoke it)")


class ConsentStatus(models.TextChoices):
    PENDING = rules.PENDING, _("waiting for the recipient")
    ACTIVE = rules.ACTIVE, _("active")
    EXPIRED = rules.ENDED, _("ended")
    REVOKED = rules.REVOKED, _("revoked")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def given_by(self, person: Any) -> ConsentQuerySet:
        """A person's own consents; anyone else's are simply not found."""
        return self.filter(person=person)

    def received_by(self, user: Any) -> ConsentQuerySet:
        return self.filter(recipient_user=user)

    def possibly_active(self, now: datetime | None = None) -> ConsentQuerySet:
        """A narrowing in SQL; `rules.consent_status` has the last word at access time."""
        now = now or timezone.now()
        return self.filter(activated_at__isnull=False, revoked_at__isnull=True).exclude(
            expires_at__lte=now
        )

    def with_treatment(self) -> ConsentQuerySet:
        """Each consent with `treatment_ongoing`: the person is enrolled in the recipient program
        now and has not left it since signing. An "end of treatment" consent ends with the first
        leaving; joining again later never revives it (a new consent is needed). The gate, the
        pages and the API read consents through this, so the fact is never assumed."""
        enrolments = Enrolment.objects.filter(
            person=OuterRef("person"), program=OuterRef("recipient_program")
        )
        return self.annotate(
            treatment_ongoing=ExpressionWrapper(
                Exists(enrolments.filter(ended_at__isnull=True))
                & ~Exists(enrolments.filter(ended_at__gte=OuterRef("signed_at"))),
                output_field=models.BooleanField(),
            )
        )


class Consent(models.Model):
    """A person's written consent to disclose part of their record (42 CFR 2.31).

    The rendered text the person signed is stored encrypted, with its version and SHA-256; the
    structured fields beside it are what the gate enforces.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents_given",
        help_text=_("The patient: whose record this consent releases."),
    )
    kind = models.CharField(max_length=24, choices=ConsentKind.choices)
    discloser = models.CharField(
        max_length=200, help_text=_("Who may make the disclosure (2.31(a)(2)).")
    )
    categories = models.JSONField(
        default=list, help_text=_("The data categories released (privacy/categories.py).")
    )
    purposes = models.JSONField(default=list, help_text=_("Purposes the recipient may use it for."))
    recipient_program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
        help_text=_("A program: its care team for this person, never the whole staff."),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents_received",
        help_text=_("A named person (a sponsor or supporter); empty until they accept the code."),
    )
    recipient_label = EncryptedTextField(
        blank=True,
        default="",
        help_text=_("How the person named the recipient, in their words."),
        bound_to=("person_id", "created_at"),
    )
    expiry_kind = models.CharField(max_length=24, choices=ExpiryKind.choices)
    expires_at = models.DateTimeField(null=True, blank=True)
    text = EncryptedTextField(
        help_text=_("The consent exactly as the person signed it."),
        bound_to=("person_id", "created_at"),
    )
    text_version = models.CharField(max_length=24)
    text_sha256 = models.CharField(max_length=64)
    signature_method = models.CharField(
        max_length=32, help_text=_("How the person signed: 'password' (re-entered at signing).")
    )
    signed_at = models.DateTimeField()
    signature = models.CharField(
        max_length=64,
        help_text=_(
            "HMAC over person, text hash and time under the audit key: the text is the one signed."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    share_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    share_code_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_id = models.BigIntegerField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(recipient_program__isnull=False) & Q(recipient_user__isnull=False)),
                name="privacy_consent_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    def _treatment_ongoing(self) -> bool:
        """From `with_treatment()`'s annotation, or read now by the same rule (one query)."""
        annotated = getattr(self, "treatment_ongoing", None)
        if annotated is not None:
            return bool(annotated)
        if self.pk is None:
            return False
        found = Consent.objects.with_treatment().filter(pk=self.pk)
        # An annotation, which the type checker's model of the fields cannot see.
        return bool(found.values_list("treatment_ongoing", flat=True).get())  # type: ignore[misc]

    def facts(self) -> rules.ConsentFacts:
        return rules.ConsentFacts(
            id=self.pk,
            kind=self.kind,
            categories=frozenset(self.categories),
            purposes=frozenset(self.purposes),
            recipient_user_id=self.recipient_user_id,
            recipient_program_id=self.recipient_program_id,
            activated_at=self.activated_at,
            revoked_at=self.revoked_at,
            expires_at=self.expires_at,
            expiry_kind=self.expiry_kind,
            treatment_ongoing=self._treatment_ongoing(),
            share_code_expires_at=self.share_code_expires_at,
        )

    def status(self, *, now: datetime | None = None) -> str:
        """`rules.consent_status` over this consent's facts: the one answer everywhere."""
        return rules.consent_status(self.facts(), now or timezone.now())

    @property
    def until_label(self) -> str:
        """How long the consent runs, as the scope beside a disclosure says it (P2-07)."""
        if self.expires_at is not None:
            return _("until %(date)s") % {
                "date": (self.expires_at - timedelta(microseconds=1)).strftime("%Y-%m-%d")
            }
        if self.expiry_kind == ExpiryKind.END_OF_TREATMENT:
            return str(_("until the end of treatment"))
        return str(_("until revoked"))

    @property
    def last_day(self) -> datetime | None:
        """The last day the consent runs through (it ends at the following midnight, UTC)."""
        return self.expires_at - timedelta(microseconds=1) if self.expires_at else None

    def text_hash_matches(self) -> bool:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest() == self.text_sha256


class RestrictionQuerySet(models.QuerySet["Restriction"]):
    def current(self) -> RestrictionQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Restriction(models.Model):
    """A person's request that some categories never reach some recipients (P2-09).

    Homegroup honours every request in the gate; a program cannot overrule it here.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    categories = models.JSONField(default=list)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: everyone."),
    )
    recipient_program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(
        max_length=24, choices=Purpose.choices, blank=True, help_text=_("Empty: every purpose.")
    )
    requested_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"restriction {self.pk}"

    def facts(self) -> rules.RestrictionFacts:
        return rules.RestrictionFacts(
            categories=frozenset(self.categories),
            recipient_user_id=self.recipient_user_id,
            recipient_program_id=self.recipient_program_id,
            purpose=self.purpose or None,
        )


class BreakGlassQuerySet(models.QuerySet["BreakGlassGrant"]):
    def open_at(self, now: datetime) -> BreakGlassQuerySet:
        return self.filter(opened_at__lte=now, expires_at__gt=now)

    def in_force(self, now: datetime) -> BreakGlassQuerySet:
        """Open grants that still give access: the clinician still works in the grant's program,
        the person is still enrolled in it and their account is active (the gate's rule, and
        the caseload's)."""
        return self.open_at(now).filter(person__is_active=True, **serving_rule())

    def awaiting_review(self) -> BreakGlassQuerySet:
        return self.filter(reviewed_at__isnull=True)


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    NOT_JUSTIFIED = "not_justified", _("Not justified: follow up")


class BreakGlassGrant(models.Model):
    """Emergency access outside the care team (H-02): a written reason, a short window, audited,
    and reviewed afterwards by the program's admin."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_subjects"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="break_glass")
    reason = EncryptedTextField(
        help_text=_("The clinician's written reason."),
        bound_to=("clinician_id", "person_id", "opened_at"),
    )
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_id = models.BigIntegerField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    review_note = EncryptedTextField(
        blank=True, default="", bound_to=("clinician_id", "person_id", "opened_at")
    )

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"break-glass grant {self.pk}"


# --- Disclosures ------------------------------------------------------------------------------


class Channel(models.TextChoices):
    PAGE = "page", _("web page")
    API = "api", _("API")
    EXPORT = "export", _("export")
    PRINT = "print", _("print")
    FHIR = "fhir", _("FHIR")


class DisclosureRecordQuerySet(AppendOnlyQuerySet):
    def about(self, person_id: int) -> DisclosureRecordQuerySet:
        return self.filter(person_id=person_id)

    def between(self, start: datetime, end: datetime) -> DisclosureRecordQuerySet:
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)


class DisclosureRecord(models.Model):
    """The accounting of disclosures (P2-08): one append-only row per disclosure and basis.

    Plain ids, like the audit log: deleting an account never removes what was disclosed to it.
    A sealed ledger ("disclosures", registered in apps.py): written only through
    `homegroup.audit.actions.append`, verified by `homegroup audit-verify`.
    """

    # What the row's MAC covers besides its id (see homegroup/audit/ledgers.py).
    SEALED_FIELDS = (
        "occurred_at",
        "person_id",
        "recipient_user_id",
        "recipient_program_id",
        "categories",
        "purpose",
        "basis",
        "consent_id",
        "break_glass_id",
        "channel",
        "actor_id",
        "request_id",
    )

    occurred_at = models.DateTimeField(db_index=True)
    person_id = models.BigIntegerField(db_index=True, help_text=_("Whose record was disclosed."))
    recipient_user_id = models.BigIntegerField(help_text=_("Who received it."))
    recipient_program_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The program whose care team received it, if any.")
    )
    categories = models.JSONField(help_text=_("The description: which categories were shown."))
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    basis = models.CharField(max_length=16, help_text=_("'consent' or 'break_glass'."))
    consent_id = models.BigIntegerField(null=True, blank=True)
    break_glass_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    actor_id = models.BigIntegerField(help_text=_("The account that made the request."))
    request_id = models.CharField(max_length=64, blank=True)
    mac = models.CharField(
        max_length=64,
        help_text=_("HMAC-SHA256 of this row, its id included, under HOMEGROUP_AUDIT_KEY."),
    )

    objects = DisclosureRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"
