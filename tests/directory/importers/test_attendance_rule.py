"""The one documented attendance rule (see attendance.py's docstring)."""

import pytest

from homegroup.directory.importers.attendance import conference_provider, derive_attendance

ZOOM = "https://us02web.zoom.us/j/123"


def decide(*, stated=None, types=(), url="", phone="", real_address=True):
    return derive_attendance(
        stated=stated,
        stated_by="attendance_option 'x'",
        types=types,
        conference_url=url,
        conference_phone=phone,
        real_address=real_address,
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"stated": "hybrid"}, "hybrid"),
        ({"stated": "in_person", "url": ZOOM}, "in_person"),
        ({"stated": "in_person", "types": ("TC",)}, "temporarily_closed"),
        ({"stated": "inactive", "types": ("TC",)}, "temporarily_closed"),
        ({"stated": "hybrid", "types": ("TC",)}, "online"),
        ({"types": ("TC",), "url": ZOOM}, "online"),
        ({"types": ("TC",), "phone": "+13015551234"}, "online"),
        ({"types": ("TC",)}, "temporarily_closed"),
        ({"url": ZOOM}, "hybrid"),
        ({"url": ZOOM, "real_address": False}, "online"),
        ({"types": ("ONL",), "real_address": False}, "online"),
        ({"types": ("ONL",)}, "in_person"),
        ({}, "in_person"),
        ({"real_address": False}, "inactive"),
    ],
)
def test_the_first_step_that_applies_decides(kwargs, expected):
    assert decide(**kwargs)[0] == expected


def test_the_reason_is_kept_in_words():
    assert decide(stated="hybrid") == ("hybrid", "source attendance_option 'x'")
    assert decide(types=("ONL",))[1] == "street address; ONL code but no conference URL or phone"


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://us02web.zoom.us/j/1", "Zoom"),
        ("https://zoom.us/j/1", "Zoom"),
        ("https://meet.google.com/abc-defg-hij", "Google Meet"),
        ("https://teams.microsoft.com/l/meetup-join/x", "Teams"),
        ("https://notzoom.us/j/1", None),
        ("https://zoom.us.evil.example/j/1", None),
        ("https://marylandyp.live", None),
    ],
)
def test_conference_providers_are_matched_by_domain(url, provider):
    assert conference_provider(url) == provider
