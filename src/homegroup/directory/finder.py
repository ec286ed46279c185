"""What the search page shows around its results, like the finders people know (TSML UI, the
Meeting Guide app): "today" and "tomorrow" chips, a list/map toggle, the thin-evidence answer
with its one-tap suggestions, clickable choices for an ambiguous place, and the title of a
"use my location" search. Everything is in the URL (a link works without JavaScript).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homegroup.directory.models import MatLevel
from homegroup.directory.places import AmbiguousPlace, nearest_town, resolve_near
from homegroup.directory.query import MeetingQuery
from homegroup.directory.results import mat_label
from homegroup.directory.search import SearchResult
from homegroup.directory.suggestions import thin_evidence, unknown_nearby
from homegroup.directory.units import distance_text
from homegroup.lib import weekdays
from homegroup.lib.schedule import zone
from homegroup.lib.timezones import timezone_at

MAX_CHOSEN = 50  # meetings in one chosen calendar (/meetings.ics?slugs=…)

TIME_OF_DAY_CHOICES = [
    ("morning", gettext_lazy("Morning")),
    ("midday", gettext_lazy("Midday")),
    ("evening", gettext_lazy("Evening")),
    ("night", gettext_lazy("Night")),
]
# The map's pins and the list's badges: a shape and a symbol for each level, so that colour is
# never the only difference (static/directory/map.js draws the same).
LEVEL_MARKS = [
    (MatLevel.CONFIRMED_WELCOMING.value, "✓", gettext_lazy("Welcoming (confirmed)")),
    (MatLevel.REPORTED_WELCOMING.value, "+", gettext_lazy("Welcoming (reported)")),
    (MatLevel.UNKNOWN.value, "?", gettext_lazy("Unknown — no report yet")),
    (MatLevel.REPORTED_UNWELCOMING.value, "!", gettext_lazy("Reported not fully welcoming")),
]


def _url(path: str, params: QueryDict | dict[str, str]) -> str:
    if not isinstance(params, QueryDict):
        data = QueryDict(mutable=True)
        data.update(params)
        params = data
    query = params.urlencode()
    return f"{path}?{query}" if query else path


def _with(params: QueryDict, **changes: str | None) -> QueryDict:
    changed = params.copy()
    changed.pop("offset", None)
    for name, value in changes.items():
        changed.pop(name, None)
        if value is not None:
            changed[name] = value
    return changed


def _searchers_today(query: MeetingQuery, now: datetime) -> int:
    """Today's weekday (0 = Sunday) where the search is: the point's zone, else the site's."""
    point = query.point
    name = (
        timezone_at(latitude=point.latitude, longitude=point.longitude) if point else None
    ) or settings.TIME_ZONE
    return weekdays.from_python(now.astimezone(zone(name)).weekday())


def _day_chips(
    request: HttpRequest, params: QueryDict, query: MeetingQuery, now: datetime
) -> list[dict[str, Any]]:
    today = _searchers_today(query, now)
    chips = []
    for label, day in ((_("Today"), today), (_("Tomorrow"), (today + 1) % 7)):
        chosen = query.days == [day]
        chips.append(
            {
                "label": label,
                "current": chosen,
                "url": _url(request.path, _with(params, days=None if chosen else str(day))),
            }
        )
    return chips


def _place_choices(request: HttpRequest, params: QueryDict) -> list[dict[str, str]]:
    near = params.get("near", "").strip()
    if not near:
        return []
    try:
        resolve_near(near)
    except AmbiguousPlace as ambiguous:
        return [
            {"label": choice, "url": _url(request.path, _with(params, near=choice))}
            for choice in ambiguous.choices
        ]
    except ValueError:
        return []
    return []


def _place_title(result: SearchResult | None, query: MeetingQuery) -> str:
    """What the results are near: the place typed, or for coordinates ("use my location") the
    nearest town when one is close."""
    if result is None or result.place is None:
        return ""
    if query.near:
        return result.place.label
    town = nearest_town(latitude=result.place.latitude, longitude=result.place.longitude)
    return _("your location (near %(town)s)") % {"town": town} if town else _("your location")


def finder_context(
    request: HttpRequest,
    params: QueryDict,
    query: MeetingQuery,
    result: SearchResult | None,
    *,
    now: datetime,
    errors: dict[str, list[str]],
    radius_choices: list[float],
) -> dict[str, Any]:
    view = "map" if params.get("view") == "map" else "list"
    context: dict[str, Any] = {
        "time_of_day_choices": TIME_OF_DAY_CHOICES,
        "level_marks": LEVEL_MARKS,
        "view": view,
        "list_url": _url(request.path, _with(params, view=None)),
        "map_url": _url(request.path, _with(params, view="map")),
        "day_chips": _day_chips(request, params, query, now) if not errors else [],
        "place_choices": _place_choices(request, params) if "near" in errors else [],
        "place_title": _place_title(result, query),
        "radius_options": [
            (km, distance_text(km, result.place if result else None, whole=True))
            for km in radius_choices
        ],
        "unknown_label": mat_label(MatLevel.UNKNOWN),
    }
    if result is not None and query.mat_friendly:
        thin = thin_evidence(query, now=now, found=result.count)
        if thin is not None:
            context["thin"] = thin
            context["suggestions"] = [
                {
                    "kind": item.kind,
                    "label": item.label,
                    "count": item.count,
                    "url": _url(reverse("directory:search"), item.query),
                }
                for item in thin.suggestions
            ]
        else:
            context["unknown_nearby"] = unknown_nearby(query, now=now)
    return context
