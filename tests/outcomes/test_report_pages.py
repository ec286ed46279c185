"""/programs/outcomes/: Pat's program only, aggregate numbers with their N and caveat, the CSV
and JSON downloads and the de-identified export, each audited with the program's id."""

from __future__ import annotations

import csv
import io
import json

import pytest

from homegroup.audit.models import AuditEvent
from homegroup.outcomes import actions, deidentify
from tests.people import share_as_in_the_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(people):
    share_as_in_the_story(people)
    actions.generate_cohort(program=people.program, people=60, days=120, seed=4)
    return people


def test_pat_sees_the_report_with_its_caveat_counts_and_figures(cohort, client_for):
    response = client_for(cohort.pat).get("/programs/outcomes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "associations in this program" in page
    assert "Not counted:" in page
    assert page.count("<svg") >= 4
    assert 'role="img"' in page
    assert "<desc" in page
    assert "Cache-Control" in response.headers
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="outcomes.report_viewed", actor_id=cohort.pat.pk, object_id=str(cohort.program.pk)
    ).exists()


def test_the_page_never_names_a_person(cohort, client_for):
    page = client_for(cohort.pat).get("/programs/outcomes/").content.decode()
    assert "Synthetic person" not in page
    assert "synthetic.homegroup.invalid" not in page
    assert cohort.ana.email not in page


def test_the_json_download_has_the_issues_keys_and_nulls_for_small_cells(cohort, client_for):
    response = client_for(cohort.pat).get("/programs/outcomes/report.json")
    assert response.status_code == 200
    numbers = json.loads(response.content)
    assert {"n_people", "n_windows", "n_excluded_windows", "models", "dose_response",
            "survival"} <= set(numbers)  # fmt: skip
    for term in ("attendance_weekly", "service", "sponsor", "group", "medication"):
        assert {"odds_ratio", "ci_low", "ci_high", "p"} <= set(numbers["models"][term])
    row = numbers["dose_response"][0]
    assert set(row) >= {"group", "medication", "meetings_per_week", "n", "abstinent_next_30"}
    # Sixty people split by group, medication and meetings a week: some cells are small.
    small = [r for r in numbers["dose_response"] if r["n"] is None]
    assert small
    assert all(r["abstinent_next_30"] is None for r in small)
    assert {"tertile", "day", "at_risk", "survival"} <= set(numbers["survival"][0])


def test_each_table_downloads_as_csv(cohort, client_for):
    client = client_for(cohort.pat)
    for table in ("dose_response", "participation", "models", "survival", "network"):
        response = client.get(f"/programs/outcomes/tables/{table}.csv")
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
        assert next(iter(csv.reader(io.StringIO(response.content.decode()))))
    assert client.get("/programs/outcomes/tables/people.csv").status_code == 404


def test_the_research_export_is_de_identified_and_audited(cohort, client_for):
    response = client_for(cohort.pat).get("/programs/outcomes/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert tuple(rows[0]) == deidentify.HEADER
    text = response.content.decode()
    assert "synthetic.homegroup.invalid" not in text
    assert "Synthetic person" not in text
    assert {len(row["enrolment_year"]) for row in rows} == {4}
    assert AuditEvent.objects.filter(action="outcomes.export", actor_id=cohort.pat.pk).exists()


def test_another_programs_report_is_not_found(people, client_for):
    assert client_for(people.pat).get("/programs/outcomes/?program=999999").status_code == 404
    assert client_for(people.pat).get("/programs/outcomes/?program=x").status_code == 404


def test_the_report_makes_the_same_number_of_queries_whatever_the_cohort(
    cohort, client_for, django_assert_max_num_queries
):
    client = client_for(cohort.pat)
    with django_assert_max_num_queries(40):
        client.get("/programs/outcomes/report.json")
