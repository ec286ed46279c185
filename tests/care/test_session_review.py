"""The review's numbers (care.session_review.summarise, pure) and the topic list kept in code
(care.session_topics) with its sources in docs/references.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from homegroup.care import session_review, session_topics
from homegroup.care.session_review import Day, Facts, NetworkFacts

ALL = frozenset({"check_ins", "meetings_and_activities", "substance_use", "medication", "network"})
SINCE, UNTIL = date(2026, 11, 1), date(2026, 11, 7)
DAYS = [
    Day(
        date(2026, 11, 2),
        meetings=(("AA", "in_person"), ("NA", "online")),
        activities=frozenset({"talked_with_sponsor", "literature"}),
        craving=6,
        used=False,
        doses=(("Buprenorphine", "taken"),),
    ),
    Day(date(2026, 11, 3), meetings=(("other", "in_person"),), craving=2, used=True),
    Day(date(2026, 11, 4), doses=(("Buprenorphine", "missed"),)),
    # Before the last session: not part of this review.
    Day(date(2026, 10, 30), meetings=(("AA", "in_person"),), used=True),
]


def test_the_review_counts_meetings_by_fellowship_and_attendance_mode():
    review = session_review.summarise(Facts(SINCE, UNTIL, DAYS), ALL)
    meetings = review["meetings_and_activities"]
    assert meetings["meetings"] == 3
    assert meetings["by_fellowship"] == {"AA": 1, "NA": 1, "other": 1}
    assert meetings["by_attendance"] == {"in_person": 2, "online": 1}
    assert meetings["days"]["talked_with_sponsor"] == 1
    assert meetings["days"]["service"] == 0


def test_use_counts_only_days_with_an_answer_and_a_day_without_one_is_unknown():
    review = session_review.summarise(Facts(SINCE, UNTIL, DAYS), ALL)
    assert review["substance_use"] == {
        "days_with_use": 1,
        "days_without_use": 1,
        "days_answered": 2,
    }
    assert review["check_ins"]["days_checked_in"] == 3
    assert review["check_ins"]["craving_highest"] == 6
    assert review["check_ins"]["craving_average"] == 4.0


def test_medication_adherence_is_counted_per_medication():
    review = session_review.summarise(Facts(SINCE, UNTIL, DAYS), ALL)
    assert review["medication"]["plans"] == [
        {"label": "Buprenorphine", "taken": 1, "missed": 1, "different_dose": 0}
    ]


def test_a_category_not_disclosed_makes_no_section_at_all():
    review = session_review.summarise(
        Facts(SINCE, UNTIL, DAYS, network=NetworkFacts(size_now=5)),
        frozenset({"meetings_and_activities"}),
    )
    assert set(review) == {"since", "until", "meetings_and_activities"}


def test_network_changes_are_reported_when_disclosed():
    facts = Facts(SINCE, UNTIL, [], network=NetworkFacts(size_before=3, size_now=5, changed=True))
    assert session_review.summarise(facts, ALL)["network"]["size_now"] == 5


def test_the_topics_follow_the_tsf_programs_and_include_the_medication_informed_elective():
    programs = {topic.program for topic in session_topics.TOPICS}
    assert programs == {"core", "elective", "conjoint", "termination", "medication"}
    core = [t.code for t in session_topics.TOPICS if t.program == "core"]
    assert core == ["introduction", "acceptance", "getting_active", "surrender"]
    medication = session_topics.topic("medication_informed")
    assert {"choosing_meetings", "disclosure", "sponsor_choice", "literature"} <= set(
        medication.item_codes()
    )
    assert len(medication.references) == 4


def test_topic_and_item_codes_are_unique():
    codes = [topic.code for topic in session_topics.TOPICS]
    assert len(codes) == len(set(codes))
    for topic in session_topics.TOPICS:
        assert len(topic.item_codes()) == len(set(topic.item_codes()))


def test_every_topic_is_listed_in_the_references():
    text = (Path(__file__).resolve().parents[2] / "docs" / "references.md").read_text()
    for topic in session_topics.TOPICS:
        assert f"`{topic.code}`" in text, topic.code
