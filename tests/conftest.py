from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.people import People, make_people


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tests/test_settings.py pins it); MD5 keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def people(db: None) -> People:
    return make_people()


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A test client signed in as the given person (through the real session machinery)."""

    def make(user: object | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)  # type: ignore[arg-type]
        return client

    return make
