"""A-01: the access core makes another person's object simply not found."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from homegroup.accounts.models import User
from homegroup.privacy.access import PersonRecordQuerySet, get_visible_or_404

pytestmark = pytest.mark.django_db


class OwnAccounts(PersonRecordQuerySet[User]):
    # The user table is the one person-owned table this issue has: each row is its own person.
    person_field = "pk"


def accounts():
    return OwnAccounts(model=User)


def test_a_person_sees_their_own_record(people):
    assert list(accounts().visible_to(people.ana)) == [people.ana]


def test_another_persons_object_is_not_found_not_forbidden(people):
    with pytest.raises(Http404):
        get_visible_or_404(accounts(), people.ben, pk=people.ana.pk)


def test_anonymous_and_inactive_users_see_nothing(people):
    assert not accounts().visible_to(AnonymousUser()).exists()
    assert not accounts().visible_to(None).exists()
    people.ana.is_active = False
    assert not accounts().visible_to(people.ana).exists()


def test_a_malformed_id_is_not_found_rather_than_an_error(people):
    with pytest.raises(Http404):
        get_visible_or_404(accounts(), people.ana, pk="not-a-number")
