"""A meeting to report on, imported the way real meetings are (through import_feed)."""

from __future__ import annotations

import json
from typing import Any

from homegroup.directory import actions
from homegroup.directory.models import Meeting


def imported_meeting(slug: str = "tuesday-hope", **overrides: Any) -> Meeting:
    record: dict[str, Any] = {
        "slug": slug,
        "name": "Tuesday Hope",
        "day": 2,
        "time": "19:00",
        "address": "1 Park Ave",
        "city": "New York",
        "state": "NY",
        "latitude": 40.7527,
        "longitude": -73.9772,
        "types": ["O"],
    }
    record.update(overrides)
    source = actions.ensure_source(slug="mat-tests")
    actions.import_feed(source=source, files=[("f.json", json.dumps([record]).encode())])
    return Meeting.objects.get(slug=slug)
