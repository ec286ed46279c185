"""directory.search: one search for the page, the API and the iCalendar feed."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from homegroup.directory import actions
from homegroup.directory.models import EvidenceKind, Stance
from homegroup.directory.search import MeetingQuery, count, search
from tests.directory.search_data import GENEVA, ITHACA, meeting, real_feeds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["index", "sql"])
def path(request, settings):
    """Every test twice: answered from the in-memory index, and from SQL alone."""
    settings.HOMEGROUP_SEARCH_INDEX = "inline" if request.param == "index" else "off"
    return request.param


NEW_YORK = ZoneInfo("America/New_York")
# Monday 3 June 2024, 17:00 in Ithaca.
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=NEW_YORK)


def names(result):
    return [found.meeting.name for found in result.results]


def find(now=MONDAY_5PM, **query):
    return search(MeetingQuery(**query), now=now)


def test_a_meeting_within_the_radius_is_found_and_one_beyond_it_is_not():
    meeting(name="Ithaca")
    meeting(name="Geneva", latitude=GENEVA[0], longitude=GENEVA[1])
    near = find(lat=ITHACA[0], lng=ITHACA[1], radius_km=25)
    assert names(near) == ["Ithaca"]
    assert near.results[0].distance_km == pytest.approx(0.0, abs=0.01)
    wide = find(lat=ITHACA[0], lng=ITHACA[1], radius_km=80)
    assert sorted(names(wide)) == ["Geneva", "Ithaca"]
    geneva = next(found for found in wide.results if found.meeting.name == "Geneva")
    assert geneva.distance_km == pytest.approx(61.2, abs=0.1)


def test_near_a_zip_code_or_a_town_searches_around_that_place():
    meeting(name="Ithaca")
    meeting(name="Geneva", latitude=GENEVA[0], longitude=GENEVA[1])
    assert names(find(near="14850")) == ["Ithaca"]
    assert names(find(near="Geneva, NY")) == ["Geneva"]
    result = find(near="Ithaca, NY")
    assert result.place.label == "Ithaca, NY"


def test_without_a_point_there_is_no_distance_filter_and_no_distance():
    meeting(name="Ithaca")
    meeting(name="Sydney", latitude=-33.87, longitude=151.21, timezone="Australia/Sydney")
    result = find(q="")
    assert sorted(names(result)) == ["Ithaca", "Sydney"]
    assert {found.distance_km for found in result.results} == {None}


def test_results_are_sorted_by_next_start_then_by_distance():
    meeting(name="Tuesday far", day=2, latitude=42.50, longitude=-76.50)
    meeting(name="Tuesday near", day=2)
    meeting(name="Monday evening", day=1, start=time(18, 0), end=time(19, 0))
    meeting(name="Sunday", day=0, start=time(9, 0), end=time(10, 0))
    result = find(lat=ITHACA[0], lng=ITHACA[1])
    assert names(result) == ["Monday evening", "Tuesday near", "Tuesday far", "Sunday"]
    assert result.results[0].next_start == datetime(2024, 6, 3, 18, 0, tzinfo=NEW_YORK)


def test_starts_within_hours_uses_each_meetings_own_time_zone():
    now = datetime(2024, 6, 4, 21, 0, tzinfo=UTC)  # Tuesday 17:00 in New York
    meeting(name="New York 19:00", day=2, timezone="America/New_York")
    meeting(
        name="Sydney Wednesday 9:00",
        day=3,
        start=time(9, 0),
        end=time(10, 0),
        timezone="Australia/Sydney",
        latitude=-33.87,
        longitude=151.21,
    )
    meeting(
        name="London 23:30",
        day=2,
        start=time(23, 30),
        end=time(0, 30),
        timezone="Europe/London",
        latitude=51.5,
        longitude=-0.12,
    )
    meeting(name="New York 22:00", day=2, start=time(22, 0), end=time(23, 0))
    assert names(find(now=now, starts_within_hours=1.5)) == ["London 23:30"]
    assert names(find(now=now, starts_within_hours=2)) == [
        "London 23:30",
        "New York 19:00",
        "Sydney Wednesday 9:00",
    ]


def test_the_week_wraps_from_saturday_night_to_sunday_morning():
    saturday_night = datetime(2024, 6, 8, 23, 30, tzinfo=NEW_YORK)
    meeting(name="Sunday 00:30", day=0, start=time(0, 30), end=time(1, 30))
    meeting(name="Sunday 02:00", day=0, start=time(2, 0), end=time(3, 0))
    result = find(now=saturday_night, starts_within_hours=2)
    assert names(result) == ["Sunday 00:30"]
    assert result.results[0].next_start == datetime(2024, 6, 9, 0, 30, tzinfo=NEW_YORK)


def test_a_meeting_in_progress_counts_as_starting_now():
    meeting(name="Monday 16:30", day=1, start=time(16, 30), end=time(17, 30))
    meeting(name="Monday 16:00", day=1, start=time(16, 0), end=time(17, 0))  # just ended
    result = find(starts_within_hours=0)
    assert names(result) == ["Monday 16:30"]
    assert result.results[0].next_start < MONDAY_5PM


def test_a_meeting_across_midnight_is_in_progress_after_midnight():
    after_midnight = datetime(2024, 6, 4, 0, 30, tzinfo=NEW_YORK)  # Tuesday 00:30
    meeting(name="Midnight Hope", day=1, start=time(23, 59), end=time(1, 29))
    result = find(now=after_midnight, starts_within_hours=0)
    assert names(result) == ["Midnight Hope"]
    assert result.results[0].next_start == datetime(2024, 6, 3, 23, 59, tzinfo=NEW_YORK)


def test_a_0230_meeting_on_the_spring_forward_sunday_starts_at_0330():
    saturday = datetime(2024, 3, 9, 23, 0, tzinfo=NEW_YORK)
    meeting(name="Early bird", day=0, start=time(2, 30), end=time(3, 30))
    result = find(now=saturday, starts_within_hours=4)
    assert names(result) == ["Early bird"]
    assert result.results[0].next_start.astimezone(UTC) == datetime(2024, 3, 10, 7, 30, tzinfo=UTC)
    assert names(find(now=saturday, starts_within_hours=3)) == []


def test_every_type_asked_for_must_be_present_in_any_case():
    meeting(name="Open women", types=("O", "W"))
    meeting(name="Open", types=("O",))
    meeting(name="Twelve and twelve", types=("12x12", "C"))
    assert names(find(types=["O", "W"])) == ["Open women"]
    assert sorted(names(find(types=["o"]))) == ["Open", "Open women"]
    assert names(find(types=["12X12"])) == ["Twelve and twelve"]
    assert names(find(types=["W", "C"])) == []


def test_mat_friendly_keeps_confirmed_and_reported_welcoming_meetings(people):
    meeting(name="MARA", fellowship="MARA")  # the charter: confirmed welcoming
    stated = meeting(name="Group said so")
    actions.add_mat_evidence(
        meeting=stated,
        actor=people.max,
        kind=EvidenceKind.PUBLISHER_STATEMENT,
        stance=Stance.WELCOMING,
        summary="The group's secretary wrote that everyone on medication is welcome.",
        observed_on=datetime(2024, 5, 1).date(),
    )
    reported = meeting(name="Ana was welcome")
    report = actions.report_mat_experience(
        meeting=reported,
        reporter=people.ana,
        stance=Stance.WELCOMING,
        observed_on=datetime(2024, 5, 2).date(),
    )
    actions.review_mat_report(evidence=report, reviewer=people.max, accept=True)
    unwelcoming = meeting(name="Told not to share")
    actions.add_mat_evidence(
        meeting=unwelcoming,
        actor=people.max,
        kind=EvidenceKind.MAINTAINER,
        stance=Stance.UNWELCOMING,
        summary="People on medication are asked not to share.",
        observed_on=datetime(2024, 5, 3).date(),
    )
    meeting(name="Nothing known")
    assert sorted(names(find(mat_friendly=True))) == ["Ana was welcome", "Group said so", "MARA"]
    assert len(find(mat_friendly=False).results) == 5


def test_include_online_adds_online_and_hybrid_meetings_at_any_distance():
    meeting(name="Here")
    meeting(
        name="Online far",
        attendance="online",
        latitude=34.05,
        longitude=-118.24,
        approximate=True,
        timezone="America/Los_Angeles",
        conference_url="https://zoom.us/j/123",
    )
    meeting(name="Online nowhere", attendance="online", latitude=None, longitude=None)
    meeting(name="Hybrid far", attendance="hybrid", latitude=GENEVA[0], longitude=GENEVA[1])
    meeting(name="In person far", latitude=GENEVA[0], longitude=GENEVA[1])
    point = {"lat": ITHACA[0], "lng": ITHACA[1]}
    assert names(find(**point)) == ["Here"]
    found = find(**point, include_online=True)
    assert sorted(names(found)) == ["Here", "Hybrid far", "Online far", "Online nowhere"]
    distances = {item.meeting.name: item.distance_km for item in found.results}
    assert distances["Online nowhere"] is None
    assert distances["Online far"] > 3000


def test_include_online_with_a_day_keeps_only_that_day_near_and_online():
    meeting(name="Here on Tuesday", day=2)
    meeting(name="Here on Wednesday", day=3)
    meeting(name="Online on Tuesday", day=2, attendance="online", latitude=None, longitude=None)
    meeting(name="Online on Friday", day=5, attendance="online", latitude=None, longitude=None)
    found = find(lat=ITHACA[0], lng=ITHACA[1], days=[2], include_online=True)
    assert sorted(names(found)) == ["Here on Tuesday", "Online on Tuesday"]


def test_without_attendance_temporarily_closed_and_inactive_meetings_are_left_out():
    meeting(name="Open", attendance="in_person")
    meeting(name="Closed for now", attendance="temporarily_closed")
    meeting(name="Gone quiet", attendance="inactive")
    assert names(find()) == ["Open"]
    assert names(find(attendance=["temporarily_closed"])) == ["Closed for now"]


def test_the_keyword_matches_name_location_notes_and_group_in_any_case():
    meeting(name="Serenity Seekers")
    meeting(name="B", location="St. Paul's Church basement")
    meeting(name="C", notes="Babysitting available")
    meeting(name="D", group="Lakeside Serenity Group")
    meeting(name="E")
    assert sorted(names(find(q="serenity"))) == ["D", "Serenity Seekers"]
    assert names(find(q="PAUL")) == ["B"]
    assert names(find(q="babysitting")) == ["C"]


def test_the_fellowship_and_day_filters():
    meeting(name="AA Tuesday", fellowship="AA", day=2)
    meeting(name="NA Tuesday", fellowship="NA", day=2)
    meeting(name="NA Friday", fellowship="NA", day=5)
    assert sorted(names(find(fellowship=["na"]))) == ["NA Friday", "NA Tuesday"]
    assert names(find(fellowship=["NA"], days=[5])) == ["NA Friday"]
    assert sorted(names(find(days=[2, 5]))) == ["AA Tuesday", "NA Friday", "NA Tuesday"]


def test_a_removed_meeting_is_not_found():
    gone = meeting(name="Gone")
    meeting(name="Still here")
    actions.remove_meeting(meeting=gone)
    assert names(find()) == ["Still here"]


def test_count_is_every_match_and_limit_and_offset_page_through_them():
    for hour in range(10, 20):
        meeting(name=f"At {hour}", day=2, start=time(hour, 0), end=time(hour, 45))
    first = find(limit=4)
    assert first.count == 10
    assert names(first) == ["At 10", "At 11", "At 12", "At 13"]
    last = find(limit=4, offset=8)
    assert (last.count, names(last)) == (10, ["At 18", "At 19"])
    assert find(limit=4, offset=20).results == []


def test_a_circle_across_the_antimeridian_finds_meetings_on_both_sides():
    for name, lng in (("East", 179.95), ("West", -179.95), ("Far", 170.0)):
        meeting(name=name, latitude=-16.5, longitude=lng, timezone="Pacific/Fiji")
    assert sorted(names(find(lat=-16.5, lng=180.0, radius_km=30))) == ["East", "West"]


def test_a_search_reads_two_queries_whatever_the_number_of_matches(
    django_assert_num_queries, people, path
):
    for number in range(30):
        found = meeting(name=f"Meeting {number}", fellowship="MARA" if number % 2 else "AA")
        if number % 3 == 0:
            actions.add_mat_evidence(
                meeting=found,
                actor=people.max,
                kind=EvidenceKind.MAINTAINER,
                stance=Stance.WELCOMING,
                summary="Checked by a maintainer.",
                observed_on=datetime(2024, 5, 1).date(),
            )
    query = MeetingQuery(near="14850", types=["O"], starts_within_hours=48)
    search(query, now=MONDAY_5PM)  # the index is made at the first search after a change
    # The index: the directory's version (the page is in memory too); SQL: the matches, then
    # the page.
    with django_assert_num_queries(1 if path == "index" else 2):
        result = search(query, now=MONDAY_5PM)
        for found in result.results:
            _ = (found.meeting.fellowship.code, len(found.meeting.counted_evidence))
    assert result.count == 30
    assert result.answered_by == path


def test_no_match_reads_one_query(django_assert_num_queries):
    meeting(name="Here")
    find(q="Here")
    with django_assert_num_queries(1):
        assert find(q="nothing like this").count == 0


def test_the_first_search_after_a_change_reads_the_directory_once_more(
    django_assert_num_queries, path
):
    meeting(name="Here")
    find(q="Here")
    meeting(name="There")
    # The version, then the meetings and their MAT evidence for the new index.
    with django_assert_num_queries(3 if path == "index" else 2):
        assert names(find(q="There")) == ["There"]
    with django_assert_num_queries(1 if path == "index" else 2):
        assert names(find(q="There")) == ["There"]


def test_the_real_finger_lakes_and_ontario_files_searched_around_towns():
    assert real_feeds() == 53 + 54 + 62 + 45
    monday = datetime(2024, 6, 3, 8, 0, tzinfo=NEW_YORK)
    counts = {
        (near, radius): find(now=monday, near=near, radius_km=radius, limit=500).count
        for near, radius in (("Geneva, NY", 25), ("14456", 50), ("14850", 25), ("Buffalo, NY", 25))
    }
    assert counts == {
        ("Geneva, NY", 25): 4,
        ("14456", 50): 10,
        ("14850", 25): 3,
        ("Buffalo, NY", 25): 42,
    }
    buffalo = find(now=monday, near="Buffalo, NY", radius_km=25, limit=500)
    assert {found.meeting.day for found in buffalo.results} == {1, 2, 3}
    assert all(found.distance_km <= 25 for found in buffalo.results)
    starts = [found.next_start.astimezone(UTC) for found in buffalo.results]
    assert starts == sorted(starts)
    assert starts[0] >= monday
    soon = find(now=monday, near="Buffalo, NY", radius_km=25, starts_within_hours=12)
    assert 0 < soon.count < buffalo.count
    assert all(
        found.next_start.astimezone(UTC) <= monday.astimezone(UTC) + timedelta(hours=12)
        for found in soon.results
    )
    belleville = find(now=monday, near="Belleville, Canada", radius_km=25, limit=500)
    assert belleville.count == 33  # of the 45 Quinte meetings, the rest are further out
    assert {found.meeting.timezone for found in belleville.results} == {"America/Toronto"}


def test_a_count_alone_is_the_number_of_matches_a_search_finds():
    meeting(name="Open on Tuesday", day=2, types=("O",))
    meeting(name="Closed on Tuesday", day=2, types=("C",))
    meeting(name="Open on Friday", day=5, types=("O",))
    query = MeetingQuery(days=[2], types=["O"])
    assert count(query, now=MONDAY_5PM) == search(query, now=MONDAY_5PM).count == 1
    wider = query.model_copy(update={"types": []})
    assert count(wider, now=MONDAY_5PM) == 2
