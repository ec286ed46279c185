"""People's private numbers: phone numbers and email addresses in a listing's notes are held
for review (hidden on the public page, in the Meeting Guide feed and in calendar files) until a
maintainer publishes them, unless the source's policy is to publish them as they are. The run
lists them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from homegroup.audit.models import AuditEvent
from homegroup.directory import actions
from homegroup.directory.contact_details import find_in_text
from homegroup.directory.models import Meeting, Source
from tests.directory.maintain_data import import_records, mg_record

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "meetings"
NOTES = "Contact: Jo 505-555-0100 or jo@example.org.\nSide door."
ZOOM = "Meeting ID 849 297 4572, passcode 123 4567; dial-in 646-558-8656"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call Sam at (505) 555-0100.", ["(505) 555-0100"]),
        ("Mike P.@555-0100 or 555-0100", ["555-0100"]),
        ("Write to sam.r+aa@example.org", ["sam.r+aa@example.org"]),
        ("UK: +44 20 7946 0958", ["+44 20 7946 0958"]),
        (ZOOM, []),  # a meeting id, a passcode and a dial-in are the meeting's own
        ("Open 1985-2020; Suite 101-102; ZIP 87501-1234; 7:30-8:30 PM", []),
        ("https://zoom.us/j/5055550100", []),
    ],
)
def test_phone_numbers_and_email_addresses_are_found_in_free_text(text, found):
    assert [item.value for item in find_in_text(text)] == found


def listed_with_notes(**options) -> Meeting:
    import_records(
        "metro",
        [mg_record("jo", notes=NOTES, conference_url_notes=ZOOM, entity_phone="212-555-0199")],
        **options,
    )
    return Meeting.objects.get(slug="jo")


def test_numbers_in_the_notes_are_held_for_review_and_listed_by_the_run():
    meeting = listed_with_notes()
    assert meeting.contact_details_held == ["505-555-0100", "jo@example.org"]
    assert meeting.notes == NOTES  # stored as the feed wrote it
    run = meeting.source.runs.get()
    listed = [p["message"] for p in run.problems if p["reason"] == "contact_in_text"]
    assert listed == [
        "an email address in the notes: jo@example.org; held for review: hidden in public "
        "until a maintainer publishes it",
        "a phone number in the notes: 505-555-0100; held for review: hidden in public until "
        "a maintainer publishes it",
    ]


def test_held_numbers_are_hidden_on_the_page_in_the_feed_and_in_the_calendar(client):
    listed_with_notes()
    page = client.get(reverse("directory:meeting", args=["jo"])).content.decode()
    feed = client.get("/api/v1/feeds/meeting-guide.json").json()
    calendar = client.get(reverse("interop:meeting-ics", args=["jo"])).content.decode()
    out = io.StringIO()
    call_command("export-feed", stdout=out)
    for public in (page, json.dumps(feed), calendar.replace("\r\n ", ""), out.getvalue()):
        assert "505-555-0100" not in public
        assert "jo@example.org" not in public
        assert "Side door" in public
    assert "[phone number hidden]" in page
    assert feed[0]["notes"] == (
        "Contact: Jo [phone number hidden] or [email address hidden].\nSide door."
    )
    assert "849 297 4572" in feed[0]["conference_url_notes"]  # the meeting id stays


def test_a_maintainer_sees_them_and_publishes_one_with_one_click(people, client_for, client):
    meeting = listed_with_notes()
    maintainer = client_for(people.max)
    edit = maintainer.get(reverse("maintain:meeting-edit", args=["jo"])).content.decode()
    assert "Held for review" in edit
    assert '<input type="hidden" name="value" value="505-555-0100">' in edit
    response = maintainer.post(
        reverse("maintain:meeting-publish-contact", args=["jo"]), {"value": "505-555-0100"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.contact_details_held, meeting.contact_details_published) == (
        ["jo@example.org"],
        ["505-555-0100"],
    )
    page = client.get(reverse("directory:meeting", args=["jo"])).content.decode()
    assert "505-555-0100" in page
    assert "jo@example.org" not in page
    event = AuditEvent.objects.get(action="directory.contact_details_published")
    assert (event.actor_id, event.object_id) == (people.max.pk, str(meeting.pk))
    history = maintainer.get(reverse("maintain:meeting-history", args=["jo"])).content.decode()
    assert "Phone numbers and email addresses published from the notes" in history


def test_a_published_number_stays_published_after_the_feed_changes(people):
    meeting = listed_with_notes()
    actions.publish_contact_details(meeting=meeting, values=["505-555-0100"], actor=people.max)
    changed = mg_record("jo", notes=NOTES + "\nNew: bring a friend.", conference_url_notes=ZOOM)
    run = import_records("metro", [changed])
    meeting.refresh_from_db()
    assert run.updated == 1
    assert meeting.contact_details_held == ["jo@example.org"]
    statuses = [p["message"] for p in run.problems if p["reason"] == "contact_in_text"]
    assert "a phone number in the notes: 505-555-0100; published by a maintainer" in statuses


def test_only_a_maintainer_publishes(people, client_for):
    listed_with_notes()
    response = client_for(people.dev).post(
        reverse("maintain:meeting-publish-contact", args=["jo"]), {"value": "505-555-0100"}
    )
    assert response.status_code == 403
    assert Meeting.objects.get(slug="jo").contact_details_held == [
        "505-555-0100",
        "jo@example.org",
    ]


def test_a_source_that_publishes_as_is_shows_them_and_a_switch_back_hides_them(client):
    source = actions.ensure_source(slug="metro")
    actions.configure_source(source=source, contact_policy="publish")
    meeting = listed_with_notes()
    assert meeting.contact_details_held == []
    run = meeting.source.runs.get()
    assert any(p["message"].endswith("published as is (the source's policy)") for p in run.problems)
    assert "505-555-0100" in client.get(reverse("directory:meeting", args=["jo"])).content.decode()
    actions.configure_source(source=source, contact_policy="hold")
    meeting.refresh_from_db()
    assert meeting.contact_details_held == ["505-555-0100", "jo@example.org"]


def test_the_meetings_list_finds_those_held_for_review(people, client_for):
    listed_with_notes()
    import_records("other", [mg_record("plain")])
    response = client_for(people.max).get(reverse("maintain:meetings"), {"state": "held"})
    assert [meeting.slug for meeting in response.context["page"]] == ["jo"]


def test_the_new_mexico_notes_hold_their_contact_numbers_out_of_the_public_feed(client):
    """A real file: its notes give members' numbers (replaced by 555-0100 in the fixture) and
    the district hotline; all are held until a maintainer publishes the hotline."""
    call_command(
        "import-feed",
        "new-mexico-aa",
        FIXTURES / "meeting_guide_spec_samples/new-mexico_legacy_default.db.txt",
        "--map",
        FIXTURES / "new-mexico.map.json",
        "--format",
        "csv",
        "--timezone",
        "America/Denver",
        stdout=io.StringIO(),
    )
    held = Meeting.objects.held_for_review()
    assert held.count() == 67
    assert sum("555-0100" in meeting.contact_details_held for meeting in held) == 22
    feed = client.get("/api/v1/feeds/meeting-guide.json").content.decode()
    assert "555-0100" not in feed
    assert "430-9502" not in feed
    assert Source.objects.get(slug="new-mexico-aa").contact_policy == "hold"
