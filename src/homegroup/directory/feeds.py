"""Reads that publish the directory: the meeting set of a feed and the feed itself.

`build_feed` is what the API view, `homegroup export-feed` and the benchmark call: a constant
number of queries (the meetings, one row per meeting with its fellowship's code; the region
tree, once) whatever the size of the directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from homegroup.directory.contact_details import PUBLIC_TEXT_FIELDS
from homegroup.directory.exporters.meeting_guide import ROW_FIELDS, export_meetings
from homegroup.directory.models import Fellowship, Meeting, Region, mask_held


def region_paths() -> dict[int, tuple[str, ...]]:
    """Every region's names from the most general to itself, from one query."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Region.objects.values_list("pk", "name", "parent")
    }
    paths: dict[int, tuple[str, ...]] = {}
    for pk in rows:
        names: list[str] = []
        current: int | None = pk
        seen: set[int] = set()
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            name, current = rows[current]
            names.append(name)
        paths[pk] = tuple(reversed(names))
    return paths


def _region_ids(wanted: str, paths: Mapping[int, tuple[str, ...]]) -> set[int]:
    """The regions named (or numbered) ``wanted`` and all their sub-regions."""
    if wanted.isdigit() and int(wanted) in paths:
        roots = {int(wanted)}
    else:
        roots = {
            pk for pk, path in paths.items() if path and path[-1].casefold() == wanted.casefold()
        }
    if not roots:
        return set()
    root_paths = {paths[pk] for pk in roots}
    return {
        pk for pk, path in paths.items() if any(path[: len(root)] == root for root in root_paths)
    }


def feed_queryset(*, fellowship: str | None = None, region: str | None = None) -> QuerySet[Meeting]:
    """The active meetings of a feed, narrowed by a fellowship code and a region (name or id,
    sub-regions included). An unknown fellowship or region is a ValidationError naming the
    parameter: a typo must not look like "no meetings"."""
    queryset: QuerySet[Meeting] = Meeting.objects.active()
    errors: dict[str, str] = {}
    if fellowship:
        code = fellowship.strip().upper()
        if not Fellowship.objects.filter(code=code).exists():
            errors["fellowship"] = _("Unknown fellowship %(code)s.") % {"code": fellowship}
        queryset = queryset.filter(fellowship__code=code)
    if region:
        ids = _region_ids(region.strip(), region_paths())
        if not ids:
            errors["region"] = _("Unknown region %(region)s.") % {"region": region}
        queryset = queryset.filter(region_id__in=ids)
    if errors:
        raise ValidationError(errors)
    return queryset


def build_feed(queryset: QuerySet[Meeting]) -> list[dict[str, Any]]:
    """The Meeting Guide feed of the queryset's active meetings, in a stable order. Phone
    numbers and email addresses held for review are hidden in the notes."""
    rows = list(
        queryset.filter(removed_at__isnull=True)
        .order_by("day", "start_time", "name", "pk")
        .values(*ROW_FIELDS, "contact_details_held")
    )
    for row in rows:
        if row["contact_details_held"]:
            for name in PUBLIC_TEXT_FIELDS:
                row[name] = mask_held(row[name], row["contact_details_held"])
    paths = region_paths() if any(row["region_id"] for row in rows) else {}
    return export_meetings(rows, region_paths=paths)
