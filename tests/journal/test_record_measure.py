"""journal.actions.record_measure: raw answers and computed scores, versioned."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import MeasureResponse
from homegroup.measures import bam
from tests.journal.journal_data import today_of

pytestmark = pytest.mark.django_db


def bam_answers(**overrides):
    answers = {key: 0 for key in bam.INSTRUMENT.keys}
    answers.update({"9": 3, "10": 12, "13": 20, "14": 4, "16": 25, "17": 3})
    answers.update(overrides)
    return answers


def test_a_bam_is_stored_with_raw_days_scores_and_version(people):
    response = actions.record_measure(
        person=people.ana, instrument_id="bam", answers=bam_answers(**{"4": 2, "5": 1})
    )
    stored = MeasureResponse.objects.get(pk=response.pk)
    assert (stored.instrument, stored.version) == ("bam", "2")
    assert stored.answers["10"] == 12  # the raw day count, not its category
    assert stored.answers["7A"] is None  # not asked: item 6 was 0
    assert stored.scores["use"] == 2
    assert stored.scores["protective"] == 3 + 3 + 0 + 4 + 4 + 4
    assert stored.scores["flags"] == {"use": True, "risk": False, "protective": False}
    assert stored.taken_on == today_of(people.ana)
    assert stored.requested_by_id is None
    assert AuditEvent.objects.filter(action="journal.measure", object_id=str(stored.pk)).exists()


def test_a_clinicians_request_is_kept_as_a_plain_id(people):
    response = actions.record_measure(
        person=people.ana,
        instrument_id="aai-core",
        answers={"meetings": 30, "steps": 3, "member": 1},
        requested_by_id=people.cora.pk,
    )
    assert response.requested_by_id == people.cora.pk
    assert response.scores["meetings_per_week"] == 2.3


def test_unusable_answers_are_named_by_item_and_nothing_is_stored(people):
    with pytest.raises(ValidationError) as refused:
        actions.record_measure(
            person=people.ana, instrument_id="bam", answers=bam_answers(**{"2": 31, "14": 2})
        )
    assert set(refused.value.message_dict) == {"2", "14"}
    assert not MeasureResponse.objects.exists()


def test_an_unknown_instrument_is_refused(people):
    with pytest.raises(ValidationError) as refused:
        actions.record_measure(person=people.ana, instrument_id="phq-9", answers={})
    assert "instrument" in refused.value.message_dict


def test_a_future_day_is_refused(people):
    with pytest.raises(ValidationError):
        actions.record_measure(
            person=people.ana,
            instrument_id="aai-core",
            answers={"meetings": 1, "steps": 0, "member": 0},
            taken_on=today_of(people.ana) + timedelta(days=1),
        )
