"""Who a program may count in its outcome report: the gate's own rule (`rules.decide`) with the
program as the recipient and health care operations as the purpose."""

from __future__ import annotations

import pytest

from homegroup.outcomes import reports
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import aggregate, categories, rules
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db


def _counted(people, needed=reports.CATEGORIES):
    return aggregate.people_counted(
        program=people.program, purpose=rules.OPERATIONS, categories_needed=needed
    )


def _sign(people, purposes, chosen=categories.DEFAULT_FOR_PROGRAM):
    return privacy_actions.sign_consent(
        person=people.ana,
        kind=rules.TPO,
        categories_chosen=chosen,
        purposes=purposes,
        expiry_kind=rules.EXPIRES_AT_END_OF_TREATMENT,
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent


def test_an_enrolled_person_without_a_consent_is_not_counted_but_is_said(people):
    counted = _counted(people)
    assert counted.person_ids == frozenset()
    assert counted.not_counted == 1


def test_a_consent_covering_operations_counts_the_person(people):
    share_as_in_the_story(people)
    assert _counted(people).person_ids == {people.ana.pk}


def test_a_consent_for_treatment_only_does_not_count_the_person(people):
    _sign(people, {rules.TREATMENT})
    assert _counted(people).person_ids == frozenset()


def test_a_consent_missing_a_category_the_report_reads_does_not_count_the_person(people):
    _sign(people, rules.TPO_PURPOSES, chosen={"check_ins", "meetings_and_activities"})
    assert _counted(people).person_ids == frozenset()


def test_a_revoked_consent_stops_counting_at_once(people):
    consent = share_as_in_the_story(people).program_consent
    privacy_actions.revoke_consent(consent=consent, by=people.ana, attested=True)
    assert _counted(people).person_ids == frozenset()


def test_a_restriction_on_operations_wins_over_the_consent(people):
    share_as_in_the_story(people)
    privacy_actions.request_restriction(
        person=people.ana,
        categories_restricted={"substance_use"},
        recipient_program=people.program,
        purpose=rules.OPERATIONS,
    )
    assert _counted(people).person_ids == frozenset()
    # The network part reads substance use too: it loses her as well.
    assert _counted(people, reports.NETWORK_CATEGORIES).person_ids == frozenset()


def test_the_network_needs_its_own_category(people):
    _sign(people, rules.TPO_PURPOSES, chosen=reports.CATEGORIES)
    assert _counted(people).person_ids == {people.ana.pk}
    assert _counted(people, reports.NETWORK_CATEGORIES).person_ids == frozenset()
    both = aggregate.people_counted(
        program=people.program,
        purpose=rules.OPERATIONS,
        categories_needed=reports.CATEGORIES,
        also=frozenset({"network"}),
    )
    assert (both.person_ids, both.with_also) == ({people.ana.pk}, frozenset())


def test_a_consent_with_the_network_counts_the_person_for_it_too(people):
    share_as_in_the_story(people)
    both = aggregate.people_counted(
        program=people.program,
        purpose=rules.OPERATIONS,
        categories_needed=reports.CATEGORIES,
        also=frozenset({"network"}),
    )
    assert both.with_also == {people.ana.pk}
