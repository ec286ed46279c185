"""P2-06, P2-07, P2-08, P2-09, A-10: the one disclosure gate, with the people of the story."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.utils import DatabaseError, IntegrityError
from django.template.loader import render_to_string
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homegroup.accounts.models import User
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.privacy import actions, categories, gate, rules
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.models import Channel, DisclosureRecord
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db

EVERYTHING = categories.ALL


def disclose(viewer, person, requested=EVERYTHING, purpose=rules.TREATMENT, channel=Channel.PAGE):
    return gate.disclose(
        viewer=viewer,
        person=person,
        categories_requested=requested,
        channel=channel,
        purpose=purpose,
    )


def denials(person):
    return AuditEvent.objects.filter(
        action="privacy.disclosure", subject_id=person.pk, outcome=Outcome.DENIED
    )


def test_P2_06_without_consent_the_gate_denies_and_audits_the_attempt(people):
    disclosure = disclose(people.cora, people.ana)
    assert not disclosure.allowed
    assert disclosure.basis == rules.DENIED
    assert denials(people.ana).get().actor_id == people.cora.pk
    assert not DisclosureRecord.objects.exists()


def test_P2_06_cora_sees_exactly_the_categories_ana_consented_to(people):
    share_as_in_the_story(people)
    disclosure = disclose(people.cora, people.ana)
    assert disclosure.allowed_categories == categories.DEFAULT_FOR_PROGRAM
    assert "private_notes" not in disclosure.allowed_categories
    assert "counseling_notes" not in disclosure.allowed_categories
    asked_less = disclose(people.cora, people.ana, {"medication", "private_notes"})
    assert asked_less.allowed_categories == {"medication"}


def test_P2_06_dev_in_the_same_program_but_not_on_the_care_team_sees_nothing(people):
    share_as_in_the_story(people)
    assert not disclose(people.dev, people.ana).allowed
    assert denials(people.ana).filter(actor_id=people.dev.pk).count() == 1


def test_P2_06_a_care_team_place_without_consent_is_not_enough(people):
    assert not disclose(people.cora, people.ana).allowed


def test_P2_06_a_consent_without_the_care_team_place_is_not_enough(people):
    share_as_in_the_story(people)
    actions.end_care_team_place(member=people.ana.care_team.get(), by=people.pat)
    assert not disclose(people.cora, people.ana).allowed


def test_P2_06_pat_administers_the_program_but_sees_no_record_content(people):
    share_as_in_the_story(people)
    assert not disclose(people.pat, people.ana).allowed


def test_P2_06_sam_sees_only_what_ana_shared_with_him(people):
    share_as_in_the_story(people)
    disclosure = disclose(people.sam, people.ana, purpose=rules.PERSONAL_SUPPORT)
    assert disclosure.allowed_categories == {"meetings_and_activities", "recovery_time"}
    assert not disclose(people.sam, people.ana, {"medication"}, rules.PERSONAL_SUPPORT).allowed
    # His consent is for support: he cannot ask for the record "for treatment".
    assert not disclose(people.sam, people.ana, purpose=rules.TREATMENT).allowed


def test_P2_06_nobody_sees_ben_who_shared_nothing(people):
    share_as_in_the_story(people)
    for viewer in (people.ana, people.cora, people.dev, people.pat, people.max, people.sam):
        assert not disclose(viewer, people.ben, purpose=rules.PERSONAL_SUPPORT).allowed
        assert not disclose(viewer, people.ben).allowed


def test_P2_06_anonymous_and_inactive_viewers_are_denied(people):
    from django.contrib.auth.models import AnonymousUser

    share_as_in_the_story(people)
    assert not disclose(AnonymousUser(), people.ana).allowed
    assert not disclose(None, people.ana).allowed
    people.sam.is_active = False
    assert not disclose(people.sam, people.ana, purpose=rules.PERSONAL_SUPPORT).allowed


def test_P2_06_a_person_reading_their_own_record_is_not_a_disclosure(people):
    disclosure = disclose(people.ana, people.ana)
    assert disclosure.basis == rules.SELF
    assert disclosure.allowed_categories == EVERYTHING
    assert disclosure.notice == ""
    assert not DisclosureRecord.objects.exists()


def test_P2_06_leaving_the_program_ends_an_end_of_treatment_consent(people):
    story = share_as_in_the_story(people)
    actions.leave_program(enrolment=people.ana.enrolments.get(), by=people.ana)
    assert not disclose(people.cora, people.ana).allowed
    story.program_consent.refresh_from_db()
    assert story.program_consent.status() == "expired"


def test_P2_08_each_disclosure_writes_a_record_and_an_audit_event(people):
    story = share_as_in_the_story(people)
    disclosure = disclose(people.cora, people.ana, {"medication", "check_ins"}, channel=Channel.API)
    record = DisclosureRecord.objects.get()
    assert disclosure.records == (record,)
    assert record.person_id == people.ana.pk
    assert record.recipient_user_id == record.actor_id == people.cora.pk
    assert record.recipient_program_id == people.program.pk
    assert record.categories == ["check_ins", "medication"]
    assert (record.purpose, record.channel, record.basis) == ("treatment", "api", "consent")
    assert record.consent_id == story.program_consent.pk
    event = AuditEvent.objects.get(action="privacy.disclosure", outcome=Outcome.SUCCESS)
    assert (event.actor_id, event.subject_id, event.object_id) == (
        people.cora.pk,
        people.ana.pk,
        str(record.pk),
    )


def test_P2_08_disclosure_records_are_append_only(people):
    share_as_in_the_story(people)
    disclose(people.cora, people.ana)
    with pytest.raises(PermissionError):
        DisclosureRecord.objects.all().update(purpose="payment")
    with pytest.raises(PermissionError):
        DisclosureRecord.objects.all().delete()
    with pytest.raises((DatabaseError, IntegrityError)), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_disclosurerecord SET purpose = 'payment'")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_P2_08_postgresql_refuses_deleting_a_disclosure_record(people):
    share_as_in_the_story(people)
    disclose(people.cora, people.ana)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_disclosurerecord")


def test_P2_09_a_restriction_request_is_enforced_in_the_gate(people):
    share_as_in_the_story(people)
    actions.request_restriction(
        person=people.ana, categories_restricted={"medication"}, recipient_user=people.cora
    )
    disclosure = disclose(people.cora, people.ana)
    assert "medication" not in disclosure.allowed_categories
    assert "check_ins" in disclosure.allowed_categories
    everyone = actions.request_restriction(person=people.ana, categories_restricted={"network"})
    assert "network" not in disclose(people.cora, people.ana).allowed_categories
    actions.withdraw_restriction(restriction=everyone, by=people.ana)
    assert "network" in disclose(people.cora, people.ana).allowed_categories


def test_P2_07_every_disclosure_carries_the_part_2_notice_and_its_scope(people):
    story = share_as_in_the_story(people)
    disclosure = disclose(people.cora, people.ana, {"medication"})
    assert disclosure.notice == str(gate.PART2_NOTICE)
    assert "42 CFR part 2" in disclosure.notice
    assert "Medication" in disclosure.scope_summary
    assert f"consent {story.program_consent.pk}, until the end" in disclosure.scope_summary
    html = render_to_string("privacy/_part2_notice.html", {"disclosure": disclosure})
    assert "Confidential: protected by 42 CFR part 2" in html
    assert "prohibit you from making any other use or disclosure" in html
    assert "Medication and how it was taken" in html
    denied = disclose(people.dev, people.ana)
    assert render_to_string("privacy/_part2_notice.html", {"disclosure": denied}).strip() == ""


def test_A_10_an_exception_inside_the_check_denies_and_is_audited(people, monkeypatch, caplog):
    share_as_in_the_story(people)

    def broken(*args, **kwargs):
        raise RuntimeError("Ana's medication is buprenorphine")  # a message with person data

    monkeypatch.setattr(gate.rules, "decide", broken)
    disclosure = disclose(people.cora, people.ana)
    assert not disclosure.allowed
    error = AuditEvent.objects.get(object_type="gate_error")
    assert (error.actor_id, error.subject_id, error.outcome) == (
        people.cora.pk,
        people.ana.pk,
        Outcome.DENIED,
    )
    assert "failed closed (RuntimeError)" in caplog.text
    assert "buprenorphine" not in caplog.text
    assert not DisclosureRecord.objects.exists()


def test_P2_06_the_gate_makes_a_constant_number_of_queries(people, django_assert_max_num_queries):
    share_as_in_the_story(people)
    for _ in range(3):
        actions.request_restriction(person=people.ana, categories_restricted={"network"})
    # One disclosure record and one audit event, each with its id taken before its insert, and
    # whether the person's account is active.
    with django_assert_max_num_queries(11):
        disclose(people.cora, people.ana)


class OwnAccounts(PersonRecordQuerySet[User]):
    # The user table stands in for a journal model: each row is its own person's.
    person_field = "pk"
    category = "check_ins"


def test_P2_06_a_model_reaches_another_persons_rows_only_through_a_disclosure(people):
    share_as_in_the_story(people)
    rows = OwnAccounts(model=User)
    assert list(rows.disclosed(disclose(people.cora, people.ana))) == [people.ana]
    assert list(rows.disclosed(disclose(people.sam, people.ana, purpose="personal_support"))) == []
    assert list(rows.disclosed(disclose(people.dev, people.ana))) == []
    untagged = PersonRecordQuerySet(model=User)
    assert list(untagged.disclosed(disclose(people.cora, people.ana))) == []


def test_visible_person_ids_lists_whose_records_a_viewer_could_open(people):
    share_as_in_the_story(people)
    assert gate.visible_person_ids(people.cora) == {people.ana.pk}
    assert gate.visible_person_ids(people.sam) == {people.ana.pk}
    assert gate.visible_person_ids(people.dev) == set()
    assert gate.visible_person_ids(people.pat) == set()
    assert gate.visible_person_ids(people.ben) == set()


def _consent_to(recipient: str, offered: frozenset[str]) -> st.SearchStrategy:
    return st.tuples(
        st.just(recipient),
        st.frozensets(st.sampled_from(sorted(offered)), min_size=1),
        st.integers(-3, 3),  # days until the end date; 0 or less is already over
        st.booleans(),  # revoked
    )


# Sam (one person) is never offered the care team's own record (the TSF sessions).
CONSENT_CHOICES = st.lists(
    st.one_of(
        _consent_to("program", categories.GENERAL),
        _consent_to("sam", categories.FOR_SUPPORTER_CHOICES),
    ),
    max_size=4,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choices=CONSENT_CHOICES, asked=st.frozensets(st.sampled_from(sorted(EVERYTHING))))
def test_P2_06_random_consents_through_the_database_never_leak(people, choices, asked):
    from homegroup.privacy.models import Consent

    Consent.objects.all().delete()
    now = timezone.now()
    live: dict[str, set[str]] = {"program": set(), "sam": set()}
    for recipient, chosen, days, revoked in choices:
        to_program = recipient == "program"
        signed = actions.sign_consent(
            person=people.ana,
            kind=rules.TPO if to_program else rules.SPECIFIC,
            categories_chosen=chosen,
            purposes=rules.TPO_PURPOSES if to_program else {rules.PERSONAL_SUPPORT},
            expiry_kind=rules.EXPIRES_ON_DATE,
            expires_on=(now + timedelta(days=max(days, 1))).date(),
            password=PASSWORD,
            recipient_program=people.program if to_program else None,
            recipient_label="" if to_program else "Sam",
        )
        consent = signed.consent
        if not to_program:
            consent = actions.accept_share(recipient=people.sam, code=signed.share_code)
        if days <= 0:  # already over: its end date is in the past at the moment of access
            Consent.objects.filter(pk=consent.pk).update(expires_at=now - timedelta(days=-days))
        elif revoked:
            actions.revoke_consent(consent=consent, by=people.ana, attested=True)
        else:
            live[recipient] |= chosen
    cora = disclose(people.cora, people.ana, asked)
    sam = disclose(people.sam, people.ana, asked, purpose=rules.PERSONAL_SUPPORT)
    dev = disclose(people.dev, people.ana, asked)
    assert cora.allowed_categories == asked & live["program"]
    assert sam.allowed_categories == asked & live["sam"]
    assert not dev.allowed


def test_an_account_in_its_deletion_grace_period_is_disclosed_to_nobody(people, client_for):
    from homegroup.journal import actions as journal_actions

    share_as_in_the_story(people)
    assert disclose(people.cora, people.ana).allowed
    journal_actions.request_account_deletion(person=people.ana)
    assert not disclose(people.cora, people.ana).allowed
    assert not disclose(people.sam, people.ana, purpose=rules.PERSONAL_SUPPORT).allowed
    assert denials(people.ana).filter(actor_id=people.cora.pk).exists()
    cora, sam = client_for(people.cora), client_for(people.sam)
    for path in ("", "print/", "fhir/"):
        assert cora.get(f"/care/people/{people.ana.pk}/{path}").status_code == 404
    assert sam.get(f"/shared/{people.ana.pk}/").status_code == 404
    assert f"/shared/{people.ana.pk}/" not in sam.get("/privacy/shared-with-me/").content.decode()
    assert gate.visible_person_ids(people.cora) == set()
    assert gate.visible_person_ids(people.sam) == set()
    # Keeping the account (signing in again within the grace period) brings the sharing back.
    journal_actions.cancel_account_deletion(person=people.ana)
    assert disclose(people.cora, people.ana).allowed


def test_the_scope_line_of_an_end_of_treatment_consent_says_until_the_end_of_treatment(people):
    story = share_as_in_the_story(people)
    summary = disclose(people.cora, people.ana).scope_summary
    assert f"consent {story.program_consent.pk}, until the end of treatment" in summary
    assert "until revoked" not in summary
