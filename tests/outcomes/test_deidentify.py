"""P2-14: the research export passes HIPAA Safe Harbor — a record carrying all 18 identifier
kinds comes out with none of them, dates as years, and a participant number drawn afresh."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from homegroup.outcomes import deidentify, reports
from homegroup.outcomes.deidentify import NotDeidentifiable

IDENTIFIERS = {
    "name": "Anastasia Quinteros",
    "street": "1147 Larkspur Lane, Springfield, 62704",
    "birth_date": date(1961, 3, 14),
    "telephone": "217-555-0148",
    "fax": "217-555-0199",
    "email": "anastasia.q@example.org",
    "ssn": "078-05-1120",
    "mrn": "MRN-00482913",
    "health_plan": "HPB-7731-0092",
    "account": "ACCT-55120934",
    "licence": "D400-7836-0001",
    "vehicle": "7TRU 942",
    "device": "SN-PUMP-88231",
    "url": "https://example.org/anastasia",
    "ip": "203.0.113.77",
    "biometric": "voiceprint:5f2a9c",
    "photo": "photo-anastasia-face.jpg",
    "other_code": "HG-PERSON-4471",
}
ANALYTIC = {
    "person": 4471,
    "enrolled_on": date(2026, 2, 17),
    "group": "drugs",
    "medication": "buprenorphine",
    "months_in_program": 3,
    "per_week": 2.333,
    "meetings_bin": "1-3",
    "activities": 14,
    "did_service": 1,
    "sponsor_contact": 0,
    "next_checked": 24,
    "abstinent_next": 1,
    "bam_use": 3.0,
    "bam_risk": 9.0,
    "bam_protective": 15.0,
    "recorded_at": datetime(2026, 5, 18, 9, 30),
    "note": "Felt shaky after the meeting on Elm Street",
}


def test_the_fixture_names_every_safe_harbor_identifier_kind():
    assert len(IDENTIFIERS) == len(deidentify.SAFE_HARBOR_IDENTIFIERS) == 18


def test_a_record_with_all_18_identifier_kinds_leaves_none_of_them():
    rows = deidentify.deidentify([IDENTIFIERS | ANALYTIC], rng=random.Random(3))
    text = reports.to_csv(rows, deidentify.HEADER)
    for kind, value in IDENTIFIERS.items():
        for part in {str(value), *str(value).replace(",", " ").split()} - {"", "Lane"}:
            if len(part) >= 4:
                assert part not in text, kind
    assert "4471" not in text  # the person's id
    assert "Elm" not in text
    assert "shaky" not in text
    assert "2026-02-17" not in text
    assert "2026-05-18" not in text
    assert rows == [
        {
            "participant": 1,
            "enrolment_year": 2026,
            "diagnosis_group": "drugs",
            "medication": "buprenorphine",
            "month_in_program": 3,
            "meetings_per_week": 2.3,
            "meetings_bin": "1-3",
            "activities": 14,
            "service": 1,
            "sponsor_contact": 0,
            "checked_in_days_next_30": 24,
            "abstinent_next_30": 1,
            "baseline_bam_use": 3.0,
            "baseline_bam_risk": 9.0,
            "baseline_bam_protective": 15.0,
        }
    ]


def test_participant_numbers_are_not_the_ids_and_keep_one_persons_rows_together():
    rows = [ANALYTIC | {"person": pid, "months_in_program": m} for pid in (901, 77, 4471)
            for m in (1, 2)]  # fmt: skip
    out = deidentify.deidentify(rows, rng=random.Random(1))
    assert sorted({row["participant"] for row in out}) == [1, 2, 3]
    assert [row["month_in_program"] for row in out] == [1, 2, 1, 2, 1, 2]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("group", "drugs; call 217-555-0148"),
        ("medication", "Suboxone from Dr Ruiz"),
        ("meetings_bin", "Tuesday noon group"),
        ("enrolled_on", "2026-02-17"),
        ("activities", 2.5),
        ("bam_use", 99),
    ],
)
def test_a_value_that_does_not_fit_its_column_stops_the_export(column, value):
    with pytest.raises(NotDeidentifiable):
        deidentify.deidentify([ANALYTIC | {column: value}])
