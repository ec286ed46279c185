"""A-14, A-10: a NUL character in the path or query string is a 400 before any view reaches the
database (PostgreSQL refuses NUL in text: without this the fuzzer finds 500s there)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/meetings?q=a%00b",
        "/api/v1/feeds/meeting-guide.json?fellowship=%00",
        "/api/v1/me/disclosures?from=2025-01-01%00",
    ],
)
def test_A_14_an_api_query_with_a_nul_is_400_in_the_error_shape(client_for, people, url):
    response = client_for(people.ana).get(url)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad request.", "details": []}


def test_A_14_a_page_query_with_a_nul_is_the_generic_400_page(client):
    response = client.get("/meetings/?q=hope%00")
    assert response.status_code == 400
    assert b"<html" in response.content


def test_A_14_a_nul_in_the_path_is_400(client):
    assert client.get("/meetings/a%00b/").status_code == 400


def test_A_14_ordinary_queries_pass_untouched(client):
    assert client.get("/api/v1/meetings?q=hope+%26+serenity").status_code == 200


def test_A_14_a_json_body_with_a_nul_is_400(client_for, people):
    response = client_for(people.ana).put(
        "/api/v1/me/checkins/2025-01-01",
        '{"meetings": [{"meeting": "a\\u0000b"}]}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Bad request."
