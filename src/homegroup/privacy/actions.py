"""Every write owned by privacy: programs, enrolment, care teams, consents, restrictions,
break-glass, disclosure records and key rotation (audit rows are written by `audit.record`).

Keyword-only, typed, atomic, validated, audited (docs/adr/0001-actions-layer.md). Refused
attempts that matter for throttling or review (a wrong password at signing, a wrong code) are
audited outside the transaction that refuses them, so the refusal stays on record.

Over 600 lines on purpose for now: one section per privacy object (programs, enrolment, care
teams, consents, restrictions, break-glass, disclosure records) sharing the audit and consent
helpers; the next step is a package like `directory/actions/`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import Role, User
from homegroup.audit import actions as audit
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.encryption.fields import EncryptedTextField, Unreadable, current_key_ring
from homegroup.lib import request_ids
from homegroup.privacy import categories, consent_text, rules
from homegroup.privacy.models import (
    BreakGlassGrant,
    CareTeamMember,
    Consent,
    DiagnosisGroup,
    DisclosureRecord,
    Enrolment,
    EnrolmentCode,
    ExpiryKind,
    Program,
    ProgramMembership,
    ProgramRole,
    Purpose,
    Restriction,
    ReviewOutcome,
    hash_code,
    serving_rule,
)


@dataclass(frozen=True)
class RotationCount:
    column: str
    rewritten: int
    unreadable: int = 0


def encrypted_columns() -> list[tuple[type[Model], EncryptedTextField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


def rotate_field_keys(*, actor_id: int | None = None, batch: int = 500) -> list[RotationCount]:
    """Re-encrypt every value that is not under the current key, bound to its row as before;
    one transaction per column. A value that fails authentication is left as it is (the field
    has logged it) and counted: rotation never turns moved ciphertext into a readable value."""
    ring = current_key_ring()
    counts = []
    for model, field in encrypted_columns():
        rewritten = unreadable = 0
        rows = model._base_manager
        with transaction.atomic():
            # Values come back sealed (`fields.Sealed`): reading which key sealed them opens none.
            raw = rows.exclude(**{f"{field.name}__isnull": True}).values_list("pk", field.name)
            stale = [pk for pk, value in raw.iterator() if ring.key_id_of(value) != ring.current_id]
            for start in range(0, len(stale), batch):
                chunk = rows.filter(pk__in=stale[start : start + batch])
                for obj in chunk.select_related(*field.related_paths()):
                    value = getattr(obj, field.name)
                    if isinstance(value, Unreadable):
                        unreadable += 1
                        continue
                    rows.filter(pk=obj.pk).update(**{field.name: field.seal(obj, value)})
                    rewritten += 1
        counts.append(
            RotationCount(
                column=f"{model._meta.label}.{field.name}",
                rewritten=rewritten,
                unreadable=unreadable,
            )
        )
    audit.record(
        action=AuditAction.PRIVACY_ROTATE_FIELD_KEYS, actor_id=actor_id, object_type="key_ring"
    )
    return counts


# --- Programs ------------------------------------------------------------------------------------


def administers(user: Any, program: Program) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.PROGRAM_ADMIN)
        and ProgramMembership.objects.admins().filter(user=user, program=program).exists()
    )


@transaction.atomic
def create_program(*, name: str, admin: User, actor_id: int | None = None) -> Program:
    """A new program with its first admin (`homegroup create-program`, `homegroup demo`)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the program a name.")})
    if Program.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A program with this name already exists.")})
    program = Program(name=name)
    program.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_PROGRAM_CREATED,
        actor_id=actor_id,
        object_type="program",
        object_id=program.pk,
    )
    add_program_member(program=program, user=admin, role=ProgramRole.ADMIN, actor_id=actor_id)
    return program


@transaction.atomic
def add_program_member(
    *, program: Program, user: User, role: ProgramRole, actor_id: int | None
) -> ProgramMembership:
    """Idempotent: a current membership in that role is returned as it is."""
    needed = Role.CLINICIAN if role == ProgramRole.CLINICIAN else Role.PROGRAM_ADMIN
    if not user.has_role(needed):
        raise ValidationError({"role": _("This account does not hold that role.")})
    existing = ProgramMembership.objects.current().filter(user=user, program=program, role=role)
    if (membership := existing.first()) is not None:
        return membership
    membership = ProgramMembership(user=user, program=program, role=role)
    membership.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_PROGRAM_MEMBER_ADDED,
        actor_id=actor_id,
        subject_id=user.pk,
        object_type="program",
        object_id=program.pk,
    )
    return membership


# --- Enrolment: a person joins a program with a code the program gave them -----------------------

ENROLMENT_CODE_DAYS = 14
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _new_code(length: int = 12) -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once to the admin, who hands it to the person; only its hash is stored
    enrolment_code: EnrolmentCode


@transaction.atomic
def issue_enrolment_code(*, program: Program, by: User) -> IssuedCode:
    if not administers(by, program):
        raise PermissionError("only the program's admin issues enrolment codes")
    code = _new_code()
    row = EnrolmentCode(
        program=program,
        code_hash=hash_code(code),
        issued_by_id=by.pk,
        expires_at=timezone.now() + timedelta(days=ENROLMENT_CODE_DAYS),
    )
    row.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_ENROLMENT_CODE_ISSUED,
        actor_id=by.pk,
        object_type="program",
        object_id=program.pk,
    )
    return IssuedCode(code=code, enrolment_code=row)


def join_program(*, person: User, code: str) -> Enrolment:
    with transaction.atomic():
        row = (
            EnrolmentCode.objects.select_for_update()
            .usable()
            .filter(code_hash=hash_code(code))
            .select_related("program")
            .first()
        )
        if row is not None and person.has_role(Role.PERSON_IN_RECOVERY):
            enrolment = (
                Enrolment.objects.current().filter(person=person, program=row.program).first()
            )
            if enrolment is None:
                enrolment = Enrolment(person=person, program=row.program)
                enrolment.save(force_insert=True)
            row.used_at, row.used_by_id = timezone.now(), person.pk
            row.save(update_fields=["used_at", "used_by_id"])
            audit.record(
                action=AuditAction.PRIVACY_PROGRAM_JOINED,
                actor_id=person.pk,
                subject_id=person.pk,
                object_type="program",
                object_id=row.program_id,
            )
            return enrolment
    audit.record(
        action=AuditAction.PRIVACY_PROGRAM_JOINED,
        actor_id=person.pk,
        subject_id=person.pk,
        outcome=Outcome.FAILURE,
    )
    raise ValidationError(
        {"code": _("That code does not work. Check it, or ask your program for a new one.")}
    )


@transaction.atomic
def leave_program(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The end of treatment: consents that last until then end now, for good (joining again
    later never revives them: sharing again is a new consent); care team places end too."""
    if enrolment.person_id != by.pk:
        raise PermissionError("only the person leaves their program")
    if enrolment.ended_at is None:
        now = timezone.now()
        enrolment.ended_at = now
        enrolment.save(update_fields=["ended_at"])
        CareTeamMember.objects.open().filter(
            program=enrolment.program_id, person=enrolment.person_id
        ).update(ended_at=now, ended_by_id=by.pk)
        ending = Consent.objects.given_by(by).filter(
            recipient_program=enrolment.program_id,
            expiry_kind=ExpiryKind.END_OF_TREATMENT,
            expires_at__isnull=True,
            revoked_at__isnull=True,
        )
        ended = list(ending.values_list("pk", flat=True))
        Consent.objects.filter(pk__in=ended).update(expires_at=now)
        for consent_id in ended:
            audit.record(
                action=AuditAction.PRIVACY_CONSENT_ENDED,
                actor_id=by.pk,
                subject_id=by.pk,
                object_type="consent",
                object_id=consent_id,
            )
        audit.record(
            action=AuditAction.PRIVACY_PROGRAM_LEFT,
            actor_id=by.pk,
            subject_id=by.pk,
            object_type="program",
            object_id=enrolment.program_id,
        )
    return enrolment


@transaction.atomic
def record_diagnosis_group(*, enrolment: Enrolment, group: str, by: User) -> Enrolment:
    """Alcohol only, drugs only, both, or back to not recorded: by the person themselves or a
    clinician on their care team in that program (the outcome reports group people by it).
    Anyone else is refused as if the enrolment were not there."""
    if group not in DiagnosisGroup.values:
        raise ValidationError(
            {"diagnosis_group": _("Choose alcohol only, drugs only, both, or not recorded.")}
        )
    on_team = (
        CareTeamMember.objects.in_force()
        .filter(program=enrolment.program_id, person=enrolment.person_id, clinician=by)
        .exists()
    )
    if enrolment.ended_at is not None or not (enrolment.person_id == by.pk or on_team):
        raise PermissionError("only the person or their care team records the diagnosis group")
    if enrolment.diagnosis_group != group:
        enrolment.diagnosis_group = group
        enrolment.diagnosis_recorded_at = timezone.now()
        enrolment.save(update_fields=["diagnosis_group", "diagnosis_recorded_at"])
        audit.record(
            action=AuditAction.PRIVACY_DIAGNOSIS_GROUP_RECORDED,
            actor_id=by.pk,
            subject_id=enrolment.person_id,
            object_type="enrolment",
            object_id=enrolment.pk,
        )
    return enrolment


# --- Care teams ----------------------------------------------------------------------------------


@transaction.atomic
def assign_clinician(
    *, program: Program, person_id: int, clinician_id: int, by: User
) -> CareTeamMember:
    """The admin proposes a clinician for a person's care team; the place waits for the
    clinician to confirm it (`confirm_care_team_place`) and discloses nothing until then."""
    if not administers(by, program):
        raise PermissionError("only the program's admin assigns clinicians")
    if not Enrolment.objects.current().filter(program=program, person_id=person_id).exists():
        raise ValidationError({"person": _("This person is not enrolled in your program.")})
    if (
        not ProgramMembership.objects.clinicians()
        .filter(program=program, user_id=clinician_id)
        .exists()
    ):
        raise ValidationError({"clinician": _("Choose a clinician of your program.")})
    existing = CareTeamMember.objects.open().filter(
        program=program, person_id=person_id, clinician_id=clinician_id
    )
    if (member := existing.first()) is not None:
        return member
    member = CareTeamMember(
        program=program, person_id=person_id, clinician_id=clinician_id, assigned_by_id=by.pk
    )
    member.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_CARE_TEAM_ASSIGNED,
        actor_id=by.pk,
        subject_id=person_id,
        object_type="care_team_member",
        object_id=member.pk,
    )
    return member


def _own_open_place(member: CareTeamMember, clinician: User) -> None:
    if member.clinician_id != clinician.pk:
        raise PermissionError("only the clinician answers for their own care team place")
    if member.ended_at is not None:
        raise ValidationError(_("This care team place has ended; nothing changed."))


@transaction.atomic
def confirm_care_team_place(*, member: CareTeamMember, by: User) -> CareTeamMember:
    """The clinician takes up the place the admin proposed: from now on it counts."""
    _own_open_place(member, by)
    if (
        not ProgramMembership.objects.clinicians()
        .filter(program=member.program_id, user=by)
        .exists()
    ):
        raise ValidationError(_("You are no longer a clinician of this program."))
    if member.confirmed_at is None:
        member.confirmed_at = timezone.now()
        member.save(update_fields=["confirmed_at"])
        audit.record(
            action=AuditAction.PRIVACY_CARE_TEAM_CONFIRMED,
            actor_id=by.pk,
            subject_id=member.person_id,
            object_type="care_team_member",
            object_id=member.pk,
        )
    return member


@transaction.atomic
def decline_care_team_place(*, member: CareTeamMember, by: User) -> CareTeamMember:
    """The clinician turns down a proposed place (a confirmed one is ended by the admin)."""
    _own_open_place(member, by)
    if member.confirmed_at is not None:
        raise ValidationError(_("You confirmed this place already; the program admin can end it."))
    member.ended_at, member.ended_by_id = timezone.now(), by.pk
    member.save(update_fields=["ended_at", "ended_by_id"])
    audit.record(
        action=AuditAction.PRIVACY_CARE_TEAM_DECLINED,
        actor_id=by.pk,
        subject_id=member.person_id,
        object_type="care_team_member",
        object_id=member.pk,
    )
    return member


@transaction.atomic
def end_care_team_place(*, member: CareTeamMember, by: User) -> CareTeamMember:
    if not administers(by, member.program):
        raise PermissionError("only the program's admin changes care teams")
    if member.ended_at is None:
        member.ended_at, member.ended_by_id = timezone.now(), by.pk
        member.save(update_fields=["ended_at", "ended_by_id"])
        audit.record(
            action=AuditAction.PRIVACY_CARE_TEAM_ENDED,
            actor_id=by.pk,
            subject_id=member.person_id,
            object_type="care_team_member",
            object_id=member.pk,
        )
    return member


# --- Consents ------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """A consent 'until 31 January' runs through that day: it ends at the next midnight, UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def discloser_for(person: User) -> str:
    return _(
        "Homegroup, which keeps %(name)s's recovery journal for them, and any program of "
        "which %(name)s is a patient"
    ) % {"name": person.display_name}


@dataclass(frozen=True)
class SignedConsent:
    consent: Consent
    share_code: str | None  # for a named person: shown once, given by the person to them


def _check_signature_password(person: User, password: str) -> None:
    if not password or not person.check_password(password):
        audit.record(
            action=AuditAction.PRIVACY_CONSENT_SIGNED,
            actor_id=person.pk,
            subject_id=person.pk,
            outcome=Outcome.FAILURE,
        )
        raise ValidationError({"password": _("That is not your password.")})


def sign_consent(
    *,
    person: User,
    kind: str,
    categories_chosen: Iterable[str],
    purposes: Iterable[str],
    expiry_kind: str,
    expires_on: date | None,
    password: str,
    recipient_program: Program | None = None,
    recipient_label: str = "",
) -> SignedConsent:
    """The person signs a consent by entering their password (P2-01's signature).

    A consent to a program is active at once; one to a named person waits until that person
    redeems the code the person gives them.
    """
    _check_signature_password(person, password)
    return _sign(
        person=person,
        kind=kind,
        categories_chosen=frozenset(categories_chosen),
        purposes=frozenset(purposes),
        expiry_kind=expiry_kind,
        expires_at=end_of_day(expires_on) if expires_on else None,
        recipient_program=recipient_program,
        recipient_label=recipient_label.strip(),
    )


@transaction.atomic
def _sign(
    *,
    person: User,
    kind: str,
    categories_chosen: frozenset[str],
    purposes: frozenset[str],
    expiry_kind: str,
    expires_at: datetime | None,
    recipient_program: Program | None,
    recipient_label: str,
) -> SignedConsent:
    if not person.has_role(Role.PERSON_IN_RECOVERY):
        raise PermissionError("only a person in recovery shares their record")
    if recipient_program is not None and not (
        Enrolment.objects.current().filter(person=person, program=recipient_program).exists()
    ):
        raise ValidationError({"program": _("Join the program before sharing with it.")})
    now = timezone.now()
    terms = consent_text.ConsentTerms(
        kind=kind,
        patient_id=person.pk,
        patient_name=person.display_name,
        discloser=discloser_for(person),
        categories=categories_chosen,
        recipient_program_id=recipient_program.pk if recipient_program else None,
        recipient_program_name=recipient_program.name if recipient_program else "",
        recipient_user_id=None,
        recipient_label=recipient_label,
        purposes=purposes,
        revocation=consent_text.revocation_statement(),
        expiry_kind=expiry_kind,
        expires_at=expires_at,
        signature_method=consent_text.SIGNATURE_METHOD,
        signed_at=now,
    )
    found = consent_text.problems(terms, now=now, recipient_bound=recipient_program is not None)
    if found:
        raise ValidationError(found)
    text = consent_text.render(terms)
    digest = consent_text.text_hash(text)
    share_code = None if recipient_program is not None else _new_code(16)
    consent = Consent(
        person=person,
        kind=kind,
        discloser=terms.discloser,
        categories=categories.ordered(categories_chosen),
        purposes=sorted(purposes),
        recipient_program=recipient_program,
        recipient_label=recipient_label,
        expiry_kind=expiry_kind,
        expires_at=expires_at if expiry_kind == ExpiryKind.DATE else None,
        text=text,
        text_version=consent_text.TEXT_VERSION,
        text_sha256=digest,
        signature_method=consent_text.SIGNATURE_METHOD,
        signed_at=now,
        signature=consent_text.signature(person_id=person.pk, text_sha256=digest, signed_at=now),
        activated_at=now if recipient_program is not None else None,
        share_code_hash=hash_code(share_code) if share_code else None,
        share_code_expires_at=(
            now + timedelta(days=settings.HOMEGROUP_SHARE_CODE_DAYS) if share_code else None
        ),
    )
    consent.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_CONSENT_SIGNED,
        actor_id=person.pk,
        subject_id=person.pk,
        object_type="consent",
        object_id=consent.pk,
    )
    return SignedConsent(consent=consent, share_code=share_code)


def accept_share(*, recipient: User, code: str) -> Consent:
    """A sponsor or supporter redeems the code the person gave them: the consent activates."""
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(
                share_code_hash=hash_code(code),
                activated_at__isnull=True,
                revoked_at__isnull=True,
                share_code_expires_at__gt=timezone.now(),
            )
            .select_related("person")
            .first()
        )
        if consent is not None and consent.person_id != recipient.pk:
            consent.recipient_user = recipient
            consent.activated_at = timezone.now()
            consent.share_code_hash = None  # single use
            found = consent_text.problems(
                _terms_of(consent), now=consent.activated_at, recipient_bound=True
            )
            if not found:
                consent.save(update_fields=["recipient_user", "activated_at", "share_code_hash"])
                audit.record(
                    action=AuditAction.PRIVACY_CONSENT_ACCEPTED,
                    actor_id=recipient.pk,
                    subject_id=consent.person_id,
                    object_type="consent",
                    object_id=consent.pk,
                )
                return consent
    audit.record(
        action=AuditAction.PRIVACY_CONSENT_ACCEPTED, actor_id=recipient.pk, outcome=Outcome.FAILURE
    )
    raise ValidationError(
        {"code": _("That code does not work. It may be mistyped, used already, or expired.")}
    )


def _terms_of(consent: Consent) -> consent_text.ConsentTerms:
    return consent_text.ConsentTerms(
        kind=consent.kind,
        patient_id=consent.person_id,
        patient_name=consent.person.display_name,
        discloser=consent.discloser,
        categories=frozenset(consent.categories),
        recipient_program_id=consent.recipient_program_id,
        recipient_program_name="",
        recipient_user_id=consent.recipient_user_id,
        recipient_label=consent.recipient_label,
        purposes=frozenset(consent.purposes),
        revocation=consent_text.revocation_statement() if consent.text else "",
        expiry_kind=consent.expiry_kind,
        expires_at=consent.expires_at,
        signature_method=consent.signature_method,
        signed_at=consent.signed_at,
    )


@transaction.atomic
def revoke_consent(*, consent: Consent, by: User, attested: bool) -> Consent:
    """Revocation in writing (P2-04): signed in, re-authenticated by the view, attested here.

    Effective at once; past disclosures stay in the accounting.
    """
    if consent.person_id != by.pk:
        raise PermissionError("only the person revokes their consent")
    if not attested:
        raise ValidationError({"attested": _("Tick the box to confirm you want to stop sharing.")})
    if consent.revoked_at is not None:
        raise ValidationError(_("This consent is already revoked."))
    consent.revoked_at, consent.revoked_by_id = timezone.now(), by.pk
    consent.share_code_hash = None
    consent.save(update_fields=["revoked_at", "revoked_by_id", "share_code_hash"])
    audit.record(
        action=AuditAction.PRIVACY_CONSENT_REVOKED,
        actor_id=by.pk,
        subject_id=by.pk,
        object_type="consent",
        object_id=consent.pk,
    )
    return consent


# --- Restrictions (P2-09) -----------------------------------------------------------------------


@transaction.atomic
def request_restriction(
    *,
    person: User,
    categories_restricted: Iterable[str],
    recipient_user: User | None = None,
    recipient_program: Program | None = None,
    purpose: str = "",
) -> Restriction:
    chosen = frozenset(categories_restricted)
    if not chosen or not chosen <= categories.ALL:
        raise ValidationError({"categories": _("Choose what should not be shared.")})
    if purpose and purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    restriction = Restriction(
        person=person,
        categories=categories.ordered(chosen),
        recipient_user=recipient_user,
        recipient_program=recipient_program,
        purpose=purpose,
    )
    restriction.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_RESTRICTION_REQUESTED,
        actor_id=person.pk,
        subject_id=person.pk,
        object_type="restriction",
        object_id=restriction.pk,
    )
    return restriction


@transaction.atomic
def withdraw_restriction(*, restriction: Restriction, by: User) -> Restriction:
    if restriction.person_id != by.pk:
        raise PermissionError("only the person withdraws their restriction")
    if restriction.withdrawn_at is None:
        restriction.withdrawn_at = timezone.now()
        restriction.save(update_fields=["withdrawn_at"])
        audit.record(
            action=AuditAction.PRIVACY_RESTRICTION_WITHDRAWN,
            actor_id=by.pk,
            subject_id=by.pk,
            object_type="restriction",
            object_id=restriction.pk,
        )
    return restriction


# --- Break-glass (H-02) ---------------------------------------------------------------------------

BREAK_GLASS_MIN_REASON = 20


def shared_programs(clinician: User, person_id: int) -> list[Program]:
    """Programs where the clinician works and the person is enrolled now."""
    if not clinician.has_role(Role.CLINICIAN):
        return []
    return list(
        Program.objects.filter(
            **serving_rule(clinician=clinician, person=person_id, program="")
        ).distinct()
    )


@transaction.atomic
def open_break_glass(*, clinician: User, person_id: int, reason: str) -> BreakGlassGrant:
    programs = shared_programs(clinician, person_id)
    if not programs:
        raise PermissionError("break-glass is for clinicians of the person's program")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError(
            {"reason": _("Write the reason in a sentence or two: your program admin reviews it.")}
        )
    now = timezone.now()
    grant = BreakGlassGrant(
        clinician=clinician,
        person_id=person_id,
        program=programs[0],
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=settings.HOMEGROUP_BREAK_GLASS_MINUTES),
    )
    grant.save(force_insert=True)
    audit.record(
        action=AuditAction.PRIVACY_BREAK_GLASS_OPENED,
        actor_id=clinician.pk,
        subject_id=person_id,
        object_type="break_glass",
        object_id=grant.pk,
    )
    return grant


@transaction.atomic
def review_break_glass(
    *, grant: BreakGlassGrant, by: User, outcome: str, note: str = ""
) -> BreakGlassGrant:
    if not administers(by, grant.program):
        raise PermissionError("only the program's admin reviews break-glass access")
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose whether the access was justified.")})
    if grant.reviewed_at is not None:
        raise ValidationError(_("This access has been reviewed already."))
    grant.reviewed_at, grant.reviewed_by_id = timezone.now(), by.pk
    grant.review_outcome, grant.review_note = outcome, note.strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by_id", "review_outcome", "review_note"])
    audit.record(
        action=AuditAction.PRIVACY_BREAK_GLASS_REVIEWED,
        actor_id=by.pk,
        subject_id=grant.person_id,
        object_type="break_glass",
        object_id=grant.pk,
    )
    return grant


# --- Disclosure records: written only by the gate (privacy/gate.py) ---------------------------


def _disclosure_rows(
    *,
    person_id: int,
    viewer_id: int,
    decision: rules.Decision,
    consents: dict[int, Consent],
    purpose: str,
    channel: str,
    request_id: str,
    now: datetime,
) -> list[DisclosureRecord]:
    """The accounting rows of one decision: one per consent it rests on, one for break-glass."""
    rows = [
        DisclosureRecord(
            occurred_at=now,
            person_id=person_id,
            recipient_user_id=viewer_id,
            recipient_program_id=consents[consent_id].recipient_program_id,
            categories=categories.ordered(scope),
            purpose=purpose,
            basis=rules.CONSENT,
            consent_id=consent_id,
            channel=channel,
            actor_id=viewer_id,
            request_id=request_id,
        )
        for consent_id, scope in decision.by_consent
    ]
    if decision.grant_id is not None:
        rows.append(
            DisclosureRecord(
                occurred_at=now,
                person_id=person_id,
                recipient_user_id=viewer_id,
                categories=categories.ordered(decision.grant_categories),
                purpose=purpose,
                basis=rules.BREAK_GLASS,
                break_glass_id=decision.grant_id,
                channel=channel,
                actor_id=viewer_id,
                request_id=request_id,
            )
        )
    return rows


def record_disclosures(
    *,
    person_id: int,
    viewer_id: int,
    decision: rules.Decision,
    consents: dict[int, Consent],
    purpose: str,
    channel: str,
    request_id: str | None,
) -> list[DisclosureRecord]:
    """One append-only row per basis of a decision (P2-08), each with an audit event."""
    request_id = request_id if request_id is not None else request_ids.current()
    rows = _disclosure_rows(
        person_id=person_id,
        viewer_id=viewer_id,
        decision=decision,
        consents=consents,
        purpose=purpose,
        channel=channel,
        request_id=request_id,
        now=timezone.now(),
    )
    for row in rows:
        audit.append(row)  # a sealed ledger: its id is taken first, so its MAC covers it
        audit.record(
            action=AuditAction.PRIVACY_DISCLOSURE,
            actor_id=viewer_id,
            subject_id=person_id,
            object_type="disclosure",
            object_id=row.pk,
            request_id=request_id,
        )
    return rows


def record_many_disclosures(
    *,
    viewer_id: int,
    decisions: dict[int, rules.Decision],
    consents: dict[int, Consent],
    purpose: str,
    channel: str,
    request_id: str | None,
) -> dict[int, list[DisclosureRecord]]:
    """`record_disclosures` for many people at once (a caseload page): the same rows and audit
    events, one of each per person and basis, written in bulk (a constant number of queries).
    A denied decision is one denied audit event, as the gate writes for one person."""
    request_id = request_id if request_id is not None else request_ids.current()
    now = timezone.now()
    rows: dict[int, list[DisclosureRecord]] = {}
    denied: list[int] = []
    for person_id, decision in decisions.items():
        if decision.basis == rules.DENIED:
            denied.append(person_id)
            continue
        rows[person_id] = _disclosure_rows(
            person_id=person_id,
            viewer_id=viewer_id,
            decision=decision,
            consents=consents,
            purpose=purpose,
            channel=channel,
            request_id=request_id,
            now=now,
        )
    written = audit.append_many([row for person_rows in rows.values() for row in person_rows])
    events = [
        AuditEvent(
            occurred_at=now,
            actor_id=viewer_id,
            action="privacy.disclosure",
            outcome=Outcome.SUCCESS,
            subject_id=row.person_id,
            object_type="disclosure",
            object_id=str(row.pk),
            request_id=request_id,
        )
        for row in written
    ] + [
        AuditEvent(
            occurred_at=now,
            actor_id=viewer_id,
            action="privacy.disclosure",
            outcome=Outcome.DENIED,
            subject_id=person_id,
            request_id=request_id,
        )
        for person_id in denied
    ]
    audit.append_many(events)
    return rows
