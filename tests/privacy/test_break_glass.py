"""H-02: break-glass for clinicians of the program outside the care team."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions, categories, gate, rules
from homegroup.privacy.models import BreakGlassGrant, Channel, DisclosureRecord

pytestmark = pytest.mark.django_db

REASON = "Ana collapsed in the waiting room; I need her medication and recent use."


def dev_looks(people, requested=categories.ALL):
    return gate.disclose(
        viewer=people.dev,
        person=people.ana,
        categories_requested=requested,
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )


def test_H_02_without_break_glass_dev_is_denied_and_the_attempt_audited(people):
    assert not dev_looks(people).allowed
    assert AuditEvent.objects.filter(
        action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
    ).exists()


def test_H_02_break_glass_needs_a_written_reason(client_for, people):
    dev = client_for(people.dev)
    path = f"/privacy/break-glass/{people.ana.pk}/"
    assert dev.post(path, {"reason": "urgent", "attested": "on"}).status_code == 400
    assert dev.post(path, {"reason": REASON}).status_code == 400  # not attested
    assert not BreakGlassGrant.objects.exists()
    assert dev.post(path, {"reason": REASON, "attested": "on"}).status_code == 302
    assert "open until" in dev.get(path).content.decode()


def test_H_02_break_glass_opens_for_60_minutes_is_logged_and_then_expires(people):
    grant = actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason=REASON)
    assert grant.expires_at - grant.opened_at == timedelta(minutes=60)
    opened = AuditEvent.objects.get(action="privacy.break_glass_opened")
    assert (opened.actor_id, opened.subject_id) == (people.dev.pk, people.ana.pk)
    disclosure = dev_looks(people)
    assert disclosure.basis == rules.BREAK_GLASS
    assert disclosure.allowed_categories == categories.BREAK_GLASS
    assert disclosure.break_glass == grant
    assert "emergency access until" in disclosure.scope_summary
    record = DisclosureRecord.objects.get()
    assert (record.basis, record.break_glass_id) == ("break_glass", grant.pk)
    with time_machine.travel(grant.expires_at, tick=False):
        assert not dev_looks(people).allowed


def test_H_02_break_glass_never_opens_private_or_counseling_notes(people):
    actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason=REASON)
    disclosure = dev_looks(people, frozenset({"private_notes", "counseling_notes"}))
    assert not disclosure.allowed


def test_H_02_only_clinicians_of_the_persons_program_may_break_glass(client_for, people):
    with pytest.raises(PermissionError):
        actions.open_break_glass(clinician=people.dev, person_id=people.ben.pk, reason=REASON)
    with pytest.raises(PermissionError):
        actions.open_break_glass(clinician=people.pat, person_id=people.ana.pk, reason=REASON)
    assert client_for(people.dev).get(f"/privacy/break-glass/{people.ben.pk}/").status_code == 404
    assert client_for(people.pat).get(f"/privacy/break-glass/{people.ana.pk}/").status_code == 403
    with pytest.raises(ValidationError):
        actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason="x")


def test_H_02_break_glass_is_flagged_for_the_program_admins_review(client_for, people):
    grant = actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason=REASON)
    pat = client_for(people.pat)
    assert "1 emergency access awaits your review." in pat.get("/privacy/program/").content.decode()
    reviews = pat.get("/privacy/program/reviews/").content.decode()
    assert REASON in reviews
    assert "Dev opened Ana" in reviews
    done = pat.post(
        f"/privacy/program/reviews/{grant.pk}/",
        {"outcome": "justified", "note": "Confirmed with the nurse on duty."},
    )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert (grant.review_outcome, grant.reviewed_by_id) == ("justified", people.pat.pk)
    assert AuditEvent.objects.filter(action="privacy.break_glass_reviewed").exists()
    assert "awaits your review" not in pat.get("/privacy/program/").content.decode()


def test_H_02_the_reason_is_encrypted_at_rest(people):
    from django.db import connection

    grant = actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason=REASON)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM privacy_breakglassgrant WHERE id = %s", [grant.pk])
        raw = cursor.fetchone()[0]
    assert "collapsed" not in raw


def test_H_02_a_review_without_an_outcome_is_refused_with_400(client_for, people):
    grant = actions.open_break_glass(clinician=people.dev, person_id=people.ana.pk, reason=REASON)
    pat = client_for(people.pat)
    refused = pat.post(f"/privacy/program/reviews/{grant.pk}/", {"note": "?"})
    assert refused.status_code == 400
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    pat.post(f"/privacy/program/reviews/{grant.pk}/", {"outcome": "not_justified"})
    again = pat.post(f"/privacy/program/reviews/{grant.pk}/", {"outcome": "justified"})
    assert again.status_code == 400  # reviewed once
    grant.refresh_from_db()
    assert grant.review_outcome == "not_justified"
