"""MAT-friendliness evidence: reports of people in recovery and clinicians, a maintainer's
review, statements added and withdrawn, and the level each meeting's counted evidence gives
(`directory/mat.py`, ADR 0003).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import requires_role
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import mat, version
from homegroup.directory.actions.meetings import about_meeting
from homegroup.directory.models import (
    EvidenceKind,
    Fellowship,
    MatEvidence,
    Meeting,
    ReviewStatus,
    Stance,
)

REPORT_KINDS = (EvidenceKind.MEMBER_REPORT, EvidenceKind.CLINICIAN_REPORT)


def reporter_key(*, user_id: int, meeting_id: int) -> str:
    """The opaque key a report keeps instead of its author: the same person and meeting give
    the same key (one person counts once), and nobody can go from the key back to the person
    without the server's secret."""
    return salted_hmac(
        "homegroup.directory.mat_reporter", f"{user_id}:{meeting_id}", algorithm="sha256"
    ).hexdigest()


def _evidence_facts(rows: Iterable[tuple[str, str, datetime, str]]) -> list[mat.EvidenceFact]:
    return [
        mat.EvidenceFact(kind, stance, observed_at.date(), reporter)  # type: ignore[arg-type]
        for kind, stance, observed_at, reporter in rows
    ]


def _refresh_levels(meeting_ids: set[int], *, today: date) -> dict[str, list[str]]:
    """Derive and store the level of many meetings with a constant number of queries; returns
    {slug: [old, new]} for the levels that changed."""
    if not meeting_ids:
        return {}
    meetings = {
        pk: (slug, level, charter)
        for pk, slug, level, charter in Meeting.objects.filter(pk__in=meeting_ids).values_list(
            "pk", "slug", "mat_level", "fellowship__medication_inclusive_charter"
        )
    }
    evidence: dict[int, list[tuple[str, str, datetime, str]]] = {pk: [] for pk in meetings}
    for meeting_id, *row in (
        MatEvidence.objects.counted()
        .filter(meeting_id__in=meeting_ids)
        .values_list("meeting_id", "kind", "stance", "observed_at", "reporter_key")
    ):
        evidence[meeting_id].append(tuple(row))  # type: ignore[arg-type]
    by_level: dict[str, list[int]] = {}
    changed: dict[str, list[str]] = {}
    for pk, (slug, old, charter) in meetings.items():
        decision = mat.derive_level(
            charter=charter, evidence=_evidence_facts(evidence[pk]), today=today
        )
        if decision.level != old:
            by_level.setdefault(decision.level, []).append(pk)
            changed[slug] = [old, decision.level]
    if by_level:
        version.bump()
    for level, pks in by_level.items():
        Meeting.objects.filter(pk__in=pks).update(mat_level=level)
    return changed


@transaction.atomic
def refresh_mat_level(meeting: Meeting, *, today: date | None = None) -> mat.LevelDecision:
    """Derive the meeting's level from its counted evidence and its fellowship's charter, and
    store it (for search) when it changed. Called after every change of evidence."""
    charter = Fellowship.objects.filter(pk=meeting.fellowship_id).values_list(
        "medication_inclusive_charter", flat=True
    )
    rows = (
        MatEvidence.objects.counted()
        .filter(meeting=meeting)
        .values_list("kind", "stance", "observed_at", "reporter_key")
    )
    decision = mat.derive_level(
        charter=bool(charter.first()),
        evidence=_evidence_facts(rows),
        today=today or timezone.localdate(),
    )
    if decision.level != meeting.mat_level:
        version.bump()
        Meeting.objects.filter(pk=meeting.pk).update(mat_level=decision.level)
        meeting.mat_level = decision.level
        audit.record(
            action=AuditAction.DIRECTORY_MAT_LEVEL_CHANGED,
            actor_id=None,
            object_type="meeting",
            object_id=meeting.pk,
        )
    return decision


_REPORT_SUMMARIES = {
    (EvidenceKind.MEMBER_REPORT, Stance.WELCOMING): gettext_noop(
        "A person in recovery reported that people on medication were made welcome."
    ),
    (EvidenceKind.MEMBER_REPORT, Stance.UNWELCOMING): gettext_noop(
        "A person in recovery reported that people on medication were not made welcome "
        "(for example, told not to share)."
    ),
    (EvidenceKind.CLINICIAN_REPORT, Stance.WELCOMING): gettext_noop(
        "A clinician reported that people on medication are made welcome."
    ),
    (EvidenceKind.CLINICIAN_REPORT, Stance.UNWELCOMING): gettext_noop(
        "A clinician reported that people on medication were not made welcome."
    ),
}


def _check_stance(stance: str) -> str:
    if stance not in Stance.values:
        raise ValidationError({"stance": _("Choose welcoming or not welcoming.")})
    return stance


def _check_observed_on(observed_on: date, *, today: date) -> date:
    if observed_on > today:
        raise ValidationError({"observed_on": _("That date is in the future.")})
    if (today - observed_on).days > mat.EXPIRES_DAYS:
        raise ValidationError(
            {"observed_on": _("An experience more than five years ago no longer counts.")}
        )
    return observed_on


def _check_reporter_note(note: str) -> str:
    note = " ".join(note.split())
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note to 500 characters.")})
    return note


@requires_role(
    Role.PERSON_IN_RECOVERY,
    Role.CLINICIAN,
    audit=AuditAction.DIRECTORY_MAT_REPORT,
    actor="reporter",
    about=about_meeting,
)
@transaction.atomic
def report_mat_experience(
    *, meeting: Meeting, reporter: User, stance: str, observed_on: date, note: str = ""
) -> MatEvidence:
    """A person in recovery or a clinician reports how people on medication were received.

    Stored pending (a directory maintainer reviews it before it counts) with only an opaque
    reporter key: one person counts once per meeting, and a second report replaces the first.
    """
    version.lock()
    is_member = reporter.has_role(Role.PERSON_IN_RECOVERY)
    if meeting.removed_at is not None:
        raise ValidationError({"meeting": _("This meeting is no longer listed.")})
    _check_stance(stance)
    now = timezone.now()
    _check_observed_on(observed_on, today=timezone.localdate())
    note = _check_reporter_note(note)
    kind = EvidenceKind.MEMBER_REPORT if is_member else EvidenceKind.CLINICIAN_REPORT
    key = reporter_key(user_id=reporter.pk, meeting_id=meeting.pk)
    evidence = MatEvidence.objects.filter(meeting=meeting, reporter_key=key).first()
    if evidence is not None and evidence.review_status == ReviewStatus.ACCEPTED:
        version.bump()  # a counted report becomes a pending one
    if evidence is None:
        evidence = MatEvidence(meeting=meeting, reporter_key=key)
    evidence.kind = kind
    evidence.stance = stance
    evidence.summary = _REPORT_SUMMARIES[(kind, Stance(stance))]
    evidence.observed_at = datetime.combine(observed_on, time(12, 0), tzinfo=UTC)
    evidence.recorded_at = now
    evidence.reporter_note = note
    evidence.review_status = ReviewStatus.PENDING
    evidence.reviewed_by_id = None
    evidence.reviewed_at = None
    evidence.save()
    audit.record(
        action=AuditAction.DIRECTORY_MAT_REPORT,
        actor_id=reporter.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(meeting)  # a replaced, accepted report no longer counts
    return evidence


@requires_role(
    Role.DIRECTORY_MAINTAINER,
    audit=AuditAction.DIRECTORY_MAT_REPORT_REVIEWED,
    actor="reviewer",
    about=about_meeting,
)
@transaction.atomic
def review_mat_report(*, evidence: MatEvidence, reviewer: User, accept: bool) -> MatEvidence:
    """A directory maintainer accepts a pending report (it counts from now on) or rejects it."""
    version.lock()
    if evidence.kind not in REPORT_KINDS:
        raise ValidationError({"evidence": _("Only reports from people are reviewed.")})
    if evidence.review_status != ReviewStatus.PENDING:
        raise ValidationError({"evidence": _("That report was already reviewed.")})
    if accept:
        version.bump()  # the report counts from now on, and search results show it
    evidence.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    evidence.reviewed_by_id = reviewer.pk
    evidence.reviewed_at = timezone.now()
    evidence.save(update_fields=["review_status", "reviewed_by_id", "reviewed_at"])
    audit.record(
        action=AuditAction.DIRECTORY_MAT_REPORT_REVIEWED,
        actor_id=reviewer.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(evidence.meeting)
    return evidence


@requires_role(
    Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_MAT_EVIDENCE_ADDED, about=about_meeting
)
@transaction.atomic
def add_mat_evidence(
    *,
    meeting: Meeting,
    actor: User,
    kind: str,
    stance: str,
    summary: str,
    observed_on: date,
) -> MatEvidence:
    """A directory maintainer records a statement: the group's own (e.g. by email) or their
    own check of the meeting. It counts at once; the summary is shown on the meeting page."""
    version.bump()  # it counts at once, and search results show it
    if kind not in (EvidenceKind.PUBLISHER_STATEMENT, EvidenceKind.MAINTAINER):
        raise ValidationError(
            {"kind": _("A maintainer records a publisher's statement or their own check.")}
        )
    _check_stance(stance)
    summary = " ".join(summary.split())
    if not summary:
        raise ValidationError({"summary": _("Say what was stated, in words safe to show.")})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("That date is in the future.")})
    evidence = MatEvidence.objects.create(
        meeting=meeting,
        kind=kind,
        stance=stance,
        summary=summary[:300],
        observed_at=datetime.combine(observed_on, time(12, 0), tzinfo=UTC),
        recorded_at=timezone.now(),
        review_status=ReviewStatus.ACCEPTED,
        reviewed_by_id=actor.pk,
        reviewed_at=timezone.now(),
    )
    audit.record(
        action=AuditAction.DIRECTORY_MAT_EVIDENCE_ADDED,
        actor_id=actor.pk,
        object_type="mat_evidence",
        object_id=evidence.pk,
    )
    refresh_mat_level(meeting)
    return evidence


@requires_role(
    Role.DIRECTORY_MAINTAINER,
    audit=AuditAction.DIRECTORY_MAT_EVIDENCE_WITHDRAWN,
    about=about_meeting,
)
@transaction.atomic
def withdraw_mat_evidence(*, evidence: MatEvidence, actor: User) -> None:
    """A directory maintainer withdraws a statement or a report (e.g. one recorded in error).
    Evidence read from a feed is not withdrawn by hand: the next import re-syncs it."""
    version.lock()
    if evidence.source_id is not None:
        raise ValidationError(
            {"evidence": _("This comes from the source's feed; change it at the source.")}
        )
    if evidence.review_status == ReviewStatus.ACCEPTED:
        version.bump()  # search results showed it
    meeting = evidence.meeting
    evidence_id = evidence.pk
    evidence.delete()
    audit.record(
        action=AuditAction.DIRECTORY_MAT_EVIDENCE_WITHDRAWN,
        actor_id=actor.pk,
        object_type="mat_evidence",
        object_id=evidence_id,
    )
    refresh_mat_level(meeting)
