"""The AAI core (Cloud et al. 2004): meetings in the period, steps completed, membership."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.measures import aai
from homegroup.measures.base import AnswersInvalid


def test_the_three_core_items_over_90_days():
    assert aai.INSTRUMENT.keys == ("meetings", "steps", "member")
    assert aai.INSTRUMENT.period_days == 90


def test_scoring_keeps_the_answers_and_derives_meetings_a_week():
    score = aai.score({"meetings": 26, "steps": 3, "member": 1})
    assert (score.meetings, score.steps, score.member) == (26, 3, True)
    assert score.meetings_per_week == 2.0
    assert score.weekly_or_more


@pytest.mark.parametrize(("meetings", "weekly"), [(12, False), (13, True)])
def test_weekly_or_more_starts_at_about_13_meetings_in_90_days(meetings, weekly):
    assert aai.score({"meetings": meetings, "steps": 0, "member": 0}).weekly_or_more is weekly


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({"meetings": -1, "steps": 0, "member": 0}, "meetings"),
        ({"meetings": 501, "steps": 0, "member": 0}, "meetings"),
        ({"meetings": 3, "steps": 13, "member": 0}, "steps"),
        ({"meetings": 3, "steps": 2, "member": 2}, "member"),
        ({"meetings": 3, "steps": 2}, "member"),
    ],
)
def test_out_of_range_answers_are_named(answers, key):
    with pytest.raises(AnswersInvalid) as raised:
        aai.score(answers)
    assert [p.key for p in raised.value.problems] == [key]


@given(st.integers(0, 500), st.integers(0, 12), st.sampled_from([0, 1]))
def test_any_valid_answer_scores_and_round_trips(meetings, steps, member):
    score = aai.score({"meetings": meetings, "steps": steps, "member": member})
    assert score.as_json()["meetings"] == meetings
    assert score.meetings_per_week >= 0
