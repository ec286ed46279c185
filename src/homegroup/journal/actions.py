"""Every write to a person's journal (docs/adr/0001-actions-layer.md).

Keyword-only, typed, atomic, validated (django ValidationError naming the field), audited with
plain ids: `journal.<verb>`, actor and subject the person, never the content. Reads of a
journal page or API are audited too, through `note_read`.

Writes that would change nothing write nothing: saving an unchanged day, profile or plan makes
no row change and no audit row (the audit records changes and reads; a no-op is neither).

Over 600 lines on purpose for now: one section per part of the journal (profile, medication,
check-ins, 12-step life, network, measures, rescoring, deletion) sharing the validation and
audit helpers at the top; the next step is a package like `directory/actions/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.models import AuditEvent, Outcome
from homegroup.audit.vocabulary import AuditAction
from homegroup.directory.models import Meeting
from homegroup.journal import task_actions
from homegroup.journal.models import (
    SHORT_NAME_MAX,
    AccountDeletion,
    CheckIn,
    CheckInDose,
    CheckInMeeting,
    CountScope,
    DoseUnit,
    JournalProfile,
    MeasureRequest,
    MeasureResponse,
    Medication,
    MedicationPlan,
    MeetingAttendance,
    Mood,
    NetworkMember,
    NetworkSnapshot,
    ScheduleKind,
    ServiceCommitment,
    ServiceRole,
    SponsorStatus,
    TwelveStepLife,
    UseStatus,
    YesNoUnknown,
)
from homegroup.journal.recovery import ACTIVITIES, DoseStatus, Substance
from homegroup.lib.timezones import is_timezone
from homegroup.measures import network, registry
from homegroup.measures.base import AnswersInvalid

EARLIEST_DAY = date(1900, 1, 1)
MAX_MEETINGS_A_DAY = 10
MAX_NOTE = 4000
MAX_MEETING_NAME = 120
MAX_PRESCRIBER = 120
MAX_OTHER_MEDICATION = 60
MAX_DRINKS = 100
MAX_DOSE = Decimal("99999.99")

_DIGIT = re.compile(r"\d")
_LINK = re.compile(r"(https?:|www\.|\.com\b|\.org\b|\.net\b)", re.IGNORECASE)


def _audit(person: User, action: AuditAction, object_type: str, object_id: object = "") -> None:
    audit.record(
        action=action,
        actor_id=person.pk,
        subject_id=person.pk,
        object_type=object_type,
        object_id=str(object_id),
    )


def note_read(*, viewer: User, person: User, object_type: str, object_id: object = "") -> None:
    """Audit one read of a person's journal (a page view or an API answer)."""
    audit.record(
        action=AuditAction.JOURNAL_READ,
        actor_id=viewer.pk,
        subject_id=person.pk,
        object_type=object_type,
        object_id=str(object_id),
    )


def note_export(*, person: User, export_format: str) -> None:
    """Audit one download of the person's whole journal (`journal.export`, the format)."""
    audit.record(
        action=AuditAction.JOURNAL_EXPORT,
        actor_id=person.pk,
        subject_id=person.pk,
        object_type="export",
        object_id=export_format,
    )


def _single_line(value: str, *, field_name: str, maximum: int) -> str:
    text = " ".join(str(value).split())
    if len(text) > maximum:
        raise ValidationError(
            {field_name: _("Keep it to %(maximum)s characters.") % {"maximum": maximum}}
        )
    return text


def check_short_name(value: str, *, field_name: str) -> str:
    """A first name, nickname or initials: short, and nothing that looks like contact details.

    The journal may be shared later; a sponsor's or friend's phone number or email address must
    never end up in someone else's record.
    """
    text = _single_line(value, field_name=field_name, maximum=SHORT_NAME_MAX)
    if "@" in text or _LINK.search(text):
        raise ValidationError(
            {field_name: _("A first name or initials only: leave out email addresses and links.")}
        )
    if _DIGIT.search(text):
        raise ValidationError(
            {field_name: _("A first name or initials only: leave out phone numbers.")}
        )
    return text


def _today(person: User, *, now: datetime | None = None) -> date:
    """The person's own today: their profile's zone, or the default zone without a profile."""
    return JournalProfile.objects.for_person(person).today(now)


# --- Profile -----------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    person: User,
    timezone_name: str,
    recovery_date: date | None,
    count_scope: str,
    now: datetime | None = None,
) -> JournalProfile:
    """The person's zone, recovery date and what their count measures."""
    zone = timezone_name.strip()
    if not is_timezone(zone):
        raise ValidationError(
            {"timezone": _("Choose a time zone from the list, e.g. America/Chicago.")}
        )
    if count_scope not in CountScope.values:
        raise ValidationError({"count_scope": _("Choose what your recovery time counts.")})
    profile = JournalProfile.objects.for_person(person)
    profile.timezone = zone
    if recovery_date is not None:
        if recovery_date < EARLIEST_DAY:
            raise ValidationError({"recovery_date": _("Check the year of your recovery date.")})
        if recovery_date > profile.today(now):
            raise ValidationError(
                {"recovery_date": _("Your recovery date cannot be in the future.")}
            )
    new = (zone, recovery_date, count_scope)
    if profile.pk is not None:
        stored = JournalProfile.objects.get(pk=profile.pk)
        if (stored.timezone, stored.recovery_date, stored.count_scope) == new:
            return stored
    profile.recovery_date = recovery_date
    profile.count_scope = count_scope
    profile.updated_at = now or timezone.now()
    created = profile.pk is None
    profile.save()
    _audit(
        person,
        AuditAction.JOURNAL_PROFILE_CREATE if created else AuditAction.JOURNAL_PROFILE_UPDATE,
        "journal_profile",
        profile.pk,
    )
    return profile


@transaction.atomic
def set_discreet_mode(*, person: User, on: bool) -> JournalProfile:
    """Neutral titles and icon on a shared phone (the safety pages use the flag)."""
    profile = JournalProfile.objects.for_person(person)
    if profile.pk is not None and profile.discreet_mode == on:
        return profile
    profile.discreet_mode = on
    profile.updated_at = timezone.now()
    profile.save()
    _audit(person, AuditAction.JOURNAL_DISCREET_MODE, "journal_profile", profile.pk)
    return profile


PIN_PATTERN = re.compile(r"\d{4,8}")
PIN_IDLE_CHOICES = (1, 5, 15, 30, 60)
PIN_FAILURES = 5  # wrong PINs within PIN_WINDOW end the session (the password is asked again)
PIN_WINDOW = timedelta(minutes=15)


@transaction.atomic
def set_pin(*, person: User, pin: str, idle_minutes: int) -> JournalProfile:
    """A 4-8 digit PIN that locks the journal on a device left idle (hashed like a password)."""
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise ValidationError({"pin": _("A PIN is 4 to 8 digits.")})
    if idle_minutes not in PIN_IDLE_CHOICES:
        raise ValidationError({"idle_minutes": _("Choose when the journal locks.")})
    profile = JournalProfile.objects.for_person(person)
    profile.pin_hash = make_password(pin)
    profile.pin_idle_minutes = idle_minutes
    profile.updated_at = timezone.now()
    profile.save()
    _audit(person, AuditAction.JOURNAL_PIN_SET, "journal_profile", profile.pk)
    return profile


@transaction.atomic
def remove_pin(*, person: User) -> JournalProfile:
    profile = JournalProfile.objects.for_person(person)
    if profile.pk is None or not profile.pin_hash:
        return profile
    profile.pin_hash = ""
    profile.updated_at = timezone.now()
    profile.save()
    _audit(person, AuditAction.JOURNAL_PIN_REMOVED, "journal_profile", profile.pk)
    return profile


def check_pin(*, person: User, pin: str) -> bool | None:
    """True for the right PIN, False for a wrong one, None when too many were wrong lately
    (the caller then ends the session). Every attempt is audited: the failures are the count."""
    since = timezone.now() - PIN_WINDOW
    failures = AuditEvent.objects.filter(
        actor_id=person.pk,
        action=AuditAction.JOURNAL_PIN_UNLOCK,
        outcome=Outcome.FAILURE,
        occurred_at__gte=since,
    ).count()
    if failures >= PIN_FAILURES:
        return None
    stored = JournalProfile.objects.filter(person=person).values_list("pin_hash", flat=True).first()
    right = bool(stored) and check_password(pin or "", stored or "")
    audit.record(
        action=AuditAction.JOURNAL_PIN_UNLOCK,
        actor_id=person.pk,
        subject_id=person.pk,
        outcome=Outcome.SUCCESS if right else Outcome.FAILURE,
        object_type="journal_profile",
    )
    return right


# --- Reminders ------------------------------------------------------------------------------------


@transaction.atomic
def set_reminder(*, person: User, at: time | None) -> JournalProfile:
    """A daily email at `at` (the person's local time) when the day has no check-in yet; None
    stops it."""
    profile = JournalProfile.objects.for_person(person)
    if profile.pk is not None and profile.reminder_time == at:
        return profile
    profile.reminder_time = at
    profile.updated_at = timezone.now()
    profile.save()
    _audit(
        person,
        AuditAction.JOURNAL_REMINDER_SET if at else AuditAction.JOURNAL_REMINDER_REMOVED,
        "journal_profile",
        profile.pk,
    )
    return profile


def send_reminders(*, base_url: str, now: datetime | None = None) -> int:
    """Email everyone whose reminder time has come today, in their own zone, and whose day has
    no check-in yet: one email a day at most, holding nothing but a link. Returns how many were
    sent. Three queries whatever the number of people, and one update per email."""
    now = now or timezone.now()
    due: list[tuple[JournalProfile, date]] = []
    for profile in JournalProfile.objects.filter(
        reminder_time__isnull=False,
        person__is_active=True,
        person__is_person_in_recovery=True,
    ).select_related("person"):
        local = now.astimezone(ZoneInfo(profile.timezone)) if is_timezone(profile.timezone) else now
        today = local.date()
        at = profile.reminder_time
        if at is None or profile.reminder_last_sent == today or local.time() < at:
            continue
        due.append((profile, today))
    if not due:
        return 0
    checked = set(
        CheckIn.objects.filter(
            person_id__in=[profile.person_id for profile, _day in due],
            date__in={day for _profile, day in due},
        ).values_list("person_id", "date")
    )
    link = base_url.rstrip("/") + "/"
    sent = 0
    for profile, today in due:
        if (profile.person_id, today) in checked:
            continue
        # Nothing in the email but a link: no name, no word of recovery, no data.
        send_mail(
            subject=_("Your daily reminder"),
            message=link,
            from_email=None,
            recipient_list=[profile.person.email],
        )
        JournalProfile.objects.filter(pk=profile.pk).update(reminder_last_sent=today)
        sent += 1
    return sent


# --- Medication plan ---------------------------------------------------------------------------


def _own(person: User, obj: Any, label: str) -> None:
    # Views fetch through visible_to; this guards callers that did not.
    if obj is not None and obj.person_id != person.pk:
        raise PermissionError(f"{label} belongs to another person")


def _decimal(value: object, *, field_name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: _("Enter a number.")}) from None
    if not number.is_finite() or number < 0 or number > MAX_DOSE:
        raise ValidationError({field_name: _("Enter a dose between 0 and 99999.")})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def save_medication_plan(
    *,
    person: User,
    plan: MedicationPlan | None = None,
    medication: str,
    other_name: str = "",
    prescriber: str = "",
    dose: Decimal | float | str | None = None,
    dose_unit: str = DoseUnit.MG,
    schedule: str = ScheduleKind.DAILY,
    weekdays: Iterable[int] = (),
    active_from: date,
    active_to: date | None = None,
) -> MedicationPlan:
    """Add a medication to the person's plan, or change one (`plan`)."""
    _own(person, plan, "medication plan")
    if medication not in Medication.values:
        raise ValidationError({"medication": _("Choose a medication.")})
    other = _single_line(other_name, field_name="other_name", maximum=MAX_OTHER_MEDICATION)
    if medication == Medication.OTHER and not other:
        raise ValidationError({"other_name": _("Name the medication.")})
    if medication != Medication.OTHER:
        other = ""
    if dose_unit not in DoseUnit.values:
        raise ValidationError({"dose_unit": _("Choose a unit.")})
    if schedule not in ScheduleKind.values:
        raise ValidationError({"schedule": _("Choose a schedule.")})
    days: list[int] = []
    if schedule == ScheduleKind.WEEKDAYS:
        try:
            days = sorted({int(day) for day in weekdays})
        except (TypeError, ValueError):
            days = [-1]
        if not days or any(not 0 <= day <= 6 for day in days):
            raise ValidationError({"weekdays": _("Choose the days you take it.")})
    if active_from < EARLIEST_DAY:
        raise ValidationError({"active_from": _("Check the year.")})
    if active_to is not None and active_to < active_from:
        raise ValidationError({"active_to": _("The day you stopped comes after you started.")})
    values = {
        "medication": medication,
        "other_name": other,
        "prescriber": _single_line(prescriber, field_name="prescriber", maximum=MAX_PRESCRIBER),
        "dose": _decimal(dose, field_name="dose"),
        "dose_unit": dose_unit,
        "schedule": schedule,
        "weekdays": days,
        "active_from": active_from,
        "active_to": active_to,
    }
    if plan is not None and all(getattr(plan, name) == value for name, value in values.items()):
        return plan
    created = plan is None
    target = plan if plan is not None else MedicationPlan(person=person)
    for name, value in values.items():
        setattr(target, name, value)
    target.updated_at = timezone.now()
    target.save()
    _audit(
        person,
        AuditAction.JOURNAL_MEDICATION_ADD if created else AuditAction.JOURNAL_MEDICATION_CHANGE,
        "medication_plan",
        target.pk,
    )
    return target


@transaction.atomic
def delete_medication_plan(*, person: User, plan: MedicationPlan) -> None:
    """Remove a plan entered by mistake, with its dose reports. A medication the person stopped
    taking should be ended (`active_to`) instead, to keep its history."""
    _own(person, plan, "medication plan")
    plan_id = plan.pk
    plan.delete()
    _audit(person, AuditAction.JOURNAL_MEDICATION_DELETE, "medication_plan", plan_id)


# --- Check-ins ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingAttended:
    """A meeting of the day: a directory meeting (`meeting_id`) or a typed-in `name`."""

    meeting_id: int | None = None
    name: str = ""
    attendance: str = MeetingAttendance.IN_PERSON


@dataclass(frozen=True)
class DoseReport:
    plan_id: int
    status: str  # journal.recovery.DoseStatus
    dose_taken: Decimal | float | str | None = None


@dataclass(frozen=True)
class CheckInValues:
    """Everything a day can hold; the form and the API both build one."""

    meetings: Sequence[MeetingAttended] = ()
    service: bool = False
    talked_with_sponsor: bool = False
    sponsored_someone: bool = False
    step_work: bool = False
    step_worked: int | None = None
    literature: bool = False
    shared: bool = False
    helped_member: bool = False
    fellowship_time: bool = False
    doses: Sequence[DoseReport] = ()
    use_status: str = ""
    substances: Sequence[str] = ()
    drinks: int | None = None
    misused_medication: str = ""
    craving: int | None = None
    mood: int | None = None
    note: str = ""


_OTHER_FIELDS = (
    "step_worked",
    "use_status",
    "substances",
    "drinks",
    "misused_medication",
    "craving",
    "mood",
    "note",
)
_USED_SUBSTANCES = tuple(s.value for s in Substance if s is not Substance.MEDICATION)
_DOSE_STATUSES = frozenset(status.value for status in DoseStatus)


@dataclass(frozen=True)
class SavedCheckIn:
    check_in: CheckIn
    created: bool
    changed: bool


def _whole(value: object, *, field_name: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field_name: _("Enter a whole number.")})
    if not low <= value <= high:
        raise ValidationError(
            {field_name: _("Choose from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return value


def _clean_fields(values: CheckInValues) -> dict[str, Any]:
    cleaned: dict[str, Any] = {name: bool(getattr(values, name)) for name in ACTIVITIES}
    step = _whole(values.step_worked, field_name="step_worked", low=1, high=12)
    if step is not None:
        cleaned["step_work"] = True
    cleaned["step_worked"] = step
    if values.use_status not in ("", *UseStatus.values):
        raise ValidationError({"use_status": _("Choose 'No use' or 'I used'.")})
    substances = sorted(set(values.substances))
    unknown = [s for s in substances if s not in _USED_SUBSTANCES]
    if unknown:
        raise ValidationError({"substances": _("Choose from the list of substances.")})
    misused = values.misused_medication or ""
    if misused and misused not in Medication.values:
        raise ValidationError({"misused_medication": _("Choose a medication from the list.")})
    drinks = _whole(values.drinks, field_name="drinks", low=0, high=MAX_DRINKS)
    if values.use_status == UseStatus.USED:
        if not substances and not misused:
            raise ValidationError(
                {"substances": _("Choose what you used, so your recovery time stays right.")}
            )
        if drinks is not None and Substance.ALCOHOL.value not in substances:
            raise ValidationError({"drinks": _("Drinks go with alcohol.")})
    elif substances or misused or drinks is not None:
        raise ValidationError(
            {"use_status": _("Choose 'I used' to record what you used, or clear it.")}
        )
    cleaned.update(
        use_status=values.use_status,
        substances=substances,
        drinks=drinks,
        misused_medication=misused,
        craving=_whole(values.craving, field_name="craving", low=0, high=10),
        mood=_whole(values.mood, field_name="mood", low=min(Mood.values), high=max(Mood.values)),
    )
    if len(values.note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note to %(maximum)s characters.") % {"maximum": MAX_NOTE}}
        )
    cleaned["note"] = values.note.replace("\r\n", "\n").strip()
    return cleaned


def _clean_meetings(values: CheckInValues) -> list[tuple[int | None, str, str]]:
    if len(values.meetings) > MAX_MEETINGS_A_DAY:
        raise ValidationError(
            {"meetings": _("At most %(n)s meetings a day.") % {"n": MAX_MEETINGS_A_DAY}}
        )
    rows: list[tuple[int | None, str, str]] = []
    for attended in values.meetings:
        if attended.attendance not in MeetingAttendance.values:
            raise ValidationError({"meetings": _("Choose in person or online.")})
        name = _single_line(attended.name, field_name="meetings", maximum=MAX_MEETING_NAME)
        if attended.meeting_id is None and not name:
            continue  # an empty "other meeting" row of the form
        if attended.meeting_id is not None:
            name = ""  # the directory names it
        rows.append((attended.meeting_id, name, attended.attendance))
    ids = {meeting_id for meeting_id, _name, _mode in rows if meeting_id is not None}
    if ids and Meeting.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"meetings": _("That meeting is not in the directory.")})
    # The same meeting twice in a day is one meeting; keep the first mention.
    seen: set[tuple[int | None, str]] = set()
    unique = []
    for row in rows:
        if (row[0], row[1].casefold()) not in seen:
            seen.add((row[0], row[1].casefold()))
            unique.append(row)
    return unique  # in the person's order; comparisons sort (see _same_meetings)


def _clean_doses(
    person: User, day: date, values: CheckInValues
) -> list[tuple[int, str, Decimal | None]]:
    if not values.doses:
        return []
    plans = {
        plan.pk: plan
        for plan in MedicationPlan.objects.visible_to(person).filter(
            pk__in=[report.plan_id for report in values.doses if isinstance(report.plan_id, int)]
        )
    }
    rows: dict[int, tuple[int, str, Decimal | None]] = {}
    for report in values.doses:
        plan = plans.get(report.plan_id)
        if plan is None:
            raise ValidationError({"doses": _("That medication is not in your plan.")})
        if plan.active_from > day or (plan.active_to is not None and plan.active_to < day):
            raise ValidationError(
                {"doses": _("%(medication)s was not in your plan that day.") % {"medication": plan}}
            )
        if report.status not in _DOSE_STATUSES:
            raise ValidationError({"doses": _("Choose taken, missed or a different dose.")})
        dose = _decimal(report.dose_taken, field_name="doses")
        if report.status != DoseStatus.DIFFERENT_DOSE:
            dose = None
        rows[plan.pk] = (plan.pk, report.status, dose)
    return sorted(rows.values())


def _sorted_meetings(
    rows: list[tuple[int | None, str, str]],
) -> list[tuple[int | None, str, str]]:
    return sorted(rows, key=lambda row: (row[0] or 0, row[1], row[2]))


def _stored_state(
    check_in: CheckIn,
) -> tuple[
    dict[str, Any], list[tuple[int | None, str, str]], list[tuple[int, str, Decimal | None]]
]:
    fields = {name: getattr(check_in, name) for name in (*ACTIVITIES, *_OTHER_FIELDS)}
    fields["substances"] = sorted(fields["substances"])
    meetings = _sorted_meetings(
        [(m.meeting_id, m.name, m.attendance) for m in check_in.meetings.all()]
    )
    doses = sorted(
        (
            d.plan_id,
            d.status,
            d.dose_taken.quantize(Decimal("0.01")) if d.dose_taken else d.dose_taken,
        )
        for d in check_in.doses.all()
    )
    return fields, meetings, doses


@transaction.atomic
def record_check_in(
    *, person: User, day: date, values: CheckInValues, now: datetime | None = None
) -> SavedCheckIn:
    """Record (or correct) the person's day. The whole day is replaced by `values`.

    A day after today in the person's zone is refused. The first recording of a day that has
    already ended is marked retrospective. Saving the same values again writes nothing.
    """
    now = now or timezone.now()
    today = _today(person, now=now)
    if day > today:
        raise ValidationError({"date": _("That day has not happened yet in your time zone.")})
    if day < EARLIEST_DAY:
        raise ValidationError({"date": _("Check the year.")})
    fields = _clean_fields(values)
    meetings = _clean_meetings(values)
    doses = _clean_doses(person, day, values)
    existing = _locked_day(person, day)
    if existing is None:
        check_in = CheckIn(
            person=person,
            date=day,
            retrospective=day < today,
            recorded_at=now,
            updated_at=now,
            **fields,
        )
        if _insert_first_save(check_in):
            _write_meetings_and_doses(check_in, meetings, doses)
            _audit(person, AuditAction.JOURNAL_CHECK_IN, "check_in", check_in.pk)
            _complete_meeting_tasks(person, day, meetings, now)
            return SavedCheckIn(check_in, created=True, changed=True)
        # The same day was saved a moment ago (another tab, a retried request): this save
        # corrects that one, as if it had come a moment later.
        existing = _locked_day(person, day)
        assert existing is not None
    if _stored_state(existing) == (fields, _sorted_meetings(meetings), doses):
        return SavedCheckIn(existing, created=False, changed=False)
    existing.updated_at = now
    for name, value in fields.items():
        # What did not change keeps what is stored: an unreadable note stays as it was.
        if getattr(existing, name) != value:
            setattr(existing, name, value)
    existing.save()
    existing.meetings.all().delete()
    existing.doses.all().delete()
    _write_meetings_and_doses(existing, meetings, doses)
    _audit(person, AuditAction.JOURNAL_CHECK_IN_EDIT, "check_in", existing.pk)
    _complete_meeting_tasks(person, day, meetings, now)
    return SavedCheckIn(existing, created=False, changed=True)


def _complete_meeting_tasks(
    person: User, day: date, meetings: list[tuple[int | None, str, str]], now: datetime
) -> None:
    # A logged meeting that a counselor's recovery task names marks that task done (issue 15).
    task_actions.complete_meeting_tasks(
        person=person, day=day, meeting_ids=[meeting_id for meeting_id, _n, _m in meetings], now=now
    )


def _locked_day(person: User, day: date) -> CheckIn | None:
    """The person's check-in of that day, locked until the transaction ends (PostgreSQL), so
    two saves of the same day apply one after the other."""
    return (
        CheckIn.objects.visible_to(person)
        .select_for_update()
        .filter(date=day)
        .prefetch_related("meetings", "doses")
        .first()
    )


def _insert_first_save(check_in: CheckIn) -> bool:
    """Insert the first save of a day, or say False when a save racing this one inserted it
    first (the one-check-in-a-day constraint): an insert-or-correct that cannot fail on the race.

    The savepoint keeps the transaction usable after PostgreSQL refuses the duplicate; the
    duplicate waits for the other save to commit, so the caller then finds its row."""
    try:
        with transaction.atomic():
            check_in.save(force_insert=True)
    except IntegrityError:
        if not CheckIn.objects.filter(person_id=check_in.person_id, date=check_in.date).exists():
            raise
        return False
    return True


def _write_meetings_and_doses(
    check_in: CheckIn,
    meetings: list[tuple[int | None, str, str]],
    doses: list[tuple[int, str, Decimal | None]],
) -> None:
    CheckInMeeting.objects.bulk_create(
        CheckInMeeting(check_in=check_in, meeting_id=meeting_id, name=name, attendance=mode)
        for meeting_id, name, mode in meetings
    )
    CheckInDose.objects.bulk_create(
        CheckInDose(check_in=check_in, plan_id=plan_id, status=status, dose_taken=dose)
        for plan_id, status, dose in doses
    )


# --- 12-step life ------------------------------------------------------------------------------


def _life(person: User) -> TwelveStepLife:
    life = TwelveStepLife.objects.for_person(person)
    if life.pk is None:
        life.save()
    return life


@transaction.atomic
def set_home_group(*, person: User, meeting: Meeting | None) -> TwelveStepLife:
    """The person's home group (None: no home group). It joins their usual meetings too."""
    life = _life(person)
    if life.home_group_id == (meeting.pk if meeting else None):
        return life
    life.home_group = meeting
    life.updated_at = timezone.now()
    life.save(update_fields=["home_group", "updated_at"])
    if meeting is not None:
        life.usual_meetings.add(meeting)
    _audit(person, AuditAction.JOURNAL_HOME_GROUP, "twelve_step_life", life.pk)
    return life


@transaction.atomic
def add_usual_meeting(*, person: User, meeting: Meeting) -> TwelveStepLife:
    """A meeting the person goes to often: it is pre-listed on their check-in."""
    life = _life(person)
    if life.usual_meetings.filter(pk=meeting.pk).exists():
        return life
    life.usual_meetings.add(meeting)
    _audit(person, AuditAction.JOURNAL_USUAL_MEETING_ADD, "twelve_step_life", life.pk)
    return life


@transaction.atomic
def remove_usual_meeting(*, person: User, meeting: Meeting) -> TwelveStepLife:
    life = _life(person)
    if not life.usual_meetings.filter(pk=meeting.pk).exists():
        return life
    life.usual_meetings.remove(meeting)
    if life.home_group_id == meeting.pk:
        life.home_group = None
        life.save(update_fields=["home_group"])
    _audit(person, AuditAction.JOURNAL_USUAL_MEETING_REMOVE, "twelve_step_life", life.pk)
    return life


@transaction.atomic
def update_sponsor_and_steps(
    *,
    person: User,
    sponsor_status: str,
    sponsor_name: str,
    sponsor_supports_medication: str,
    steps_worked: Iterable[int],
) -> TwelveStepLife:
    """Sponsor (a first name or initials only) and the steps the person has worked."""
    if sponsor_status not in SponsorStatus.values:
        raise ValidationError({"sponsor_status": _("Choose one.")})
    if sponsor_supports_medication not in YesNoUnknown.values:
        raise ValidationError({"sponsor_supports_medication": _("Choose one.")})
    name = check_short_name(sponsor_name, field_name="sponsor_name")
    try:
        steps = sorted({int(step) for step in steps_worked})
    except (TypeError, ValueError):
        steps = [0]
    if any(not 1 <= step <= 12 for step in steps):
        raise ValidationError({"steps_worked": _("Steps are numbered 1 to 12.")})
    life = _life(person)
    values = {
        "sponsor_status": sponsor_status,
        "sponsor_name": name,
        "sponsor_supports_medication": sponsor_supports_medication,
        "steps_worked": steps,
    }
    if all(getattr(life, key) == value for key, value in values.items()):
        return life
    for key, value in values.items():
        setattr(life, key, value)
    life.updated_at = timezone.now()
    life.save()
    _audit(person, AuditAction.JOURNAL_SPONSOR_AND_STEPS, "twelve_step_life", life.pk)
    return life


@transaction.atomic
def save_service_commitment(
    *,
    person: User,
    commitment: ServiceCommitment | None = None,
    role: str,
    meeting: Meeting | None = None,
    meeting_name: str = "",
    started_on: date,
    ended_on: date | None = None,
) -> ServiceCommitment:
    _own(person, commitment, "service commitment")
    if role not in ServiceRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    name = _single_line(meeting_name, field_name="meeting_name", maximum=MAX_MEETING_NAME)
    if meeting is not None:
        name = ""
    if started_on < EARLIEST_DAY:
        raise ValidationError({"started_on": _("Check the year.")})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end comes after the start.")})
    created = commitment is None
    target = commitment if commitment is not None else ServiceCommitment(person=person)
    values = {
        "role": role,
        "meeting_id": meeting.pk if meeting else None,
        "meeting_name": name,
        "started_on": started_on,
        "ended_on": ended_on,
    }
    if not created and all(getattr(target, key) == value for key, value in values.items()):
        return target
    for key, value in values.items():
        setattr(target, key, value)
    target.save()
    _audit(
        person,
        AuditAction.JOURNAL_SERVICE_ADD if created else AuditAction.JOURNAL_SERVICE_CHANGE,
        "service_commitment",
        target.pk,
    )
    return target


@transaction.atomic
def delete_service_commitment(*, person: User, commitment: ServiceCommitment) -> None:
    _own(person, commitment, "service commitment")
    commitment_id = commitment.pk
    commitment.delete()
    _audit(person, AuditAction.JOURNAL_SERVICE_DELETE, "service_commitment", commitment_id)


# --- Support network ---------------------------------------------------------------------------


def network_person(member: NetworkMember) -> network.NetworkPerson:
    """A member as the pure indices see them: codes only."""
    return network.NetworkPerson(
        relationship=member.relationship,
        contact=member.contact,
        importance=member.importance,
        drinking_status=member.drinking_status,
        drinking_frequency=member.drinking_frequency,
        drug_status=member.drug_status,
        drug_frequency=member.drug_frequency,
        reaction_to_drinking=member.reaction_to_drinking,
        reaction_to_drug_use=member.reaction_to_drug_use,
        recovery_support=member.recovery_support,
        in_fellowship=member.in_fellowship,
        is_sponsor=member.is_sponsor,
        supports_medication=member.supports_medication,  # type: ignore[arg-type]
    )


RELATIONSHIP_KEYS = frozenset(key for key, _label in network.RELATIONSHIPS)


def _freeze_network(person: User, now: datetime) -> None:
    """Today's snapshot of the indices: what 'since last time' compares against tomorrow. It
    keeps the answers it was scored from (codes, never names), so a later version of the indices
    can rescore it exactly (`rescore_measures`). It answers the care team's open request to look
    over the network, if there is one."""
    people = [network_person(m) for m in NetworkMember.objects.visible_to(person)]
    today = _today(person, now=now)
    NetworkSnapshot.objects.update_or_create(
        person=person,
        taken_on=today,
        defaults={
            "indices": network.network_indices(people).as_json(),
            "answers": [p.as_json() for p in people],
            "version": network.VERSION,
            "updated_at": now,
        },
    )
    asked = (
        MeasureRequest.objects.open()
        .visible_to(person)
        .filter(instrument=NETWORK_REVIEW)
        .order_by("requested_at", "id")
        .select_for_update()
        .first()
    )
    if asked is not None:
        asked.answered_at = now
        asked.save(update_fields=["answered_at"])
        _audit(person, AuditAction.JOURNAL_MEASURE_REQUEST_ANSWERED, "measure_request", asked.pk)


@transaction.atomic
def confirm_network(*, person: User, now: datetime | None = None) -> None:
    """The person looked over their network and it is as it was: today's indices are frozen as
    they stand (what the care team reads is dated today) and an open request is answered."""
    _freeze_network(person, now or timezone.now())
    _audit(person, AuditAction.JOURNAL_NETWORK_CONFIRMED, "network")


@transaction.atomic
def save_network_member(
    *,
    person: User,
    member: NetworkMember | None = None,
    name: str,
    relationship: str,
    contact: int,
    importance: int,
    drinking_status: int = 0,
    drinking_frequency: int = 0,
    drug_status: int = 0,
    drug_frequency: int = 0,
    reaction_to_drinking: int = 0,
    reaction_to_drug_use: int = 0,
    recovery_support: int = 0,
    in_fellowship: bool = False,
    is_sponsor: bool = False,
    supports_medication: str = YesNoUnknown.UNKNOWN,
    now: datetime | None = None,
) -> NetworkMember:
    """Add one of up to 12 important people, or change one; freezes today's indices."""
    _own(person, member, "network member")
    now = now or timezone.now()
    clean_name = check_short_name(name, field_name="name")
    if not clean_name:
        raise ValidationError({"name": _("A first name or nickname, so you recognise them.")})
    if relationship not in RELATIONSHIP_KEYS:
        raise ValidationError({"relationship": _("Choose who they are to you.")})
    codes = {
        "contact": contact,
        "importance": importance,
        "drinking_status": drinking_status,
        "drinking_frequency": drinking_frequency,
        "drug_status": drug_status,
        "drug_frequency": drug_frequency,
        "reaction_to_drinking": reaction_to_drinking,
        "reaction_to_drug_use": reaction_to_drug_use,
        "recovery_support": recovery_support,
    }
    for key, value in codes.items():
        allowed = [choice.value for choice in network.CODES[key]]
        if isinstance(value, bool) or value not in allowed:
            raise ValidationError({key: _("Choose one of the answers.")})
    if supports_medication not in YesNoUnknown.values:
        raise ValidationError({"supports_medication": _("Choose one.")})
    created = member is None
    if created and NetworkMember.objects.visible_to(person).count() >= network.MAX_PEOPLE:
        raise ValidationError(
            {"name": _("Your network holds up to 12 people: remove someone to add another.")}
        )
    target = member if member is not None else NetworkMember(person=person, created_at=now)
    values: dict[str, Any] = {
        "name": clean_name,
        "relationship": relationship,
        **codes,
        "in_fellowship": bool(in_fellowship),
        "is_sponsor": bool(is_sponsor),
        "supports_medication": supports_medication,
    }
    if not created and all(getattr(target, key) == value for key, value in values.items()):
        return target
    for key, value in values.items():
        setattr(target, key, value)
    target.updated_at = now
    target.save()
    _freeze_network(person, now)
    _audit(
        person,
        AuditAction.JOURNAL_NETWORK_ADD if created else AuditAction.JOURNAL_NETWORK_CHANGE,
        "network_member",
        target.pk,
    )
    return target


@transaction.atomic
def remove_network_member(
    *, person: User, member: NetworkMember, now: datetime | None = None
) -> None:
    _own(person, member, "network member")
    member_id = member.pk
    member.delete()
    _freeze_network(person, now or timezone.now())
    _audit(person, AuditAction.JOURNAL_NETWORK_REMOVE, "network_member", member_id)


# --- Measures ----------------------------------------------------------------------------------


@transaction.atomic
def record_measure(
    *,
    person: User,
    instrument_id: str,
    answers: Mapping[str, object],
    taken_on: date | None = None,
    requested_by_id: int | None = None,
    now: datetime | None = None,
) -> MeasureResponse:
    """Score and keep one completed instrument (BAM, AAI core).

    A ValidationError names each unusable answer by its item key ("4", "7A", "steps").
    """
    now = now or timezone.now()
    try:
        scored = registry.score(instrument_id, answers)
    except KeyError:
        raise ValidationError({"instrument": _("Unknown questionnaire.")}) from None
    except AnswersInvalid as invalid:
        raise ValidationError(
            {problem.key or "answers": _(problem.message) for problem in invalid.problems}
        ) from None
    today = _today(person, now=now)
    day = taken_on or today
    if day > today:
        raise ValidationError({"taken_on": _("That day has not happened yet in your time zone.")})
    # The oldest open request for this questionnaire is answered by it.
    request = (
        MeasureRequest.objects.open()
        .visible_to(person)
        .filter(instrument=scored.instrument.id)
        .order_by("requested_at", "id")
        .select_for_update()
        .first()
    )
    response = MeasureResponse.objects.create(
        person=person,
        instrument=scored.instrument.id,
        version=scored.instrument.version,
        answers=scored.answers,
        scores=scored.scores,
        taken_on=day,
        recorded_at=now,
        requested_by_id=requested_by_id
        if requested_by_id is not None or request is None
        else request.requested_by_id,
    )
    _audit(person, AuditAction.JOURNAL_MEASURE, "measure_response", response.pk)
    if request is not None:
        request.answered_at = now
        request.response = response
        request.save(update_fields=["answered_at", "response"])
        _audit(person, AuditAction.JOURNAL_MEASURE_REQUEST_ANSWERED, "measure_request", request.pk)
    return response


# What a care team may ask for: two questionnaires, and a look over the support network (the
# Important People inventory), answered by the next change to it or by "still up to date".
NETWORK_REVIEW = "network"
REQUESTABLE = ("bam", "aai-core", NETWORK_REVIEW)


@transaction.atomic
def request_measure(
    *, person: User, instrument_id: str, requested_by_id: int, now: datetime | None = None
) -> MeasureRequest:
    """Someone on the person's care team asks for a questionnaire (the caller has checked that
    they may: `care` asks the disclosure gate first). One open request per questionnaire: asking
    again while one is open returns it."""
    if instrument_id not in REQUESTABLE:
        raise ValidationError(
            {"instrument": _("Ask for the BAM, the 12-step questions or a look at the network.")}
        )
    open_request: MeasureRequest | None = (
        MeasureRequest.objects.open().visible_to(person).filter(instrument=instrument_id).first()
    )
    if open_request is not None:
        return open_request
    request = MeasureRequest.objects.create(
        person=person,
        instrument=instrument_id,
        requested_by_id=requested_by_id,
        requested_at=now or timezone.now(),
    )
    audit.record(
        action=AuditAction.JOURNAL_MEASURE_REQUESTED,
        actor_id=requested_by_id,
        subject_id=person.pk,
        object_type="measure_request",
        object_id=request.pk,
    )
    return request


# --- Rescoring stored answers under another version ---------------------------------------------


@dataclass(frozen=True)
class Kept:
    """A stored answer left at its version, and why (a sentence)."""

    object_type: str
    object_id: int
    version: str
    reason: str


@dataclass(frozen=True)
class RescoreReport:
    instrument: str
    to_version: str
    rescored: int
    already: int
    kept: list[Kept]
    dry_run: bool


def rescore_measures(
    *, instrument_id: str, to_version: str, dry_run: bool = False
) -> RescoreReport:
    """Rescore every stored answer of an instrument under ``to_version`` (every person's).

    Stored answers keep the version they were given under: scores change only here, on purpose,
    never because the code changed. Questionnaires (BAM, AAI core) are rescored from their stored
    answers; network snapshots from the coded answers they keep, or — for a snapshot from before
    answers were kept — from the person's current network when it is their latest snapshot (it
    was frozen from exactly those people). An answer the new version refuses, or a snapshot
    without its answers, keeps its version and is reported. Each change is its own transaction
    and is audited (`journal.measure_rescore`, system actor). ``dry_run`` writes nothing.
    """
    if instrument_id == network.ID:
        if to_version != network.VERSION:
            raise ValidationError(
                {
                    "to_version": _("The network can be scored as %(versions)s only.")
                    % {"versions": network.VERSION}
                }
            )
        return _rescore_network(to_version, dry_run)
    versions = registry.versions(instrument_id)
    if not versions:
        known = ", ".join(sorted({*registry.CURRENT, network.ID}))
        raise ValidationError(
            {"instrument": _("Unknown instrument; known: %(known)s.") % {"known": known}}
        )
    if to_version not in versions:
        raise ValidationError(
            {
                "to_version": _("Unknown version; %(instrument)s has %(versions)s.")
                % {"instrument": instrument_id, "versions": ", ".join(versions)}
            }
        )
    responses = MeasureResponse.objects.filter(instrument=instrument_id)
    already = responses.filter(version=to_version).count()
    rescored, kept = 0, []
    for response in responses.exclude(version=to_version).order_by("pk").iterator():
        try:
            scored = registry.score(instrument_id, response.answers, to_version)
        except AnswersInvalid as invalid:
            kept.append(Kept("measure_response", response.pk, response.version, str(invalid)))
            continue
        rescored += 1
        if dry_run:
            continue
        with transaction.atomic():
            response.version = to_version
            response.answers = scored.answers
            response.scores = scored.scores
            response.save(update_fields=["version", "answers", "scores"])
            _audit_rescore(response.person_id, "measure_response", response.pk)
    return RescoreReport(instrument_id, to_version, rescored, already, kept, dry_run)


def _audit_rescore(person_id: int, object_type: str, object_id: int) -> None:
    audit.record(
        action=AuditAction.JOURNAL_MEASURE_RESCORE,
        actor_id=None,
        subject_id=person_id,
        object_type=object_type,
        object_id=str(object_id),
    )


def _rescore_network(to_version: str, dry_run: bool) -> RescoreReport:
    snapshots = NetworkSnapshot.objects.all()
    already = snapshots.filter(version=to_version).count()
    older = list(snapshots.exclude(version=to_version).order_by("pk"))
    latest = dict(
        NetworkSnapshot.objects.filter(person_id__in={s.person_id for s in older})
        .values("person_id")
        .annotate(latest=Max("taken_on"))
        .values_list("person_id", "latest")
    )
    current: dict[int, list[network.NetworkPerson]] = {}
    for member in NetworkMember.objects.filter(person_id__in=latest).order_by("pk"):
        current.setdefault(member.person_id, []).append(network_person(member))
    rescored, kept = 0, []
    for snapshot in older:
        if snapshot.answers is not None:
            try:
                people = [network.NetworkPerson.from_json(answer) for answer in snapshot.answers]
            except ValueError as unusable:
                kept.append(Kept("network_snapshot", snapshot.pk, snapshot.version, str(unusable)))
                continue
        elif snapshot.taken_on == latest[snapshot.person_id]:
            people = current.get(snapshot.person_id, [])
        else:
            kept.append(
                Kept(
                    "network_snapshot",
                    snapshot.pk,
                    snapshot.version,
                    "its answers were not kept (an earlier snapshot from before version "
                    f"{network.VERSION}); it keeps its version",
                )
            )
            continue
        rescored += 1
        if dry_run:
            continue
        with transaction.atomic():
            snapshot.indices = network.network_indices(people).as_json()
            snapshot.answers = [person.as_json() for person in people]
            snapshot.version = to_version
            snapshot.save(update_fields=["indices", "answers", "version"])
            _audit_rescore(snapshot.person_id, "network_snapshot", snapshot.pk)
    return RescoreReport(network.ID, to_version, rescored, already, kept, dry_run)


# --- Deleting the account and journal -----------------------------------------------------------


@transaction.atomic
def request_account_deletion(*, person: User, now: datetime | None = None) -> AccountDeletion:
    """Close the account at once and delete it, with the journal, after the grace period.

    The account is deactivated now, which ends every session on every device (Django refuses an
    inactive account's session). Asking twice keeps the first date.
    """
    now = now or timezone.now()
    existing = AccountDeletion.objects.filter(person=person).first()
    if existing is not None:
        return existing
    deletion = AccountDeletion.objects.create(
        person=person,
        requested_at=now,
        purge_after=now + timedelta(days=settings.HOMEGROUP_DELETION_GRACE_DAYS),
    )
    person.is_active = False
    person.save(update_fields=["is_active"])
    _audit(person, AuditAction.JOURNAL_DELETION_REQUEST, "account", person.pk)
    return deletion


@transaction.atomic
def cancel_account_deletion(*, person: User) -> User:
    """The person signed in during the grace period and chose to keep their account."""
    deleted, _counts = AccountDeletion.objects.filter(person=person).delete()
    if not deleted:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    _audit(person, AuditAction.JOURNAL_DELETION_CANCEL, "account", person.pk)
    return person


def purge_deleted_accounts(*, now: datetime | None = None) -> list[int]:
    """Delete every account whose grace period is over, with every row of its journal (the
    foreign keys cascade). Returns the ids removed. The audit log and the disclosure records
    hold plain ids, so they stay as they are; the purge itself is audited by id."""
    now = now or timezone.now()
    purged: list[int] = []
    for person_id in AccountDeletion.objects.due(now).values_list("person_id", flat=True):
        with transaction.atomic():
            # Re-check inside the transaction: the person may have kept the account meanwhile.
            if not AccountDeletion.objects.due(now).filter(person_id=person_id).exists():
                continue
            removed, _counts = User.objects.filter(pk=person_id, is_active=False).delete()
            if not removed:
                continue
            audit.record(
                action=AuditAction.JOURNAL_ACCOUNT_PURGED,
                actor_id=None,
                subject_id=person_id,
                object_type="account",
                object_id=str(person_id),
            )
        purged.append(person_id)
    return purged
