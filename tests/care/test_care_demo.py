"""care.demo: Cora's first TSF session with Ana, with meeting tasks from the directory's
medication-welcoming meetings, through the actions; idempotent."""

from __future__ import annotations

import pytest

from homegroup.accounts import demo as account_demo
from homegroup.care import demo
from homegroup.care.session_models import TSFSession
from homegroup.journal.tasks import RecoveryTask
from homegroup.privacy import demo as privacy_demo
from tests.care.sessions_data import welcoming
from tests.people import make_people

pytestmark = pytest.mark.django_db


def test_the_demo_gives_ana_one_session_with_welcoming_meetings_as_tasks_once():
    people = make_people()  # Max, to vouch for the meetings' welcome
    welcoming(people, "Demo Hope")
    welcoming(people, "Demo Open Door")
    account_demo.load()
    privacy_demo.load()
    assert "ready" in demo.load()
    session = TSFSession.objects.get(person__email="ana@demo.homegroup.invalid")
    kinds = sorted(task.kind for task in RecoveryTask.objects.filter(person=session.person))
    assert kinds == ["meeting", "meeting", "reading"]
    assert {t.meeting_name for t in session.tasks.all() if t.meeting} == {
        "Demo Hope",
        "Demo Open Door",
    }
    demo.load()
    assert TSFSession.objects.count() == 1


def test_the_demo_session_waits_for_the_demo_program():
    account_demo.load()
    assert "skipped" in demo.load()
    assert not TSFSession.objects.exists()
