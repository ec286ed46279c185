import pytest
from django.urls import reverse

from homegroup.accounts.models import User
from homegroup.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = {
    "display_name": "Rosa",
    "email": "Rosa@Example.org",
    "password1": "a long and unusual phrase 7",
    "password2": "a long and unusual phrase 7",
    "confirmed_adult": "on",
}


def test_a_person_signs_up_as_a_person_in_recovery_and_is_signed_in(client):
    response = client.post(reverse("accounts:sign-up"), GOOD)
    assert response.status_code == 302
    user = User.objects.get(email="rosa@example.org")
    assert user.is_person_in_recovery
    assert not user.holds_staff_role
    assert user.confirmed_adult_at is not None
    assert client.get(reverse("home")).context["user"] == user
    assert AuditEvent.objects.filter(action="account.sign_up", subject_id=user.pk).count() == 1


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


def test_a_taken_email_address_is_refused(client, people):
    response = client.post(reverse("accounts:sign-up"), {**GOOD, "email": "ANA@people.test"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email="ana@people.test").count() == 1


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
