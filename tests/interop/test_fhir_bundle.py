"""interop/fhir.py: a person's own journal as a FHIR R4B bundle that validates, with the P2-15
security labels on every resource, and nothing of anyone else's."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from homegroup.interop import fhir
from homegroup.journal import export
from tests.journal.export_data import NOTE, full_journal

pytestmark = pytest.mark.django_db

LABELS = {
    ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SUD"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD"),
}


@pytest.fixture
def bundle(people, client_for) -> dict[str, Any]:
    full_journal(people.ana)
    response = client_for(people.ana).get("/journal/data/download/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if kind is None or entry["resource"]["resourceType"] == kind
    ]


def codings(value: Any):
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for inner in value.values():
            yield from codings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from codings(inner)


def code_of(resource: dict[str, Any]) -> str:
    return resource["code"]["coding"][0]["code"]


def test_the_download_validates_as_an_r4b_collection_bundle(bundle):
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = Counter(r["resourceType"] for r in resources(bundle))
    assert kinds["Patient"] == 1
    assert kinds["RelatedPerson"] == 1
    assert kinds["QuestionnaireResponse"] == 2  # the BAM and the AAI core
    assert kinds["MedicationStatement"] == 1 + 3  # the plan, then three reported doses
    assert kinds["Observation"] > 0


def test_every_resource_and_the_bundle_carry_the_part_2_security_labels(bundle):
    for item in [bundle, *resources(bundle)]:
        labels = {(label["system"], label["code"]) for label in item["meta"]["security"]}
        assert labels == LABELS, item.get("resourceType")


def test_every_code_is_from_the_known_vocabularies(bundle):
    for coding in codings(bundle["entry"]):
        if coding["system"] in fhir.VOCABULARY:
            assert coding["code"] in fhir.VOCABULARY[coding["system"]], coding


def test_every_reference_points_into_the_bundle(bundle):
    urls = {entry["fullUrl"] for entry in bundle["entry"]}

    def references(value: Any):
        if isinstance(value, dict):
            if "reference" in value:
                yield value["reference"]
            for inner in value.values():
                yield from references(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from references(inner)

    found = list(references(bundle["entry"]))
    assert found
    assert set(found) <= urls


def test_check_in_facts_are_observations_and_an_unanswered_day_has_no_use_observation(bundle):
    observations = resources(bundle, "Observation")
    by_code = Counter(code_of(o) for o in observations)
    assert by_code["meetings-attended"] == 3
    assert by_code["substance-use"] == 2  # the day without an answer is absent, not "no use"
    assert by_code["craving"] == 2
    assert by_code["mood"] == 1
    meetings = max(
        (o for o in observations if code_of(o) == "meetings-attended"),
        key=lambda o: o["valueInteger"],
    )
    assert meetings["valueInteger"] == 2
    assert {c["valueInteger"] for c in meetings["component"]} == {1}
    use = [o for o in observations if code_of(o) == "substance-use"]
    assert {o["valueCodeableConcept"]["coding"][0]["code"] for o in use} == {"use", "no-use"}
    activities = next(o for o in observations if code_of(o) == "twelve-step-activities")
    assert {c["code"]["coding"][0]["code"] for c in activities["component"]} == {
        "service",
        "step-work",
        "step-worked",
    }


def test_medication_is_self_reported_with_rxnorm_and_each_dose_is_part_of_the_plan(bundle):
    statements = resources(bundle, "MedicationStatement")
    plan = next(s for s in statements if "partOf" not in s)
    assert plan["medicationCodeableConcept"]["coding"][0] == {
        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
        "code": "1819",
        "display": "buprenorphine",
    }
    assert plan["status"] == "active"
    assert plan["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 16
    plan_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is plan)
    doses = [s for s in statements if "partOf" in s]
    assert {d["partOf"][0]["reference"] for d in doses} == {plan_url}
    assert sorted(d["status"] for d in doses) == ["completed", "completed", "not-taken"]
    different = next(d for d in doses if "dosage" in d)
    assert different["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 8


def test_bam_composites_are_observations_derived_from_the_questionnaire_response(bundle):
    response = next(
        r for r in resources(bundle, "QuestionnaireResponse") if "/bam|" in r["questionnaire"]
    )
    response_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is response)
    assert {item["linkId"] for item in response["item"]} >= {"1", "2", "6", "7E", "17"}
    composites = {
        code_of(o): o for o in resources(bundle, "Observation") if code_of(o).startswith("bam-")
    }
    assert set(composites) == {"bam-use", "bam-risk", "bam-protective"}
    for observation in composites.values():
        assert observation["derivedFrom"] == [{"reference": response_url}]
    assert composites["bam-use"]["valueInteger"] == 1
    assert composites["bam-use"]["interpretation"][0]["coding"][0]["code"] == "H"


def test_the_sponsor_is_a_related_person_by_initials_only(bundle):
    sponsor = resources(bundle, "RelatedPerson")[0]
    assert sponsor["name"] == [{"text": "S."}]
    assert "Sam" not in json.dumps(sponsor)


def test_private_notes_stay_out_of_the_fhir_bundle(bundle):
    assert NOTE.lstrip("=") not in json.dumps(bundle)


def test_the_same_journal_gives_the_same_resource_ids(people):
    full_journal(people.ana)
    first = fhir.journal_bundle(export.gather(people.ana))
    second = fhir.journal_bundle(export.gather(people.ana))
    assert [e.fullUrl for e in first.entry] == [e.fullUrl for e in second.entry]


def test_an_unknown_code_is_refused_before_anything_ships():
    with pytest.raises(fhir.UnknownCode):
        fhir.coding(fhir.SUBSTANCE_SYSTEM, "sugar")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Sam", "S."), ("Mary Jo", "M. J."), ("JT", "J. T."), ("", ""), ("s", "S.")],
)
def test_initials(name, expected):
    assert fhir.initials(name) == expected


def test_the_written_file_is_what_the_validated_models_would_write(people):
    full_journal(people.ana)
    data = export.gather(people.ana)
    written = json.loads(fhir.bundle_json(data))
    from_models = json.loads(fhir.journal_bundle(data).model_dump_json(exclude_none=True))
    assert written["entry"] == from_models["entry"]
    assert {key: written[key] for key in ("id", "type", "meta")} == {
        key: from_models[key] for key in ("id", "type", "meta")
    }
