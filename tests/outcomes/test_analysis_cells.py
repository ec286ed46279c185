"""Small cells: a cell of fewer than 11 people is suppressed (None, null in JSON), however many
windows it has; the models leave out a comparison with fewer than 11 people on one side."""

from __future__ import annotations

import pandas as pd

from homegroup.outcomes import analysis


def _pairs(people: int, windows: int, **values) -> pd.DataFrame:
    rows = [
        {"person": p, "window": w, "group": "alcohol", "medication": "none",
         "meetings_bin": "1-3", "ninety_in_ninety": False, "activities": 12,
         "did_service": 1, "sponsor_contact": 1, "abstinent_next": (p + w) % 2, **values}
        for p in range(people) for w in range(windows)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_a_cell_of_ten_people_is_suppressed_even_with_many_windows():
    rows = analysis.dose_response(_pairs(10, 12))
    cell = next(r for r in rows if r["group"] == "all" and r["meetings_per_week"] == "1-3")
    assert cell == {"group": "all", "medication": "all", "meetings_per_week": "1-3",
                    "n": None, "n_people": None, "abstinent_next_30": None}  # fmt: skip


def test_a_cell_of_eleven_people_is_shown_with_its_counts():
    rows = analysis.dose_response(_pairs(11, 2))
    cell = next(r for r in rows if r["group"] == "all" and r["meetings_per_week"] == "1-3")
    assert (cell["n"], cell["n_people"]) == (22, 11)
    assert cell["abstinent_next_30"] == 0.5


def test_meetings_a_week_fall_in_the_issues_bins():
    per_week = pd.Series([0, 0.1, 0.99, 1, 2.99, 3, 9])
    assert list(analysis.meetings_bin(per_week)) == ["0", "0-1", "0-1", "1-3", "1-3", "3+", "3+"]


def test_a_model_term_with_too_few_people_on_one_side_is_left_out_and_says_why():
    pairs = _pairs(40, 6, bam_use=2.0, bam_risk=8.0, bam_protective=14.0,
                   months_in_program=1, attendance_weekly=0)  # fmt: skip
    pairs.loc[pairs["person"] < 5, "attendance_weekly"] = 1
    pairs.loc[pairs["person"] < 20, "did_service"] = 0
    terms = analysis.models(pairs)["terms"]
    assert terms["attendance_weekly"]["odds_ratio"] is None
    assert terms["attendance_weekly"]["note"] == "fewer than 11 people on one side"
    assert terms["service"]["odds_ratio"] is not None
