"""P2-15, P2-06: the FHIR bundle of a disclosure filters by category on its own too (defence in
depth): even handed the person's whole journal, it keeps only what the disclosure allows."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from homegroup.interop import fhir_disclosure
from homegroup.journal import export
from homegroup.privacy import gate, rules
from homegroup.privacy.models import Channel
from tests.journal.export_data import full_journal
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def disclose(viewer, person, purpose=rules.TREATMENT):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested={"meetings_and_activities", "recovery_time", "medication"},
        channel=Channel.FHIR,
        purpose=purpose,
    )


def test_P2_06_handed_everything_the_builder_keeps_only_the_disclosed_categories(people):
    full_journal(people.ana)
    share_as_in_the_story(people)
    sams = disclose(people.sam, people.ana, rules.PERSONAL_SUPPORT)
    everything = export.gather(people.ana)  # the person's own read: more than Sam may see
    bundle = fhir_disclosure.disclosure_bundle(everything, sams)
    document = json.loads(bundle.model_dump_json(exclude_none=True))
    kinds = {entry["resource"]["resourceType"] for entry in document["entry"]}
    assert kinds == {"Patient", "Basic", "Consent", "Observation", "RelatedPerson"}
    codes = {
        entry["resource"]["code"]["coding"][0]["code"]
        for entry in document["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    }
    assert codes == {"meetings-attended", "twelve-step-activities"}
    Bundle.model_validate(document)


def test_P2_15_the_bundle_and_every_resource_carry_r_42cfrpart2_sud_nordsclcd(people):
    full_journal(people.ana)
    share_as_in_the_story(people)
    cora = disclose(people.cora, people.ana)
    document = json.loads(fhir_disclosure.disclosure_json(export.gather(people.ana), cora))
    wanted = {"R", "42CFRPart2", "SUD", "NORDSCLCD"}
    assert wanted <= {label["code"] for label in document["meta"]["security"]}
    for entry in document["entry"]:
        assert wanted <= {label["code"] for label in entry["resource"]["meta"]["security"]}


def test_P2_06_a_denied_or_own_read_is_not_a_disclosure_bundle(people):
    full_journal(people.ana)
    for disclosure in (disclose(people.dev, people.ana), disclose(people.ana, people.ana)):
        with pytest.raises(ValueError, match="not a disclosure"):
            fhir_disclosure.disclosure_bundle(export.gather(people.ana), disclosure)


def test_P2_03_counseling_notes_passed_without_their_consent_are_left_out(people):
    from tests.care.care_data import COUNSELING_CANARY, coras_note

    share_as_in_the_story(people)
    note = coras_note(people)
    cora = disclose(people.cora, people.ana)
    bundle = fhir_disclosure.disclosure_json(
        export.gather(people.ana), cora, counseling_notes=[note]
    )
    assert "DocumentReference" not in bundle
    assert COUNSELING_CANARY not in bundle
    assert PASSWORD not in bundle
