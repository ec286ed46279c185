"""P2-03, H-04: SUD counseling notes — their own table, encrypted, author-only, written through
privacy's check, and absent from every export, API, FHIR and shared view unless a
counseling-notes consent releases them."""

import base64
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.care import actions
from homegroup.care.models import CounselingNote
from homegroup.privacy import gate
from tests.care.care_data import (
    COUNSELING_CANARY,
    anas_journal,
    coras_note,
    counseling_notes_consent,
    second_clinician_on_anas_team,
)
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

V = ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V")
PSYTHPN = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PSYTHPN")
ENCODED_CANARY = base64.b64encode(COUNSELING_CANARY.encode()).decode()


def assert_absent(response):
    body = response.content.decode("utf-8", "replace")
    if response["Content-Type"] == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            body = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert COUNSELING_CANARY not in body, response.request["PATH_INFO"]
    assert ENCODED_CANARY not in body, response.request["PATH_INFO"]


def test_P2_03_H_04_the_note_body_is_ciphertext_in_its_own_table(people):
    note = coras_note(people)
    assert CounselingNote._meta.db_table == "care_counselingnote"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM care_counselingnote")
        [stored] = [row[0] for row in cursor.fetchall()]
    assert COUNSELING_CANARY not in stored
    assert "ambivalence" not in stored
    note.refresh_from_db()
    assert note.body == COUNSELING_CANARY


def test_P2_03_writing_a_note_is_audited_without_its_content(people):
    note = coras_note(people)
    event = AuditEvent.objects.get(action="care.counseling_note_written")
    assert (event.actor_id, event.subject_id, event.object_id) == (
        people.cora.pk,
        people.ana.pk,
        str(note.pk),
    )


def test_P2_03_only_a_clinician_on_the_care_team_may_write_one(people):
    assert gate.may_write_counseling_note(people.cora, people.ana)
    for who in (people.dev, people.pat, people.sam, people.ana, people.ben, people.max):
        assert not gate.may_write_counseling_note(who, people.ana)
    with pytest.raises(PermissionDenied):
        actions.write_counseling_note(
            author=people.dev, person=people.ana, session_date=date.today(), body="no"
        )
    assert not CounselingNote.objects.exists()
    refused = AuditEvent.objects.get(action="care.counseling_note_written")
    assert (refused.actor_id, refused.outcome) == (people.dev.pk, Outcome.DENIED)


def test_A_10_the_write_check_fails_closed(people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(gate, "_viewer_program_ids", broken)
    assert not gate.may_write_counseling_note(people.cora, people.ana)


def test_P2_03_a_note_without_text_or_in_the_future_names_the_field(people):
    with pytest.raises(ValidationError) as empty:
        actions.write_counseling_note(
            author=people.cora, person=people.ana, session_date=date.today(), body="   "
        )
    assert "body" in empty.value.error_dict
    with pytest.raises(ValidationError) as future:
        actions.write_counseling_note(
            author=people.cora,
            person=people.ana,
            session_date=date.today() + timedelta(days=5),
            body="x",
        )
    assert "session_date" in future.value.error_dict


def test_P2_03_the_author_writes_and_reads_her_notes_on_the_page(people, client_for):
    cora = client_for(people.cora)
    page = f"/care/people/{people.ana.pk}/counseling-notes/"
    assert cora.get(page).status_code == 200
    response = cora.post(
        page, {"session_date": date.today().isoformat(), "body": COUNSELING_CANARY}
    )
    assert response.status_code == 302
    assert COUNSELING_CANARY in cora.get(page).content.decode()
    note = CounselingNote.objects.get()
    assert cora.get(f"/care/counseling-notes/{note.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        action="care.counseling_notes_read", actor_id=people.cora.pk, subject_id=people.ana.pk
    ).exists()


def test_P2_03_an_empty_note_is_refused_with_400(people, client_for):
    response = client_for(people.cora).post(
        f"/care/people/{people.ana.pk}/counseling-notes/",
        {"session_date": date.today().isoformat(), "body": ""},
    )
    assert response.status_code == 400
    assert not CounselingNote.objects.exists()


def test_P2_03_another_clinician_of_the_care_team_gets_404_on_the_note(people, client_for):
    note = coras_note(people)
    second_clinician_on_anas_team(people)
    dev = client_for(people.dev)
    assert dev.get(f"/care/counseling-notes/{note.pk}/").status_code == 404
    # He may write his own notes, and his list holds only his own.
    own = dev.get(f"/care/people/{people.ana.pk}/counseling-notes/")
    assert own.status_code == 200
    assert_absent(own)


def test_P2_03_outside_the_care_team_the_notes_page_is_404_and_audited(people, client_for):
    response = client_for(people.dev).get(f"/care/people/{people.ana.pk}/counseling-notes/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="care.counseling_notes_read", actor_id=people.dev.pk, outcome=Outcome.DENIED
    ).exists()


def test_P2_03_notes_are_author_only_even_for_the_person_they_are_about(people):
    coras_note(people)
    assert CounselingNote.objects.visible_to(people.cora).count() == 1
    for who in (people.ana, people.dev, people.pat, people.sam):
        assert not CounselingNote.objects.visible_to(who).exists()
    own = gate.disclose(
        viewer=people.ana,
        person=people.ana,
        categories_requested={"counseling_notes"},
        channel="page",
        purpose="treatment",
    )
    assert not CounselingNote.objects.disclosed(own).exists()


def _every_other_response(people, client_for):
    """Every page, export and API answer that shows Ana's record to anyone but the author's own
    notes pages: Ana's own journal, downloads and API, the clinician views and exports (Cora
    and, after break-glass, Dev), Sam's shared view, Ana's accounting and sharing pages."""
    from homegroup.privacy import actions as privacy_actions

    ana, cora, sam = client_for(people.ana), client_for(people.cora), client_for(people.sam)
    ana_pk = people.ana.pk
    for path in (
        "/journal/",
        "/journal/recovery/",
        "/journal/medication/",
        "/journal/twelve-step/",
        "/journal/network/",
        "/journal/measures/",
        "/journal/progress/",
        "/journal/data/",
        "/journal/audit/",
        "/journal/data/download/json/",
        "/journal/data/download/csv/",
        "/journal/data/download/fhir/",
        "/api/v1/me/checkins",
        "/api/v1/me/summary",
        "/api/v1/me/consents",
        "/api/v1/me/disclosures",
        "/privacy/sharing/",
        "/privacy/accounting/",
    ):
        yield ana.get(path)
    for path in ("", "print/", "fhir/"):
        yield cora.get(f"/care/people/{ana_pk}/{path}")
    yield cora.get("/care/")
    yield sam.get(f"/shared/{ana_pk}/")
    yield sam.get("/privacy/shared-with-me/")
    privacy_actions.open_break_glass(
        clinician=people.dev, person_id=ana_pk, reason="Ana collapsed; I need her medication list."
    )
    dev = client_for(people.dev)
    for path in ("", "print/", "fhir/"):
        yield dev.get(f"/care/people/{ana_pk}/{path}")


def test_P2_03_the_note_never_appears_in_any_export_api_fhir_or_shared_view(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    coras_note(people)
    seen = 0
    for response in _every_other_response(people, client_for):
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert_absent(response)
        seen += 1
    assert seen > 25


def test_P2_03_a_counseling_notes_consent_releases_them_to_the_care_team_with_v_and_psythpn(
    people, client_for
):
    anas_journal(people)
    share_as_in_the_story(people)
    coras_note(people)
    second_clinician_on_anas_team(people)
    counseling_notes_consent(people)
    dev = client_for(people.dev)
    page = dev.get(f"/care/people/{people.ana.pk}/").content.decode()
    assert COUNSELING_CANARY in page
    document = json.loads(dev.get(f"/care/people/{people.ana.pk}/fhir/").content)
    notes = [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    ]
    assert len(notes) == 1
    labels = {(label["system"], label["code"]) for label in notes[0]["meta"]["security"]}
    assert {V, PSYTHPN} <= labels
    assert ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R") not in labels
    assert base64.b64decode(notes[0]["content"][0]["attachment"]["data"]).decode() == (
        COUNSELING_CANARY
    )
    assert V in {(label["system"], label["code"]) for label in document["meta"]["security"]}
    # Still never to a sponsor, never to the person's own downloads.
    assert_absent(client_for(people.sam).get(f"/shared/{people.ana.pk}/"))
    assert_absent(client_for(people.ana).get("/journal/data/download/json/"))
