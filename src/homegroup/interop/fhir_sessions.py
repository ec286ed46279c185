"""A person's Twelve-Step Facilitation sessions as a FHIR R4B bundle, through the gate.

What a disclosure of the category "TSF sessions and recovery tasks" carries:

- **Encounter** per session: ``finished``, class ``AMB``, typed with a local code for a TSF
  session, its modality and its topic (`care.session_topics`), the period (the session's day),
  the length in minutes (UCUM ``min``), the clinician as participant, and a narrative with the
  session number, the topic and the checklist items covered (the fidelity record). The review's
  numbers and the summary stay out: they are read from other categories of the journal, which
  travel in their own bundle (`interop.fhir_disclosure`), or written for the person.
- **Task** per recovery task: intent ``plan``; status ``requested`` (not yet), ``completed`` or
  ``failed`` (not done, with the person's reason as ``statusReason``); a local code for its kind;
  the session's Encounter; the clinician as requester; the meeting's name for a meeting task.
- **CareTeam**: the person's care team in force now (``privacy.CareTeamMember``), each clinician
  a **Practitioner** (display name only), the person the subject.
- Like every disclosure artifact (P2-07, P2-15): the **Basic** notice with the scope summary, a
  **Consent** per consent the disclosure rests on, and the security labels — confidentiality
  ``R``, ``42CFRPart2``, ``SUD``, ``NORDSCLCD`` — on the bundle and on every resource.

Counseling notes are never part of a session, so never part of this bundle (P2-03).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.task import Task

from homegroup.care import session_topics
from homegroup.interop.fhir import ACT_CODE, BASE, SECURITY_LABELS, UnknownCode
from homegroup.interop.fhir_disclosure import _DisclosedBuilder, _meta, _narrative
from homegroup.journal.export import JournalData
from homegroup.journal.models import DEFAULT_TIMEZONE, JournalProfile, TwelveStepLife
from homegroup.privacy import rules
from homegroup.privacy.categories import Category
from homegroup.privacy.gate import Disclosure

if TYPE_CHECKING:
    from homegroup.accounts.models import User
    from homegroup.care.session_models import TSFSession
    from homegroup.journal.tasks import RecoveryTask

TSF_SYSTEM = f"{BASE}/CodeSystem/tsf"
TOPIC_SYSTEM = f"{BASE}/CodeSystem/tsf-topic"
TASK_SYSTEM = f"{BASE}/CodeSystem/recovery-task"
UCUM = "http://unitsofmeasure.org"
_NAMESPACE = uuid.UUID("9b1c2d7e-4f60-4a8b-b0c3-5e2d1f7a6c34")

TSF_CODES = {
    "tsf-session": "Twelve-Step Facilitation session",
    "individual": "Individual session",
    "group": "Group session",
    "conjoint": "Conjoint session (with a partner or family member)",
}
TASK_CODES = {
    "meeting": "Go to a specific meeting",
    "reading": "Reading",
    "phone_numbers": "Phone numbers to collect",
    "sponsor": "Ask someone to sponsor",
    "service": "A service commitment",
    "other": "Other recovery task",
}
TASK_STATUS = {"open": "requested", "done": "completed", "not_done": "failed"}


def _coding(system: str, codes: dict[str, str], code: str) -> dict[str, str]:
    if code not in codes:
        raise UnknownCode(f"{code!r} is not in {system}")
    return {"system": system, "code": code, "display": codes[code]}


def _topic_coding(code: str) -> dict[str, str]:
    try:
        topic = session_topics.topic(code)
    except KeyError:
        raise UnknownCode(f"{code!r} is not in {TOPIC_SYSTEM}") from None
    return {"system": TOPIC_SYSTEM, "code": code, "display": str(topic.title)}


def _covered(session: TSFSession) -> list[str]:
    topic = session_topics.BY_CODE.get(session.topic)
    if topic is None:
        return []
    wanted = set(session.items_covered or [])
    return [str(item.text) for item in topic.items if item.code in wanted]


def sessions_bundle(
    *,
    person: User,
    disclosure: Disclosure,
    sessions: Iterable[TSFSession],
    tasks: Iterable[RecoveryTask],
    care_team: Iterable[User] = (),
) -> Bundle:
    """The sessions, tasks and care team a disclosure lets through, as a validated bundle.

    `sessions` and `tasks` must come from `.disclosed(disclosure)`; nothing of them is added
    unless the disclosure allows the category, whatever the caller passes."""
    if not disclosure.allowed or disclosure.basis == rules.SELF:
        raise ValueError("not a disclosure to someone else")
    if person.pk != disclosure.person_id:
        raise ValueError("the disclosure is about someone else")
    now = timezone.now()
    data = JournalData(
        person=person,
        profile=JournalProfile(person=person, timezone=DEFAULT_TIMEZONE),
        plans=[],
        check_ins=[],
        life=TwelveStepLife(person=person),
        usual_meetings=[],
        commitments=[],
        members=[],
        snapshots=[],
        responses=[],
        exported_at=now,
    )
    builder = _DisclosedBuilder(data, disclosure)
    builder.patient()
    builder.notice()
    builder.consents()
    if disclosure.allows(Category.TSF_SESSIONS.value):
        practitioners: dict[int, str] = {}

        def practitioner(user: User) -> dict[str, str]:
            if user.pk not in practitioners:
                practitioners[user.pk] = builder.add_labelled(
                    Practitioner, "Practitioner", user.pk, {"name": [{"text": user.display_name}]}
                )
            return {"reference": practitioners[user.pk], "display": user.display_name}

        encounters: dict[int, str] = {}
        task_session: dict[int, int] = {}
        for session in sessions:
            covered = _covered(session)
            encounters[session.pk] = builder.add_labelled(
                Encounter,
                "Encounter",
                session.pk,
                {
                    "status": "finished",
                    "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
                    "type": [
                        {"coding": [_coding(TSF_SYSTEM, TSF_CODES, "tsf-session")]},
                        {"coding": [_coding(TSF_SYSTEM, TSF_CODES, session.modality)]},
                        {"coding": [_topic_coding(session.topic)]},
                    ],
                    "subject": builder.patient_ref,
                    "participant": [{"individual": practitioner(session.counselor)}],
                    "period": {
                        "start": session.held_on.isoformat(),
                        "end": session.held_on.isoformat(),
                    },
                    "length": {
                        "value": session.duration_minutes,
                        "unit": "min",
                        "system": UCUM,
                        "code": "min",
                    },
                    "text": _narrative(
                        f"TSF session {session.number}: {_topic_coding(session.topic)['display']}",
                        "Covered: " + "; ".join(covered) if covered else "",
                    ),
                },
            )
            for task_id in session.tasks.values_list("pk", flat=True):
                task_session[task_id] = session.pk
        for task in tasks:
            fields: dict[str, Any] = {
                "status": TASK_STATUS[task.status],
                "intent": "plan",
                "code": {"coding": [_coding(TASK_SYSTEM, TASK_CODES, task.kind)]},
                "description": task.title,
                "for": builder.patient_ref,
                "authoredOn": task.created_at.isoformat(),
            }
            if task.set_by is not None:
                fields["requester"] = practitioner(task.set_by)
            if task.pk in task_session and task_session[task.pk] in encounters:
                fields["encounter"] = {"reference": encounters[task_session[task.pk]]}
            if task.status_on is not None:
                fields["executionPeriod"] = {"end": task.status_on.isoformat()}
            if task.status == "not_done" and str(task.reason):
                fields["statusReason"] = {"text": str(task.reason)}
            builder.add_labelled(Task, "Task", task.pk, fields)
        members = list(care_team)
        if members:
            builder.add_labelled(
                CareTeam,
                "CareTeam",
                "care-team",
                {
                    "status": "active",
                    "subject": builder.patient_ref,
                    "participant": [{"member": practitioner(member)} for member in members],
                },
            )
    key = f"{disclosure.person_id}/{disclosure.viewer_id}/sessions/{now.isoformat()}"
    return Bundle.model_validate(
        {
            "id": str(uuid.uuid5(_NAMESPACE, key)),
            "meta": _meta(SECURITY_LABELS),
            "type": "collection",
            "timestamp": now.isoformat(),
            "entry": builder.entries,
        }
    )


def sessions_json(**kwargs: Any) -> str:
    return sessions_bundle(**kwargs).model_dump_json(exclude_none=True)
