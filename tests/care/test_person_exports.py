"""P2-07, P2-15, P2-06: the clinician's exports of a shared record — a printable page and a FHIR
R4B bundle — go through the gate, carry the §2.32 notice and the security labels."""

import base64
import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy.models import DisclosureRecord
from tests.care.care_data import PRIVATE_CANARY, anas_journal
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db

R = ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")
PART2 = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2")
SUD = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SUD")
NORDSCLCD = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD")


def labels(resource):
    return {(label["system"], label["code"]) for label in resource["meta"]["security"]}


def fhir_of(client, person):
    response = client.get(f"/care/people/{person.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def test_P2_07_the_printable_copy_carries_the_notice_and_the_scope(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    response = client_for(people.cora).get(f"/care/people/{people.ana.pk}/print/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "42 CFR part 2" in page
    assert "prohibit you from making any other use or disclosure" in page
    assert "Shown: Daily check-ins" in page
    assert "Basis: consent" in page
    assert "Buprenorphine" in page
    assert PRIVATE_CANARY not in page
    record = DisclosureRecord.objects.get(recipient_user_id=people.cora.pk)
    assert record.channel == "print"


def test_P2_15_every_resource_of_the_fhir_export_carries_the_part2_labels(people, client_for):
    anas_journal(people)
    share_as_in_the_story(people)
    document = fhir_of(client_for(people.cora), people.ana)
    Bundle.model_validate(document)
    assert {R, PART2, SUD, NORDSCLCD} <= labels(document)
    kinds = set()
    for entry in document["entry"]:
        kinds.add(entry["resource"]["resourceType"])
        assert {R, PART2, SUD, NORDSCLCD} <= labels(entry["resource"]), entry["resource"]
    assert {"Patient", "Basic", "Consent", "Observation", "MedicationStatement"} <= kinds
    assert "QuestionnaireResponse" in kinds


def test_P2_07_the_fhir_export_carries_the_notice_and_the_consent(people, client_for):
    anas_journal(people)
    story = share_as_in_the_story(people)
    document = fhir_of(client_for(people.cora), people.ana)
    resources = [entry["resource"] for entry in document["entry"]]
    notice = next(r for r in resources if r["resourceType"] == "Basic")
    assert "42 CFR part 2" in notice["text"]["div"]
    assert "Shown: Daily check-ins" in notice["text"]["div"]
    consent = next(r for r in resources if r["resourceType"] == "Consent")
    assert consent["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    assert consent["category"][0]["coding"][0]["code"] == "64292-6"
    assert {p["code"] for p in consent["provision"]["purpose"]} == {"TREAT", "HPAYMT", "HOPERAT"}
    assert str(story.program_consent.pk) in notice["text"]["div"]


def test_P2_06_the_fhir_export_holds_only_the_disclosed_categories(people, client_for):
    from tests.people import PASSWORD

    anas_journal(people)
    privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen={"meetings_and_activities"},
        purposes={"treatment"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    )
    document = fhir_of(client_for(people.cora), people.ana)
    text = json.dumps(document)
    kinds = {entry["resource"]["resourceType"] for entry in document["entry"]}
    assert "MedicationStatement" not in kinds
    assert "QuestionnaireResponse" not in kinds
    codes = {
        entry["resource"]["code"]["coding"][0]["code"]
        for entry in document["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    }
    assert codes == {"meetings-attended", "twelve-step-activities"}
    assert "substance-use" not in text
    assert "craving" not in text
    assert PRIVATE_CANARY not in text


def test_P2_06_the_exports_without_consent_are_404_and_audited(people, client_for):
    anas_journal(people)
    dev = client_for(people.dev)
    for path in ("print/", "fhir/"):
        response = dev.get(f"/care/people/{people.ana.pk}/{path}")
        assert response.status_code == 404
        assert b"Buprenorphine" not in response.content
    assert (
        AuditEvent.objects.filter(
            action="privacy.disclosure", actor_id=people.dev.pk, outcome=Outcome.DENIED
        ).count()
        == 2
    )


def test_P2_08_each_export_is_one_disclosure_on_its_own_channel(people, client_for):
    share_as_in_the_story(people)
    cora = client_for(people.cora)
    cora.get(f"/care/people/{people.ana.pk}/fhir/")
    cora.get(f"/care/people/{people.ana.pk}/print/")
    channels = sorted(DisclosureRecord.objects.values_list("channel", flat=True))
    assert channels == ["fhir", "print"]


def test_P2_15_a_break_glass_export_carries_the_labels_and_no_consent_resource(people, client_for):
    anas_journal(people)
    privacy_actions.open_break_glass(
        clinician=people.dev,
        person_id=people.ana.pk,
        reason="Ana collapsed in the waiting room; I need her medication list.",
    )
    document = fhir_of(client_for(people.dev), people.ana)
    kinds = [entry["resource"]["resourceType"] for entry in document["entry"]]
    assert "Consent" not in kinds
    notice = next(
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Basic"
    )
    assert "emergency access until" in notice["text"]["div"]
    assert all(
        {R, PART2, SUD, NORDSCLCD} <= labels(entry["resource"]) for entry in document["entry"]
    )
    # Private notes never travel under break-glass, even base64-encoded.
    text = json.dumps(document)
    assert PRIVATE_CANARY not in text
    assert base64.b64encode(PRIVATE_CANARY.encode()).decode() not in text


def test_a_clinician_in_recovery_opening_their_own_record_under_care_gets_404_not_a_server_error(
    people, client_for
):
    from homegroup.accounts import actions as account_actions
    from homegroup.accounts.models import Role

    both = account_actions.create_account(
        email="cleo@people.test",
        display_name="Cleo",
        password="cleo's long password 1",
        roles={Role.CLINICIAN, Role.PERSON_IN_RECOVERY},
    )
    client = client_for(both)
    for path in ("", "print/", "fhir/"):
        assert client.get(f"/care/people/{both.pk}/{path}").status_code == 404
