"""`homegroup generate-cohort` and `homegroup outcomes-report`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_generate_cohort_labels_what_it_made_and_refuses_the_same_seed_twice(people):
    said = _run("generate-cohort", "--program", people.program.name, "--people", "12",
                "--days", "60", "--seed", "9", "--effect", "attendance_or=1")  # fmt: skip
    assert "12 synthetic people (not real people)" in said
    assert "attendance_or=1" in said
    with pytest.raises(CommandError, match="already has the synthetic cohort of seed 9"):
        _run("generate-cohort", "--program", people.program.name, "--people", "3",
             "--days", "60", "--seed", "9")  # fmt: skip


@pytest.mark.parametrize(
    ("effect", "message"),
    [
        ("attendance=2", "KEY one of attendance_or"),
        ("attendance_or", "KEY=VALUE"),
        ("service_or=lots", "is not a number"),
        ("group_or=0", "positive number"),
    ],
)
def test_a_bad_effect_is_refused_with_what_and_where(people, effect, message):
    with pytest.raises(CommandError, match=message):
        _run("generate-cohort", "--program", people.program.name, "--effect", effect)


def test_an_unknown_program_is_refused(db):
    with pytest.raises(CommandError, match="No program named 'Nowhere'"):
        _run("outcomes-report", "--program", "Nowhere")
    with pytest.raises(CommandError, match="No program named 'Nowhere'"):
        _run("generate-cohort", "--program", "Nowhere")


def test_too_few_days_are_refused(people):
    with pytest.raises(CommandError, match="at least 60 days"):
        _run("generate-cohort", "--program", people.program.name, "--days", "30")


def test_outcomes_report_prints_json_csv_and_html(people):
    _run("generate-cohort", "--program", people.program.name, "--people", "30",
         "--days", "90", "--seed", "3")  # fmt: skip
    numbers = json.loads(_run("outcomes-report", "--program", people.program.name))
    assert numbers["consent"]["counted"] + numbers["consent"]["not_counted"] == 31
    table = _run("outcomes-report", "--program", people.program.name, "--format", "csv",
                 "--table", "models")  # fmt: skip
    assert next(csv.reader(io.StringIO(table)))[:2] == ["term", "contrast"]
    page = _run("outcomes-report", "--program", people.program.name, "--format", "html")
    assert page.startswith("<!doctype html>")
    assert "<svg" in page
