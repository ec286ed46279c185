"""P2-01: a consent activates only with every 42 CFR 2.31(a) element; its text and hash keep."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions, categories, consent_text, rules
from homegroup.privacy.models import Consent
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def full_terms(**changes):
    terms = consent_text.ConsentTerms(
        kind=rules.TPO,
        patient_id=7,
        patient_name="Ana",
        discloser="Homegroup, which keeps Ana's recovery journal",
        categories=categories.DEFAULT_FOR_PROGRAM,
        recipient_program_id=3,
        recipient_program_name="Eastside Recovery Program",
        recipient_user_id=None,
        recipient_label="",
        purposes=rules.TPO_PURPOSES,
        revocation=consent_text.revocation_statement(),
        expiry_kind=rules.EXPIRES_ON_DATE,
        expires_at=NOW + timedelta(days=30),
        signature_method=consent_text.SIGNATURE_METHOD,
        signed_at=NOW,
    )
    return consent_text.ConsentTerms(**{**terms.__dict__, **changes})


def test_P2_01_complete_terms_have_no_problem():
    assert consent_text.problems(full_terms(), now=NOW) == {}


@pytest.mark.parametrize("element", consent_text.ELEMENTS)
def test_P2_01_a_consent_missing_one_element_cannot_activate(element):
    found = consent_text.problems(full_terms().without(element), now=NOW)
    assert set(found) == {element}, found


def test_P2_01_the_patient_element_is_required():
    assert "patient" in consent_text.problems(full_terms(patient_id=None), now=NOW)


def test_P2_01_an_end_date_in_the_past_is_refused():
    found = consent_text.problems(full_terms(expires_at=NOW - timedelta(days=1)), now=NOW)
    assert set(found) == {"expiry"}


def test_P2_01_a_named_recipient_may_be_pending_until_they_accept_but_not_active():
    terms = full_terms(
        kind=rules.SPECIFIC,
        categories=categories.DEFAULT_FOR_SUPPORTER,
        purposes=frozenset({rules.PERSONAL_SUPPORT}),
        recipient_program_id=None,
        recipient_program_name="",
        recipient_label="Sam, my sponsor",
    )
    assert consent_text.problems(terms, now=NOW, recipient_bound=False) == {}
    assert set(consent_text.problems(terms, now=NOW, recipient_bound=True)) == {"recipient"}


def test_P2_01_the_rendered_text_states_every_element():
    text = consent_text.render(full_terms())
    for expected in (
        "Patient: Ana (Homegroup account 7)",
        "Who may disclose: Homegroup, which keeps Ana's recovery journal",
        "Meetings and 12-step activities",
        "the clinicians of Eastside Recovery Program assigned to my care team",
        "treatment, payment, health care operations",
        "I may revoke this consent at any time, in writing",
        "ends at the end of 2026-07-01 (UTC)",
        "signed electronically by Ana by entering their password",
        "Date: 2026-06-01 12:00 UTC",
    ):
        assert expected in text, expected
    assert "Private notes" not in text  # not chosen, not named
    assert consent_text.TEXT_VERSION in text


def test_P2_01_a_signed_consent_stores_its_text_version_and_a_hash_that_recomputes(people):
    consent = actions.sign_consent(
        person=people.ana,
        kind=rules.TPO,
        categories_chosen=categories.DEFAULT_FOR_PROGRAM,
        purposes=rules.TPO_PURPOSES,
        expiry_kind=rules.EXPIRES_AT_END_OF_TREATMENT,
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.text_version == consent_text.TEXT_VERSION
    assert hashlib.sha256(stored.text.encode()).hexdigest() == stored.text_sha256
    assert stored.text_hash_matches()
    assert stored.signature == consent_text.signature(
        person_id=people.ana.pk, text_sha256=stored.text_sha256, signed_at=stored.signed_at
    )
    assert stored.signature_method == "password"
    assert stored.activated_at == stored.signed_at


def test_P2_01_the_stored_text_is_encrypted_at_rest(people):
    from django.db import connection

    consent = actions.sign_consent(
        person=people.ana,
        kind=rules.TPO,
        categories_chosen={"meetings_and_activities"},
        purposes=rules.TPO_PURPOSES,
        expiry_kind=rules.NO_EXPIRY,
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM privacy_consent WHERE id = %s", [consent.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("hgenc2:")
    assert "Eastside" not in raw


def test_P2_01_an_edited_stored_text_no_longer_matches_its_hash(people):
    consent = actions.sign_consent(
        person=people.ana,
        kind=rules.TPO,
        categories_chosen={"medication"},
        purposes=rules.TPO_PURPOSES,
        expiry_kind=rules.NO_EXPIRY,
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent
    edited = consent.text.replace("Medication", "Everything")
    Consent.objects.filter(pk=consent.pk).update(
        text=Consent._meta.get_field("text").seal(consent, edited)
    )
    assert not Consent.objects.get(pk=consent.pk).text_hash_matches()


def test_P2_01_an_incomplete_consent_is_refused_and_nothing_is_stored(people):
    with pytest.raises(ValidationError) as refused:
        actions.sign_consent(
            person=people.ana,
            kind=rules.TPO,
            categories_chosen=set(),
            purposes=rules.TPO_PURPOSES,
            expiry_kind=rules.NO_EXPIRY,
            expires_on=None,
            password=PASSWORD,
            recipient_program=people.program,
        )
    assert set(refused.value.error_dict) == {"categories"}
    assert not Consent.objects.exists()


def test_P2_01_the_signature_is_the_password_and_a_wrong_one_is_audited(people):
    with pytest.raises(ValidationError) as refused:
        actions.sign_consent(
            person=people.ana,
            kind=rules.TPO,
            categories_chosen={"medication"},
            purposes=rules.TPO_PURPOSES,
            expiry_kind=rules.NO_EXPIRY,
            expires_on=None,
            password="not my password at all",
            recipient_program=people.program,
        )
    assert set(refused.value.error_dict) == {"password"}
    assert not Consent.objects.exists()
    failure = AuditEvent.objects.get(action="privacy.consent_signed")
    assert (failure.actor_id, failure.outcome) == (people.ana.pk, Outcome.FAILURE)


def test_P2_01_a_program_consent_needs_the_person_to_be_enrolled(people):
    with pytest.raises(ValidationError) as refused:
        actions.sign_consent(
            person=people.ben,
            kind=rules.TPO,
            categories_chosen={"medication"},
            purposes=rules.TPO_PURPOSES,
            expiry_kind=rules.NO_EXPIRY,
            expires_on=None,
            password=PASSWORD,
            recipient_program=people.program,
        )
    assert "program" in refused.value.error_dict
