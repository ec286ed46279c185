"""journal.safety_wording: the sentences each case of the overdose-safety rule shows — the same
for the person's note and, later, the clinician's alert."""

from __future__ import annotations

from datetime import date

import pytest

from homegroup.journal.safety import Case, OverdoseNote, Wording
from homegroup.journal.safety_wording import STEPS, explanation


def words(note: OverdoseNote) -> str:
    return " ".join(explanation(note))


def test_agonist_taken_as_prescribed_is_about_fentanyl_and_mixing_never_tolerance():
    text = words(
        OverdoseNote(
            case=Case.AGONIST_AS_PRESCRIBED,
            wording=Wording.FENTANYL_AND_MIXING_ON_MEDICATION,
            medication="methadone",
        )
    )
    assert "While you take Methadone regularly, your tolerance does not drop" in text
    assert "fentanyl is very strong" in text
    assert "alcohol, benzodiazepines (benzos) or sleeping pills on top of Methadone" in text
    assert "Keep taking Methadone as prescribed" in text
    assert "drops quickly" not in text


def test_three_days_without_a_dose_say_wait_for_the_clinic():
    text = words(
        OverdoseNote(
            case=Case.AGONIST_DAYS_WITHOUT_DOSE,
            wording=Wording.DAYS_WITHOUT_DOSE,
            medication="buprenorphine",
            days_without_dose=4,
        )
    )
    assert "4 days in a row without a dose of Buprenorphine" in text
    assert "After 3 or more days without a dose your tolerance may be lower than usual" in text
    assert "don't take your usual dose or a take-home dose until your clinic has seen you" in text


def test_a_stopped_agonist_says_when_the_plan_ended():
    text = words(
        OverdoseNote(
            case=Case.AGONIST_DAYS_WITHOUT_DOSE,
            wording=Wording.DAYS_WITHOUT_DOSE,
            medication="methadone",
            days_without_dose=5,
            stopped_on=date(2025, 6, 10),
        )
    )
    assert "Your Methadone plan ended on June 10, 2025: 5 days without a dose." in text


def test_missed_naltrexone_says_tolerance_is_low_and_the_risk_high():
    text = words(
        OverdoseNote(
            case=Case.NALTREXONE,
            wording=Wording.NALTREXONE_LOW_TOLERANCE,
            medication="naltrexone",
            missed_dose=True,
        )
    )
    assert text.startswith("You missed a dose of naltrexone.")
    assert "your tolerance is low and the risk of overdose is high" in text
    assert "Trying to get past the block by taking more opioids can also cause an overdose." in text


@pytest.mark.parametrize(
    ("note", "expected", "absent"),
    [
        (
            OverdoseNote(
                case=Case.NO_MEDICATION,
                wording=Wording.TOLERANCE_AFTER_TIME_WITHOUT,
                opioid_free_days=12,
            ),
            "no opioid use in the 12 days before this. After time without opioids your "
            "tolerance drops quickly",
            "",
        ),
        (
            OverdoseNote(case=Case.NO_MEDICATION, wording=Wording.ANY_OPIOID_USE),
            "Any opioid use carries a risk of overdose",
            "drops quickly",
        ),
    ],
)
def test_no_medication_says_tolerance_drops_only_after_time_without(note, expected, absent):
    text = words(note)
    assert expected in text
    assert not absent or absent not in text


def test_every_note_carries_the_same_steps():
    steps = " ".join(f"{step.lead} {step.text}" for step in STEPS)
    for needed in (
        "Carry naloxone (Narcan).",
        "Never use alone.",
        "Don't mix.",
        "benzodiazepines",
        "the recovery position",
        "If there is no response after 2–3 minutes, give a second dose of naloxone.",
    ):
        assert needed in steps
