"""Important People network indices (IPDA-style, version homegroup-2) and how they change.

The first test is a network scored by hand: every index worked out in the comments from the six
people's answers, so a change in any rule shows up as a difference from arithmetic a reader can
check.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.measures import network
from homegroup.measures.network import NetworkIndices, NetworkPerson

ABSTAINS, IN_RECOVERY, LIGHT, HEAVY = 1, 2, 3, 5
DAILY, FEW_A_WEEK, WEEKLY = 6, 5, 4
SLIGHTLY, MODERATELY, VERY, EXTREMELY = 2, 3, 4, 5
ENCOURAGED_USE, ACCEPTED, ENCOURAGED_NOT, INSISTED_STOP = 1, 2, 4, 5
AGAINST, NEUTRAL, SUPPORTIVE, VERY_SUPPORTIVE = 2, 3, 4, 5


def person(**fields):
    values = {"relationship": "friend", "contact": WEEKLY, "importance": 3} | fields
    return NetworkPerson(**values)


# Six important people, as a person in recovery might list them.
HAND_SCORED = [
    # 1. Partner: daily, extremely important, drinks heavily, doesn't use drugs; accepted the
    #    person's drinking but insisted they stop using drugs; neutral about treatment.
    person(relationship="partner", contact=DAILY, importance=EXTREMELY,
           drinking_status=HEAVY, drug_status=ABSTAINS,
           reaction_to_drinking=ACCEPTED, reaction_to_drug_use=INSISTED_STOP,
           recovery_support=NEUTRAL, supports_medication="no"),
    # 2. Friend: a few times a week, very important, drinks lightly, uses drugs heavily;
    #    encouraged the person not to drink but *encouraged* their drug use; against treatment.
    person(relationship="friend", contact=FEW_A_WEEK, importance=VERY,
           drinking_status=LIGHT, drug_status=HEAVY,
           reaction_to_drinking=ENCOURAGED_NOT, reaction_to_drug_use=ENCOURAGED_USE,
           recovery_support=AGAINST),
    # 3. Sponsor: daily, extremely important, in recovery from both; encouraged not using
    #    either; very supportive; in a fellowship; supports the medication.
    person(relationship="sponsor", contact=DAILY, importance=EXTREMELY,
           drinking_status=IN_RECOVERY, drug_status=IN_RECOVERY,
           reaction_to_drinking=ENCOURAGED_NOT, reaction_to_drug_use=ENCOURAGED_NOT,
           recovery_support=VERY_SUPPORTIVE, in_fellowship=True, is_sponsor=True,
           supports_medication="yes"),
    # 4. Mother: weekly, very important, doesn't drink, drug use unknown; insisted the person
    #    stop drinking, reaction to drug use unknown; supportive; supports the medication.
    person(relationship="parent", contact=WEEKLY, importance=VERY,
           drinking_status=ABSTAINS, drug_status=0,
           reaction_to_drinking=INSISTED_STOP, reaction_to_drug_use=0,
           recovery_support=SUPPORTIVE, supports_medication="yes"),
    # 5. Co-worker: a few times a week, only slightly important, drinks heavily, uses drugs
    #    lightly; encouraged the drinking (but is not among the very important).
    person(relationship="coworker", contact=FEW_A_WEEK, importance=SLIGHTLY,
           drinking_status=HEAVY, drug_status=LIGHT, reaction_to_drinking=ENCOURAGED_USE),
    # 6. Fellowship member: daily, moderately important, in recovery from alcohol, doesn't use
    #    drugs; very supportive; in a fellowship; supports the medication.
    person(relationship="fellowship", contact=DAILY, importance=MODERATELY,
           drinking_status=IN_RECOVERY, drug_status=ABSTAINS,
           recovery_support=VERY_SUPPORTIVE, in_fellowship=True, supports_medication="yes"),
]  # fmt: skip


def test_a_network_scored_by_hand():
    assert network.network_indices(HAND_SCORED) == NetworkIndices(
        size=6,
        daily=3,  # partner, sponsor, fellowship member
        average_importance=3.8,  # (5 + 4 + 5 + 4 + 2 + 3) / 6 = 3.83
        percent_heavy_drinkers=33.3,  # partner, co-worker: 2 of 6
        percent_heavy_drug_users=16.7,  # friend: 1 of 6
        percent_abstinent_from_alcohol=50.0,  # sponsor, mother, fellowship member: 3 of 6
        percent_abstinent_from_drugs=50.0,  # partner, sponsor, fellowship member (mother unknown)
        # The very or extremely important: partner, friend, sponsor, mother.
        important_supporting_not_drinking=3,  # friend, sponsor, mother (not the partner)
        important_supporting_not_using_drugs=2,  # partner, sponsor (never the friend)
        important_encouraging_drinking=0,  # the co-worker did, but is only slightly important
        important_encouraging_drug_use=1,  # friend
        supporters_of_recovery=3,  # sponsor, mother, fellowship member
        supporters_of_medication=3,  # sponsor, mother, fellowship member
        in_fellowship=2,  # sponsor, fellowship member
        sponsor_listed=True,
    )


def test_encouraging_drug_use_is_never_support_for_abstinence():
    # Version homegroup-1 took max(reaction to drinking, reaction to drug use) and counted this
    # friend as "encouraging not to use".
    friend = person(importance=VERY, reaction_to_drinking=ENCOURAGED_NOT,
                    reaction_to_drug_use=ENCOURAGED_USE)  # fmt: skip
    indices = network.network_indices([friend])
    assert indices.important_supporting_not_drinking == 1
    assert indices.important_supporting_not_using_drugs == 0
    assert indices.important_encouraging_drug_use == 1


def test_heavy_drinkers_and_heavy_drug_users_are_counted_apart():
    people = [person(drinking_status=HEAVY), person(drug_status=HEAVY), person()]
    indices = network.network_indices(people)
    assert (indices.percent_heavy_drinkers, indices.percent_heavy_drug_users) == (33.3, 33.3)


def test_an_empty_network_has_no_averages_or_percentages():
    indices = network.network_indices([])
    assert indices.size == 0
    assert indices.average_importance is None
    assert indices.percent_heavy_drinkers is None
    assert indices.percent_abstinent_from_drugs is None
    assert indices.sponsor_listed is False


def test_index_changes_say_which_way_is_generally_better():
    before = network.network_indices([person(drinking_status=HEAVY), person()])
    after = network.network_indices([person(), person(contact=DAILY), person()])
    changes = {change.name: change for change in network.compare(before, after)}
    assert changes["size"].delta == 1
    assert changes["daily"].better is True
    assert changes["percent_heavy_drinkers"].delta == -50.0
    assert changes["percent_heavy_drinkers"].better is True
    assert changes["sponsor_listed"].better is None  # did not move


def test_a_first_snapshot_has_nothing_to_compare_with():
    changes = network.compare(None, network.network_indices([person()]))
    assert all(change.before is None and change.delta is None for change in changes)


def test_indices_round_trip_through_json():
    indices = network.network_indices(HAND_SCORED)
    assert NetworkIndices.from_json(indices.as_json()) == indices


def test_a_first_version_snapshot_reads_its_shared_indices_and_leaves_the_rest_unknown():
    stored = {
        "size": 2, "daily": 1, "average_importance": 4.0, "percent_heavy_users": 50.0,
        "percent_abstinent_or_in_recovery": 50.0, "supporters_of_recovery": 1,
        "supporters_of_medication": 1, "in_fellowship": 1, "sponsor_present": True,
        "important_supporting_abstinence": 2,
    }  # fmt: skip
    indices = NetworkIndices.from_json(stored, "homegroup-1")
    assert (indices.size, indices.daily, indices.sponsor_listed) == (2, 1, True)
    # Never 0: homegroup-1 did not count these apart, so they are unknown.
    assert indices.percent_heavy_drinkers is None
    assert indices.important_supporting_not_drinking is None
    changes = {c.name: c for c in network.compare(indices, network.network_indices(HAND_SCORED))}
    assert changes["size"].delta == 4
    assert changes["percent_heavy_drinkers"].delta is None


def test_stored_answers_score_exactly_as_the_people_they_came_from():
    answers = [p.as_json() for p in HAND_SCORED]
    assert network.score(answers) == network.network_indices(HAND_SCORED)


def test_only_the_current_version_can_be_scored():
    with pytest.raises(KeyError):
        network.score([], "homegroup-1")


@pytest.mark.parametrize(
    "answer",
    [
        {"relationship": "friend", "contact": 9, "importance": 3},
        {"relationship": "friend", "contact": True, "importance": 3},
        {"relationship": "friend", "contact": 4},
        {"relationship": "friend", "contact": 4, "importance": 3, "supports_medication": "maybe"},
    ],
)
def test_an_answer_off_its_scale_is_refused(answer):
    with pytest.raises(ValueError):
        network.score([answer])


people_strategy = st.lists(
    st.builds(
        NetworkPerson,
        relationship=st.sampled_from([key for key, _label in network.RELATIONSHIPS]),
        contact=st.integers(1, 6),
        importance=st.integers(1, 5),
        drinking_status=st.integers(0, 5),
        drug_status=st.integers(0, 5),
        reaction_to_drinking=st.integers(0, 5),
        reaction_to_drug_use=st.integers(0, 5),
        recovery_support=st.integers(0, 5),
        in_fellowship=st.booleans(),
        is_sponsor=st.booleans(),
        supports_medication=st.sampled_from(["yes", "no", "unknown"]),
    ),
    max_size=12,
)


@given(people_strategy)
def test_indices_stay_within_their_bounds(people):
    indices = network.network_indices(people)
    assert 0 <= indices.daily <= indices.size == len(people)
    for percent in (
        indices.percent_heavy_drinkers,
        indices.percent_heavy_drug_users,
        indices.percent_abstinent_from_alcohol,
        indices.percent_abstinent_from_drugs,
    ):
        assert percent is None or 0 <= percent <= 100
    important = sum(1 for p in people if p.importance >= network.VERY_IMPORTANT)
    for count in (
        indices.important_supporting_not_drinking,
        indices.important_supporting_not_using_drugs,
        indices.important_encouraging_drinking,
        indices.important_encouraging_drug_use,
    ):
        assert 0 <= count <= important
    assert indices.supporters_of_recovery <= indices.size
    assert indices.supporters_of_medication <= indices.size


@given(people_strategy)
def test_a_heavy_drinker_is_never_counted_as_abstaining_from_alcohol(people):
    indices = network.network_indices(people)
    if indices.size:
        assert indices.percent_heavy_drinkers + indices.percent_abstinent_from_alcohol <= 100.1


@given(people_strategy)
def test_comparing_a_network_with_itself_shows_no_change(people):
    indices = network.network_indices(people)
    assert all(not c.delta and c.better is None for c in network.compare(indices, indices))


@given(people_strategy)
def test_answers_round_trip_through_json(people):
    assert network.score([p.as_json() for p in people]) == network.network_indices(people)
