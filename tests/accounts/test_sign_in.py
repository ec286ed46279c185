import pytest
from django.urls import reverse

from homegroup.accounts import actions as account_actions
from homegroup.accounts import second_factor
from homegroup.audit.models import AuditEvent, Outcome
from tests.people import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:sign-in"), {"username": email, "password": password})


@pytest.mark.parametrize("name", ["ana", "ben", "cora", "dev", "pat", "max", "sam"])
def test_every_named_person_can_sign_in_and_out(client, people, name):
    user = getattr(people, name)
    staff = user.holds_staff_role
    device = account_actions.add_totp_device(user=user) if staff else None
    response = sign_in(client, user.email)
    assert response.status_code == 302
    if staff:  # H-08: staff finish signing in with the code from their app
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two-factor"))
        client.post(reverse("accounts:two-factor"), {"code": second_factor.current_code(device)})
    assert client.get(reverse("home")).context["user"] == user
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not client.get(reverse("home")).context["user"].is_authenticated
    # A person in recovery's home page is their journal: its view is audited as a read too.
    actions = list(
        AuditEvent.objects.filter(subject_id=user.pk)
        .exclude(action="journal.read")
        .values_list("action", flat=True)
    )
    expected = ["auth.sign_in", *(["auth.2fa_verified"] if staff else []), "auth.sign_out"]
    assert actions[-len(expected) :] == expected


def test_the_email_is_matched_without_regard_to_case(client, people):
    assert sign_in(client, "ANA@People.Test").status_code == 302


def test_a_failed_sign_in_is_audited_without_the_typed_email(client, people):
    response = sign_in(client, people.ana.email, "wrong password entirely")
    assert response.status_code == 200
    assert "correct email" in response.content.decode()
    failure = AuditEvent.objects.get(action="auth.sign_in", outcome=Outcome.FAILURE)
    assert failure.subject_id == people.ana.pk
    assert failure.actor_id is None
    assert "ana" not in f"{failure.object_id}{failure.object_type}"


def test_five_failures_lock_the_account_for_that_address_with_a_429(client, people, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, people.ana.email, "wrong password entirely").status_code == 200
    locked = sign_in(client, people.ana.email, "wrong password entirely")
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # Even the right password waits out the lockout.
    assert sign_in(client, people.ana.email).status_code == 429
    assert AuditEvent.objects.filter(action="auth.locked_out", subject_id=people.ana.pk).exists()


def test_sign_out_needs_a_post(client, people):
    client.force_login(people.ana)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
