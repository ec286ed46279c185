"""A-07, A-08: headers on every kind of page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accounts/sign-in/", "/healthz", "/no-such-page/"])
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_for_a_signed_in_person_are_never_cached(client_for, people):
    client = client_for(people.ana)
    for path in ("/", reverse("accounts:account")):
        assert "no-store" in client.get(path)["Cache-Control"]


def test_api_answers_are_never_cached(client_for, people):
    assert "no-store" in client_for(people.ana).get("/api/v1/me")["Cache-Control"]
    assert "no-store" in client_for(None).get("/api/v1/me")["Cache-Control"]


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/")["X-Request-ID"]) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="proxy-id-12345")["X-Request-ID"] == "proxy-id-12345"
    assert client.get("/", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"] != "bad id <script>"


def test_the_audit_row_carries_the_request_id(client, people):
    from homegroup.audit.models import AuditEvent

    client.post(
        reverse("accounts:sign-in"),
        {"username": people.ana.email, "password": "wrong password entirely"},
        HTTP_X_REQUEST_ID="trace-me-123456",
    )
    assert AuditEvent.objects.get(action="auth.sign_in").request_id == "trace-me-123456"
