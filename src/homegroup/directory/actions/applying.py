"""One import run's meetings applied as a diff in its transaction: created, updated, unchanged,
removed, the feed's MAT evidence kept in sync, levels refreshed (`importing.import_feed`
calls it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils.text import slugify

from homegroup.directory import mat, version
from homegroup.directory.actions.mat_evidence import _refresh_levels
from homegroup.directory.actions.meetings import (
    _RUN_CACHE,
    Saved,
    _model_values,
    contact_details_of,
    fingerprint,
    remove_meeting,
    save_meeting,
    source_key_for,
)
from homegroup.directory.importers import (
    Problem,
)
from homegroup.directory.importers.canonical import CanonicalMeeting
from homegroup.directory.importers.codes import MOUD
from homegroup.directory.local_edits import apply_edits
from homegroup.directory.models import (
    ContactPolicy,
    EvidenceKind,
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    ReviewStatus,
    Source,
    Stance,
    TimezoneOrigin,
)


@dataclass
class _Applied:
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    evidence_added: int = 0
    evidence_removed: int = 0
    levels: dict[str, list[str]] = field(default_factory=dict)
    kept_edits: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    contact_problems: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    """What the files of one run gave, before anything is stored."""

    formats: tuple[str, ...]
    records: int
    meetings: tuple[tuple[CanonicalMeeting, str], ...]  # (meeting with its zone, zone origin)
    files: dict[str, str]  # source key → the file the meeting came from
    problems: tuple[dict[str, Any], ...]
    timezones: dict[str, list[str]]
    unknown_codes: dict[str, int]
    without_coordinates: list[str]


def _problem_dict(problem: Problem, *, file: str) -> dict[str, Any]:
    return {"file": file, **asdict(problem)}


def _apply(
    *,
    source: Source,
    parsed: _Parsed,
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> _Applied:
    applied = _Applied()
    token = _RUN_CACHE.set({})
    try:
        return _apply_meetings(
            source=source,
            parsed=parsed,
            run=run,
            actor_id=actor_id,
            now=now,
            progress=progress,
            applied=applied,
        )
    finally:
        _RUN_CACHE.reset(token)


def _contact_problems(
    canonical: CanonicalMeeting, *, file: str, source: Source, published: Sequence[str]
) -> list[dict[str, Any]]:
    """The run report's line for each phone number or email address in a meeting's notes."""
    found = contact_details_of(canonical)
    if not found:
        return []
    hold = source.contact_policy == ContactPolicy.HOLD
    labels = {"phone": "a phone number", "email": "an email address"}
    problems = []
    for item in found:
        if not hold:
            status = "published as is (the source's policy)"
        elif item.value in published:
            status = "published by a maintainer"
        else:
            status = "held for review: hidden in public until a maintainer publishes it"
        problems.append(
            _problem_dict(
                Problem(
                    canonical.position,
                    f"{labels[item.kind]} in the {item.field.replace('_', ' ')}: "
                    f"{item.value}; {status}",
                    "warning",
                    item.field,
                    canonical.slug,
                    "contact_in_text",
                ),
                file=file,
            )
        )
    return problems


def _apply_meetings(
    *,
    source: Source,
    parsed: _Parsed,
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
    applied: _Applied,
) -> _Applied:
    # One query for what the source gave last time; unchanged meetings are never loaded again.
    existing = {
        meeting.source_key: meeting
        for meeting in Meeting.objects.filter(source=source).only(
            "pk",
            "source_key",
            "slug",
            "fingerprint",
            "removed_at",
            "timezone_origin",
            "local_edits",
            "contact_details_published",
        )
    }
    meetings = parsed.meetings
    in_feed: dict[int, CanonicalMeeting] = {}
    new_or_restored: set[int] = set()
    to_create: list[tuple[CanonicalMeeting, str]] = []
    total = len(meetings)
    for done, (canonical, how) in enumerate(meetings, start=1):
        known = existing.get(source_key_for(canonical))
        if known is None:
            to_create.append((canonical, how))
        elif known.removed_at is None and known.fingerprint == fingerprint(canonical):
            applied.unchanged += 1
            in_feed[known.pk] = canonical
        else:
            saved = _save_from_feed(
                source=source,
                canonical=canonical,
                how=how,
                known=known,
                run=run,
                actor_id=actor_id,
                now=now,
                applied=applied,
            )
            in_feed[saved.meeting.pk] = canonical
            if saved.change == "restored":
                applied.updated[saved.meeting.slug] = ["removed_at", *saved.changed_fields]
                new_or_restored.add(saved.meeting.pk)
            elif saved.change == "updated":
                applied.updated[saved.meeting.slug] = list(saved.changed_fields)
            else:
                applied.unchanged += 1
        if progress is not None and known is not None and (done % 100 == 0 or done == total):
            progress(done - len(to_create), total)
    for meeting in existing.values():
        if meeting.removed_at is None and meeting.pk not in in_feed:
            remove_meeting(meeting=meeting, actor_id=actor_id, import_run=run, now=now)
            applied.removed.append(meeting.slug)
    done_before = total - len(to_create)
    for created, canonical in _create_meetings(
        source=source,
        meetings=to_create,
        run=run,
        actor_id=actor_id,
        now=now,
        progress=(lambda done, _total: progress(done_before + done, total)) if progress else None,
    ):
        in_feed[created.pk] = canonical
        applied.created.append(created.slug)
        new_or_restored.add(created.pk)
        existing[created.source_key] = created
    if progress is not None:
        progress(total, total)
    for canonical, _how in meetings:
        key = source_key_for(canonical)
        stored = existing[key]
        applied.contact_problems.extend(
            _contact_problems(
                replace(canonical, slug=stored.slug),
                file=parsed.files.get(key, ""),
                source=source,
                published=stored.contact_details_published,
            )
        )
    touched = _sync_feed_evidence(source=source, in_feed=in_feed, run=run, now=now, applied=applied)
    changed_levels = _refresh_levels(touched | new_or_restored, today=now.date())
    applied.levels = changed_levels
    return applied


def _save_from_feed(
    *,
    source: Source,
    canonical: CanonicalMeeting,
    how: str,
    known: Meeting,
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    applied: _Applied,
) -> Saved:
    """Save a changed meeting from the feed, keeping a maintainer's edits of the fields the
    feed did not change (and noting in the diff those it did)."""
    if not known.local_edits:
        return save_meeting(
            source=source,
            canonical=canonical,
            actor_id=actor_id,
            import_run=run,
            now=now,
            timezone_origin=how,
        )
    merged = apply_edits(canonical, known.local_edits)
    saved = save_meeting(
        source=source,
        canonical=merged.meeting,
        actor_id=actor_id,
        import_run=run,
        now=now,
        timezone_origin=TimezoneOrigin.MANUAL if "timezone" in merged.kept else how,
        feed_fingerprint=fingerprint(canonical),
        local_edits=merged.edits,
    )
    if merged.kept:
        applied.kept_edits[saved.meeting.slug] = list(merged.kept)
    if merged.conflicts:
        applied.conflicts[saved.meeting.slug] = merged.conflicts
    return saved


_BATCH = 500


def _create_meetings(
    *,
    source: Source,
    meetings: Sequence[tuple[CanonicalMeeting, str]],
    run: ImportRun,
    actor_id: int | None,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[Meeting, CanonicalMeeting]]:
    """The new meetings of a run, in batches: what `save_meeting` does for one meeting (the
    same values, slugs and "created" history), without four queries per meeting."""
    if meetings:
        version.bump()
    wanted = [
        slugify(canonical.slug or canonical.name)[:90] or "meeting" for canonical, _ in meetings
    ]
    candidates = sorted({slug for base in wanted for slug in (base, f"{source.slug}-{base}"[:96])})
    taken: set[str] = set()
    for start in range(0, len(candidates), _BATCH):
        chunk = candidates[start : start + _BATCH]
        taken.update(Meeting.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    created: list[tuple[Meeting, CanonicalMeeting]] = []
    for start in range(0, len(meetings), _BATCH):
        batch: list[tuple[Meeting, CanonicalMeeting]] = []
        for (canonical, how), base in zip(
            meetings[start : start + _BATCH], wanted[start : start + _BATCH], strict=True
        ):
            values, _how = _model_values(canonical, source=source)
            values["timezone_origin"] = how
            slug = _free_slug(base=base, source=source, taken=taken)
            taken.add(slug)
            meeting = Meeting(
                source=source,
                source_key=source_key_for(canonical),
                slug=slug,
                first_seen_at=now,
                last_changed_at=now,
                last_verified_at=now,
                **values,
            )
            batch.append((meeting, canonical))
        Meeting.objects.bulk_create([meeting for meeting, _canonical in batch])
        MeetingChange.objects.bulk_create(
            MeetingChange(
                meeting=meeting,
                changed_at=now,
                actor_id=actor_id,
                import_run=run,
                change="created",
                fields={},
            )
            for meeting, _canonical in batch
        )
        created.extend(batch)
        if progress is not None:
            progress(len(created), len(meetings))
    return created


def _free_slug(*, base: str, source: Source, taken: set[str]) -> str:
    """`_unique_slug`'s rule against a known set of taken slugs."""
    for candidate in (base, f"{source.slug}-{base}"[:96]):
        if candidate not in taken:
            return candidate
    counter = 2
    # Numbered slugs are rare: look them up as they come rather than all in advance.
    while (candidate := f"{source.slug}-{base}-{counter}"[:100]) in taken or (
        Meeting.objects.filter(slug=candidate).exists()
    ):
        counter += 1
    return candidate


def feed_evidence(canonical: CanonicalMeeting) -> list[tuple[str, str, str]]:
    """What a listing itself says about people on medication, as (kind, stance, summary):
    a MOUD code is the publisher's statement; wording in the notes is weaker evidence."""
    found: list[tuple[str, str, str]] = []
    if MOUD in canonical.types:
        found.append(
            (
                EvidenceKind.PUBLISHER_STATEMENT,
                Stance.WELCOMING,
                "The listing carries the MOUD code: its publisher says people on medication "
                "for opioid use disorder are welcome.",
            )
        )
    text = "\n".join(part for part in (canonical.notes, canonical.group_notes) if part)
    for stance, phrase in mat.notes_stances(text):
        found.append(
            (EvidenceKind.SOURCE_NOTES, stance, f"The listing's notes say: “{phrase}”"[:300])
        )
    return found


def _sync_feed_evidence(
    *,
    source: Source,
    in_feed: dict[int, CanonicalMeeting],
    run: ImportRun,
    now: datetime,
    applied: _Applied,
) -> set[int]:
    """Make the evidence read from this source match what its feed says now: add what is new,
    delete what the source dropped, leave the rest (and its dates) alone. Returns the meetings
    whose evidence changed."""
    current: dict[tuple[int, str, str, str], int] = {
        (meeting_id, kind, stance, summary): pk
        for pk, meeting_id, kind, stance, summary in MatEvidence.objects.filter(
            source=source
        ).values_list("pk", "meeting_id", "kind", "stance", "summary")
    }
    wanted: dict[tuple[int, str, str, str], CanonicalMeeting] = {}
    for meeting_id, canonical in in_feed.items():
        for kind, stance, summary in feed_evidence(canonical):
            wanted[(meeting_id, kind, stance, summary)] = canonical
    added = [
        MatEvidence(
            meeting_id=key[0],
            kind=key[1],
            stance=key[2],
            summary=key[3],
            observed_at=canonical.updated or now,
            recorded_at=now,
            import_run=run,
            source=source,
            review_status=ReviewStatus.ACCEPTED,
        )
        for key, canonical in wanted.items()
        if key not in current
    ]
    dropped = [pk for key, pk in current.items() if key[0] in in_feed and key not in wanted]
    if added or dropped:
        version.bump()  # search results show the counted evidence
    if added:
        MatEvidence.objects.bulk_create(added)
    if dropped:
        MatEvidence.objects.filter(pk__in=dropped).delete()
    applied.evidence_added = len(added)
    applied.evidence_removed = len(dropped)
    gone = set(dropped)
    touched = {evidence.meeting_id for evidence in added}
    touched.update(key[0] for key, pk in current.items() if pk in gone)
    return touched
