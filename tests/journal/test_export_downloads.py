"""/journal/data/download/<format>/: the whole journal as JSON or a zip of CSV files, with the
private notes (said clearly), behind a fresh password, audited with the format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from homegroup.audit.models import AuditEvent
from tests.journal.export_data import NOTE, SECRET_OF_BEN, full_journal
from tests.journal.journal_data import check_in, start_journal

pytestmark = pytest.mark.django_db


def download(client, export_format: str):
    response = client.get(f"/journal/data/download/{export_format}/")
    assert response.status_code == 200, response
    return response


def test_json_holds_everything_including_the_private_note_and_says_so(people, client_for):
    _plan, _home = full_journal(people.ana)
    response = download(client_for(people.ana), "json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="homegroup-journal.json"'
    data = json.loads(response.content)
    assert data["format"] == "homegroup-journal-export"
    assert "private notes" in data["about"]
    days = {day["date"]: day for day in data["check_ins"]}
    assert len(days) == 3
    noted = next(day for day in data["check_ins"] if day["private_note"])
    assert noted["private_note"] == NOTE
    assert {m["meeting"] for m in noted["meetings"]} == {
        "Serenity Group",
        "Tuesday online step study",
    }
    assert noted["doses"][0]["status"] == "taken"
    lapse = next(day for day in data["check_ins"] if day["use"] == "used")
    assert lapse["substances"] == ["opioids"]
    unanswered = next(day for day in data["check_ins"] if day["use"] == "unanswered")
    assert unanswered["doses"][0]["dose_taken"] == "8"
    assert data["medication_plans"][0]["medication"] == "buprenorphine"
    assert data["twelve_step_life"]["sponsor_name"] == "Sam"
    assert data["twelve_step_life"]["usual_meetings"][0]["meeting"] == "Serenity Group"
    assert data["network_members"][0]["name"] == "Rita"
    assert data["network_snapshots"][0]["indices"]["size"] == 1
    assert {r["instrument"] for r in data["measure_responses"]} == {"bam", "aai-core"}
    bam = next(r for r in data["measure_responses"] if r["instrument"] == "bam")
    assert bam["answers"]["2"] == 20
    assert bam["scores"]["flags"]["use"] is True
    assert data["account"]["email"] == "ana@people.test"


def test_csv_is_a_zip_of_one_file_per_kind_with_a_readme(people, client_for):
    full_journal(people.ana)
    response = download(client_for(people.ana), "csv")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "check_ins.csv",
        "check_in_meetings.csv",
        "check_in_doses.csv",
        "medication_plans.csv",
        "network_members.csv",
        "measure_responses.csv",
        "service_commitments.csv",
    } <= names
    assert "private notes" in archive.read("README.txt").decode()
    rows = list(csv.DictReader(io.StringIO(archive.read("check_ins.csv").decode("utf-8-sig"))))
    assert len(rows) == 3
    # A note that looks like a spreadsheet formula is kept, but defused.
    assert any(row["private_note"] == "'" + NOTE for row in rows)
    assert {row["use"] for row in rows} == {"none", "used", "unanswered"}
    meetings = list(
        csv.DictReader(io.StringIO(archive.read("check_in_meetings.csv").decode("utf-8-sig")))
    )
    assert {row["attended"] for row in meetings} == {"in_person", "online"}


def test_network_snapshots_of_two_versions_export_every_column(people, client_for):
    from datetime import UTC, datetime

    from homegroup.journal import actions
    from homegroup.journal.models import NetworkSnapshot

    with time_machine.travel(datetime(2025, 3, 1, 15, tzinfo=UTC), tick=False):
        actions.save_network_member(
            person=people.ana, name="Rita", relationship="friend", contact=6, importance=5
        )
    # The first snapshot as the first version of the indices stored it.
    NetworkSnapshot.objects.update(
        version="homegroup-1", indices={"size": 1, "percent_heavy_users": 0.0}
    )
    actions.save_network_member(
        person=people.ana, name="Lee", relationship="friend", contact=2, importance=2
    )
    archive = zipfile.ZipFile(io.BytesIO(download(client_for(people.ana), "csv").content))
    rows = list(
        csv.DictReader(io.StringIO(archive.read("network_snapshots.csv").decode("utf-8-sig")))
    )
    assert [row["version"] for row in rows] == ["homegroup-1", "homegroup-2"]
    assert rows[0]["percent_heavy_users"] == "0.0"
    assert rows[1]["percent_heavy_drinkers"] == "0.0"
    assert "answers" not in rows[1]


def test_an_empty_journal_exports_empty_tables_with_headers(people, client_for):
    archive = zipfile.ZipFile(io.BytesIO(download(client_for(people.ben), "csv").content))
    header = archive.read("check_ins.csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("date,")
    assert json.loads(download(client_for(people.ben), "json").content)["check_ins"] == []


def test_a_download_holds_only_the_persons_own_journal(people, client_for):
    full_journal(people.ana)
    start_journal(people.ben)
    check_in(people.ben, 1, use_status="none", note=SECRET_OF_BEN)
    for export_format in ("json", "csv", "fhir"):
        body = download(client_for(people.ana), export_format).content
        if export_format == "csv":
            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(name) for name in archive.namelist())
        assert SECRET_OF_BEN.encode() not in body
        assert b"ben@people.test" not in body


def test_each_download_is_audited_with_its_format(people, client_for):
    client = client_for(people.ana)
    for export_format in ("json", "csv", "fhir"):
        download(client, export_format)
    exports = AuditEvent.objects.about(people.ana.pk).filter(action="journal.export")
    assert sorted(exports.values_list("object_id", flat=True)) == ["csv", "fhir", "json"]
    assert set(exports.values_list("actor_id", flat=True)) == {people.ana.pk}


def test_downloads_ask_for_the_password_again_after_a_while(people, client_for):
    client = client_for(people.ana)
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        response = client.get("/journal/data/download/json/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-password/")
    assert not AuditEvent.objects.filter(action="journal.export").exists()


def test_an_unknown_format_is_not_found(people, client_for):
    assert client_for(people.ana).get("/journal/data/download/xml/").status_code == 404


def test_the_data_page_says_the_downloads_hold_private_notes(people, client_for):
    html = client_for(people.ana).get("/journal/data/").content.decode()
    assert "include your private notes" in html
    assert "/journal/data/download/fhir/" in html
    assert "/journal/audit/" in html
