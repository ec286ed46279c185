import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homegroup.accounts import actions
from homegroup.accounts.models import User
from homegroup.audit.models import AuditEvent, Outcome
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

GOOD = {
    "display_name": "Rosa",
    "email": "Rosa@Example.org",
    "password1": "a long and unusual phrase 7",
    "password2": "a long and unusual phrase 7",
    "confirmed_adult": "on",
}


def sign_up(client, **changes):
    return client.post(reverse("accounts:sign-up"), {**GOOD, **changes})


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+)", message.body)[1]


def test_a_person_signs_up_opens_the_emailed_link_and_lands_signed_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-up-sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="rosa@example.org")
    assert user.is_person_in_recovery
    assert not user.holds_staff_role
    assert user.confirmed_adult_at is not None
    assert not user.is_active
    assert user.email_verified_at is None
    assert not client.get(reverse("home")).context["user"].is_authenticated

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Rosa" not in message.body  # links and plain words only
    path = link_in(message)
    assert path.startswith("/accounts/activate/")
    assert client.get(path).status_code == 200
    done = client.post(path, {"password": GOOD["password1"]})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert user.email_verified_at is not None
    assert client.get(reverse("home")).context["user"] == user
    actions_seen = list(
        AuditEvent.objects.filter(subject_id=user.pk).values_list("action", flat=True)
    )
    assert actions_seen[:2] == ["account.sign_up", "account.activated"]
    # The link works once.
    assert client.get(path).status_code == 404


def test_until_the_link_is_opened_the_account_cannot_sign_in(client):
    sign_up(client)
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "rosa@example.org", "password": GOOD["password1"]},
    )
    assert response.status_code == 200
    assert "Open the link we emailed you first" in response.content.decode()
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_the_link_needs_the_password_chosen_at_sign_up(client):
    # Whoever typed someone else's address can't have the owner activate an account they hold
    # the password of: the link alone starts nothing.
    sign_up(client)
    path = link_in(mail.outbox[0])
    wrong = client.post(path, {"password": "somebody else's phrase 42"})
    assert wrong.status_code == 400
    assert "not the password you chose" in wrong.content.decode()
    assert not User.objects.get(email="rosa@example.org").is_active
    assert AuditEvent.objects.filter(action="account.activated", outcome=Outcome.FAILURE).exists()


def test_the_link_stops_working_after_the_activation_days(client, settings):
    sign_up(client)
    path = link_in(mail.outbox[0])
    later = timezone.now() + timedelta(days=settings.HOMEGROUP_ACTIVATION_DAYS, minutes=1)
    with time_machine.travel(later):
        assert client.get(path).status_code == 404
        assert client.post(path, {"password": GOOD["password1"]}).status_code == 404
    assert not User.objects.get(email="rosa@example.org").is_active


def test_a_tampered_link_is_not_found(client):
    sign_up(client)
    path = link_in(mail.outbox[0])
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_sign_up_without_confirming_adulthood_is_refused_and_creates_nothing(client):
    response = client.post(reverse("accounts:sign-up"), {**GOOD, "confirmed_adult": ""})
    assert response.status_code == 400
    assert "18 or older" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "too short"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_reason(client, password, message):
    response = client.post(
        reverse("accounts:sign-up"), {**GOOD, "password1": password, "password2": password}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email_about_it(client, people):
    free = sign_up(client, email="rosa@example.org")
    taken = sign_up(client, email="ANA@people.test")
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert User.objects.filter(email="ana@people.test").count() == 1
    people.ana.refresh_from_db()
    assert people.ana.check_password(PASSWORD)  # nothing about Ana's account changed
    to_ana = next(m for m in mail.outbox if m.to == ["ana@people.test"])
    assert "Someone just tried to sign up" in to_ana.body
    assert "/accounts/activate/" not in to_ana.body
    assert "/accounts/password-reset/" in to_ana.body
    attempt = AuditEvent.objects.get(action="account.sign_up", subject_id=people.ana.pk)
    assert attempt.outcome == Outcome.DENIED
    assert attempt.actor_id is None


def test_the_password_is_hashed_for_a_taken_address_too(client, people, monkeypatch):
    # Equal work either way, so the answer's timing does not tell a taken address apart.
    from django.contrib.auth import base_user

    hashed = []
    real = base_user.make_password
    monkeypatch.setattr(base_user, "make_password", lambda raw: hashed.append(1) or real(raw))
    sign_up(client, email="rosa@example.org")
    sign_up(client, email="ana@people.test")
    assert len(hashed) == 2


def test_a_reset_link_from_a_repeated_sign_up_also_activates_a_waiting_account(client):
    # Rosa lost the first email and signs up again: the second email offers a password reset,
    # which proves the address as well as the link would.
    sign_up(client)
    sign_up(client)
    again = mail.outbox[1]
    reset_path = re.search(r"http://testserver(/accounts/password-reset/\S+)", again.body)[1]
    form = client.get(reset_path, follow=True)
    new = "a fresh and unusual phrase 8"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    rosa = User.objects.get(email="rosa@example.org")
    assert rosa.is_active
    assert rosa.check_password(new)


def test_an_unconfirmed_account_can_ask_for_a_reset_link(client):
    sign_up(client)
    client.post(reverse("accounts:password-reset"), {"email": "rosa@example.org"})
    assert "/accounts/password-reset/" in mail.outbox[-1].body


def test_the_demo_and_test_accounts_are_confirmed_already(people):
    assert all(user.is_active and user.email_verified_at for user in people.named().values())
    assert actions.account_awaiting_link("anything") is None


def test_a_huge_or_malformed_post_gets_a_clear_400_and_changes_nothing(client):
    response = client.post(
        reverse("accounts:sign-up"),
        {**GOOD, "display_name": "x" * 100_000, "email": "not an email"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "at most 80 characters" in body
    assert "valid email" in body
    assert not User.objects.exists()


def test_no_account_exists_after_migrate_alone():
    assert not User.objects.exists()


def test_a_sign_up_never_confirmed_is_deleted_a_month_after_its_link_expired(
    client, settings, people
):
    from django.core.management import call_command

    sign_up(client)
    sign_up(client, email="kim@example.org", display_name="Kim")
    rosa = User.objects.get(email="rosa@example.org")
    kim = User.objects.get(email="kim@example.org")
    days = settings.HOMEGROUP_ACTIVATION_DAYS + actions.UNCONFIRMED_KEPT_DAYS
    actions.activate_account(token=actions.activation_token(kim), password=GOOD["password1"])
    assert actions.purge_unconfirmed_sign_ups(now=timezone.now() + timedelta(days=days - 1)) == []
    with time_machine.travel(timezone.now() + timedelta(days=days, hours=1)):
        call_command("purge-deleted-accounts")
    assert not User.objects.filter(pk=rosa.pk).exists()
    assert User.objects.filter(pk=kim.pk, is_active=True).exists()  # confirmed: kept
    assert all(person.pk and User.objects.filter(pk=person.pk).exists() for person in (
        people.ana, people.cora, people.sam))  # fmt: skip
    assert AuditEvent.objects.filter(
        action="account.unconfirmed_purged", subject_id=rosa.pk
    ).exists()
