"""How much MAT evidence the directory holds, for its maintainers: per area (the most general
region of a meeting) and per meeting waiting for review. Reads only, a constant number of
queries whatever the size of the directory."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from homegroup.directory.feeds import region_paths
from homegroup.directory.models import MatEvidence, MatLevel, Meeting, ReviewStatus

AREAS_SHOWN = 25


@dataclass
class AreaEvidence:
    area: str
    meetings: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    pending: int = 0

    @property
    def with_evidence(self) -> int:
        return self.meetings - self.levels.get(MatLevel.UNKNOWN, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.with_evidence / self.meetings) if self.meetings else 0

    @property
    def level_counts(self) -> list[int]:
        """The number of meetings at each level, in `MatLevel`'s order."""
        return [self.levels.get(level, 0) for level in MatLevel.values]


def by_area() -> tuple[AreaEvidence, list[AreaEvidence]]:
    """The whole directory's totals, and each area's (most meetings first, `AREAS_SHOWN`)."""
    paths = region_paths()
    areas: dict[str, AreaEvidence] = {}
    total = AreaEvidence(_("Whole directory"))

    def area_of(region_id: int | None) -> AreaEvidence:
        path = paths.get(region_id, ()) if region_id is not None else ()
        name = path[0] if path else _("No region")
        return areas.setdefault(name, AreaEvidence(name))

    for region_id, level, count in (
        Meeting.objects.active()
        .values_list("region_id", "mat_level")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        for row in (area_of(region_id), total):
            row.meetings += count
            row.levels[level] = row.levels.get(level, 0) + count
    for region_id, count in (
        MatEvidence.objects.awaiting_review()
        .filter(meeting__removed_at__isnull=True)
        .values_list("meeting__region_id")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        area_of(region_id).pending += count
        total.pending += count
    ordered = sorted(areas.values(), key=lambda row: (-row.meetings, row.area))
    return total, ordered[:AREAS_SHOWN]


def review_queue() -> QuerySet[MatEvidence]:
    """Reports waiting for review, the meetings with the most waiting first (then oldest
    first), each with its meeting's numbers of pending and counted evidence."""

    def per_meeting(status: str) -> Coalesce:
        return Coalesce(
            Subquery(
                MatEvidence.objects.filter(meeting=OuterRef("meeting"), review_status=status)
                .order_by()
                .values("meeting")
                .annotate(count=Count("pk"))
                .values("count")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    return (
        MatEvidence.objects.awaiting_review()
        .select_related("meeting")
        .defer("reporter_key", "reviewed_by_id")
        .annotate(
            meeting_pending=per_meeting(ReviewStatus.PENDING),
            meeting_counted=per_meeting(ReviewStatus.ACCEPTED),
        )
        .order_by("-meeting_pending", "meeting__name", "meeting_id", "recorded_at", "pk")
    )
