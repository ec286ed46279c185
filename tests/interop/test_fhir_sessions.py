"""FHIR R4B for TSF sessions (issue 15, P2-15, P2-06): Encounter per session, Task per recovery
task, CareTeam, every resource labelled, built only from what the disclosure lets through."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from homegroup.care.session_models import TSFSession
from homegroup.interop import fhir_sessions
from homegroup.journal import task_actions
from homegroup.journal.tasks import RecoveryTask
from homegroup.privacy import gate, rules
from homegroup.privacy.models import Channel
from tests.care.care_data import COUNSELING_CANARY, coras_note
from tests.care.sessions_data import anas_sharing, coras_session, meeting_task, meetings

pytestmark = pytest.mark.django_db


def disclose(viewer, person, wanted=frozenset({"tsf_sessions"})):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested=wanted,
        channel=Channel.FHIR,
        purpose=rules.TREATMENT,
    )


def two_sessions_with_tasks(people):
    anas_sharing(people)
    found = meetings(people)
    first = coras_session(people, 1)
    went = meeting_task(people, first, found.welcoming)
    skipped = meeting_task(people, first, found.also_welcoming)
    task_actions.mark_task(task=went, by=people.ana, status="done", day=first.held_on)
    task_actions.mark_task(
        task=skipped, by=people.ana, status="not_done", reason="Worked late", day=first.held_on
    )
    coras_session(people, 2, topic="acceptance", items_covered=["denial"])


def bundle_for(people, disclosure):
    return json.loads(
        fhir_sessions.sessions_json(
            person=people.ana,
            disclosure=disclosure,
            sessions=list(TSFSession.objects.disclosed(disclosure)),
            tasks=list(RecoveryTask.objects.disclosed(disclosure)),
            care_team=[people.cora],
        )
    )


def resources(document, kind):
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_sessions_become_encounters_tasks_become_tasks_and_the_care_team_a_careteam(people):
    two_sessions_with_tasks(people)
    document = bundle_for(people, disclose(people.cora, people.ana))
    Bundle.model_validate(document)
    encounters = resources(document, "Encounter")
    assert len(encounters) == 2
    first = encounters[0]
    assert first["status"] == "finished"
    assert first["class"]["code"] == "AMB"
    codes = {c["coding"][0]["code"] for c in first["type"]}
    assert codes == {"tsf-session", "individual", "introduction"}
    assert first["length"] == {
        "value": 60,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    tasks = {t["description"]: t for t in resources(document, "Task")}
    assert tasks["Tuesday Hope"]["status"] == "completed"
    assert tasks["Thursday Open Door"]["status"] == "failed"
    assert tasks["Thursday Open Door"]["statusReason"]["text"] == "Worked late"
    encounter_urls = {
        e["fullUrl"] for e in document["entry"] if e["resource"]["resourceType"] == "Encounter"
    }
    assert tasks["Tuesday Hope"]["encounter"]["reference"] in encounter_urls
    (team,) = resources(document, "CareTeam")
    assert team["participant"][0]["member"]["display"] == "Cora"
    assert {r["resourceType"] for r in (e["resource"] for e in document["entry"])} >= {
        "Patient", "Basic", "Consent", "Practitioner",
    }  # fmt: skip


def test_P2_15_the_bundle_and_every_resource_carry_the_part2_labels(people):
    two_sessions_with_tasks(people)
    document = bundle_for(people, disclose(people.cora, people.ana))
    wanted = {"R", "42CFRPart2", "SUD", "NORDSCLCD"}
    assert wanted <= {label["code"] for label in document["meta"]["security"]}
    for entry in document["entry"]:
        assert wanted <= {label["code"] for label in entry["resource"]["meta"]["security"]}


def test_a_disclosure_without_tsf_sessions_carries_no_encounter_or_task_whatever_is_passed(
    people,
):
    two_sessions_with_tasks(people)
    narrower = disclose(people.cora, people.ana, frozenset({"medication"}))
    document = json.loads(
        fhir_sessions.sessions_json(
            person=people.ana,
            disclosure=narrower,
            sessions=list(TSFSession.objects.all()),
            tasks=list(RecoveryTask.objects.all()),
            care_team=[people.cora],
        )
    )
    kinds = {entry["resource"]["resourceType"] for entry in document["entry"]}
    assert kinds == {"Patient", "Basic", "Consent"}


def test_P2_03_no_counseling_note_reaches_the_sessions_bundle(people, client_for):
    two_sessions_with_tasks(people)
    coras_note(people)
    response = client_for(people.cora).get(f"/care/people/{people.ana.pk}/sessions/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    body = response.content.decode()
    assert COUNSELING_CANARY not in body
    assert "DocumentReference" not in body
    Bundle.model_validate(json.loads(body))


def test_an_own_read_is_not_a_disclosure_bundle(people):
    two_sessions_with_tasks(people)
    with pytest.raises(ValueError, match="not a disclosure"):
        bundle_for(people, disclose(people.ana, people.ana))
