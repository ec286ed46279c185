"""Quick exit ends the session before leaving for the neutral site (recovery-care.md, Safety)."""

from __future__ import annotations

import pytest

from homegroup.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_quick_exit_signs_out_and_sends_the_browser_to_the_neutral_site(people, client_for):
    client = client_for(people.ana)
    response = client.get("/accounts/quick-exit/")
    assert response.status_code == 302
    assert response["Location"] == "https://www.weather.gov"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response["Cache-Control"] == "no-store"
    # The journal is behind the sign-in page again.
    after = client.get("/journal/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/sign-in/")


def test_quick_exit_needs_no_confirmation_and_no_csrf_token(people, client_for):
    client = client_for(people.ana)
    client.handler.enforce_csrf_checks = True
    assert client.post("/accounts/quick-exit/").status_code == 302
    assert client.get("/journal/").status_code == 302


def test_quick_exit_is_audited_as_its_own_kind_of_sign_out(people, client_for):
    client_for(people.ana).get("/accounts/quick-exit/")
    assert AuditEvent.objects.filter(action="auth.quick_exit", actor_id=people.ana.pk).exists()


def test_quick_exit_without_a_session_still_leaves(client):
    response = client.get("/accounts/quick-exit/")
    assert response.status_code == 302
    assert response["Location"] == "https://www.weather.gov"
