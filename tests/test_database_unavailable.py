"""The database going away is a 503 with Retry-After, never a 500 (homegroup/unavailable.py)."""

import json
from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from homegroup.audit.models import AuditEvent
from homegroup.journal.models import CheckIn, CheckInMeeting
from homegroup.unavailable import RETRY_AFTER_SECONDS, is_database_unavailable
from tests.journal.journal_data import meeting, start_journal, today_of

pytestmark = pytest.mark.django_db

GONE = "server closed the connection unexpectedly"


@pytest.fixture
def ana(people, client_for):
    start_journal(people.ana)
    meeting("Serenity Group", slug="serenity")
    client = client_for(people.ana)
    # Answer as production does (a response), instead of re-raising into the test.
    client.raise_request_exception = False
    return client


def put_day(client, day, note="steady"):
    body = {"meetings": [{"meeting": "serenity"}], "service": True, "note": note}
    return client.put(
        f"/api/v1/me/checkins/{day}", data=json.dumps(body), content_type="application/json"
    )


def assert_unavailable_json(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert set(data) == {"error", "details"}
    assert data["details"] == []
    assert "try again" in data["error"]


def test_a_database_error_raised_in_an_api_view_is_a_503_in_the_error_shape(people, ana, caplog):
    with mock.patch(
        "homegroup.journal.actions.record_check_in", side_effect=OperationalError(GONE)
    ):
        response = put_day(ana, today_of(people.ana).isoformat())
    assert_unavailable_json(response)
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert (record.levelname, record.getMessage()) == (
        "WARNING",
        f"Database unavailable, answered 503: {GONE}",
    )


def test_an_interface_error_of_a_closed_connection_is_a_503_too(people, ana):
    with mock.patch(
        "homegroup.journal.actions.record_check_in",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = put_day(ana, today_of(people.ana).isoformat())
    assert_unavailable_json(response)


def test_the_api_answers_503_even_with_debug_on(people, ana, settings):
    # With DEBUG, django-ninja would answer an unhandled error with a traceback as a 500.
    settings.DEBUG = True
    with mock.patch(
        "homegroup.journal.actions.record_check_in", side_effect=OperationalError(GONE)
    ):
        response = put_day(ana, today_of(people.ana).isoformat())
    assert_unavailable_json(response)


def test_a_failure_to_connect_before_any_view_runs_is_a_503_under_the_api():
    client = Client(raise_request_exception=False)
    refused = psycopg.OperationalError("connection refused")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=refused
    ):
        response = client.get("/api/v1/meetings")
    assert_unavailable_json(response)


def test_a_person_sees_a_calm_page_with_the_crisis_lines_when_the_database_is_away(people):
    client = Client(raise_request_exception=False)
    client.force_login(people.ben)
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("too many clients already"),
    ):
        response = client.get("/journal/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "What you already saved is safe." in page
    assert 'href="tel:988"' in page
    assert "Traceback" not in page


def test_a_database_error_in_the_middle_of_a_check_in_leaves_no_half_written_day(people, ana):
    rows = AuditEvent.objects.count()
    with mock.patch("homegroup.journal.actions._audit", side_effect=OperationalError(GONE)):
        response = put_day(ana, today_of(people.ana).isoformat())
    assert_unavailable_json(response)
    # The check-in row and its meeting were written before the audit failed: both rolled back.
    assert not CheckIn.objects.filter(person=people.ana).exists()
    assert not CheckInMeeting.objects.exists()
    assert AuditEvent.objects.count() == rows


def test_any_other_error_is_still_a_500(people, ana):
    with mock.patch("homegroup.journal.actions.record_check_in", side_effect=RuntimeError("a bug")):
        response = put_day(ana, today_of(people.ana).isoformat())
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_wrapped_database_error_counts_as_unavailable():
    cause = psycopg.OperationalError("terminating connection due to administrator command")
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = cause
    assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(ValueError("no"))
    assert not is_database_unavailable(None)


def test_an_outage_logs_one_line_per_request_without_the_path_or_a_traceback(
    people, client_for, caplog
):
    client = client_for(people.sam)
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused\nIs the server running?"),
    ):
        response = client.get(f"/shared/{people.ana.pk}/")
    assert response.status_code == 503
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == "Database unavailable, answered 503: connection refused"
    assert record.exc_info is None
    assert str(people.ana.pk) not in record.getMessage()
