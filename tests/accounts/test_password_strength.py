"""A-04: passwords that are easy to guess are refused kindly, with help toward a passphrase."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from homegroup.accounts.demo import DEMO_PASSWORD
from homegroup.accounts.models import User
from homegroup.accounts.passwords import guessability_score
from tests.people import PASSWORD

SIGN_UP = {
    "display_name": "Rosa",
    "email": "rosa@example.org",
    "confirmed_adult": "on",
}


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "qwertyuiopas", "iloveyou2026", "letmeinplease"]
)
@pytest.mark.django_db
def test_long_but_easy_passwords_are_refused_with_a_passphrase_hint(client, password):
    response = client.post(
        reverse("accounts:sign-up"), {**SIGN_UP, "password1": password, "password2": password}
    )
    assert response.status_code == 400
    assert "A passphrase works better" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "password", [PASSWORD, DEMO_PASSWORD, "a long and unusual phrase 7", "lantern otter cobalt"]
)
def test_passphrases_and_the_named_peoples_passwords_pass(password):
    validate_password(password, User(email="rosa@example.org", display_name="Rosa"))


def test_a_password_made_of_the_persons_own_name_and_address_is_easy_to_guess():
    rosalind = User(email="rosalind.franklin@example.org", display_name="Rosalind Franklin")
    assert guessability_score("rosalindfranklin", user=rosalind) < 3
    with pytest.raises(ValidationError, match="easy to guess"):
        validate_password("rosalindfranklin", rosalind)


def test_django_common_password_list_still_applies():
    with pytest.raises(ValidationError) as raised:
        validate_password("password1234", User(email="x@example.org", display_name="X"))
    assert "This password is too common." in raised.value.messages


def test_a_very_long_passphrase_is_judged_without_error():
    validate_password("lantern otter cobalt " * 20, User(email="x@example.org"))
