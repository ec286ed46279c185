"""directory.mat.derive_level: the rule of ADR 0003, by example and by property."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from homegroup.directory.mat import (
    EXPIRES_DAYS,
    FULL_WEIGHT_DAYS,
    EvidenceFact,
    derive_level,
    rank,
)

TODAY = date(2026, 11, 27)


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def report(stance, days=10, who="", kind="member_report"):
    return EvidenceFact(kind, stance, days_ago(days), who)


def level(*facts, charter=False):
    return derive_level(charter=charter, evidence=list(facts), today=TODAY).level


def test_nothing_known_is_unknown():
    decision = derive_level(charter=False, evidence=[], today=TODAY)
    assert decision.level == "unknown"
    assert decision.reasons == ("no evidence yet",)


def test_a_medication_inclusive_charter_confirms_every_meeting():
    decision = derive_level(charter=True, evidence=[], today=TODAY)
    assert decision.level == "confirmed_welcoming"
    assert "charter" in decision.reasons[0]


def test_a_publisher_statement_confirms():
    assert level(EvidenceFact("publisher_statement", "welcoming", days_ago(400))) == (
        "confirmed_welcoming"
    )


def test_a_maintainers_check_confirms():
    assert level(EvidenceFact("maintainer", "welcoming", days_ago(3))) == "confirmed_welcoming"


def test_one_accepted_welcoming_report_is_reported_welcoming():
    assert level(report("welcoming")) == "reported_welcoming"


def test_one_unwelcoming_report_is_reported_unwelcoming():
    assert level(report("unwelcoming", kind="clinician_report")) == "reported_unwelcoming"


def test_notes_wording_counts_like_one_report():
    assert level(EvidenceFact("source_notes", "welcoming", days_ago(3000))) == "reported_welcoming"
    assert level(EvidenceFact("source_notes", "unwelcoming", days_ago(1))) == (
        "reported_unwelcoming"
    )


def test_the_majority_of_reports_decides_and_a_tie_is_unknown():
    majority = [report("welcoming", who="a"), report("welcoming", who="b")]
    assert level(*majority, report("unwelcoming", who="c")) == "reported_welcoming"
    decision = derive_level(
        charter=False,
        evidence=[report("welcoming", who="a"), report("unwelcoming", who="b")],
        today=TODAY,
    )
    assert decision.level == "unknown"
    assert decision.reasons[0].startswith("conflicting evidence")


def test_one_person_counts_once_with_their_newest_report():
    same_person = [
        report("welcoming", days=300, who="k"),
        report("welcoming", days=200, who="k"),
        report("unwelcoming", days=5, who="k"),
    ]
    assert level(*same_person) == "reported_unwelcoming"
    assert level(*same_person, report("welcoming", who="other")) == "unknown"


def test_old_reports_count_half_and_then_expire():
    old = report("welcoming", days=FULL_WEIGHT_DAYS + 1, who="a")
    fresh = report("unwelcoming", days=1, who="b")
    assert level(old, fresh) == "reported_unwelcoming"  # ½ against 1
    expired = report("welcoming", days=EXPIRES_DAYS + 1, who="c")
    decision = derive_level(charter=False, evidence=[expired], today=TODAY)
    assert decision.level == "unknown"
    assert decision.reasons == ("only reports too old to count",)


def test_a_statement_stands_against_one_newer_unwelcoming_report():
    statement = EvidenceFact("publisher_statement", "welcoming", days_ago(100))
    assert level(statement, report("unwelcoming", days=10, who="a")) == "confirmed_welcoming"


def test_two_newer_unwelcoming_reports_outweigh_a_statement():
    statement = EvidenceFact("publisher_statement", "welcoming", days_ago(100))
    against = [report("unwelcoming", days=10, who="a"), report("unwelcoming", days=5, who="b")]
    decision = derive_level(charter=False, evidence=[statement, *against], today=TODAY)
    assert decision.level == "reported_unwelcoming"
    assert "outweighed" in decision.reasons[0]


def test_unwelcoming_reports_older_than_the_statement_do_not_outweigh_it():
    statement = EvidenceFact("maintainer", "welcoming", days_ago(5))
    older = [report("unwelcoming", days=10, who="a"), report("unwelcoming", days=20, who="b")]
    assert level(statement, *older) == "confirmed_welcoming"


def test_welcoming_reports_on_the_statements_side_keep_it_standing():
    statement = EvidenceFact("publisher_statement", "welcoming", days_ago(100))
    evidence = [
        report("unwelcoming", days=10, who="a"),
        report("unwelcoming", days=5, who="b"),
        report("welcoming", days=3, who="c"),
        report("welcoming", days=2, who="d"),
    ]
    assert level(statement, *evidence) == "confirmed_welcoming"


def test_charter_meetings_can_still_be_reported_unwelcoming_by_several_people():
    against = [report("unwelcoming", who=key) for key in "abc"]
    assert level(*against, charter=True) == "reported_unwelcoming"


def test_the_newest_statement_sets_the_direction():
    older = EvidenceFact("publisher_statement", "welcoming", days_ago(400))
    newer = EvidenceFact("maintainer", "unwelcoming", days_ago(10))
    assert level(older, newer) == "reported_unwelcoming"
    assert level(older, newer, charter=True) == "reported_unwelcoming"
    same_day = EvidenceFact("maintainer", "welcoming", days_ago(10))
    assert level(older, newer, same_day) == "confirmed_welcoming"


# --- Properties -------------------------------------------------------------------------------

REPORTS = ["member_report", "clinician_report"]
STATEMENTS = ["publisher_statement", "maintainer"]
kinds = st.sampled_from(
    ["publisher_statement", "source_notes", "member_report", "clinician_report", "maintainer"]
)
stances = st.sampled_from(["welcoming", "unwelcoming"])
# A few fixed ages make same-day ties and the weight boundaries likely, not just possible.
ages = st.one_of(
    st.sampled_from([0, 10, 100, FULL_WEIGHT_DAYS, FULL_WEIGHT_DAYS + 1, EXPIRES_DAYS]),
    st.integers(min_value=-30, max_value=EXPIRES_DAYS + 400),
)
reporters = st.sampled_from(["", "p1", "p2", "p3", "p4"])


@st.composite
def facts(draw, kind=kinds, stance=stances):
    chosen = draw(kind)
    who = draw(reporters) if chosen in REPORTS else ""
    return EvidenceFact(chosen, draw(stance), days_ago(draw(ages)), who)


def welcoming_reports():
    return facts(kind=st.sampled_from(REPORTS), stance=st.just("welcoming"))


evidence_lists = st.lists(facts(), max_size=12)


@given(evidence=evidence_lists, charter=st.booleans(), data=st.data())
def test_the_order_of_the_evidence_never_matters(evidence, charter, data):
    shuffled = data.draw(st.permutations(evidence))
    first = derive_level(charter=charter, evidence=evidence, today=TODAY)
    second = derive_level(charter=charter, evidence=shuffled, today=TODAY)
    assert first.level == second.level


@given(evidence=evidence_lists, charter=st.booleans(), added=welcoming_reports())
def test_adding_a_welcoming_report_never_lowers_the_level(evidence, charter, added):
    before = derive_level(charter=charter, evidence=evidence, today=TODAY).level
    after = derive_level(charter=charter, evidence=[*evidence, added], today=TODAY).level
    assert rank(after) >= rank(before)


@given(
    evidence=evidence_lists,
    charter=st.booleans(),
    added=facts(kind=st.sampled_from(REPORTS), stance=st.just("unwelcoming")),
)
def test_adding_an_unwelcoming_report_never_raises_the_level(evidence, charter, added):
    before = derive_level(charter=charter, evidence=evidence, today=TODAY).level
    after = derive_level(charter=charter, evidence=[*evidence, added], today=TODAY).level
    assert rank(after) <= rank(before)


@given(
    evidence=evidence_lists,
    added=facts(kind=st.sampled_from(STATEMENTS), stance=st.just("welcoming")),
)
def test_adding_a_welcoming_statement_or_the_charter_never_lowers_the_level(evidence, added):
    before = derive_level(charter=False, evidence=evidence, today=TODAY).level
    assert rank(derive_level(charter=False, evidence=[*evidence, added], today=TODAY).level) >= (
        rank(before)
    )
    assert rank(derive_level(charter=True, evidence=evidence, today=TODAY).level) >= rank(before)


@given(evidence=evidence_lists, charter=st.booleans())
def test_expired_reports_change_nothing(evidence, charter):
    expired = [
        EvidenceFact("member_report", stance, days_ago(EXPIRES_DAYS + 1), "")
        for stance in ("welcoming", "unwelcoming", "unwelcoming")
    ]
    before = derive_level(charter=charter, evidence=evidence, today=TODAY).level
    assert derive_level(charter=charter, evidence=[*evidence, *expired], today=TODAY).level == (
        before
    )


@given(evidence=evidence_lists, charter=st.booleans(), who=st.sampled_from(["p1", "p2"]))
def test_an_older_report_of_someone_already_counted_changes_nothing(evidence, charter, who):
    theirs = [fact for fact in evidence if fact.reporter == who]
    if not theirs:
        return
    oldest = min(fact.observed_on for fact in theirs)
    repeat = EvidenceFact("member_report", "unwelcoming", oldest - timedelta(days=1), who)
    before = derive_level(charter=charter, evidence=evidence, today=TODAY).level
    assert derive_level(charter=charter, evidence=[*evidence, repeat], today=TODAY).level == before


@given(evidence=evidence_lists, charter=st.booleans())
def test_every_decision_gives_a_reason(evidence, charter):
    decision = derive_level(charter=charter, evidence=evidence, today=TODAY)
    assert decision.reasons
    assert all(reason.strip() for reason in decision.reasons)
