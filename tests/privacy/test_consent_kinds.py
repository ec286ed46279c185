"""P2-02: each kind of consent with its own rules (and P2-03's counseling-notes rule)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from homegroup.privacy import actions, gate, rules
from homegroup.privacy.models import Channel, Consent
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db


def sign(people, **terms):
    defaults = {
        "person": people.ana,
        "kind": rules.TPO,
        "categories_chosen": {"medication"},
        "purposes": rules.TPO_PURPOSES,
        "expiry_kind": rules.EXPIRES_AT_END_OF_TREATMENT,
        "expires_on": None,
        "password": PASSWORD,
        "recipient_program": people.program,
    }
    return actions.sign_consent(**{**defaults, **terms})


def in_days(days):
    return (timezone.now() + timedelta(days=days)).date()


def test_P2_02_a_single_tpo_consent_goes_to_the_program_and_states_hipaa_redisclosure(people):
    consent = sign(people, expiry_kind=rules.NO_EXPIRY).consent
    assert consent.activated_at is not None
    assert "may further use and disclose these records as the HIPAA rules permit" in consent.text
    assert "proceedings against me" in consent.text
    with pytest.raises(ValidationError) as refused:
        sign(people, recipient_program=None, recipient_label="Sam")
    assert "recipient" in refused.value.error_dict


def test_P2_02_a_specific_consent_names_one_person_and_needs_an_end_date(people):
    signed = sign(
        people,
        kind=rules.SPECIFIC,
        purposes={rules.PERSONAL_SUPPORT},
        expiry_kind=rules.EXPIRES_ON_DATE,
        expires_on=in_days(30),
        recipient_program=None,
        recipient_label="Sam, my sponsor",
    )
    assert signed.share_code
    assert signed.consent.activated_at is None  # until Sam redeems the code
    assert "HIPAA" not in signed.consent.text
    assert "may not pass this information on" in signed.consent.text
    with pytest.raises(ValidationError) as refused:
        sign(
            people,
            kind=rules.SPECIFIC,
            purposes={rules.PERSONAL_SUPPORT},
            expiry_kind=rules.NO_EXPIRY,
            recipient_program=None,
            recipient_label="Sam",
        )
    assert "expiry" in refused.value.error_dict


def test_P2_02_a_counseling_notes_consent_carries_counseling_notes_and_nothing_else(people):
    consent = sign(
        people,
        kind=rules.COUNSELING_NOTES,
        categories_chosen={"counseling_notes"},
        purposes={rules.TREATMENT},
    ).consent
    assert "covers SUD counseling notes only" in consent.text
    assert "never a condition of my treatment" in consent.text
    with pytest.raises(ValidationError) as mixed:
        sign(
            people,
            kind=rules.COUNSELING_NOTES,
            categories_chosen={"counseling_notes", "medication"},
            purposes={rules.TREATMENT},
        )
    assert "categories" in mixed.value.error_dict
    with pytest.raises(ValidationError) as smuggled:
        sign(people, categories_chosen={"counseling_notes", "medication"})
    assert "categories" in smuggled.value.error_dict


def test_P2_02_counseling_notes_reach_the_care_team_only_under_their_own_consent(people):
    sign(people, categories_chosen={"medication"})
    asked = {"medication", "counseling_notes"}
    first = gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested=asked,
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    assert first.allowed_categories == {"medication"}
    sign(
        people,
        kind=rules.COUNSELING_NOTES,
        categories_chosen={"counseling_notes"},
        purposes={rules.TREATMENT},
    )
    second = gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested=asked,
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    assert second.allowed_categories == asked
    assert len(second.records) == 2  # one per consent: the accounting names each basis


def test_P2_02_a_research_consent_is_for_research_only_with_an_end_date(people):
    consent = sign(
        people,
        kind=rules.RESEARCH,
        purposes={rules.RESEARCH_PURPOSE},
        expiry_kind=rules.EXPIRES_ON_DATE,
        expires_on=in_days(365),
    ).consent
    assert "research only" in consent.text
    treatment = gate.disclose(
        viewer=people.cora,
        person=people.ana,
        categories_requested={"medication"},
        channel=Channel.PAGE,
        purpose=rules.TREATMENT,
    )
    assert not treatment.allowed
    with pytest.raises(ValidationError) as refused:
        sign(people, kind=rules.RESEARCH, purposes={rules.TREATMENT}, expiry_kind=rules.NO_EXPIRY)
    assert {"purposes", "expiry"} <= set(refused.value.error_dict)


def test_tsf_sessions_are_shared_with_a_program_and_never_with_one_person(people):
    """The sessions are the care team's record: a share with a sponsor or a friend may not carry
    them, whichever way it is asked for (the form never offers them; the action refuses them)."""
    with pytest.raises(ValidationError) as refused:
        sign(
            people,
            kind=rules.SPECIFIC,
            categories_chosen={"recovery_time", "tsf_sessions"},
            purposes={rules.PERSONAL_SUPPORT},
            expiry_kind=rules.EXPIRES_ON_DATE,
            expires_on=in_days(30),
            recipient_program=None,
            recipient_label="Sam, my sponsor",
        )
    assert "shared with a program" in str(refused.value.error_dict["categories"])
    assert not Consent.objects.filter(person=people.ana, kind=rules.SPECIFIC).exists()
    assert sign(people, categories_chosen={"tsf_sessions"}).consent.activated_at is not None
