"""`homegroup export-feed`: the same feed as the API, to a file or standard output."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from homegroup.directory import actions

pytestmark = pytest.mark.django_db


def record(slug, **overrides):
    values = {
        "slug": slug,
        "name": slug.title(),
        "day": 1,
        "time": "08:00",
        "formatted_address": "1 Main St, Burlington, VT 05401, USA",
        "latitude": 44.47,
        "longitude": -73.21,
        "types": ["O"],
        "regions": ["Vermont", "Chittenden"],
    }
    values.update(overrides)
    return values


@pytest.fixture
def directory(db):
    for code, slug in (("AA", "sunrise"), ("NA", "clean-time")):
        actions.import_feed(
            source=actions.ensure_source(slug=f"vt-{code.lower()}"),
            files=[("f.json", json.dumps([record(slug)]).encode())],
            fellowship=code,
        )


def test_the_feed_goes_to_standard_output(directory):
    out = io.StringIO()
    call_command("export-feed", "--format", "meeting-guide", stdout=out)
    feed = json.loads(out.getvalue())
    assert [meeting["slug"] for meeting in feed] == ["clean-time", "sunrise"]
    assert feed[1]["time"] == "08:00"


def test_the_feed_goes_to_a_file_filtered_like_the_api(directory, tmp_path, client):
    path = tmp_path / "aa.json"
    err = io.StringIO()
    call_command("export-feed", "--output", str(path), "--fellowship", "AA", stderr=err)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == client.get("/api/v1/feeds/meeting-guide.json", {"fellowship": "AA"}).json()
    assert "1 meetings written" in err.getvalue()


def test_a_region_filter_includes_sub_regions(directory):
    out = io.StringIO()
    call_command("export-feed", "--region", "Vermont", stdout=out)
    assert len(json.loads(out.getvalue())) == 2


def test_an_unknown_fellowship_fails_in_one_line(directory):
    with pytest.raises(CommandError, match="Unknown fellowship XX"):
        call_command("export-feed", "--fellowship", "XX", stdout=io.StringIO())
