"""Important People network indices and how they change between snapshots."""

from hypothesis import given
from hypothesis import strategies as st

from homegroup.measures import network
from homegroup.measures.network import NetworkIndices, NetworkPerson

ABSTAINS, IN_RECOVERY, LIGHT, HEAVY = 1, 2, 3, 5
DAILY, WEEKLY = 6, 4


def person(**fields):
    values = {"relationship": "friend", "contact": WEEKLY, "importance": 3} | fields
    return NetworkPerson(**values)


def test_an_empty_network_has_no_averages_or_percentages():
    indices = network.network_indices([])
    assert indices.size == 0
    assert indices.average_importance is None
    assert indices.percent_heavy_users is None
    assert not indices.sponsor_present


def test_size_and_daily_network():
    indices = network.network_indices([person(contact=DAILY), person(contact=DAILY), person()])
    assert (indices.size, indices.daily) == (3, 2)


def test_average_importance():
    assert (
        network.network_indices([person(importance=5), person(importance=2)]).average_importance
        == 3.5
    )


def test_heavy_users_are_heavy_drinkers_or_heavy_drug_users():
    people = [person(drinking_status=HEAVY), person(drug_status=HEAVY), person(), person()]
    assert network.network_indices(people).percent_heavy_users == 50.0


def test_abstinent_or_in_recovery_needs_every_known_status_to_be_so():
    people = [
        person(drinking_status=ABSTAINS, drug_status=IN_RECOVERY),  # counts
        person(drinking_status=IN_RECOVERY),  # counts: drug use unknown
        person(drinking_status=ABSTAINS, drug_status=LIGHT),  # does not
        person(),  # nothing known: does not
    ]
    assert network.network_indices(people).percent_abstinent_or_in_recovery == 50.0


def test_supporters_of_recovery_and_of_medication_and_the_sponsor():
    people = [
        person(recovery_support=5, supports_medication="yes", is_sponsor=True, in_fellowship=True),
        person(recovery_support=4, supports_medication="no"),
        person(recovery_support=3, supports_medication="unknown"),
    ]
    indices = network.network_indices(people)
    assert indices.supporters_of_recovery == 2
    assert indices.supporters_of_medication == 1
    assert indices.sponsor_present
    assert indices.in_fellowship == 1


def test_important_people_supporting_abstinence_count_only_the_very_important():
    people = [
        person(importance=5, reaction_to_drinking=4),
        person(importance=4, reaction_to_drug_use=5),
        person(importance=3, reaction_to_drinking=5),  # not very important
        person(importance=5, reaction_to_drinking=2),  # accepted the drinking
    ]
    assert network.network_indices(people).important_supporting_abstinence == 2


def test_compare_says_what_moved_and_whether_it_is_a_good_sign():
    before = network.network_indices([person(drinking_status=HEAVY), person()])
    after = network.network_indices([person(), person(contact=DAILY), person()])
    changes = {c.name: c for c in network.compare(before, after)}
    assert changes["size"].delta == 1
    assert changes["size"].better is True
    assert changes["percent_heavy_users"].delta == -50.0
    assert changes["percent_heavy_users"].better is True
    assert changes["daily"].better is True
    assert changes["sponsor_present"].better is None  # did not move


def test_compare_without_an_earlier_snapshot_has_no_deltas():
    changes = network.compare(None, network.network_indices([person()]))
    assert all(c.before is None and c.delta is None and c.better is None for c in changes)


def test_indices_round_trip_through_a_snapshot_and_tolerate_missing_names():
    indices = network.network_indices([person(importance=5, is_sponsor=True)])
    assert NetworkIndices.from_json(indices.as_json()) == indices
    partial = {"size": 2}
    assert NetworkIndices.from_json(partial).size == 2
    assert NetworkIndices.from_json(partial).sponsor_present is False


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
    for percent in (indices.percent_heavy_users, indices.percent_abstinent_or_in_recovery):
        assert percent is None or 0 <= percent <= 100
    assert indices.supporters_of_recovery <= indices.size
    assert indices.supporters_of_medication <= indices.size


@given(people_strategy)
def test_comparing_a_network_with_itself_shows_no_change(people):
    indices = network.network_indices(people)
    assert all(not c.delta and c.better is None for c in network.compare(indices, indices))
