"""Imports from the web: Max adds a source with its feed's address, imports it from the source's
page (fetched and imported outside the request, the page polling the run), sees a refusal and
accepts it deliberately; `homegroup refresh-sources` imports what is due from cron.

The feed is served by a loopback server (tests/directory/feed_server.py), allowed for these
tests by HOMEGROUP_FETCH_ALLOW_PRIVATE.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from homegroup.directory import refresh
from homegroup.directory.models import ImportRun, Meeting, Source
from tests.directory.maintain_data import REQUEST_QUERIES, mg_record

pytestmark = pytest.mark.django_db

SOURCES = reverse("maintain:sources")
FIVE = [mg_record(slug) for slug in ("alpha", "beta", "gamma", "delta", "epsilon")]


@pytest.fixture
def spawned(monkeypatch):
    """The background processes the pages start (recorded here, not started)."""
    started: list[tuple[list[str], dict[str, object]]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda argv, **kwargs: started.append((argv, kwargs)))
    return started


def serve(feed_server, records) -> str:
    feed_server.routes["/meetings.json"] = json.dumps(records).encode()
    return feed_server.url("/meetings.json")


def add_source(client, url: str) -> Source:
    response = client.post(
        reverse("maintain:source-create"), {"name": "Metro Intergroup", "url": url}
    )
    source = Source.objects.get(slug="metro-intergroup")
    assert response.status_code == 302
    assert response["Location"] == reverse("maintain:source", args=[source.slug])
    return source


def import_now(client, source, django_capture_on_commit_callbacks, **flags) -> ImportRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("maintain:source-import", args=[source.slug]), flags)
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("maintain:run", args=[run.pk])
    return run


def work(run: ImportRun) -> ImportRun:
    """What the background process does: `homegroup refresh-sources --run ID` (which exits
    non-zero when the import failed)."""
    with contextlib.suppress(CommandError):
        call_command("refresh-sources", "--run", str(run.pk), stdout=io.StringIO())
    run.refresh_from_db()
    return run


def test_max_imports_a_source_from_its_page_outside_the_request(
    people, client_for, feed_server, spawned, django_capture_on_commit_callbacks
):
    client = client_for(people.max)
    source = add_source(client, serve(feed_server, FIVE))
    run = import_now(client, source, django_capture_on_commit_callbacks)
    # The click only queued the run and started the worker: nothing was fetched yet.
    assert (run.state, run.created, feed_server.hosts) == ("queued", 0, [])
    ((argv, options),) = spawned
    assert argv == [sys.executable, "-m", "homegroup", "refresh-sources", "--run", str(run.pk)]
    assert options["start_new_session"] is True
    page = client.get(reverse("maintain:run", args=[run.pk])).content.decode()
    assert f'hx-get="{reverse("maintain:run-status", args=[run.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page
    work(run)
    assert (run.state, run.created, run.files) == ("finished", 5, [source.url])
    status = client.get(reverse("maintain:run-status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    page = client.get(reverse("maintain:run", args=[run.pk])).content.decode()
    assert "5 created, 0 updated, 0 unchanged, 0 removed, 0 skipped" in page
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "directory.import_queued" in actions
    assert "directory.import" in actions


def test_a_partial_feed_is_refused_on_the_page_and_accepted_with_one_click(
    people, client_for, feed_server, spawned, django_capture_on_commit_callbacks
):
    client = client_for(people.max)
    source = add_source(client, serve(feed_server, FIVE))
    work(import_now(client, source, django_capture_on_commit_callbacks))
    serve(feed_server, FIVE[:2])
    refused = work(import_now(client, source, django_capture_on_commit_callbacks))
    assert (refused.state, refused.refusal) == ("failed", "removals")
    assert Meeting.objects.active().count() == 5
    page = client.get(reverse("maintain:run", args=[refused.pk])).content.decode()
    assert "Refused: it would remove too many meetings" in page
    assert "This import would have removed 3 of the source's 5 listed meetings" in page
    assert 'name="allow_removals" value="1"' in page
    accepted = work(
        import_now(client, source, django_capture_on_commit_callbacks, allow_removals="1")
    )
    assert (accepted.state, accepted.removed, accepted.allow_removals) == ("finished", 3, True)
    assert Meeting.objects.active().count() == 2


def test_one_import_of_a_source_at_a_time(
    people, client_for, feed_server, spawned, django_capture_on_commit_callbacks
):
    client = client_for(people.max)
    source = add_source(client, serve(feed_server, FIVE))
    first = import_now(client, source, django_capture_on_commit_callbacks)
    again = import_now(client, source, django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    assert len(spawned) == 1


def test_a_feed_that_cannot_be_fetched_fails_the_run_saying_why(
    people, client_for, feed_server, spawned, django_capture_on_commit_callbacks
):
    client = client_for(people.max)
    source = add_source(client, feed_server.url("/gone.json"))
    run = work(import_now(client, source, django_capture_on_commit_callbacks))
    assert run.state == "failed"
    assert run.error.endswith("/gone.json: the server answered 404 instead of the feed")
    page = client.get(reverse("maintain:run", args=[run.pk])).content.decode()
    assert "This import failed and changed nothing" in page


def test_a_private_address_is_refused_when_not_allowed(
    people, client_for, feed_server, spawned, settings, django_capture_on_commit_callbacks
):
    client = client_for(people.max)
    source = add_source(client, serve(feed_server, FIVE))
    settings.HOMEGROUP_FETCH_ALLOW_PRIVATE = False
    run = work(import_now(client, source, django_capture_on_commit_callbacks))
    assert "is a private, local or reserved address" in run.error
    assert feed_server.hosts == []


def test_the_cron_worker_setting_starts_no_process(
    people, client_for, feed_server, spawned, settings, django_capture_on_commit_callbacks
):
    settings.HOMEGROUP_IMPORT_WORKER = "cron"
    client = client_for(people.max)
    source = add_source(client, serve(feed_server, FIVE))
    run = import_now(client, source, django_capture_on_commit_callbacks)
    assert spawned == []
    out = io.StringIO()
    call_command("refresh-sources", stdout=out)  # what cron runs
    run.refresh_from_db()
    assert (run.state, run.created) == ("finished", 5)
    assert "metro-intergroup: run" in out.getvalue()


def test_refresh_sources_imports_each_source_that_is_due(feed_server, people):
    url = serve(feed_server, FIVE)
    due = Source.objects.create(
        slug="due", name="Due", url=url, refresh_hours=6, created_at=timezone.now()
    )
    fresh = Source.objects.create(
        slug="fresh", name="Fresh", url=url, refresh_hours=6, created_at=timezone.now()
    )
    never = Source.objects.create(slug="never", name="Never", url=url, created_at=timezone.now())
    for source, hours_ago in ((due, 7), (fresh, 1)):
        ImportRun.objects.create(
            source=source, started_at=timezone.now() - timedelta(hours=hours_ago)
        )
    assert refresh.due_sources() == [due]
    call_command("refresh-sources", stdout=io.StringIO())
    assert Meeting.objects.filter(source=due).count() == 5
    assert not Meeting.objects.filter(source__in=[fresh, never]).exists()
    assert refresh.due_sources() == []


def test_refresh_sources_exits_non_zero_when_an_import_failed(feed_server):
    Source.objects.create(
        slug="broken",
        name="Broken",
        url=feed_server.url("/gone.json"),
        refresh_hours=1,
        created_at=timezone.now(),
    )
    with pytest.raises(CommandError, match="1 of 1 imports failed, nothing changed"):
        call_command("refresh-sources", stdout=io.StringIO())


def test_a_run_whose_worker_went_away_is_failed_so_its_page_stops_waiting():
    source = Source.objects.create(slug="s", name="S", url="", created_at=timezone.now())
    stuck = ImportRun.objects.create(
        source=source, state="running", started_at=timezone.now() - timedelta(hours=2)
    )
    assert refresh.fail_stale_runs() == 1
    stuck.refresh_from_db()
    assert (stuck.state, stuck.error) == (
        "failed",
        "the import stopped before it finished; start it again",
    )


def test_only_directory_maintainers_import_from_the_web(people, client_for, feed_server):
    source = Source.objects.create(
        slug="s", name="S", url=serve(feed_server, FIVE), created_at=timezone.now()
    )
    for person in (people.dev, people.ana):
        client = client_for(person)
        assert client.post(reverse("maintain:source-import", args=[source.slug])).status_code == (
            403
        )
        assert client.get(reverse("maintain:source", args=[source.slug])).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_source_page_saves_its_settings(people, client_for):
    source = Source.objects.create(slug="s", name="S", created_at=timezone.now())
    response = client_for(people.max).post(
        reverse("maintain:source", args=[source.slug]),
        {
            "name": "Springfield Intergroup",
            "url": "https://aa-springfield.example.org/meetings.json",
            "refresh_hours": "12",
            "removal_limit": "25",
            "contact_policy": "publish",
            "default_timezone": "America/Chicago",
            "default_fellowship": "AA",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.refresh_hours, source.removal_limit, source.contact_policy) == (
        "Springfield Intergroup",
        12,
        25,
        "publish",
    )
    assert (source.default_timezone, source.default_fellowship.code) == ("America/Chicago", "AA")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://example.org/feed", "Give the feed&#x27;s http:// or https:// address."),
        ("default_timezone", "Mountain", "Mountain is not a time zone name"),
        ("removal_limit", "150", "less than or equal to 100"),
    ],
)
def test_a_bad_setting_is_refused_and_changes_nothing(people, client_for, field, value, message):
    source = Source.objects.create(slug="s", name="S", created_at=timezone.now())
    data = {"name": "S", "removal_limit": "10", "contact_policy": "hold", field: value}
    response = client_for(people.max).post(reverse("maintain:source", args=[source.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    source.refresh_from_db()
    assert (source.url, source.removal_limit, source.default_timezone) == ("", 10, "")


def test_the_source_and_run_pages_cost_the_same_queries_whatever_the_history(
    people, client_for, django_assert_max_num_queries
):
    from tests.directory.maintain_data import import_records

    client = client_for(people.max)
    run = import_records("metro", FIVE)
    for n in range(12):
        import_records("metro", [mg_record(slug, name=f"v{n}") for slug in ("alpha", "beta")]
                       + FIVE[2:])  # fmt: skip
    with django_assert_max_num_queries(REQUEST_QUERIES + 3):  # source, its counts, its runs
        client.get(reverse("maintain:source", args=["metro"]))
    with django_assert_max_num_queries(REQUEST_QUERIES + 1):  # the run with its source
        client.get(reverse("maintain:run", args=[run.pk]))
