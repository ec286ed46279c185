"""Every write of the care app. Counseling notes are written through privacy's check (P2-03);
alerts are raised by the caseload (in bulk) and acted on by clinicians who may see them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.care import alert_rules
from homegroup.care.models import (
    BODY_MAX,
    SHOWN_STATUSES,
    Alert,
    AlertAction,
    AlertRuleSetting,
    AlertStatus,
    CounselingNote,
)
from homegroup.lib import request_ids
from homegroup.privacy import gate

# The audit actions of this app's alert and caseload writes.
ALERTS_RAISED = AuditAction.CARE_ALERTS_RAISED
ALERT_ACKNOWLEDGED = AuditAction.CARE_ALERT_ACKNOWLEDGED
ALERT_SNOOZED = AuditAction.CARE_ALERT_SNOOZED
ALERT_RESOLVED = AuditAction.CARE_ALERT_RESOLVED
CASELOAD_VIEWED = AuditAction.CARE_CASELOAD_VIEWED
MEASURE_REQUEST_REFUSED = AuditAction.CARE_MEASURE_REQUEST_REFUSED
ALERT_RULE_CHANGED = AuditAction.CARE_ALERT_RULE_CHANGED
ALERT_NOTE_MAX = 500
SNOOZE_DAYS = (1, 3, 7, 14)


def write_counseling_note(
    *, author: User, person: User, session_date: date, body: str
) -> CounselingNote:
    """A clinician on the person's care team records a counseling session (author-only).

    A clinician who may not write about this person is refused (and the attempt audited)
    before anything is validated, so the error says nothing about the person."""
    if not gate.may_write_counseling_note(author, person):
        audit.record(
            action=AuditAction.CARE_COUNSELING_NOTE_WRITTEN,
            actor_id=getattr(author, "pk", None),
            subject_id=person.pk,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied
    return _write(author=author, person=person, session_date=session_date, body=body)


@transaction.atomic
def _write(*, author: User, person: User, session_date: date, body: str) -> CounselingNote:
    text = body.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["body"] = _("Write the note.")
    elif len(text) > BODY_MAX:
        errors["body"] = _("At most %(max)s characters.") % {"max": BODY_MAX}
    # A day of slack: the clinician's "today" may be ahead of UTC.
    if session_date > timezone.now().date() + timedelta(days=1):
        errors["session_date"] = _("A session cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    note = CounselingNote.objects.create(
        author=author,
        person=person,
        session_date=session_date,
        body=text,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        action=AuditAction.CARE_COUNSELING_NOTE_WRITTEN,
        actor_id=author.pk,
        subject_id=person.pk,
        object_type="counseling_note",
        object_id=note.pk,
    )
    return note


def note_counseling_notes_read(*, author: User, person_id: int, object_id: object = "") -> None:
    """Audit one read of the author's own notes about a person."""
    audit.record(
        action=AuditAction.CARE_COUNSELING_NOTES_READ,
        actor_id=author.pk,
        subject_id=person_id,
        object_type="counseling_note",
        object_id=str(object_id),
    )


# --- Alerts -----------------------------------------------------------------------------------


@transaction.atomic
def raise_alerts(
    *,
    findings: dict[int, list[alert_rules.Finding]],
    evaluated: dict[int, frozenset[str]],
    now: datetime,
) -> dict[int, list[Alert]]:
    """Keep the caseload's alerts in step with what the rules found, in a constant number of
    queries: a finding seen for the first time becomes a new alert (audited); an alert the rule
    no longer finds is marked cleared (never deleted) when every category it rests on was
    evaluated this time. Returns each person's alerts that need a look."""
    person_ids = list(evaluated)
    # Only the alerts still in play are read: resolved and cleared ones pile up over the years.
    # (Not their facts: the rules compare by person, rule and key.)
    existing = list(
        Alert.objects.about_people(person_ids)
        .filter(cleared_at__isnull=True)
        .exclude(status=AlertStatus.RESOLVED)
        .only("id", "person_id", "rule", "key", "categories", "status", "cleared_at")
    )
    active = {(a.person_id, a.rule, a.key) for a in existing}
    candidates = {
        (person_id, finding.rule, finding.key): finding
        for person_id, person_findings in findings.items()
        for finding in person_findings
        if (person_id, finding.rule, finding.key) not in active
    }
    # An episode resolved or cleared earlier is not raised again: one query for their keys.
    known = (
        set(
            Alert.objects.filter(
                person_id__in={pid for pid, _rule, _key in candidates},
                key__in={key for _pid, _rule, key in candidates},
            ).values_list("person_id", "rule", "key")
        )
        if candidates
        else set()
    )
    new = [
        Alert(
            person_id=person_id,
            rule=finding.rule,
            rule_version=finding.version,
            key=finding.key,
            categories=sorted(finding.categories),
            facts=dict(finding.facts),
            raised_at=now,
            updated_at=now,
        )
        for (person_id, _rule, _key), finding in candidates.items()
        if (person_id, finding.rule, finding.key) not in known
    ]
    if new:
        Alert.objects.bulk_create(new, ignore_conflicts=True)
    found = {(pid, f.rule, f.key) for pid, fs in findings.items() for f in fs}
    stale = [
        alert.pk
        for alert in existing
        if alert.cleared_at is None
        and alert.status in SHOWN_STATUSES
        and (alert.person_id, alert.rule, alert.key) not in found
        and set(alert.categories) <= evaluated.get(alert.person_id, frozenset())
    ]
    if stale:
        Alert.objects.filter(pk__in=stale).update(cleared_at=now, updated_at=now)
    if new:
        request_id = request_ids.current()
        audit.append_many(
            [
                AuditEvent(
                    occurred_at=now,
                    actor_id=None,
                    action=ALERTS_RAISED,
                    outcome=Outcome.SUCCESS,
                    subject_id=alert.person_id,
                    object_type="alert_rule",
                    object_id=alert.rule,
                    request_id=request_id,
                )
                for alert in new
            ]
        )
    showing: dict[int, list[Alert]] = {pid: [] for pid in person_ids}
    for alert in (
        Alert.objects.about_people(person_ids)
        .showing(now)
        .filter(cleared_at__isnull=True)
        .only("id", "person_id", "rule", "categories", "status", "snoozed_until", "cleared_at")
    ):
        showing[alert.person_id].append(alert)
    return showing


def _act(
    *,
    alert: Alert,
    by: User,
    status: AlertStatus,
    action: AuditAction,
    note: str = "",
    snoozed_until: datetime | None = None,
) -> Alert:
    text = note.strip()
    if len(text) > ALERT_NOTE_MAX:
        raise ValidationError({"note": _("At most %(max)s characters.") % {"max": ALERT_NOTE_MAX}})
    now = timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == AlertStatus.RESOLVED:
            raise ValidationError(_("This alert is resolved already."))
        locked.status = status
        locked.snoozed_until = snoozed_until
        locked.updated_at = now
        locked.save(update_fields=["status", "snoozed_until", "updated_at"])
        AlertAction.objects.create(
            alert=locked,
            actor_id=by.pk,
            status=status,
            note=text,
            snoozed_until=snoozed_until,
            acted_at=now,
        )
        audit.record(
            action=action,
            actor_id=by.pk,
            subject_id=locked.person_id,
            object_type="alert",
            object_id=locked.pk,
        )
    return locked


def acknowledge_alert(*, alert: Alert, by: User, note: str) -> Alert:
    """The clinician has read it and says what they will do (a short note, required)."""
    if not note.strip():
        raise ValidationError({"note": _("Write a short note: what you saw or will do.")})
    return _act(
        alert=alert, by=by, status=AlertStatus.ACKNOWLEDGED, action=ALERT_ACKNOWLEDGED, note=note
    )


def snooze_alert(*, alert: Alert, by: User, days: int, note: str = "") -> Alert:
    """Out of the way for some days; it shows again after them if the rule still finds it."""
    if days not in SNOOZE_DAYS:
        raise ValidationError(
            {
                "days": _("Snooze for one of: %(days)s days.")
                % {"days": ", ".join(map(str, SNOOZE_DAYS))}
            }
        )
    until = timezone.now() + timedelta(days=days)
    return _act(
        alert=alert,
        by=by,
        status=AlertStatus.SNOOZED,
        action=ALERT_SNOOZED,
        note=note,
        snoozed_until=until,
    )


def resolve_alert(*, alert: Alert, by: User, note: str = "") -> Alert:
    """Dealt with: it leaves the caseload, and stays in the person's record's history."""
    return _act(alert=alert, by=by, status=AlertStatus.RESOLVED, action=ALERT_RESOLVED, note=note)


def note_caseload_viewed(*, clinician: User, people: int) -> None:
    audit.record(
        action=CASELOAD_VIEWED, actor_id=clinician.pk, object_type="caseload", object_id=people
    )


# --- A program's alert rules --------------------------------------------------------------------


@transaction.atomic
def set_alert_rule(
    *, program: Any, by: User, rule: str, enabled: bool, thresholds: dict[str, object]
) -> AlertRuleSetting:
    """A program admin switches a rule on or off and sets its thresholds (each within
    `alert_rules.BOUNDS`). A bad value is refused with what and where; nothing changes."""
    if rule not in alert_rules.RULES:
        raise ValidationError({"rule": _("Unknown alert rule.")})
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name in alert_rules.RULE_THRESHOLDS[rule]:
        low, high = alert_rules.BOUNDS[name]
        raw = thresholds.get(name, getattr(alert_rules.Thresholds(), name))
        try:
            number = int(str(raw).strip())
        except ValueError:
            errors[name] = _("Give a whole number.")
            continue
        if not low <= number <= high:
            errors[name] = _("Between %(low)s and %(high)s.") % {"low": low, "high": high}
            continue
        values[name] = number
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    setting, _created = AlertRuleSetting.objects.update_or_create(
        program=program,
        rule=rule,
        defaults={
            "enabled": enabled,
            "thresholds": values,
            "updated_at": now,
            "updated_by_id": by.pk,
        },
    )
    audit.record(
        action=ALERT_RULE_CHANGED,
        actor_id=by.pk,
        object_type="alert_rule_setting",
        object_id=setting.pk,
    )
    return setting
