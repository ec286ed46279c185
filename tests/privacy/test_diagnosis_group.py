"""The diagnosis group on an enrolment (issue 21): recorded by the person or their care team,
changeable, unknown until recorded, audited; anyone else is refused and nothing changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.privacy import actions
from homegroup.privacy.models import DiagnosisGroup, Enrolment

pytestmark = pytest.mark.django_db


def _enrolment(people) -> Enrolment:
    return Enrolment.objects.get(person=people.ana, program=people.program)


def test_a_new_enrolment_has_no_diagnosis_group_until_someone_records_it(people):
    assert _enrolment(people).diagnosis_group == DiagnosisGroup.UNKNOWN


def test_the_person_records_their_own_group_and_may_change_it(people):
    actions.record_diagnosis_group(enrolment=_enrolment(people), group="drugs", by=people.ana)
    actions.record_diagnosis_group(enrolment=_enrolment(people), group="both", by=people.ana)
    assert _enrolment(people).diagnosis_group == "both"
    assert (
        AuditEvent.objects.filter(
            action="privacy.diagnosis_group_recorded", subject_id=people.ana.pk
        ).count()
        == 2
    )


def test_a_clinician_on_the_care_team_records_it(people):
    actions.record_diagnosis_group(enrolment=_enrolment(people), group="alcohol", by=people.cora)
    assert _enrolment(people).diagnosis_group == "alcohol"


@pytest.mark.parametrize("who", ["dev", "pat", "sam", "ben"])
def test_anyone_else_is_refused_and_nothing_changes(people, who):
    with pytest.raises(PermissionError):
        actions.record_diagnosis_group(
            enrolment=_enrolment(people), group="drugs", by=getattr(people, who)
        )
    assert _enrolment(people).diagnosis_group == DiagnosisGroup.UNKNOWN


def test_a_group_outside_the_list_is_refused_with_its_field(people):
    with pytest.raises(ValidationError) as refused:
        actions.record_diagnosis_group(enrolment=_enrolment(people), group="opioids", by=people.ana)
    assert "diagnosis_group" in refused.value.message_dict
    assert _enrolment(people).diagnosis_group == DiagnosisGroup.UNKNOWN


def test_cora_records_it_on_her_page_for_ana(people, client_for):
    client = client_for(people.cora)
    url = f"/care/people/{people.ana.pk}/diagnosis-group/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"enrolment": _enrolment(people).pk, "group": "drugs"})
    assert response.status_code == 302
    assert _enrolment(people).diagnosis_group == "drugs"


def test_a_bad_group_on_the_page_is_a_400_and_changes_nothing(people, client_for):
    url = f"/care/people/{people.ana.pk}/diagnosis-group/"
    response = client_for(people.cora).post(
        url, {"enrolment": _enrolment(people).pk, "group": "opioids"}
    )
    assert response.status_code == 400
    assert "Choose alcohol only" in response.content.decode()
    assert _enrolment(people).diagnosis_group == DiagnosisGroup.UNKNOWN


def test_dev_not_on_the_care_team_finds_nothing(people, client_for):
    url = f"/care/people/{people.ana.pk}/diagnosis-group/"
    response = client_for(people.dev).post(
        url, {"enrolment": _enrolment(people).pk, "group": "drugs"}
    )
    assert response.status_code == 404
    assert _enrolment(people).diagnosis_group == DiagnosisGroup.UNKNOWN
