from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests.people import People, make_people

# Hypothesis' per-example deadline is a timing assertion: on a shared 2-core machine it fails
# correct code at random. Speed is measured in bench/, never asserted in a test (DESIGN.md).
hypothesis_settings.register_profile("homegroup", deadline=None)
# CI (.ci/run) draws the same examples every run, so a landing is never refused by an input no
# one chose; `make test` on a developer's machine keeps exploring new ones (and the examples a
# failure found stay in .hypothesis/ to be replayed).
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HOMEGROUP_HYPOTHESIS_PROFILE", "homegroup"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the production hasher (tests/test_settings.py pins it); MD5 keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _search_index_in_the_test_transaction(settings: pytest.FixtureRequest) -> None:
    # A background thread has its own database connection, which does not see a test's
    # uncommitted data: tests make the search index in the searching thread.
    settings.HOMEGROUP_SEARCH_INDEX = "inline"  # type: ignore[attr-defined]


@pytest.fixture
def people(db: None) -> People:
    return make_people()


def verify_second_factor(client: Client, user: object) -> None:
    """Mark the client's session as having passed the second factor, as django_otp.login does.

    Creates the account's authenticator through the test-universe action when it has none.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    from homegroup.accounts import actions

    device = actions.confirmed_totp_device(user) or actions.add_totp_device(user=user)  # type: ignore[arg-type]
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A test client signed in as the given person (through the real session machinery).

    Staff (and anyone who switched on two-step sign-in) come with their second factor verified,
    as after a real sign-in; `client_for(user, verified=False)` is the session before the code.
    """

    def make(user: object | None, *, verified: bool = True) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)  # type: ignore[arg-type]
            needs = user.holds_staff_role or user.second_factor_enabled  # type: ignore[attr-defined]
            if verified and needs:
                verify_second_factor(client, user)
        return client

    return make
