"""Imports of a source's URL, run outside any web request: the source page's "Import now" and
the schedule of `homegroup refresh-sources` (cron).

A maintainer's click only queues an import run (state "queued") and starts a worker for it:
by default a background process, `homegroup refresh-sources --run ID`
(HOMEGROUP_IMPORT_WORKER=process), or none, leaving the run to the next `homegroup
refresh-sources` from cron (HOMEGROUP_IMPORT_WORKER=cron). The worker claims the run, fetches
the URL (directory.fetch: http(s) only, public addresses, a size limit and a timeout) and
imports it with `actions.import_feed` — the same diff and the same refusals as the command
line. The run's page polls its state until it is finished or failed.

Every write here goes through `actions.import_feed` or is the run's own bookkeeping, audited.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import Role, User
from homegroup.accounts.permissions import requires_role
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import actions
from homegroup.directory.fetch import fetch_feed
from homegroup.directory.importers import FeedError
from homegroup.directory.importers.fields import web_address
from homegroup.directory.models import ImportRun, RunState, Source

# A run still "running" after this long lost its worker (the process died, the machine
# restarted): it is marked failed so that its page stops waiting and a new import can start.
STALE_AFTER = timedelta(hours=1)


@requires_role(Role.DIRECTORY_MAINTAINER, audit=AuditAction.DIRECTORY_IMPORT_QUEUED)
def queue_import(
    *, source: Source, actor: User, allow_removals: bool = False, skip_unreadable: bool = False
) -> ImportRun:
    """A directory maintainer asks for an import of the source's URL now. Returns the queued
    run (or the one already queued or running for this source: one at a time), and starts a
    worker for it once the transaction commits."""
    if not source.url or web_address(source.url) is None:
        raise ValidationError({"url": _("This source has no http:// or https:// address.")})
    with transaction.atomic():
        Source.objects.select_for_update().filter(pk=source.pk).first()
        waiting = ImportRun.objects.in_progress().filter(source=source).first()
        if waiting is not None:
            return waiting
        run = ImportRun.objects.create(
            source=source,
            state=RunState.QUEUED,
            started_at=timezone.now(),
            actor_id=actor.pk,
            files=[source.url],
            allow_removals=allow_removals,
            skip_unreadable=skip_unreadable,
        )
        audit.record(
            action=AuditAction.DIRECTORY_IMPORT_QUEUED,
            actor_id=actor.pk,
            object_type="import_run",
            object_id=run.pk,
        )
        transaction.on_commit(lambda: start_worker(run.pk))
    return run


def start_worker(run_id: int) -> None:
    """Start `homegroup refresh-sources --run ID` in the background (its own session, so it
    outlives the web request and the worker process that served it)."""
    if settings.HOMEGROUP_IMPORT_WORKER != "process":
        return
    subprocess.Popen(  # noqa: S603 - a fixed command line of our own; the id is an integer
        [sys.executable, "-m", "homegroup", "refresh-sources", "--run", str(int(run_id))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def _claim(run: ImportRun) -> bool:
    """Take a queued run for this worker; False when another worker already has it."""
    return bool(
        ImportRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(state=RunState.RUNNING)
    )


def run_import(run: ImportRun) -> ImportRun:
    """Fetch and import a queued run's source. The run ends finished or failed (with why);
    nothing is raised for a feed that cannot be used."""
    if not _claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    source = Source.objects.select_related("default_fellowship").get(pk=run.source_id)
    try:
        fetched = fetch_feed(source.url)
    except FeedError as error:
        actions.fail_run(run, str(error))
        return run
    # A refused or failed import keeps why on the run; its page shows it.
    with contextlib.suppress(actions.ImportFailed):
        actions.import_feed(
            source=source,
            files=[(fetched.url, fetched.body)],
            allow_removals=run.allow_removals,
            skip_unreadable=run.skip_unreadable,
            actor_id=run.actor_id,
            run=run,
        )
    return run


def fail_stale_runs(*, now: datetime | None = None) -> int:
    """Mark runs whose worker went away as failed; returns how many."""
    now = now or timezone.now()
    stale = ImportRun.objects.in_progress().filter(started_at__lt=now - STALE_AFTER)
    count = 0
    for run in stale:
        actions.fail_run(run, "the import stopped before it finished; start it again")
        count += 1
    return count


def due_sources(*, now: datetime | None = None) -> list[Source]:
    """Sources with a URL and a schedule whose last import started longer ago than that."""
    now = now or timezone.now()
    due = []
    sources = Source.objects.exclude(url="").filter(refresh_hours__isnull=False).order_by("slug")
    for source in sources:
        last = (
            ImportRun.objects.filter(source=source, dry_run=False)
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
        if last is None or now - last >= timedelta(hours=source.refresh_hours or 0):
            due.append(source)
    return due


def refresh_sources(
    *, now: datetime | None = None, report: Callable[[ImportRun], None] | None = None
) -> list[ImportRun]:
    """What `homegroup refresh-sources` does from cron: fail the stale runs, run the queued
    ones (left for it, or whose process never started), then import every source that is due.
    Each import is its own run, on its own; one source's failure does not stop the others."""
    fail_stale_runs(now=now)
    done: list[ImportRun] = []
    for run in ImportRun.objects.filter(state=RunState.QUEUED).order_by("started_at"):
        done.append(run_import(run))
        if report is not None:
            report(done[-1])
    for source in due_sources(now=now):
        if ImportRun.objects.in_progress().filter(source=source).exists():
            continue
        run = ImportRun.objects.create(
            source=source,
            state=RunState.QUEUED,
            started_at=timezone.now(),
            files=[source.url],
        )
        done.append(run_import(run))
        if report is not None:
            report(done[-1])
    return done
