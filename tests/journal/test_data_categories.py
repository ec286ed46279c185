"""Every journal model is tagged with a privacy data category, so a disclosure can let it
through (or not); a check-in's fields that belong to other categories are listed."""

import pytest
from django.apps import apps

from homegroup.journal.models import AccountDeletion, CheckIn
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

# AccountDeletion is the account's state (a date to purge it), not part of the record: it is never
# shown to or disclosed to anyone but the person.
JOURNAL_MODELS = [
    model for model in apps.get_app_config("journal").get_models() if model is not AccountDeletion
]


@pytest.mark.parametrize("model", JOURNAL_MODELS, ids=lambda m: m.__name__)
def test_each_journal_model_is_a_person_record_with_a_category(model):
    queryset = model.objects.all()
    assert isinstance(queryset, PersonRecordQuerySet)
    assert queryset.category in Category.values


def test_a_check_ins_substance_use_and_private_note_are_their_own_categories():
    assert CheckIn.objects.all().category == "check_ins"
    assert CheckIn.FIELD_CATEGORIES["substances"] == "substance_use"
    assert CheckIn.FIELD_CATEGORIES["misused_medication"] == "substance_use"
    assert CheckIn.FIELD_CATEGORIES["note"] == "private_notes"
    assert CheckIn.FIELD_CATEGORIES["service"] == "meetings_and_activities"
    assert set(CheckIn.FIELD_CATEGORIES) <= {f.name for f in CheckIn._meta.get_fields()}
