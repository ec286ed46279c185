"""Bad input never crashes a page: malformed posts, unknown URLs, wrong methods get clear 4xx."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_unknown_url_gets_the_generic_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "could not find that page" in body
    assert "Traceback" not in body
    assert "URLconf" not in body


def test_an_unknown_api_url_gets_the_api_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "/"), ("delete", "/accounts/sign-up/"), ("post", "/healthz"), ("patch", "/readyz")],
)
def test_a_wrong_method_gets_405(client, method, path):
    assert getattr(client, method)(path).status_code == 405


def test_a_post_without_csrf_token_is_refused_with_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign-up"), {"email": "a@b.test"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"username": ["a", "b"], "password": ""},
        {"username": "x" * 10_000, "password": "y" * 10_000},
        {"username": "\x00\x01", "password": "\x00"},
    ],
)
def test_malformed_sign_in_posts_get_a_form_error_not_a_crash(client, payload):
    response = client.post(reverse("accounts:sign-in"), payload)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_a_non_form_body_to_a_form_page_is_handled(client):
    response = client.post(
        reverse("accounts:sign-up"), data=b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
