"""The feed and the search answers are public data, cacheable: Cache-Control public, an ETag
and Last-Modified from the directory's version, 304 to a matching If-None-Match, CORS kept,
the feed's bytes rebuilt only when the directory changes (and gzipped when asked)."""

import gzip
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from homegroup.directory import actions, public_cache
from tests.directory.search_data import meeting

pytestmark = pytest.mark.django_db

FEED = "/api/v1/feeds/meeting-guide.json"
SEARCH = "/api/v1/meetings"
MONDAY_5PM = datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(autouse=True)
def fresh_feeds():
    public_cache.feeds.clear()
    yield
    public_cache.feeds.clear()


def test_the_feed_is_public_and_cacheable(client):
    meeting(name="Tuesday Hope")
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={public_cache.FEED_MAX_AGE}"
    assert response["ETag"].startswith('"feed-')
    assert response["Last-Modified"].endswith(" GMT")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Pragma" not in response


def test_the_feed_answers_304_to_its_own_etag_and_sends_no_body(client):
    meeting(name="Tuesday Hope")
    first = client.get(FEED)
    again = client.get(FEED, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Access-Control-Allow-Origin"] == "*"
    assert again["Cache-Control"].startswith("public")


def test_a_304_builds_no_feed_and_reads_one_row(client, django_assert_num_queries):
    meeting(name="Tuesday Hope")
    etag = client.get(FEED)["ETag"]
    builds = public_cache.feeds.builds
    with django_assert_num_queries(1):  # the directory's version
        assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    assert public_cache.feeds.builds == builds


def test_the_feed_is_built_once_until_the_directory_changes(client):
    found = meeting(name="Tuesday Hope")
    before = public_cache.feeds.builds
    first = client.get(FEED)
    second = client.get(FEED)
    assert public_cache.feeds.builds == before + 1
    assert first.content == second.content
    actions.remove_meeting(meeting=found)  # bumps the directory's version
    third = client.get(FEED)
    assert public_cache.feeds.builds == before + 2
    assert json.loads(third.content) == []
    assert third["ETag"] != first["ETag"]
    stale = client.get(FEED, headers={"If-None-Match": first["ETag"]})
    assert stale.status_code == 200


def test_each_filter_has_its_own_etag(client):
    meeting(name="Tuesday Hope")
    assert client.get(FEED)["ETag"] != client.get(FEED, {"fellowship": "AA"})["ETag"]


def test_a_caller_that_takes_gzip_gets_the_same_feed_gzipped(client):
    for number in range(20):
        meeting(name=f"Meeting {number}")
    plain = client.get(FEED)
    zipped = client.get(FEED, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content)


def test_an_unknown_fellowship_is_still_a_400_not_cached(client):
    response = client.get(FEED, {"fellowship": "NOPE"})
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"


def test_a_search_answer_is_public_for_a_minute_and_answers_304(client):
    meeting(name="Tuesday Hope")
    with time_machine.travel(MONDAY_5PM, tick=False):
        first = client.get(SEARCH, {"near": "14850"})
        assert first["Cache-Control"] == f"public, max-age={public_cache.SEARCH_MAX_AGE}"
        assert first["Access-Control-Allow-Origin"] == "*"
        again = client.get(SEARCH, {"near": "14850"}, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        other = client.get(SEARCH, {"near": "14851"})
        assert other["ETag"] != first["ETag"]
    with time_machine.travel(MONDAY_5PM.replace(minute=1), tick=False):
        later = client.get(SEARCH, {"near": "14850"}, headers={"If-None-Match": first["ETag"]})
        assert later.status_code == 200  # next starts move with the clock


def test_a_signed_in_person_gets_the_same_public_feed(client_for, people):
    meeting(name="Tuesday Hope")
    response = client_for(people.ana).get(FEED)
    assert response["Cache-Control"].startswith("public")
