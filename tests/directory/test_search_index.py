"""directory.index: each process's in-memory search index, current with the directory version."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections, transaction

from homegroup.directory import actions, index, search, version
from homegroup.directory.admin import FellowshipAdmin
from homegroup.directory.models import EvidenceKind, Fellowship, Stance
from homegroup.directory.query import MeetingQuery
from tests.directory.search_data import ITHACA, meeting

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 6, 3, 21, 0, tzinfo=UTC)  # Monday 17:00 in Ithaca
NEAR_ITHACA = {"lat": ITHACA[0], "lng": ITHACA[1], "radius_km": 25}


def find(worker: index.Indexes, monkeypatch: pytest.MonkeyPatch, **query):
    """A search as the process that holds ``worker`` answers it."""
    monkeypatch.setattr(search, "indexes", worker)
    return search.search(MeetingQuery(**query), now=NOW)


def names(result) -> list[str]:
    return sorted(found.meeting.name for found in result.results)


def feed(*names: str) -> bytes:
    return json.dumps(
        [
            {
                "slug": name.lower(),
                "name": name,
                "day": 1,
                "time": "19:00",
                "end_time": "20:00",
                "address": "1 Main St",
                "city": "Ithaca",
                "state": "NY",
                "latitude": ITHACA[0],
                "longitude": ITHACA[1],
                "timezone": "America/New_York",
                "types": ["O"],
            }
            for name in names
        ]
    ).encode()


def test_an_import_is_found_by_the_next_search_in_every_worker(monkeypatch):
    source = actions.ensure_source(slug="tompkins")
    actions.import_feed(source=source, files=[("a.json", feed("Serenity"))])
    first, second = index.Indexes(), index.Indexes()
    for worker in (first, second):
        assert names(find(worker, monkeypatch, **NEAR_ITHACA)) == ["Serenity"]
        assert find(worker, monkeypatch, **NEAR_ITHACA).answered_by == "index"
    actions.import_feed(source=source, files=[("a.json", feed("Serenity", "Hope"))])
    for worker in (first, second):
        result = find(worker, monkeypatch, **NEAR_ITHACA)
        assert names(result) == ["Hope", "Serenity"]
        assert result.answered_by == "index"


def test_a_maintainers_removal_is_gone_from_the_next_search_in_every_worker(monkeypatch, people):
    kept = meeting(name="Kept")
    gone = meeting(name="Gone")
    workers = [index.Indexes(), index.Indexes()]
    for worker in workers:
        assert names(find(worker, monkeypatch)) == ["Gone", "Kept"]
    actions.remove_meeting_by_maintainer(meeting=gone, actor=people.max)
    for worker in workers:
        assert names(find(worker, monkeypatch)) == ["Kept"]
    actions.restore_meeting_by_maintainer(meeting=gone, actor=people.max)
    for worker in workers:
        assert names(find(worker, monkeypatch)) == ["Gone", "Kept"]
    assert kept.pk != gone.pk


def test_accepted_evidence_is_shown_and_searched_at_once(monkeypatch, people):
    found = meeting(name="Tuesday Group")
    worker = index.Indexes()
    assert find(worker, monkeypatch, mat_friendly=True).count == 0
    actions.add_mat_evidence(
        meeting=found,
        actor=people.max,
        kind=EvidenceKind.MAINTAINER,
        stance=Stance.WELCOMING,
        summary="The secretary says people on medication are welcome.",
        observed_on=datetime(2024, 5, 1).date(),
    )
    result = find(worker, monkeypatch, mat_friendly=True)
    assert names(result) == ["Tuesday Group"]
    [evidence] = result.results[0].meeting.counted_evidence
    assert evidence.summary == "The secretary says people on medication are welcome."


def test_a_fellowship_edited_in_the_admin_is_a_new_version(monkeypatch, rf, people):
    meeting(name="Tuesday Group", fellowship="AA")
    worker = index.Indexes()
    assert find(worker, monkeypatch, fellowship=["AA"]).count == 1
    fellowship = Fellowship.objects.get(code="AA")
    fellowship.code = "AAWS"
    with transaction.atomic():
        FellowshipAdmin(Fellowship, None).save_model(rf.post("/"), fellowship, None, True)
    assert find(worker, monkeypatch, fellowship=["AA"]).count == 0
    assert find(worker, monkeypatch, fellowship=["AAWS"]).results[0].meeting.fellowship.code == (
        "AAWS"
    )


def test_a_change_rolled_back_never_stays_in_the_index(monkeypatch):
    meeting(name="Kept")
    worker = index.Indexes()
    with transaction.atomic():
        meeting(name="Rolled back")
        assert names(find(worker, monkeypatch)) == ["Kept", "Rolled back"]
        transaction.set_rollback(True)
    # The number may come back after a rollback; the token never does.
    assert names(find(worker, monkeypatch)) == ["Kept"]


def test_the_version_counts_changes_and_an_unchanged_import_keeps_it(monkeypatch):
    source = actions.ensure_source(slug="tompkins")
    before = version.current()
    actions.import_feed(source=source, files=[("a.json", feed("Serenity"))])
    after = version.current()
    assert after.number > before.number
    assert after.token != before.token
    assert after.changed_at is not None
    actions.import_feed(source=source, files=[("a.json", feed("Serenity"))])
    assert version.current() == after


@pytest.mark.django_db(transaction=True)
def test_the_version_changes_only_inside_the_changing_transaction():
    # Outside one, the new version would be seen before the change it stands for.
    with pytest.raises(RuntimeError, match="inside the changing transaction"):
        version.bump()


def test_a_stale_index_is_never_used_while_the_new_one_is_made(monkeypatch, settings):
    meeting(name="First")
    worker = index.Indexes()
    assert find(worker, monkeypatch).answered_by == "index"
    meeting(name="Second")
    settings.HOMEGROUP_SEARCH_INDEX = "off"  # as while a background build is running
    result = find(worker, monkeypatch)
    assert (result.answered_by, names(result)) == ("sql", ["First", "Second"])


def test_when_the_index_cannot_be_made_searches_use_sql_and_it_is_tried_again_later(
    monkeypatch, caplog
):
    meeting(name="First")
    worker = index.Indexes()

    def broken():
        raise ValueError("not an IANA time zone: 'Mars/Olympus_Mons'")

    monkeypatch.setattr(index, "_read_meetings", broken)
    result = find(worker, monkeypatch)
    assert (result.answered_by, names(result)) == ("sql", ["First"])
    assert "the search index could not be built" in caplog.text
    monkeypatch.undo()
    assert find(worker, monkeypatch).answered_by == "sql"  # not again at once
    later = index.time.monotonic() + index.RETRY_SECONDS + 1
    monkeypatch.setattr(index.time, "monotonic", lambda: later)
    assert find(worker, monkeypatch).answered_by == "index"


def test_the_index_counts_a_query_as_the_search_does(monkeypatch):
    meeting(name="Tuesday", day=2)
    meeting(name="Wednesday", day=3)
    worker = index.Indexes()
    built = worker.current(mode="inline")
    assert built is not None
    query = MeetingQuery(days=[2, 3])
    assert built.count(query, now=NOW) == find(worker, monkeypatch, days=[2, 3]).count == 2
    assert built.count(MeetingQuery(days=[3]), now=NOW) == 1
    assert built.size == 2
    assert built.nbytes > 0


@pytest.mark.django_db(transaction=True)
def test_workers_with_their_own_connections_see_a_committed_change_at_their_next_search(
    settings,
):
    """Each worker thread has its own database connection, as each process has: a change
    committed by one is found by the next search of every other, built in the background."""
    settings.HOMEGROUP_SEARCH_INDEX = "background"
    meeting(name="First")
    workers = [index.Indexes(), index.Indexes()]

    def search_in(worker: index.Indexes, found: list) -> None:
        try:
            search.indexes, before = worker, search.indexes
            found.append(search.search(MeetingQuery(), now=NOW))
        finally:
            search.indexes = before
            connections.close_all()

    def ask(worker: index.Indexes):
        found: list = []
        thread = threading.Thread(target=search_in, args=(worker, found))
        thread.start()
        thread.join()
        return found[0]

    def built(worker: index.Indexes) -> None:
        # The background build of each worker, started by its search, finishes.
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while worker._lock.locked() or worker.index is None:
            assert datetime.now(UTC) < deadline
            threading.Event().wait(0.01)

    for worker in workers:
        assert names(ask(worker)) == ["First"]  # from SQL while the index is made
        built(worker)
        assert (ask(worker).answered_by, names(ask(worker))) == ("index", ["First"])
    meeting(name="Second")
    for worker in workers:
        result = ask(worker)
        assert (result.answered_by, names(result)) == ("sql", ["First", "Second"])
        built(worker)
        result = ask(worker)
        assert (result.answered_by, names(result)) == ("index", ["First", "Second"])
