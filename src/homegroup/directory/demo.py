"""Demo directory: the real sample feeds as sources, plus a few clearly synthetic MAT evidence
records so that every level shows on the first run. Only `homegroup demo` calls `load()`.

Safe to run again: a source that already has a successful import is left alone, and evidence
that is already there is not added twice.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.directory import actions
from homegroup.directory.models import (
    EvidenceKind,
    ImportRun,
    MatEvidence,
    MatLevel,
    Meeting,
    ReviewStatus,
    Source,
    Stance,
)

SAMPLES = Path(settings.BASE_DIR) / "tests" / "fixtures" / "meetings"
SYNTHETIC = "Synthetic demo data"


@dataclass(frozen=True)
class DemoSource:
    slug: str
    name: str
    files: tuple[str, ...]
    fellowship: str
    timezone: str = ""
    feed_format: str | None = None
    map_file: str | None = None
    formats: str | None = None
    service_bodies: str | None = None


DEMO_SOURCES = (
    DemoSource(
        "gnyr-na",
        "NA Greater New York Region (BMLT sample database)",
        ("bmlt_sample_gnyr/GetSearchResults.json",),
        "NA",
        formats="bmlt_sample_gnyr/GetFormats_all_languages.json",
        service_bodies="bmlt_sample_gnyr/GetServiceBodies.json",
    ),
    DemoSource(
        "finger-lakes-na",
        "NA Finger Lakes (BMLT captures, Monday to Wednesday)",
        tuple(f"bmlt_yap_fixtures/meeting-search-42.867970-day{day}.json" for day in (2, 3, 4)),
        "NA",
        formats="bmlt_yap_fixtures/formats.json",
    ),
    DemoSource(
        "quinte-aa",
        "AA Quinte and District, Ontario (sample Meeting Guide feed)",
        ("meeting_guide_spec_samples/ontario_quinte_data-sample.json",),
        "AA",
        timezone="America/Toronto",
    ),
    DemoSource(
        "tsml-sample",
        "12 Step Meeting List sample (Baltimore area)",
        ("tsml_pdf12step_sample/example.com-meetings.json",),
        "AA",
        timezone="America/New_York",
    ),
    DemoSource(
        "new-mexico-aa",
        "AA New Mexico (legacy flat file)",
        ("meeting_guide_spec_samples/new-mexico_legacy_default.db.txt",),
        "AA",
        timezone="America/Denver",
        feed_format="csv",
        map_file="new-mexico.map.json",
    ),
)

# One synthetic meeting of a fellowship with a medication-inclusive charter (MARA publishes no
# feed), so the charter rule shows too.
SYNTHETIC_FEED = [
    {
        "slug": "mara-online-demo",
        "name": "MARA online meeting (synthetic demo)",
        "day": [2, 4],
        "time": "19:00",
        "end_time": "20:00",
        "timezone": "America/New_York",
        "conference_url": "https://meet.jit.si/homegroup-demo-mara",
        "conference_url_notes": "Synthetic demo listing: this meeting does not exist.",
        "formatted_address": "New York, NY, USA",
        "approximate": "yes",
        "types": ["O", "D"],
        "notes": "Synthetic demo listing. People on methadone or buprenorphine are welcome.",
    }
]


def _read(name: str | None) -> bytes | None:
    return (SAMPLES / name).read_bytes() if name else None


def _import(demo: DemoSource, *, actor_id: int | None) -> int:
    source = actions.ensure_source(
        slug=demo.slug, name=demo.name, default_fellowship=demo.fellowship, actor_id=actor_id
    )
    if ImportRun.objects.filter(source=source, dry_run=False, error="").exists():
        return 0
    actions.configure_source(
        source=source,
        default_timezone=demo.timezone or None,
        default_fellowship=demo.fellowship,
        actor_id=actor_id,
    )
    run = actions.import_feed(
        source=source,
        files=[(name, (SAMPLES / name).read_bytes()) for name in demo.files],
        feed_format=demo.feed_format,  # type: ignore[arg-type]
        source_map=_read(demo.map_file),
        formats=_read(demo.formats),
        service_bodies=_read(demo.service_bodies),
        actor_id=actor_id,
    )
    return run.created


def _synthetic_source(*, actor_id: int | None) -> int:
    source = actions.ensure_source(
        slug="synthetic-demo", name=f"{SYNTHETIC} (not a real feed)", actor_id=actor_id
    )
    if ImportRun.objects.filter(source=source, dry_run=False, error="").exists():
        return 0
    run = actions.import_feed(
        source=source,
        files=[("synthetic-demo.json", json.dumps(SYNTHETIC_FEED).encode())],
        fellowship="MARA",
        actor_id=actor_id,
    )
    return run.created


def _meeting(source: str, key: str) -> Meeting | None:
    return Meeting.objects.active().filter(source__slug=source, source_key=key).first()


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _evidence() -> int:
    """A few clearly synthetic statements and reports, added once."""
    added = 0
    today = timezone.localdate()
    maintainer = _user("max@demo.homegroup.invalid")
    if maintainer is None:
        return 0
    statement = _meeting("gnyr-na", "2476:2")
    summary = (
        f"{SYNTHETIC}: the group's secretary told the directory that members on methadone or "
        "buprenorphine are welcome to share, lead and sponsor."
    )
    if statement and not MatEvidence.objects.filter(meeting=statement, summary=summary).exists():
        actions.add_mat_evidence(
            meeting=statement,
            actor=maintainer,
            kind=EvidenceKind.PUBLISHER_STATEMENT,
            stance=Stance.WELCOMING,
            summary=summary,
            observed_on=today - timedelta(days=30),
        )
        added += 1
    reports = [
        ("ana@demo.homegroup.invalid", "tsml-sample", "319450:4", Stance.WELCOMING, True),
        ("cora@demo.homegroup.invalid", "quinte-aa", "8:2", Stance.UNWELCOMING, True),
        ("ben@demo.homegroup.invalid", "new-mexico-aa", "2:5", Stance.WELCOMING, False),
    ]
    for email, source, key, stance, accept in reports:
        person, meeting = _user(email), _meeting(source, key)
        if person is None or meeting is None:
            continue
        reporter = actions.reporter_key(user_id=person.pk, meeting_id=meeting.pk)
        if MatEvidence.objects.filter(meeting=meeting, reporter_key=reporter).exists():
            continue
        evidence = actions.report_mat_experience(
            meeting=meeting, reporter=person, stance=stance, observed_on=today - timedelta(days=12)
        )
        if accept:
            actions.review_mat_report(evidence=evidence, reviewer=maintainer, accept=True)
        added += 1
    return added


def load() -> str:
    """Import the sample feeds that are not imported yet and add the synthetic evidence;
    returns a one-line summary."""
    if not SAMPLES.is_dir():
        return f"Directory: sample feeds not found at {SAMPLES}; skipped."
    maintainer = _user("max@demo.homegroup.invalid")
    actor_id = maintainer.pk if maintainer else None
    created = sum(_import(demo, actor_id=actor_id) for demo in DEMO_SOURCES)
    created += _synthetic_source(actor_id=actor_id)
    evidence = _evidence()
    levels = Counter(Meeting.objects.active().values_list("mat_level", flat=True).order_by())
    shown = ", ".join(
        f"{levels[level]} {label.lower()}" for level, label in MatLevel.choices if levels[level]
    )
    pending = MatEvidence.objects.filter(review_status=ReviewStatus.PENDING).count()
    return (
        f"Directory: {Source.objects.count()} sources, {sum(levels.values())} meetings "
        f"({created} created), {evidence} synthetic evidence records added; MAT-friendliness: "
        f"{shown}; {pending} report(s) waiting for review."
    )
