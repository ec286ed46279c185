"""directory.mat.notes_stances: what a listing's notes say about people on medication."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.directory.mat import notes_stances


@pytest.mark.parametrize(
    ("notes", "phrase"),
    [
        ("MAT welcome", "MAT welcome"),
        ("Open discussion. MAT-friendly meeting.", "MAT-friendly"),
        ("Medication-assisted recovery welcome here", "Medication-assisted recovery welcome"),
        ("Suboxone users are welcome to share", "Suboxone users are welcome"),
        ("All welcome, even those on buprenorphine.", "welcome, even those on buprenorphine"),
        ("Members on medication are welcome", "Members on medication are welcome"),
        ("methadone friendly", "methadone friendly"),
    ],
)
def test_welcoming_wording_is_found_as_written(notes, phrase):
    assert notes_stances(notes) == [("welcoming", phrase)]


@pytest.mark.parametrize(
    ("notes", "phrase"),
    [
        ("This meeting is not MAT friendly", "not MAT friendly"),
        ("No methadone talk please", "No methadone"),
        ("People on methadone are not welcome to share", "methadone are not welcome"),
        ("MAT not welcome", "MAT not welcome"),
        ("Methadone is not clean time here", "Methadone is not clean"),
    ],
)
def test_unwelcoming_wording_is_found_and_never_read_as_welcoming(notes, phrase):
    assert notes_stances(notes) == [("unwelcoming", phrase)]


@pytest.mark.parametrize(
    "notes",
    [
        "",
        "Open meeting. Newcomers welcome.",
        "Bring your yoga mat. All welcome",  # "mat" in lower case is a mat
        "Wheelchair accessible; friendly group",
        "Meets in the Methodist hall. Everyone welcome.",
    ],
)
def test_wording_about_something_else_is_not_evidence(notes):
    assert notes_stances(notes) == []


def test_one_welcoming_and_one_unwelcoming_phrase_at_most():
    notes = "MAT welcome. MAT welcome here too. No methadone at the door. No Suboxone either."
    assert [stance for stance, _phrase in notes_stances(notes)] == ["unwelcoming", "welcoming"]


@given(st.text(max_size=300))
def test_any_text_gives_at_most_two_stances_quoted_from_it(text):
    found = notes_stances(text)
    assert len(found) <= 2
    assert len({stance for stance, _phrase in found}) == len(found)
    normalised = " ".join(text.split())
    for _stance, phrase in found:
        assert phrase in normalised
