"""GET /api/v1/me/checkins, GET and PUT /api/v1/me/checkins/{date}."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from homegroup.audit.models import AuditEvent
from homegroup.journal.models import CheckIn
from tests.journal.journal_data import buprenorphine, check_in, meeting, start_journal, today_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(people, client_for):
    start_journal(people.ana)
    return client_for(people.ana)


def put(client, day, body, raw=False):
    data = body if raw else json.dumps(body)
    return client.put(f"/api/v1/me/checkins/{day}", data=data, content_type="application/json")


def test_a_day_is_put_and_read_back(people, ana):
    home = meeting("Serenity Group", slug="serenity")
    plan = buprenorphine(people.ana)
    today = today_of(people.ana).isoformat()
    body = {
        "meetings": [{"meeting": "serenity"}, {"name": "Zoom lunch", "attendance": "online"}],
        "service": True,
        "step_worked": 5,
        "doses": [{"plan_id": plan.pk, "status": "taken"}],
        "use": "none",
        "craving": 2,
        "mood": 4,
        "note": "steady",
    }
    response = put(ana, today, body)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["date"] == today
    assert data["meetings"] == [
        {"meeting": "serenity", "name": "Serenity Group", "attendance": "in_person"},
        {"meeting": None, "name": "Zoom lunch", "attendance": "online"},
    ]
    assert data["doses"] == [
        {"plan_id": plan.pk, "medication": "buprenorphine", "status": "taken", "dose_taken": None}
    ]
    assert (data["step_work"], data["use"], data["note"]) == (True, "none", "steady")
    assert ana.get(f"/api/v1/me/checkins/{today}").json() == data
    assert home.pk


def test_putting_the_same_day_twice_is_idempotent(people, ana):
    today = today_of(people.ana).isoformat()
    first = put(ana, today, {"use": "none", "mood": 3}).json()
    rows = AuditEvent.objects.count()
    second = put(ana, today, {"use": "none", "mood": 3}).json()
    assert first == second
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.count() == rows


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"craving": 11}, ["body", "body", "craving"]),
        ({"craving": "high"}, ["body", "body", "craving"]),
        ({"craving": "5"}, ["body", "body", "craving"]),
        ({"mood": 0}, ["body", "body", "mood"]),
        ({"service": "yes"}, ["body", "body", "service"]),
        ({"use": "sometimes"}, ["body", "body", "use"]),
        ({"substances": ["heroin"]}, ["body", "body", "substances", 0]),
        ({"note": "x" * 4001}, ["body", "body", "note"]),
        ({"meetings": [{"name": "y" * 10_000}]}, ["body", "body", "meetings", 0, "name"]),
        ({"meetings": [{"meeting": "no-such-slug"}]}, ["body", "meetings", 0, "meeting"]),
        ({"use": "used"}, ["body", "substances"]),
        ({"unexpected": 1}, ["body", "body", "unexpected"]),
        ({"doses": [{"plan_id": 999_999, "status": "taken"}]}, ["body", "doses"]),
        ({"meetings": [{"name": "m"}] * 11}, ["body", "body", "meetings"]),
    ],
)
def test_bad_values_answer_400_with_the_error_shape_and_store_nothing(people, ana, body, loc):
    response = put(ana, today_of(people.ana).isoformat(), body)
    assert response.status_code == 400
    data = response.json()
    assert data["error"]
    assert loc in [detail["loc"] for detail in data["details"]], data
    assert not CheckIn.objects.exists()


def test_a_future_day_in_the_persons_zone_answers_400_and_stores_nothing(people, ana):
    tomorrow = (today_of(people.ana) + timedelta(days=1)).isoformat()
    response = put(ana, tomorrow, {"use": "none"})
    assert response.status_code == 400
    assert response.json()["details"][0]["loc"] == ["path", "day"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("day", ["2025-02-30", "2025-1-1", "yesterday", "20250101"])
def test_a_malformed_date_answers_400(ana, day):
    response = put(ana, day, {})
    assert response.status_code == 400
    assert response.json()["details"][0]["loc"] == ["path", "day"]


@pytest.mark.parametrize("raw", ["{not json", "[]", '"a string"', "null"])
def test_a_body_that_is_not_a_json_object_answers_400(people, ana, raw):
    response = put(ana, today_of(people.ana).isoformat(), raw, raw=True)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not CheckIn.objects.exists()


def test_ben_cannot_report_anas_medication(people, client_for):
    start_journal(people.ben)
    plan = buprenorphine(people.ana)
    ben = client_for(people.ben)
    response = put(
        ben, today_of(people.ben).isoformat(), {"doses": [{"plan_id": plan.pk, "status": "taken"}]}
    )
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_the_list_is_a_date_range_of_at_most_366_days(people, ana):
    for back in (0, 5, 40):
        check_in(people.ana, back, use_status="none")
    today = today_of(people.ana)
    default = ana.get("/api/v1/me/checkins").json()
    assert [d["date"] for d in default] == [
        (today - timedelta(days=5)).isoformat(),
        today.isoformat(),
    ]
    first = today - timedelta(days=365)
    wide = ana.get(f"/api/v1/me/checkins?from={first.isoformat()}&to={today.isoformat()}")
    assert len(wide.json()) == 3
    too_wide = ana.get(
        f"/api/v1/me/checkins?from={(today - timedelta(days=366)).isoformat()}&to={today}"
    )
    assert too_wide.status_code == 400


@pytest.mark.parametrize(
    "query", ["from=2025-13-01", "to=tomorrow", "from=2025-03-02&to=2025-03-01", "from=" + "9" * 20]
)
def test_a_bad_range_answers_400(ana, query):
    response = ana.get(f"/api/v1/me/checkins?{query}")
    assert response.status_code == 400
    assert response.json()["details"]


def test_a_day_not_checked_in_is_404(people, ana):
    assert ana.get(f"/api/v1/me/checkins/{today_of(people.ana)}").status_code == 404


def test_reads_are_audited(people, ana):
    check_in(people.ana, 0, use_status="none")
    ana.get("/api/v1/me/checkins")
    ana.get(f"/api/v1/me/checkins/{today_of(people.ana)}")
    reads = AuditEvent.objects.filter(action="journal.read", subject_id=people.ana.pk)
    assert reads.count() == 2


def test_a_put_without_the_csrf_token_is_refused(people):
    start_journal(people.ana)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.ana)
    response = put(client, today_of(people.ana).isoformat(), {"use": "none"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("cora", 403), ("sam", 403), (None, 401)])
def test_only_people_in_recovery_use_it(people, client_for, who, status):
    client = client_for(getattr(people, who) if who else None)
    assert client.get("/api/v1/me/checkins").status_code == status
    assert put(client, "2025-01-01", {}).status_code == status
    assert not CheckIn.objects.exists()


def test_a_range_ending_before_1900_is_refused_with_a_message_not_a_server_error(ana):
    response = ana.get("/api/v1/me/checkins?to=0001-01-01")
    assert response.status_code == 400
    assert response.json()["details"] == [{"loc": ["query", "to"], "message": "Check the year."}]
    assert ana.get("/api/v1/me/checkins/0001-01-01").status_code == 400


def test_the_answer_to_a_new_day_is_exactly_what_reading_it_back_gives(people, ana):
    # A new day is answered from the row as written (no read-back of the day itself): every
    # cleaning the action does must show in the answer as it does in a later read.
    meeting("Serenity Group", slug="serenity")
    plan = buprenorphine(people.ana)
    day = (today_of(people.ana) - timedelta(days=3)).isoformat()
    body = {
        "meetings": [
            {"meeting": "serenity"},
            {"meeting": "serenity", "attendance": "online"},
            {"name": "  Zoom   lunch  ", "attendance": "online"},
            {"name": ""},
        ],
        "step_worked": 3,
        "doses": [{"plan_id": plan.pk, "status": "different_dose", "dose_taken": 4.5}],
        "use": "used",
        "substances": ["opioids", "alcohol", "alcohol"],
        "drinks": 2,
        "craving": 7,
        "note": "  a hard day\r\nI called Sam  ",
    }
    answer = put(ana, day, body).json()
    assert answer == ana.get(f"/api/v1/me/checkins/{day}").json()
    assert answer["retrospective"] is True
    assert answer["step_work"] is True
    assert answer["substances"] == ["alcohol", "opioids"]
    assert answer["note"] == "a hard day\nI called Sam"
    assert [m["name"] for m in answer["meetings"]] == ["Serenity Group", "Zoom lunch"]
