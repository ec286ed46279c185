"""The check-in's one-tap question to a person on medication: "How did this meeting receive you
as someone on medication?"

Asked once per directory meeting (`for_check_in`): when the person has a medication plan on
the day of a check-in that logs a directory meeting they have never answered about. The answer
(`answer_reception`, the write) stays in their journal; "welcoming" and "unwelcoming" also
become a report to the directory through its own action (`directory.actions.
report_mat_experience`: an opaque reporter key, one person counts once, a maintainer reviews
it), with the optional note for the maintainers. "It didn't come up", "prefer not to say" and
"not now" stay in the journal only, never evidence. The journal calls the directory; the
directory never reads journals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory import actions as directory_actions
from homegroup.directory.models import Meeting
from homegroup.journal.actions import _audit
from homegroup.journal.models import (
    REPORTED_RECEPTIONS,
    CheckIn,
    CheckInMeeting,
    MedicationPlan,
    MeetingReception,
    Reception,
)

MAX_NOTE = 500


@dataclass(frozen=True)
class Question:
    meeting: Meeting
    day: date


@dataclass(frozen=True)
class Answered:
    meeting: Meeting
    answer: str
    label: str


@dataclass(frozen=True)
class ForCheckIn:
    questions: list[Question]  # the meetings to ask about
    answers: list[Answered]  # the answers given (to change them)


def for_check_in(person: User, check_in: CheckIn | None) -> ForCheckIn:
    """What the check-in page shows about this day's directory meetings: the ones to ask
    about (the person had a medication plan that day and never answered about the meeting)
    and the answers already given. At most two queries, whatever the journal's size."""
    meetings = {
        row.meeting_id: row.meeting
        for row in (check_in.meetings.all() if check_in is not None else [])
        if row.meeting is not None
    }
    if check_in is None or not meetings:
        return ForCheckIn([], [])
    labels = dict(Reception.choices)
    given = list(
        MeetingReception.objects.visible_to(person)
        .filter(meeting_id__in=list(meetings))
        .select_related("meeting")
        .order_by("meeting__name", "pk")
    )
    answers = [
        Answered(item.meeting, item.answer, str(labels[item.answer]))
        for item in given
        if item.answer != Reception.SKIPPED
    ]
    answered = {item.meeting_id for item in given}
    unanswered = [meeting for pk, meeting in meetings.items() if pk not in answered]
    if unanswered and MedicationPlan.objects.active_on(check_in.date).visible_to(person).exists():
        return ForCheckIn([Question(meeting, check_in.date) for meeting in unanswered], answers)
    return ForCheckIn([], answers)


def logged(person: User, meeting: Meeting) -> date | None:
    """The latest check-in day that logged the meeting, or None when none did."""
    return (
        CheckInMeeting.objects.visible_to(person)
        .filter(meeting=meeting)
        .order_by("-check_in__date")
        .values_list("check_in__date", flat=True)
        .first()
    )


def answer_reception(
    *, person: User, meeting: Meeting, answer: str, note: str = "", day: date | None = None
) -> MeetingReception:
    """Record (or change) the person's answer about a meeting they logged in a check-in.

    "welcoming" and "unwelcoming" are passed on to the directory as a pending report (with
    ``note``, for the maintainers); a note with any other answer is refused rather than kept,
    since nothing would read it."""
    if answer not in Reception.values:
        raise ValidationError({"answer": _("Choose one of the answers, or “Not now”.")})
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note to %(maximum)s characters.") % {"maximum": MAX_NOTE}}
        )
    if note and answer not in REPORTED_RECEPTIONS:
        raise ValidationError(
            {"note": _("A note goes with “welcoming” or “unwelcoming”, to the maintainers.")}
        )
    attended_on = logged(person, meeting) if day is None else day
    if attended_on is None or (day is not None and not _logged_on(person, meeting, day)):
        raise ValidationError({"meeting": _("Log this meeting in a check-in first.")})
    with transaction.atomic():
        reception, _created = MeetingReception.objects.get_or_create(
            person=person,
            meeting=meeting,
            defaults={"answer": answer, "attended_on": attended_on},
        )
        reception.answer = answer
        reception.attended_on = attended_on
        reception.answered_at = timezone.now()
        if answer in REPORTED_RECEPTIONS:
            directory_actions.report_mat_experience(
                meeting=meeting,
                reporter=person,
                stance=REPORTED_RECEPTIONS[Reception(answer)],
                observed_on=attended_on,
                note=note,
            )
            reception.reported = True
        reception.save()
        _audit(person, AuditAction.JOURNAL_MEETING_RECEPTION, "meeting_reception", reception.pk)
    return reception


def _logged_on(person: User, meeting: Meeting, day: date) -> bool:
    return (
        CheckInMeeting.objects.visible_to(person)
        .filter(meeting=meeting, check_in__date=day)
        .exists()
    )
