"""The estimators against a known truth: cohorts generated with planted odds ratios (issue 21).

Each cohort is made by `generate-cohort`'s action and read back through the whole report (the
consent scope, the SQL windows, the GEE). A 95% CI misses its truth one time in twenty by
design: the seeds are fixed, so a run is repeatable, and a change in the estimators that moves
an estimate off its truth fails here. No report value is written into these tests: every
expected number is a planted effect.
"""

from __future__ import annotations

import pytest

from homegroup.outcomes import actions, reports, synthetic
from homegroup.privacy import actions as privacy_actions
from tests.people import People

pytestmark = pytest.mark.django_db

# The terms of the report and the effect each was planted with.
PLANTED = {
    "attendance_weekly": "attendance_or",
    "service": "service_or",
    "sponsor": "sponsor_or",
    "group": "group_or",
    "group_both": "both_or",
    "medication": "medication_or",
    "medication_methadone": "methadone_or",
}


def _cohort(people: People, name: str, effects: dict[str, float], seed: int, size: int):
    program = privacy_actions.create_program(name=name, admin=people.pat)
    actions.generate_cohort(program=program, people=size, days=365, seed=seed, effects=effects)
    return reports.build(program=program).numbers


def test_each_planted_effect_is_recovered_inside_its_95_percent_ci(people):
    effects = synthetic.parse_effects(
        ["attendance_or=2.2", "service_or=1.7", "group_or=0.6", "medication_or=2.0"]
    )
    numbers = _cohort(people, "Planted", effects, seed=11, size=500)
    for term, key in PLANTED.items():
        model = numbers["models"][term]
        assert model["ci_low"] <= effects[key] <= model["ci_high"], (term, model, effects[key])
    # And the report is not trivially wide: attendance's planted effect is told from none.
    assert numbers["models"]["attendance_weekly"]["ci_low"] > 1


def test_a_cohort_planted_with_no_attendance_effect_gives_a_ci_that_contains_1(people):
    numbers = _cohort(
        people, "No effect", synthetic.parse_effects(["attendance_or=1"]), seed=5, size=400
    )
    attendance = numbers["models"]["attendance_weekly"]
    assert attendance["ci_low"] <= 1 <= attendance["ci_high"]
    assert attendance["p"] > 0.05


def test_only_people_whose_consent_covers_operations_are_counted_and_the_rest_said(people):
    numbers = _cohort(people, "Consent", {}, seed=2, size=150)
    consent = numbers["consent"]
    # The generator signs a treatment-only consent for a few people: never counted.
    assert consent["counted"] + consent["not_counted"] == 150
    assert 0 < consent["not_counted"] < 150
    assert numbers["n_people"] <= consent["counted"]
