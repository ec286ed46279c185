"""R-05: /healthz says the process is up; /readyz that the database answers and is migrated."""

from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "unapplied_migrations": 0}


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(client):
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[1, 2]
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["unapplied_migrations"] == 2


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_database(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OSError):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
