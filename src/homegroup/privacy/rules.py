"""The disclosure decision as a pure function: plain facts in, a decision out (no Django).

`gate.disclose` gathers the facts from the database with a constant number of queries and asks
`decide`. Keeping the rule here lets property tests throw thousands of random consents at it
(tests/privacy/test_rules_properties.py): deny by default, never more than consented, revoked and
expired consents never count, restrictions always win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Consent kinds (P2-02).
TPO = "tpo"
SPECIFIC = "specific"
COUNSELING_NOTES = "counseling_notes"
RESEARCH = "research"

# Purposes a disclosure is asked for, and a consent names.
TREATMENT = "treatment"
PAYMENT = "payment"
OPERATIONS = "operations"
PERSONAL_SUPPORT = "personal_support"
RESEARCH_PURPOSE = "research"
TPO_PURPOSES = frozenset({TREATMENT, PAYMENT, OPERATIONS})

# How a consent ends besides revocation (P2-05).
EXPIRES_ON_DATE = "date"
EXPIRES_AT_END_OF_TREATMENT = "end_of_treatment"
NO_EXPIRY = "none"

COUNSELING_NOTES_CATEGORY = "counseling_notes"

# A consent's status, the one answer for the gate, the pages and the API (`consent_status`).
PENDING = "pending"
ACTIVE = "active"
ENDED = "expired"
REVOKED = "revoked"

# Bases of a decision.
SELF = "self"
CONSENT = "consent"
BREAK_GLASS = "break_glass"
DENIED = "denied"


@dataclass(frozen=True)
class ConsentFacts:
    id: int
    kind: str
    categories: frozenset[str]
    purposes: frozenset[str]
    recipient_user_id: int | None
    recipient_program_id: int | None
    activated_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
    expiry_kind: str
    # Whether the treatment an "end of treatment" consent depends on still runs: the person is
    # enrolled in the recipient program and has not left it since signing. Always gathered from
    # the database (`Consent.objects.with_treatment()`), never assumed.
    treatment_ongoing: bool
    # A named person's code: a pending consent whose code expired has ended unredeemed.
    share_code_expires_at: datetime | None = None


@dataclass(frozen=True)
class ViewerFacts:
    user_id: int
    is_active: bool
    # Programs in which the viewer is an active clinician, on this person's care team, while the
    # person is enrolled: the only programs whose consents can cover this viewer.
    care_team_program_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RestrictionFacts:
    categories: frozenset[str]
    recipient_user_id: int | None = None
    recipient_program_id: int | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class GrantFacts:
    id: int
    clinician_id: int
    opened_at: datetime
    expires_at: datetime
    categories: frozenset[str]


@dataclass(frozen=True)
class Decision:
    basis: str
    allowed: frozenset[str]
    # (consent id, the categories that consent let through), in consent id order.
    by_consent: tuple[tuple[int, frozenset[str]], ...] = ()
    grant_id: int | None = None
    grant_categories: frozenset[str] = field(default_factory=frozenset)


def consent_status(consent: ConsentFacts, now: datetime) -> str:
    """Pending, active, ended or revoked at this moment: decided here only, for the gate, the
    pages and the API alike (P2-04, P2-05)."""
    if consent.revoked_at is not None and consent.revoked_at <= now:
        return REVOKED
    if consent.activated_at is None or consent.activated_at > now:
        code_expired = (
            consent.share_code_expires_at is not None and consent.share_code_expires_at <= now
        )
        return ENDED if code_expired else PENDING
    # An end written on the consent holds for good, whatever its kind: a date, or the moment
    # the person left the program of an "end of treatment" consent.
    if consent.expires_at is not None and consent.expires_at <= now:
        return ENDED
    if consent.expiry_kind == EXPIRES_ON_DATE:
        return ACTIVE if consent.expires_at is not None else ENDED
    if consent.expiry_kind == EXPIRES_AT_END_OF_TREATMENT:
        return ACTIVE if consent.treatment_ongoing else ENDED
    return ACTIVE if consent.expiry_kind == NO_EXPIRY else ENDED


def consent_is_active(consent: ConsentFacts, now: datetime) -> bool:
    """Signed and accepted, not revoked, not past its end: checked at the moment of access."""
    return consent_status(consent, now) == ACTIVE


def consent_covers(consent: ConsentFacts, viewer: ViewerFacts, purpose: str) -> bool:
    if purpose not in consent.purposes:
        return False
    if consent.recipient_user_id is not None:
        return consent.recipient_user_id == viewer.user_id
    if consent.recipient_program_id is not None:
        return consent.recipient_program_id in viewer.care_team_program_ids
    return False


def _restricted(
    restrictions: tuple[RestrictionFacts, ...] | list[RestrictionFacts],
    *,
    viewer: ViewerFacts,
    program_id: int | None,
    purpose: str,
) -> frozenset[str]:
    out: set[str] = set()
    for restriction in restrictions:
        if restriction.recipient_user_id not in (None, viewer.user_id):
            continue
        if restriction.recipient_program_id not in (None, program_id):
            continue
        if restriction.purpose not in (None, purpose):
            continue
        out |= restriction.categories
    return frozenset(out)


def decide(
    *,
    person_id: int,
    viewer: ViewerFacts,
    consents: list[ConsentFacts] | tuple[ConsentFacts, ...],
    restrictions: list[RestrictionFacts] | tuple[RestrictionFacts, ...],
    grants: list[GrantFacts] | tuple[GrantFacts, ...],
    requested: frozenset[str],
    purpose: str,
    now: datetime,
    person_active: bool,
) -> Decision:
    """Which of the requested categories this viewer may see now, and on which basis.

    An inactive account (deleted and in its grace period, or switched off) is disclosed to
    nobody: its person cannot sign in to revoke anything."""
    if not viewer.is_active or not person_active or not requested:
        return Decision(DENIED, frozenset())
    if viewer.user_id == person_id:
        return Decision(SELF, frozenset(requested))
    by_consent: list[tuple[int, frozenset[str]]] = []
    given: set[str] = set()
    for consent in sorted(consents, key=lambda c: c.id):
        if not consent_is_active(consent, now) or not consent_covers(consent, viewer, purpose):
            continue
        scope = set(consent.categories)
        # Counseling notes travel only under a counseling-notes consent, and such a consent
        # carries nothing else, whatever a stored row might say (P2-02, P2-03).
        if consent.kind == COUNSELING_NOTES:
            scope &= {COUNSELING_NOTES_CATEGORY}
        else:
            scope.discard(COUNSELING_NOTES_CATEGORY)
        scope &= requested
        scope -= _restricted(
            restrictions,
            viewer=viewer,
            program_id=consent.recipient_program_id,
            purpose=purpose,
        )
        scope -= given
        if scope:
            by_consent.append((consent.id, frozenset(scope)))
            given |= scope
    grant_id = None
    grant_categories: frozenset[str] = frozenset()
    # Break-glass is the documented no-consent basis (a medical emergency): treatment only,
    # and only for what consents did not already give.
    if purpose == TREATMENT:
        for grant in sorted(grants, key=lambda g: g.id):
            if grant.clinician_id != viewer.user_id:
                continue
            if not (grant.opened_at <= now < grant.expires_at):
                continue
            extra = (grant.categories & requested) - given - {COUNSELING_NOTES_CATEGORY}
            if extra:
                grant_id, grant_categories = grant.id, frozenset(extra)
                given |= extra
            break
    if not given:
        return Decision(DENIED, frozenset())
    basis = CONSENT if by_consent else BREAK_GLASS
    return Decision(basis, frozenset(given), tuple(by_consent), grant_id, grant_categories)
