"""Deleting the account and journal: a confirmation page (fresh password + a typed word), the
account closed at once, a grace period in which signing in offers to keep it, and a daily purge
that removes the account and every journal row — never the audit or the disclosure records."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.audit.models import AuditEvent
from homegroup.journal import actions
from homegroup.journal.models import (
    AccountDeletion,
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    NetworkMember,
    NetworkSnapshot,
    ServiceCommitment,
    TwelveStepLife,
)
from homegroup.privacy import gate
from homegroup.privacy.models import Consent, DisclosureRecord
from tests.journal.export_data import full_journal
from tests.journal.journal_data import check_in, start_journal
from tests.people import PASSWORD, share_as_in_the_story

pytestmark = pytest.mark.django_db

JOURNAL_MODELS = (
    JournalProfile,
    MedicationPlan,
    CheckIn,
    TwelveStepLife,
    ServiceCommitment,
    NetworkMember,
    NetworkSnapshot,
    MeasureResponse,
)


def rows_of(person_id: int) -> dict[str, int]:
    counts = {
        model.__name__: model.objects.filter(person_id=person_id).count()
        for model in JOURNAL_MODELS
    }
    counts["CheckInMeeting"] = CheckInMeeting.objects.filter(check_in__person_id=person_id).count()
    counts["CheckInDose"] = CheckInDose.objects.filter(check_in__person_id=person_id).count()
    return counts


def delete_through_the_page(client: Client):
    return client.post("/journal/data/delete/", {"confirm": "delete"})


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def test_the_page_asks_to_type_a_word_and_a_wrong_word_changes_nothing(people, client_for):
    client = client_for(people.ana)
    page = client.get("/journal/data/delete/")
    assert page.status_code == 200
    assert 'Type "delete" to confirm' in page.content.decode()
    response = client.post("/journal/data/delete/", {"confirm": "yes"})
    assert response.status_code == 400
    people.ana.refresh_from_db()
    assert people.ana.is_active
    assert not AccountDeletion.objects.exists()


def test_the_page_asks_for_the_password_again_after_a_while(people, client_for):
    client = client_for(people.ana)
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        response = delete_through_the_page(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-password/")
    assert not AccountDeletion.objects.exists()


def test_deleting_closes_the_account_at_once_and_signs_out_every_device(people, client_for):
    start_journal(people.ana)
    phone, laptop = client_for(people.ana), client_for(people.ana)
    response = delete_through_the_page(phone)
    assert response.status_code == 302
    assert response["Location"] == "/"
    people.ana.refresh_from_db()
    assert not people.ana.is_active
    deletion = AccountDeletion.objects.get(person=people.ana)
    assert deletion.purge_after - deletion.requested_at == timedelta(days=30)
    for client in (phone, laptop):
        assert client.get("/journal/")["Location"].startswith("/accounts/sign-in/")
    assert (
        AuditEvent.objects.about(people.ana.pk).filter(action="journal.deletion_request").exists()
    )
    # The journal is still there during the grace period.
    assert JournalProfile.objects.filter(person=people.ana).exists()


def test_signing_in_during_the_grace_period_offers_to_keep_the_account(people, client_for, client):
    full_journal(people.ana)
    before = rows_of(people.ana.pk)
    delete_through_the_page(client_for(people.ana))
    response = sign_in(client, people.ana.email)
    assert response.status_code == 302
    assert response["Location"] == "/journal/data/keep/"
    page = client.get("/journal/data/keep/")
    assert page.status_code == 200
    assert "Keep my account" in page.content.decode()
    response = client.post("/journal/data/keep/", {"choice": "keep"})
    assert response.status_code == 302
    assert response["Location"] == "/journal/"
    people.ana.refresh_from_db()
    assert people.ana.is_active
    assert not AccountDeletion.objects.exists()
    assert client.get("/journal/").status_code == 200  # signed in
    assert rows_of(people.ana.pk) == before
    assert AuditEvent.objects.about(people.ana.pk).filter(action="journal.deletion_cancel").exists()


def test_a_wrong_password_during_the_grace_period_is_just_a_wrong_password(
    people, client_for, client
):
    delete_through_the_page(client_for(people.ana))
    response = sign_in(client, people.ana.email, "not the password at all")
    assert response.status_code == 200
    assert client.get("/journal/data/keep/")["Location"].startswith("/accounts/sign-in/")


def test_choosing_not_to_keep_it_leaves_the_deletion_as_asked(people, client_for, client):
    delete_through_the_page(client_for(people.ana))
    sign_in(client, people.ana.email)
    response = client.post("/journal/data/keep/", {"choice": "delete"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AccountDeletion.objects.filter(person=people.ana).exists()
    assert client.get("/journal/data/keep/")["Location"].startswith("/accounts/sign-in/")


def test_the_offer_to_keep_expires_after_a_few_minutes(people, client_for, client):
    delete_through_the_page(client_for(people.ana))
    sign_in(client, people.ana.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert client.get("/journal/data/keep/")["Location"].startswith("/accounts/sign-in/")


def test_the_purge_waits_for_the_grace_period_then_removes_the_account_and_journal(
    people, client_for, capsys
):
    full_journal(people.ana)
    start_journal(people.ben)
    check_in(people.ben, 1, use_status="none", note="Ben's day")
    story = share_as_in_the_story(people)
    disclosure = gate.disclose(
        viewer=people.sam,
        person=people.ana,
        categories_requested={"meetings_and_activities"},
        channel="page",
        purpose="personal_support",
    )
    assert disclosure.allowed
    ana_id, ben_rows = people.ana.pk, rows_of(people.ben.pk)
    assert all(rows_of(ana_id).values())
    delete_through_the_page(client_for(people.ana))
    audit_before = list(AuditEvent.objects.about(ana_id).values_list("id", "mac"))
    disclosures_before = list(DisclosureRecord.objects.about(ana_id).values_list("id", flat=True))
    assert disclosures_before

    with time_machine.travel(timezone.now() + timedelta(days=29)):
        call_command("purge-deleted-accounts")
    assert User.objects.filter(pk=ana_id).exists()
    assert "Deleted 0 account(s)" in capsys.readouterr().out

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("purge-deleted-accounts")
    assert "Deleted 1 account(s)" in capsys.readouterr().out
    assert not User.objects.filter(pk=ana_id).exists()
    assert not any(rows_of(ana_id).values())
    assert not Consent.objects.filter(pk=story.sam_consent.pk).exists()
    assert not AccountDeletion.objects.exists()
    # Another person's journal is untouched.
    assert rows_of(people.ben.pk) == ben_rows
    # The audit and the accounting of disclosures keep every row, by plain id.
    after = AuditEvent.objects.about(ana_id)
    assert list(after.filter(id__in=[i for i, _m in audit_before]).values_list("id", "mac")) == (
        audit_before
    )
    assert after.filter(action="journal.account_purged", actor_id__isnull=True).count() == 1
    assert list(DisclosureRecord.objects.about(ana_id).values_list("id", flat=True)) == (
        disclosures_before
    )


def test_a_kept_account_is_never_purged(people, client_for, client):
    start_journal(people.ana)
    delete_through_the_page(client_for(people.ana))
    sign_in(client, people.ana.email)
    client.post("/journal/data/keep/", {"choice": "keep"})
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        assert actions.purge_deleted_accounts() == []
    assert User.objects.filter(pk=people.ana.pk, is_active=True).exists()


def test_asking_twice_keeps_the_first_date(people):
    first = actions.request_account_deletion(person=people.ana)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        second = actions.request_account_deletion(person=people.ana)
    assert second.purge_after == first.purge_after
