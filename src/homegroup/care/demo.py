"""The demo's TSF session: Cora's first session with Ana, a week ago, with two recovery tasks —
two meetings the directory lists as welcoming to people on medication — through the actions, so
`make run` shows the sessions, Ana's "From your counselor" and the summary at once. Clearly
synthetic; safe to run again (it adds nothing once Ana has a session)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from homegroup.accounts.models import User
from homegroup.care import session_actions
from homegroup.care.session_models import TSFSession
from homegroup.directory.models import MatLevel, Meeting
from homegroup.privacy import gate


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}@demo.homegroup.invalid").first()


def load() -> str:
    ana, cora = _user("ana"), _user("cora")
    if ana is None or cora is None or not gate.on_care_team(cora, ana):
        return "Demo TSF session skipped: run the demo program first."
    if TSFSession.objects.about(ana).exists():
        return "Demo TSF session ready (already there)."
    welcoming = list(
        Meeting.objects.active()
        .filter(mat_level__in=[MatLevel.CONFIRMED_WELCOMING, MatLevel.REPORTED_WELCOMING])
        .order_by("name", "pk")[:2]
    )
    session = session_actions.record_session(
        counselor=cora,
        person=ana,
        values=session_actions.SessionValues(
            number=1,
            held_on=timezone.now().date() - timedelta(days=7),
            duration_minutes=60,
            modality="individual",
            topic="introduction",
            items_covered=["history", "program", "twelve_steps", "first_meetings"],
            summary=(
                "We got to know each other and talked about how the sessions work. You chose "
                "meetings that welcome people on medication to try this week. (Synthetic demo.)"
            ),
        ),
        review={},
    )
    for meeting in welcoming:
        session_actions.set_task(session=session, counselor=cora, kind="meeting", meeting=meeting)
    session_actions.set_task(
        session=session,
        counselor=cora,
        kind="reading",
        text="Read 'The A.A. Member — Medications and Other Drugs'.",
    )
    return (
        f"Demo TSF session ready: Cora's session 1 with Ana, {len(welcoming) + 1} recovery tasks."
    )
