"""Everything in a person's journal, for them to download: JSON, and CSV files in a zip.

`gather(person)` reads the whole journal through `visible_to(person)` in a constant number of
queries (eleven, whatever the history); `as_json` and `as_csv_zip` shape it. The FHIR bundle
(`interop/fhir.py`) is built from the same `JournalData`. The person's private notes are in both
downloads, decrypted — it is their own record — and each file says so at the top (JSON: "about";
the zip: README.txt). Views audit each download (`actions.note_export`) and ask for the password
first; nothing here writes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from homegroup.accounts.models import User
from homegroup.directory.models import Meeting
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    MeetingReception,
    NetworkMember,
    NetworkSnapshot,
    ServiceCommitment,
    TwelveStepLife,
)
from homegroup.journal.tasks import RecoveryTask

FORMAT = "homegroup-journal-export"
VERSION = "1"
ABOUT = gettext_lazy(
    "Your Homegroup journal, everything in it, as of the moment you downloaded it. It includes "
    "your private notes in plain text: keep this file somewhere only you can open. Days you did "
    "not check in are simply absent (unknown), never counted as days without use."
)
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP):
# such a cell gets a leading apostrophe in the CSV files only.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class JournalData:
    person: User
    profile: JournalProfile
    plans: list[MedicationPlan]
    check_ins: list[CheckIn]  # with meetings (and their directory meeting) and doses prefetched
    life: TwelveStepLife
    usual_meetings: list[Meeting]
    commitments: list[ServiceCommitment]
    members: list[NetworkMember]
    snapshots: list[NetworkSnapshot]
    responses: list[MeasureResponse]
    exported_at: datetime
    # What a counselor asked of the person (recovery tasks): in the person's own export only.
    tasks: list[RecoveryTask] = field(default_factory=list)
    receptions: list[MeetingReception] = field(default_factory=list)


def gather(person: User, *, now: datetime | None = None) -> JournalData:
    """The whole journal, read once (no note is decrypted until a field is read)."""
    life = TwelveStepLife.objects.for_person(person)
    return JournalData(
        person=person,
        profile=JournalProfile.objects.for_person(person),
        plans=list(MedicationPlan.objects.visible_to(person).order_by("active_from", "id")),
        check_ins=list(
            CheckIn.objects.visible_to(person)
            .order_by("date")
            .prefetch_related(
                Prefetch("meetings", queryset=CheckInMeeting.objects.select_related("meeting")),
                "doses",
            )
        ),
        life=life,
        usual_meetings=list(life.usual_meetings.order_by("name", "id")) if life.pk else [],
        commitments=list(
            ServiceCommitment.objects.visible_to(person)
            .select_related("meeting")
            .order_by("started_on", "id")
        ),
        members=list(NetworkMember.objects.visible_to(person).order_by("id")),
        snapshots=list(NetworkSnapshot.objects.visible_to(person).order_by("taken_on")),
        responses=list(MeasureResponse.objects.visible_to(person).order_by("taken_on", "id")),
        exported_at=now or timezone.now(),
        tasks=list(
            RecoveryTask.objects.visible_to(person)
            .select_related("meeting")
            .order_by("set_on", "id")
        ),
        receptions=list(
            MeetingReception.objects.visible_to(person)
            .select_related("meeting")
            .order_by("attended_on", "id")
        ),
    )


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def _meeting_ref(meeting: Meeting | None) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {"slug": meeting.slug, "name": meeting.name}


def tables(data: JournalData) -> dict[str, list[dict[str, Any]]]:
    """The journal as flat tables (one row per object), the shape of the CSV files."""
    profile = data.profile
    life = data.life
    plan_labels = {plan.pk: plan.label for plan in data.plans}
    check_ins, meetings, doses = [], [], []
    for day in data.check_ins:
        check_ins.append(
            {
                "date": day.date,
                "retrospective": day.retrospective,
                "service": day.service,
                "talked_with_sponsor": day.talked_with_sponsor,
                "sponsored_someone": day.sponsored_someone,
                "step_work": day.step_work,
                "step_worked": day.step_worked,
                "literature": day.literature,
                "shared": day.shared,
                "helped_member": day.helped_member,
                "fellowship_time": day.fellowship_time,
                "use": day.use_status or "unanswered",
                "substances": " ".join(day.substances or []),
                "drinks": day.drinks,
                "misused_medication": day.misused_medication,
                "craving": day.craving,
                "mood": day.mood,
                "private_note": str(day.note),
                "recorded_at": day.recorded_at,
                "updated_at": day.updated_at,
            }
        )
        for attended in day.meetings.all():
            meetings.append(
                {
                    "date": day.date,
                    "meeting": attended.meeting.name if attended.meeting else str(attended.name),
                    "directory_slug": attended.meeting.slug if attended.meeting else "",
                    "attended": attended.attendance,
                }
            )
        for dose in day.doses.all():
            doses.append(
                {
                    "date": day.date,
                    "medication_plan_id": dose.plan_id,
                    "medication": plan_labels.get(dose.plan_id, ""),
                    "status": dose.status,
                    "dose_taken": dose.dose_taken,
                }
            )
    return {
        "account": [
            {
                "email": data.person.email,
                "display_name": data.person.display_name,
                "joined": data.person.date_joined,
            }
        ],
        "profile": [
            {
                "timezone": profile.timezone,
                "recovery_date": profile.recovery_date,
                "count_scope": profile.count_scope,
                "discreet_mode": profile.discreet_mode,
            }
        ],
        "medication_plans": [
            {
                "id": plan.pk,
                "medication": plan.medication,
                "name": plan.label,
                "prescriber": str(plan.prescriber),
                "dose": plan.dose,
                "dose_unit": plan.dose_unit,
                "schedule": plan.schedule,
                "weekdays": " ".join(str(d) for d in sorted(plan.weekdays)),
                "active_from": plan.active_from,
                "active_to": plan.active_to,
            }
            for plan in data.plans
        ],
        "check_ins": check_ins,
        "check_in_meetings": meetings,
        "check_in_doses": doses,
        "twelve_step_life": [
            {
                "home_group": life.home_group.name if life.home_group else "",
                "home_group_slug": life.home_group.slug if life.home_group else "",
                "sponsor": life.sponsor_status,
                "sponsor_name": str(life.sponsor_name),
                "sponsor_supports_medication": life.sponsor_supports_medication,
                "steps_worked": " ".join(str(step) for step in life.steps_worked),
            }
        ],
        "usual_meetings": [
            {"meeting": meeting.name, "directory_slug": meeting.slug}
            for meeting in data.usual_meetings
        ],
        "service_commitments": [
            {
                "role": commitment.role,
                "meeting": (
                    commitment.meeting.name if commitment.meeting else str(commitment.meeting_name)
                ),
                "from": commitment.started_on,
                "to": commitment.ended_on,
            }
            for commitment in data.commitments
        ],
        "network_members": [
            {
                "name": str(member.name),
                "relationship": member.relationship,
                "contact": member.contact,
                "importance": member.importance,
                "drinking_status": member.drinking_status,
                "drinking_frequency": member.drinking_frequency,
                "drug_status": member.drug_status,
                "drug_frequency": member.drug_frequency,
                "reaction_to_drinking": member.reaction_to_drinking,
                "reaction_to_drug_use": member.reaction_to_drug_use,
                "recovery_support": member.recovery_support,
                "in_fellowship": member.in_fellowship,
                "is_sponsor": member.is_sponsor,
                "supports_medication": member.supports_medication,
            }
            for member in data.members
        ],
        "network_snapshots": [
            {"taken_on": snapshot.taken_on, "version": snapshot.version, **snapshot.indices}
            for snapshot in data.snapshots
        ],
        "measure_responses": [
            {
                "instrument": response.instrument,
                "version": response.version,
                "taken_on": response.taken_on,
                "answers": json.dumps(response.answers, sort_keys=True),
                "scores": json.dumps(response.scores, sort_keys=True),
                "requested_by_a_clinician": response.requested_by_id is not None,
            }
            for response in data.responses
        ],
        "recovery_tasks": [
            {
                "set_on": task.set_on,
                "kind": task.kind,
                "task": task.title,
                "directory_slug": task.meeting.slug if task.meeting else "",
                "status": task.status,
                "status_on": task.status_on,
                "why_not": str(task.reason),
            }
            for task in data.tasks
        ],
        "meeting_receptions": [
            {
                "meeting": reception.meeting.slug,
                "meeting_name": reception.meeting.name,
                "attended_on": reception.attended_on,
                "answer": reception.answer,
                "reported": reception.reported,
                "answered_at": reception.answered_at,
            }
            for reception in data.receptions
        ],
    }


def _jsonable(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{key: _value(value) for key, value in row.items()} for row in rows]


def as_json(data: JournalData) -> dict[str, Any]:
    """One document: check-ins carry their meetings and doses; answers and scores stay JSON."""
    flat = tables(data)
    by_day: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in _jsonable(flat["check_in_meetings"]):
        by_day.setdefault(row.pop("date"), {}).setdefault("meetings", []).append(row)
    for row in _jsonable(flat["check_in_doses"]):
        by_day.setdefault(row.pop("date"), {}).setdefault("doses", []).append(row)
    check_ins = []
    for row in _jsonable(flat["check_ins"]):
        extra = by_day.get(row["date"], {})
        row["substances"] = row["substances"].split() if row["substances"] else []
        check_ins.append(
            row | {"meetings": extra.get("meetings", []), "doses": extra.get("doses", [])}
        )
    responses = []
    for response in data.responses:
        responses.append(
            {
                "instrument": response.instrument,
                "version": response.version,
                "taken_on": response.taken_on.isoformat(),
                "answers": response.answers,
                "scores": response.scores,
                "requested_by_a_clinician": response.requested_by_id is not None,
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "about": str(ABOUT),
        "exported_at": data.exported_at.isoformat(),
        "account": _jsonable(flat["account"])[0],
        "profile": _jsonable(flat["profile"])[0],
        "medication_plans": _jsonable(flat["medication_plans"]),
        "check_ins": check_ins,
        "twelve_step_life": _jsonable(flat["twelve_step_life"])[0]
        | {"usual_meetings": _jsonable(flat["usual_meetings"])},
        "service_commitments": _jsonable(flat["service_commitments"]),
        "network_members": _jsonable(flat["network_members"]),
        "network_snapshots": [
            {"taken_on": s.taken_on.isoformat(), "version": s.version, "indices": s.indices}
            for s in data.snapshots
        ],
        "measure_responses": responses,
        "recovery_tasks": _jsonable(flat["recovery_tasks"]),
        "meeting_receptions": _jsonable(flat["meeting_receptions"]),
    }


def _cell(value: Any) -> Any:
    value = _value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: Sequence[Mapping[str, Any]], header: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    # A byte-order mark makes spreadsheet programs read the UTF-8 as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Column order for tables that may be empty (an empty table still gets its header).
_EMPTY_HEADERS = {
    "medication_plans": ["id", "medication", "name", "prescriber", "dose", "dose_unit"],
    "check_ins": ["date", "use", "substances", "craving", "mood", "private_note"],
    "check_in_meetings": ["date", "meeting", "directory_slug", "attended"],
    "check_in_doses": ["date", "medication_plan_id", "medication", "status", "dose_taken"],
    "usual_meetings": ["meeting", "directory_slug"],
    "service_commitments": ["role", "meeting", "from", "to"],
    "network_members": ["name", "relationship", "contact", "importance"],
    "network_snapshots": ["taken_on", "version"],
    "measure_responses": ["instrument", "version", "taken_on", "answers", "scores"],
    "recovery_tasks": ["set_on", "kind", "task", "directory_slug", "status", "status_on"],
    "meeting_receptions": ["meeting", "meeting_name", "attended_on", "answer", "reported"],
}

README = gettext_lazy(
    "One CSV file per kind of record, UTF-8, comma-separated. check_ins.csv has one row per day "
    "you checked in (private_note is your private note); check_in_meetings.csv and "
    "check_in_doses.csv list that day's meetings and medication by date. use is 'none', 'used' "
    "or 'unanswered'. Codes (contact, importance, ...) follow the Important People instrument; "
    "measure_responses.csv keeps each questionnaire's raw answers and scores as JSON."
)


def as_csv_zip(data: JournalData) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{ABOUT}\r\n\r\n{README}\r\n")
        for name, rows in tables(data).items():
            # Every column any row has: network snapshots of different versions of the indices
            # have different ones.
            header = list(dict.fromkeys(key for row in rows for key in row))
            if not rows:
                header = _EMPTY_HEADERS.get(name, [])
            archive.writestr(f"{name}.csv", _csv(rows, header))
    return buffer.getvalue()
