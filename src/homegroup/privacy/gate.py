"""The one disclosure gate (P2-06): every path by which one person's record reaches another.

    disclosure = gate.disclose(viewer=request.user, person=ana, categories_requested={...},
                               channel=Channel.PAGE, purpose=Purpose.TREATMENT)
    if not disclosure.allowed:
        raise Http404            # the attempt is already audited
    checkins = CheckIn.objects.disclosed(disclosure)   # only the consented categories

It finds the active consents (or an open break-glass grant, H-02) that cover this viewer and
purpose, filters the request to their categories minus the person's restrictions (P2-09),
writes a disclosure record (P2-08) and an audit event for each basis, attaches the Part 2 notice
(P2-07), and denies by default. Any exception inside the check denies and is audited (A-10).
The decision itself is the pure `rules.decide`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homegroup.accounts.models import Role, User
from homegroup.audit import actions as audit
from homegroup.audit.models import Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.privacy import actions, categories, rules
from homegroup.privacy.models import (
    BreakGlassGrant,
    CareTeamMember,
    Consent,
    DisclosureRecord,
    Restriction,
)

logger = logging.getLogger(__name__)

# 42 CFR 2.32(a)(1), the full statement as amended in 2024; (a)(2) is the short form. Verify
# against the current eCFR before relying on it in a deployment.
PART2_NOTICE = gettext_lazy(
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (i) Further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. "
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) You have received the record "
    "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
    "and E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or "
    "redisclose the record (see 42 CFR 2.31)."
)


@dataclass(frozen=True)
class Disclosure:
    """What the gate let through, why, and the notice that must travel with it."""

    person_id: int
    viewer_id: int | None
    purpose: str
    channel: str
    basis: str
    allowed_categories: frozenset[str]
    consents: tuple[Consent, ...] = ()
    break_glass: BreakGlassGrant | None = None
    records: tuple[DisclosureRecord, ...] = ()
    notice: str = ""

    @property
    def allowed(self) -> bool:
        return bool(self.allowed_categories)

    @property
    def consent(self) -> Consent | None:
        return self.consents[0] if self.consents else None

    def allows(self, category: str) -> bool:
        return category in self.allowed_categories

    @property
    def scope_summary(self) -> str:
        """A clear summary of the consent's scope, to print beside the notice (P2-07)."""
        shown = "; ".join(categories.label(c) for c in categories.ordered(self.allowed_categories))
        parts = [
            _("consent %(id)s, %(until)s") % {"id": consent.pk, "until": consent.until_label}
            for consent in self.consents
        ]
        if self.break_glass is not None:
            parts.append(
                _("emergency access until %(time)s UTC")
                % {"time": self.break_glass.expires_at.strftime("%H:%M")}
            )
        return _("Shown: %(what)s. Basis: %(basis)s.") % {
            "what": shown,
            "basis": ", ".join(parts) or _("none"),
        }


def _viewer_program_ids(viewer: Any, person_id: int) -> frozenset[int]:
    """Programs in which the viewer is a current clinician on this person's care team, while the
    person is enrolled: a consent to the program covers the viewer only through these.

    One query."""
    return frozenset(
        CareTeamMember.objects.serving(viewer, person_id).values_list("program_id", flat=True)
    )


def _open_grants(viewer: Any, person_id: int, now: datetime) -> list[BreakGlassGrant]:
    if not viewer.has_role(Role.CLINICIAN):
        return []
    return list(BreakGlassGrant.objects.in_force(now).filter(clinician=viewer, person_id=person_id))


def _denied(viewer_id: int | None, person_id: int, purpose: str, channel: str) -> Disclosure:
    return Disclosure(person_id, viewer_id, purpose, channel, rules.DENIED, frozenset())


def disclose(
    *,
    viewer: Any,
    person: Any,
    categories_requested: Iterable[str],
    channel: str,
    purpose: str,
    request_id: str | None = None,
) -> Disclosure:
    """Decide, record and audit one disclosure of `person`'s record to `viewer`.

    Denies by default."""
    asked = _gate_calls.get()
    if asked is not None:
        _gate_calls.set(asked + 1)
    person_id = int(getattr(person, "pk", person))
    viewer_id = getattr(viewer, "pk", None) if viewer is not None else None
    try:
        with transaction.atomic():
            return _disclose(
                viewer=viewer,
                viewer_id=viewer_id,
                person_id=person_id,
                requested=frozenset(categories_requested) & categories.ALL,
                channel=channel,
                purpose=purpose,
                request_id=request_id,
            )
    except Exception as error:
        # The exception's type only: its message could quote a value from the record.
        logger.error("disclosure gate failed closed (%s)", type(error).__name__)
        _audit_gate_error(viewer_id, request_id, person_id=person_id)
        return _denied(viewer_id, person_id, purpose, channel)


def _audit_gate_error(
    viewer_id: Any, request_id: str | None, *, person_id: int | None = None
) -> None:
    """The denied audit row of a gate that failed closed; never raises (A-10)."""
    try:
        audit.record(
            action=AuditAction.PRIVACY_DISCLOSURE,
            actor_id=viewer_id,
            subject_id=person_id,
            outcome=Outcome.DENIED,
            object_type="gate_error",
            request_id=request_id,
        )
    except Exception as audit_error:
        logger.error("could not audit a failed disclosure (%s)", type(audit_error).__name__)


def _disclose(
    *,
    viewer: Any,
    viewer_id: int | None,
    person_id: int,
    requested: frozenset[str],
    channel: str,
    purpose: str,
    request_id: str | None,
) -> Disclosure:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        audit.record(
            action=AuditAction.PRIVACY_DISCLOSURE,
            actor_id=None,
            subject_id=person_id,
            outcome=Outcome.DENIED,
            request_id=request_id,
        )
        return _denied(None, person_id, purpose, channel)
    viewer_id = int(viewer.pk)
    now = timezone.now()
    if viewer_id == person_id:
        # A person's own record is not a disclosure; the journal audits its own reads.
        return Disclosure(person_id, viewer_id, purpose, channel, rules.SELF, requested)
    person_active = bool(
        User.objects.filter(pk=person_id).values_list("is_active", flat=True).first()
    )
    program_ids = _viewer_program_ids(viewer, person_id)
    consents = {
        consent.pk: consent
        for consent in Consent.objects.possibly_active(now)
        .with_treatment()
        .filter(
            Q(recipient_user_id=viewer_id) | Q(recipient_program_id__in=program_ids),
            person_id=person_id,
        )
    }
    restrictions = [r.facts() for r in Restriction.objects.current().filter(person_id=person_id)]
    grants = {grant.pk: grant for grant in _open_grants(viewer, person_id, now)}
    decision = rules.decide(
        person_id=person_id,
        viewer=rules.ViewerFacts(
            user_id=viewer_id, is_active=True, care_team_program_ids=program_ids
        ),
        consents=[consent.facts() for consent in consents.values()],
        restrictions=restrictions,
        grants=[
            rules.GrantFacts(
                id=g.pk,
                clinician_id=g.clinician_id,
                opened_at=g.opened_at,
                expires_at=g.expires_at,
                categories=categories.BREAK_GLASS,
            )
            for g in grants.values()
        ],
        requested=requested,
        purpose=purpose,
        now=now,
        person_active=person_active,
    )
    if decision.basis == rules.DENIED:
        audit.record(
            action=AuditAction.PRIVACY_DISCLOSURE,
            actor_id=viewer_id,
            subject_id=person_id,
            outcome=Outcome.DENIED,
            request_id=request_id,
        )
        return _denied(viewer_id, person_id, purpose, channel)
    records = actions.record_disclosures(
        person_id=person_id,
        viewer_id=viewer_id,
        decision=decision,
        consents=consents,
        purpose=purpose,
        channel=channel,
        request_id=request_id,
    )
    return Disclosure(
        person_id=person_id,
        viewer_id=viewer_id,
        purpose=purpose,
        channel=channel,
        basis=decision.basis,
        allowed_categories=decision.allowed,
        consents=tuple(consents[consent_id] for consent_id, _scope in decision.by_consent),
        break_glass=grants.get(decision.grant_id) if decision.grant_id else None,
        records=tuple(records),
        notice=str(PART2_NOTICE),
    )


# What a consent's facts and a disclosure's scope summary read: the signed text stays unread.
_CONSENT_FACT_FIELDS = (
    "id",
    "person_id",
    "kind",
    "categories",
    "purposes",
    "recipient_user_id",
    "recipient_program_id",
    "activated_at",
    "revoked_at",
    "expires_at",
    "expiry_kind",
    "share_code_expires_at",
    "signed_at",
)


def candidate_person_ids(viewer: Any, *, now: datetime | None = None) -> set[int]:
    """Whose records a list such as the caseload asks `disclose_many` about: the people on the
    viewer's care teams in force, under their open break-glass grants, or who named them in a
    consent. A superset of whom the gate allows (it decides per person, and denies the rest),
    read without loading a consent: three small queries of ids."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return set()
    now = now or timezone.now()
    ids = set(
        Consent.objects.received_by(viewer).possibly_active(now).values_list("person_id", flat=True)
    )
    if viewer.has_role(Role.CLINICIAN):
        ids |= set(
            CareTeamMember.objects.in_force()
            .filter(clinician=viewer)
            .values_list("person_id", flat=True)
        )
        ids |= set(
            BreakGlassGrant.objects.in_force(now)
            .filter(clinician=viewer)
            .values_list("person_id", flat=True)
        )
    return ids


def disclose_many(
    *,
    viewer: Any,
    people: Iterable[int],
    categories_requested: Iterable[str],
    channel: str,
    purpose: str,
    request_id: str | None = None,
) -> dict[int, Disclosure]:
    """`disclose` for many people at once, for a page that lists them (the caseload): the same
    facts, the same `rules.decide` per person, the same accounting (one disclosure record and
    one audit event per person and basis) — gathered and written with a constant number of
    queries, whatever the number of people. People the viewer may not see are denied (and
    audited) as `disclose` denies them. Fails closed: any error denies everyone on the page."""
    asked = _gate_calls.get()
    if asked is not None:
        _gate_calls.set(asked + 1)
    person_ids = sorted({int(getattr(p, "pk", p)) for p in people})
    viewer_id = getattr(viewer, "pk", None) if viewer is not None else None
    if not person_ids:
        return {}
    try:
        with transaction.atomic():
            return _disclose_many(
                viewer=viewer,
                person_ids=person_ids,
                requested=frozenset(categories_requested) & categories.ALL,
                channel=channel,
                purpose=purpose,
                request_id=request_id,
            )
    except Exception as error:
        logger.error("bulk disclosure failed closed (%s)", type(error).__name__)
        _audit_gate_error(viewer_id, request_id)
        return {pid: _denied(viewer_id, pid, purpose, channel) for pid in person_ids}


def _disclose_many(
    *,
    viewer: Any,
    person_ids: list[int],
    requested: frozenset[str],
    channel: str,
    purpose: str,
    request_id: str | None,
) -> dict[int, Disclosure]:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        audit.record(
            action=AuditAction.PRIVACY_DISCLOSURE,
            actor_id=None,
            outcome=Outcome.DENIED,
            request_id=request_id,
        )
        return {pid: _denied(None, pid, purpose, channel) for pid in person_ids}
    viewer_id = int(viewer.pk)
    now = timezone.now()
    # A person's own record is never disclosed to them through someone else's list.
    others = [pid for pid in person_ids if pid != viewer_id]
    active = set(User.objects.filter(pk__in=others, is_active=True).values_list("pk", flat=True))
    programs: dict[int, set[int]] = {pid: set() for pid in others}
    if viewer.has_role(Role.CLINICIAN):
        for person_id, program_id in (
            CareTeamMember.objects.in_force()
            .filter(person_id__in=others, clinician=viewer)
            .values_list("person_id", "program_id")
        ):
            programs[person_id].add(program_id)
    all_programs = set().union(*programs.values()) if programs else set()
    consents = {
        consent.pk: consent
        for consent in Consent.objects.possibly_active(now)
        .with_treatment()
        .filter(
            Q(recipient_user_id=viewer_id) | Q(recipient_program_id__in=all_programs),
            person_id__in=others,
        )
        .only(*_CONSENT_FACT_FIELDS)
    }
    by_person: dict[int, list[rules.ConsentFacts]] = {pid: [] for pid in others}
    for consent in consents.values():
        by_person[consent.person_id].append(consent.facts())
    restrictions: dict[int, list[rules.RestrictionFacts]] = {pid: [] for pid in others}
    for restriction in Restriction.objects.current().filter(person_id__in=others):
        restrictions[restriction.person_id].append(restriction.facts())
    grants: dict[int, list[BreakGlassGrant]] = {pid: [] for pid in others}
    if viewer.has_role(Role.CLINICIAN):
        for grant in BreakGlassGrant.objects.in_force(now).filter(
            clinician=viewer, person_id__in=others
        ):
            grants[grant.person_id].append(grant)
    decisions = {
        pid: rules.decide(
            person_id=pid,
            viewer=rules.ViewerFacts(
                user_id=viewer_id, is_active=True, care_team_program_ids=frozenset(programs[pid])
            ),
            consents=by_person[pid],
            restrictions=restrictions[pid],
            grants=[
                rules.GrantFacts(
                    id=g.pk,
                    clinician_id=g.clinician_id,
                    opened_at=g.opened_at,
                    expires_at=g.expires_at,
                    categories=categories.BREAK_GLASS,
                )
                for g in grants[pid]
            ],
            requested=requested,
            purpose=purpose,
            now=now,
            person_active=pid in active,
        )
        for pid in others
    }
    records = actions.record_many_disclosures(
        viewer_id=viewer_id,
        decisions=decisions,
        consents=consents,
        purpose=purpose,
        channel=channel,
        request_id=request_id,
    )
    grant_by_id = {g.pk: g for person_grants in grants.values() for g in person_grants}
    answer = {pid: _denied(viewer_id, pid, purpose, channel) for pid in person_ids}
    for pid, decision in decisions.items():
        if decision.basis == rules.DENIED:
            continue
        answer[pid] = Disclosure(
            person_id=pid,
            viewer_id=viewer_id,
            purpose=purpose,
            channel=channel,
            basis=decision.basis,
            allowed_categories=decision.allowed,
            consents=tuple(consents[consent_id] for consent_id, _scope in decision.by_consent),
            break_glass=grant_by_id.get(decision.grant_id) if decision.grant_id else None,
            records=tuple(records.get(pid, ())),
            notice=str(PART2_NOTICE),
        )
    return answer


def visible_person_ids(viewer: Any, *, now: datetime | None = None) -> set[int]:
    """Whose records the viewer could open now (any category): for lists such as a caseload.

    Listing is not disclosing: each record view still calls `disclose`, which decides the
    categories and writes the accounting.
    """
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return set()
    now = now or timezone.now()
    # The gate's rules, row for row: active accounts only, the same care-team and break-glass
    # rule (`in_force`), the same consent status.
    ids = {
        consent.person_id
        for consent in Consent.objects.received_by(viewer)
        .possibly_active(now)
        .with_treatment()
        .filter(person__is_active=True)
        if rules.consent_is_active(consent.facts(), now)
    }
    if viewer.has_role(Role.CLINICIAN):
        places = CareTeamMember.objects.serving(viewer)
        pairs = set(places.values_list("program_id", "person_id"))
        if pairs:
            program_consents = (
                Consent.objects.possibly_active(now)
                .with_treatment()
                .filter(
                    recipient_program_id__in={program for program, _person in pairs},
                    person_id__in={person for _program, person in pairs},
                )
            )
            ids |= {
                consent.person_id
                for consent in program_consents
                if (consent.recipient_program_id, consent.person_id) in pairs
                and rules.consent_is_active(consent.facts(), now)
                and rules.TREATMENT in consent.purposes
            }
        ids |= set(
            BreakGlassGrant.objects.in_force(now)
            .filter(clinician=viewer)
            .values_list("person_id", flat=True)
        )
    return ids


# --- Views that return another person's record (the route inventory, P2-06) ---------------------

# How many times the current `@gated` view asked the gate; None outside such a view.
_gate_calls: ContextVar[int | None] = ContextVar("homegroup_gate_calls", default=None)
_View = TypeVar("_View", bound=Callable[..., Any])


def gated(view: _View) -> _View:
    """Marks a view (page or API operation) that returns another person's record.

    The route inventory (tests/privacy/test_route_inventory.py) requires this marker on every
    route it lists as returning someone else's data, and the wrapper holds the view to it on
    every request: an answer that never asked `disclose` is replaced by a 404 (fail closed,
    A-10), so a later edit that drops the gate call cannot leak. The marker survives the
    `functools.wraps` of the decorators stacked above it.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = _gate_calls.set(0)
        try:
            answer = view(*args, **kwargs)
            asked = _gate_calls.get()
        finally:
            _gate_calls.reset(token)
        if not asked and getattr(answer, "status_code", 200) < 300:
            logger.error("a gated view answered without asking the gate (%s)", view.__qualname__)
            raise Http404
        return answer

    wrapped.gated = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def may_write_counseling_note(author: Any, person: Any) -> bool:
    """P2-03: only a clinician on the person's care team (now, in a program the person is
    enrolled in) writes SUD counseling notes about them. Reading them stays author-only."""
    return on_care_team(author, person)


def on_care_team(clinician: Any, person: Any) -> bool:
    """Whether a clinician holds a place on the person's care team now (in a program the person
    is enrolled in): who may write into the person's care — a counseling note, a request for a
    questionnaire, TSF sessions and recovery tasks. Reading what was recorded still needs a
    disclosure. Fails closed (A-10): any error inside the check says no."""
    try:
        if clinician is None or not clinician.is_authenticated or not clinician.is_active:
            return False
        person_id = int(getattr(person, "pk", person))
        if int(clinician.pk) == person_id:
            return False
        return bool(_viewer_program_ids(clinician, person_id))
    except Exception as error:
        logger.error("care-team check failed closed (%s)", type(error).__name__)
        return False
