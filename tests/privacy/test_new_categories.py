"""A kind of information that joined the vocabulary after Ana signed her program consent (TSF
sessions and recovery tasks): she is asked on her home page, signs a new consent pre-filled with
what she shares plus the new kind, and Cora's session pages open; nothing is added for her, and
a consent signed since the kind appeared is her answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from homegroup.journal.models import JournalProfile
from homegroup.privacy import actions, categories, new_categories, rules
from homegroup.privacy.models import Consent
from tests.journal.journal_data import start_journal
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

TSF = categories.Category.TSF_SESSIONS.value
BEFORE_TSF = categories.DEFAULT_FOR_PROGRAM - {TSF}
OFFER = "Something new you can share"


@pytest.fixture
def tsf_is_new(monkeypatch):
    """TSF sessions appear in an hour: every consent signed in the test predates them."""
    monkeypatch.setitem(categories.INTRODUCED, TSF, timezone.now() + timedelta(hours=1))


def sign(people, chosen, *, person=None, **terms):
    return actions.sign_consent(
        person=person or people.ana,
        kind=rules.TPO,
        categories_chosen=chosen,
        purposes=rules.TPO_PURPOSES,
        expiry_kind=terms.pop("expiry_kind", rules.EXPIRES_AT_END_OF_TREATMENT),
        expires_on=terms.pop("expires_on", None),
        password=PASSWORD,
        recipient_program=people.program,
    ).consent


def sessions_page(people, client_for):
    return client_for(people.cora).get(f"/care/people/{people.ana.pk}/sessions/")


def test_ana_is_asked_once_and_her_new_consent_opens_the_sessions(people, client_for, tsf_is_new):
    start_journal(people.ana)
    old = sign(people, BEFORE_TSF)
    assert sessions_page(people, client_for).status_code == 404

    ana = client_for(people.ana)
    home = ana.get("/").content.decode()
    assert OFFER in home
    assert "TSF sessions and recovery tasks" in home
    assert f"/privacy/sharing/program/?from={old.pk}" in home

    form = ana.get(f"/privacy/sharing/program/?from={old.pk}").context["form"]
    assert set(form.initial["categories"]) == set(old.categories) | {TSF}
    assert form.initial["program"] == people.program.pk
    assert form.initial["expiry_kind"] == rules.EXPIRES_AT_END_OF_TREATMENT
    assert Consent.objects.get(pk=old.pk).categories == old.categories  # nothing added for her

    categories.INTRODUCED[TSF] = timezone.now() - timedelta(seconds=1)
    sign(people, set(form.initial["categories"]))
    assert OFFER not in ana.get("/").content.decode()
    assert sessions_page(people, client_for).status_code == 200


def test_a_consent_signed_since_without_the_new_kind_is_her_answer(people, tsf_is_new):
    sign(people, BEFORE_TSF)
    assert [offer.labels for offer in new_categories.offers_for(people.ana)] == [
        ["TSF sessions and recovery tasks"]
    ]
    categories.INTRODUCED[TSF] = timezone.now() - timedelta(seconds=1)
    sign(people, {"check_ins"})
    assert new_categories.offers_for(people.ana) == []


def test_no_offer_without_an_active_consent_or_when_the_kind_is_shared(people, tsf_is_new):
    assert new_categories.offers_for(people.ana) == []
    shared = sign(people, categories.DEFAULT_FOR_PROGRAM)
    assert new_categories.offers_for(people.ana) == []
    actions.revoke_consent(consent=shared, by=people.ana, attested=True)
    sign(people, BEFORE_TSF, expiry_kind=rules.EXPIRES_ON_DATE, expires_on=timezone.now().date())
    (offer,) = new_categories.offers_for(people.ana)
    start = new_categories.form_start(offer.consent)
    assert start["expires_on"] == timezone.now().date()  # "until today" stays until today


def test_in_discreet_mode_the_offer_says_no_recovery_word(people, client_for, tsf_is_new):
    start_journal(people.ana)
    JournalProfile.objects.filter(person=people.ana).update(discreet_mode=True)
    sign(people, BEFORE_TSF)
    home = client_for(people.ana).get("/").content.decode()
    assert "A sharing choice" in home
    assert "TSF sessions" not in home


def test_another_persons_consent_in_the_link_starts_a_blank_form(people, client_for, tsf_is_new):
    issued = actions.issue_enrolment_code(program=people.program, by=people.pat)
    actions.join_program(person=people.ben, code=issued.code)
    bens = sign(people, BEFORE_TSF, person=people.ben)
    for asked in (str(bens.pk), "abc", "9" * 40, "-1"):
        response = client_for(people.ana).get(f"/privacy/sharing/program/?from={asked}")
        assert response.status_code == 200
        assert response.context["form"].initial == {}
