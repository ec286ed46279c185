"""A synthetic directory for benchmarks and demos: `directory.synthetic.generate`'s meetings
stored in batches under one synthetic source, audited once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.bulk import insert_rows
from homegroup.directory import mat, version
from homegroup.directory.actions.applying import _free_slug, feed_evidence
from homegroup.directory.actions.mat_evidence import _evidence_facts
from homegroup.directory.actions.meetings import (
    _RUN_CACHE,
    _model_values,
    ensure_source,
    source_key_for,
)
from homegroup.directory.models import (
    Fellowship,
    ImportRun,
    MatEvidence,
    Meeting,
    MeetingChange,
    Region,
)

SYNTHETIC_FORMAT = "synthetic"


@transaction.atomic
def bulk_create_synthetic(
    *,
    meetings: int,
    seed: int,
    source_slug: str = "synthetic",
    replace_existing: bool = False,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Store `directory.synthetic.generate(meetings, seed)` as one source, in batches: the same
    values, fingerprints, "created" history and feed evidence an import would store, without
    its per-meeting diff (the source is new, or its synthetic meetings are replaced). Only a
    source this action made may be replaced: a real source's meetings are never touched."""
    from itertools import islice

    from homegroup.directory import synthetic

    if meetings < 1:
        raise ValidationError({"meetings": _("Generate at least one meeting.")})
    version.bump()
    name = "Synthetic directory (generated test data, not real meetings)"
    source = ensure_source(
        slug=source_slug, name=name, feed_format=SYNTHETIC_FORMAT, actor_id=actor_id
    )
    existing = Meeting.objects.filter(source=source)
    if source.feed_format != SYNTHETIC_FORMAT:
        raise ValidationError({"source": _("%(slug)s is a real source.") % {"slug": source.slug}})
    if existing.exists():
        if not replace_existing:
            raise ValidationError(
                {"source": _("%(slug)s already has meetings.") % {"slug": source.slug}}
            )
        existing.delete()
    now = timezone.now()
    run = ImportRun.objects.create(
        source=source, started_at=now, actor_id=actor_id, feed_format=SYNTHETIC_FORMAT,
        files=[f"synthetic: seed {seed}, {meetings} meetings (not real meetings)"],
    )  # fmt: skip
    charters = set(
        Fellowship.objects.filter(medication_inclusive_charter=True).values_list("code", flat=True)
    )
    cache: dict[tuple[str, Any], Any] = {}
    token = _RUN_CACHE.set(cache)
    done = 0
    try:
        generated = synthetic.generate(meetings=meetings, seed=seed, source_slug=source.slug)
        while batch := list(islice(generated, 2000)):
            rows: list[dict[str, Any]] = []
            evidence: list[list[tuple[str, str, str]]] = []
            missing = {m.regions for m in batch} - {key for _kind, key in cache}
            for path, region in _bulk_region_paths(missing).items():
                cache["region", path] = region
            taken = set(
                Meeting.objects.filter(slug__in=[m.slug for m in batch]).values_list(
                    "slug", flat=True
                )
            )
            for canonical in batch:
                values, _how = _model_values(canonical, source=source)
                said = feed_evidence(canonical)
                facts = _evidence_facts([(kind, stance, now, "") for kind, stance, _ in said])
                values["mat_level"] = mat.derive_level(
                    charter=canonical.fellowship in charters, evidence=facts, today=now.date()
                ).level
                slug = _free_slug(base=canonical.slug, source=source, taken=taken)
                taken.add(slug)
                rows.append(
                    {**values, "source": source, "source_key": source_key_for(canonical),
                     "slug": slug, "first_seen_at": now, "last_changed_at": now,
                     "last_verified_at": now}
                )  # fmt: skip
                evidence.append(said)
            insert_rows(Meeting, rows)
            ids = dict(
                Meeting.objects.filter(
                    source=source, source_key__in=[row["source_key"] for row in rows]
                ).values_list("source_key", "pk")
            )
            insert_rows(
                MeetingChange,
                [{"meeting": ids[row["source_key"]], "changed_at": now, "actor_id": actor_id,
                  "import_run": run, "change": "created", "fields": {}} for row in rows],
            )  # fmt: skip
            insert_rows(
                MatEvidence,
                [{"meeting": ids[row["source_key"]], "kind": kind, "stance": stance,
                  "summary": summary, "observed_at": now, "recorded_at": now, "import_run": run,
                  "source": source}
                 for row, said in zip(rows, evidence, strict=True)
                 for kind, stance, summary in said],
            )  # fmt: skip
            done += len(rows)
            if progress is not None:
                progress(done, meetings)
    finally:
        _RUN_CACHE.reset(token)
    run.records = run.created = done
    run.finished_at = timezone.now()
    run.diff = {"created": [], "updated": {}, "removed": [], "synthetic": {"seed": seed}}
    run.save()
    audit.record(
        action=AuditAction.DIRECTORY_SYNTHETIC_GENERATED,
        actor_id=actor_id,
        object_type="import_run",
        object_id=run.pk,
    )
    return run


def _bulk_region_paths(paths: set[tuple[str, ...]]) -> dict[tuple[str, ...], Region]:
    """(state, city) → region, creating what is missing with a few queries, not two per city."""
    if not paths:
        return {}
    Region.objects.bulk_create(
        [Region(name=state) for state in sorted({state for state, _city in paths})],
        ignore_conflicts=True,
    )
    roots = {r.name: r for r in Region.objects.filter(parent=None, name__in={s for s, _ in paths})}
    Region.objects.bulk_create(
        [Region(name=city[:200], parent=roots[state]) for state, city in sorted(paths)],
        ignore_conflicts=True,
    )
    children = {
        (region.parent.name, region.name): region  # type: ignore[union-attr]
        for region in Region.objects.filter(
            parent__in=roots.values(), name__in={city[:200] for _state, city in paths}
        ).select_related("parent")
    }
    return {path: children[(path[0], path[1][:200])] for path in paths}
