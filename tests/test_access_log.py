"""The access log names the URL pattern that answered, never the path, query or client."""

import logging

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_lines(caplog):
    caplog.set_level(logging.INFO, logger="homegroup.access")
    logger = logging.getLogger("homegroup.access")
    level = logger.level
    logger.setLevel(logging.INFO)  # off locally (DEBUG), on in production
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "homegroup.access"]
    logger.setLevel(level)


def test_a_search_is_logged_as_its_pattern_without_the_zip_code(client, access_lines):
    client.get("/meetings/?near=14850", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Phone/1.0")
    (line,) = access_lines()
    assert line.startswith("GET /meetings/ 200 ")
    for secret in ("14850", "near", "203.0.113.7", "Phone"):
        assert secret not in line


def test_a_person_s_id_in_the_path_stays_out_of_the_log(people, client_for, access_lines):
    client_for(people.sam).get(f"/shared/{people.ana.pk}/")
    (line,) = access_lines()
    assert "<id:person_id>" in line
    assert f"/{people.ana.pk}/" not in line


def test_an_unknown_path_is_logged_without_it(client, access_lines):
    client.get("/no-such-page-for-ana@example.org")
    (line,) = access_lines()
    assert line.startswith("GET (no route) 404 ")
    assert "ana" not in line
