"""The TSF tests' universe: two medication-welcoming meetings and one other, Ana sharing her
record with the program (the story's consent, which now names TSF sessions), and Cora's
sessions with her, all through actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from homegroup.care import session_actions
from homegroup.care.session_actions import SessionValues
from homegroup.care.session_models import TSFSession
from homegroup.directory import actions as directory_actions
from homegroup.directory.models import Meeting
from homegroup.journal.tasks import RecoveryTask
from tests.journal.journal_data import meeting, start_journal
from tests.people import People, share_as_in_the_story


@dataclass
class Meetings:
    welcoming: Meeting
    also_welcoming: Meeting
    other: Meeting


def welcoming(people: People, name: str) -> Meeting:
    listed = meeting(name)
    directory_actions.add_mat_evidence(
        meeting=listed,
        actor=people.max,
        kind="maintainer",
        stance="welcoming",
        summary="The group's conscience welcomes members on medication.",
        observed_on=date.today(),
    )
    listed.refresh_from_db()
    return listed


def meetings(people: People) -> Meetings:
    return Meetings(
        welcoming=welcoming(people, "Tuesday Hope"),
        also_welcoming=welcoming(people, "Thursday Open Door"),
        other=meeting("Friday Basics"),
    )


def anas_sharing(people: People) -> None:
    start_journal(people.ana)
    share_as_in_the_story(people)


def values(number: int = 1, *, topic: str = "introduction", **changes: object) -> SessionValues:
    fields: dict[str, object] = {
        "number": number,
        "held_on": date.today() - timedelta(days=7 * (2 - number)) if number <= 2 else date.today(),
        "duration_minutes": 60,
        "modality": "individual",
        "topic": topic,
        "items_covered": ["history", "program"],
        "review_notes": "",
        "summary": "We got to know each other and chose two meetings.",
    }
    fields.update(changes)
    return SessionValues(**fields)  # type: ignore[arg-type]


def coras_session(people: People, number: int = 1, **changes: object) -> TSFSession:
    return session_actions.record_session(
        counselor=people.cora, person=people.ana, values=values(number, **changes), review={}
    )


def meeting_task(people: People, session: TSFSession, listed: Meeting) -> RecoveryTask:
    return session_actions.set_task(
        session=session, counselor=people.cora, kind="meeting", meeting=listed
    )
