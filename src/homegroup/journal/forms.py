"""Forms of the journal pages. They only collect and shape input: validation that matters lives
in `journal.actions` (shared with the API), whose errors the views put back on these fields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homegroup.directory.models import Attendance, Meeting
from homegroup.journal import actions
from homegroup.journal.models import (
    SHORT_NAME_MAX,
    SUBSTANCE_CHOICES,
    CheckIn,
    CountScope,
    DoseUnit,
    Medication,
    MedicationPlan,
    MeetingAttendance,
    Mood,
    NetworkMember,
    ScheduleKind,
    ServiceRole,
    SponsorStatus,
    UseStatus,
    YesNoUnknown,
)
from homegroup.journal.recovery import ACTIVITIES
from homegroup.lib.weekdays import DAY_NAMES
from homegroup.measures import network
from homegroup.measures.base import Choice, Instrument

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAY_CHOICES = [(index, _(name)) for index, name in enumerate(DAY_NAMES)]
OTHER_MEETING_ROWS = 3


def _timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(zone for zone in available_timezones() if "/" in zone and "Etc/" not in zone)
    return [(zone, zone.replace("_", " ")) for zone in zones]


def timezone_names() -> list[str]:
    return [zone for zone, _label in _timezone_choices()]


class TimezoneInput(forms.TextInput):
    """A search box over the IANA zones (a <datalist>, `journal/_timezone_field.html`) instead
    of a 600-entry list; `data-browser-zone` lets journal/setup.js fill in the browser's zone."""

    def __init__(self) -> None:
        super().__init__(
            attrs={
                "list": "timezones",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-browser-zone": "",
            }
        )


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=_timezone_choices,
        widget=TimezoneInput(),
        help_text=_("Type a city, e.g. Chicago. 'Today' and every date in your journal follow it."),
    )
    recovery_date = forms.DateField(
        label=_("Your recovery date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "The first day of your current recovery, even from before you joined. Taking your "
            "medication as prescribed never resets it."
        ),
    )
    count_scope = forms.ChoiceField(
        label=_("My recovery time counts"),
        choices=CountScope.choices,
        widget=forms.RadioSelect,
        help_text=_("Which reported use restarts your count. You can change it any time."),
    )


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN (4 to 8 digits)"),
        min_length=4,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
        help_text=_("Separate from your password. It is stored hashed."),
    )
    idle_minutes = forms.TypedChoiceField(
        label=_("Lock after"),
        coerce=int,
        choices=lambda: [
            (m, gettext("%(n)s minutes without activity") % {"n": m})
            for m in actions.PIN_IDLE_CHOICES
        ],
        initial=5,
    )


class ReminderForm(forms.Form):
    reminder_time = forms.TimeField(
        label=_("Remind me by email at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "Only on days you have not checked in yet. The email holds nothing but a link. "
            "Leave empty for no reminder."
        ),
    )


class UnlockForm(forms.Form):
    pin = forms.CharField(
        label=_("Your PIN"),
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SetupCountForm(forms.Form):
    """First-run step 1: what the count measures and since when ("I don't know" allowed), and
    the time zone, taken from the browser."""

    timezone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=_timezone_choices,
        widget=TimezoneInput(),
        help_text=_("Taken from this device. Type a city to change it."),
    )
    count_scope = forms.ChoiceField(
        label=_("My recovery time counts"),
        choices=CountScope.choices,
        widget=forms.RadioSelect,
        initial=CountScope.ALL,
    )
    recovery_date = forms.DateField(
        label=_("Since when"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("The first day of your current recovery, even from before today."),
    )
    dont_know = forms.BooleanField(
        label=_("I don't know, or I'd rather start today"),
        required=False,
        help_text=_("Your count then starts with your first check-in. You can add a date later."),
    )


SETUP_NO_MEDICATION = "none"


class SetupMedicationForm(forms.Form):
    """First-run step 2: a medication, if any (the full form stays on the medication page)."""

    medication = forms.ChoiceField(
        label=_("Do you take a medication for your recovery?"),
        choices=[(SETUP_NO_MEDICATION, _("No")), *Medication.choices],
        widget=forms.RadioSelect,
        initial=SETUP_NO_MEDICATION,
    )
    other_name = forms.CharField(
        label=_("Name of the medication"),
        required=False,
        max_length=actions.MAX_OTHER_MEDICATION,
        help_text=_("Only if you chose 'Other'."),
    )
    active_from = forms.DateField(
        label=_("Taking it since"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty for today."),
    )


class MedicationPlanForm(forms.Form):
    medication = forms.ChoiceField(
        label=_("Medication"), choices=Medication.choices, widget=forms.RadioSelect
    )
    other_name = forms.CharField(
        label=_("Name of the medication"),
        required=False,
        max_length=actions.MAX_OTHER_MEDICATION,
        help_text=_("Only if you chose 'Other'."),
    )
    dose = forms.DecimalField(
        label=_("Dose"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )
    dose_unit = forms.ChoiceField(label=_("Unit"), choices=DoseUnit.choices)
    schedule = forms.ChoiceField(
        label=_("When you take it"), choices=ScheduleKind.choices, widget=forms.RadioSelect
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prescriber = forms.CharField(
        label=_("Clinic or prescriber"),
        required=False,
        max_length=actions.MAX_PRESCRIBER,
        help_text=_("Optional, and encrypted."),
    )
    active_from = forms.DateField(label=_("Taking it since"), widget=DATE_INPUT)
    active_to = forms.DateField(
        label=_("Stopped on"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty while you take it."),
    )

    @classmethod
    def initial_from(cls, plan: MedicationPlan) -> dict[str, Any]:
        return {
            "medication": plan.medication,
            "other_name": plan.other_name,
            "dose": plan.dose,
            "dose_unit": plan.dose_unit,
            "schedule": plan.schedule,
            "weekdays": plan.weekdays,
            "prescriber": plan.prescriber,
            "active_from": plan.active_from,
            "active_to": plan.active_to,
        }


@dataclass
class MeetingRow:
    meeting: Meeting
    attended: forms.BoundField
    mode: forms.BoundField


@dataclass
class DoseRow:
    plan: MedicationPlan
    status: forms.BoundField
    amount: forms.BoundField


class CheckInForm(forms.Form):
    """A day: pre-listed meetings as checkboxes, typed-in meetings, activities, each planned
    medication, use, craving, mood and a private note. Nothing is pre-answered for use or
    medication: an unanswered question leaves that part of the day unknown."""

    service = forms.BooleanField(label=_("Service"), required=False)
    talked_with_sponsor = forms.BooleanField(label=_("Talked with my sponsor"), required=False)
    sponsored_someone = forms.BooleanField(label=_("Sponsored someone"), required=False)
    step_work = forms.BooleanField(label=_("Step work"), required=False)
    step_worked = forms.TypedChoiceField(
        label=_("Which step"),
        choices=[("", _("—"))] + [(str(n), str(n)) for n in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    literature = forms.BooleanField(label=_("Read literature"), required=False)
    shared = forms.BooleanField(label=_("Shared or spoke"), required=False)
    helped_member = forms.BooleanField(label=_("Helped another member"), required=False)
    fellowship_time = forms.BooleanField(label=_("Fellowship time"), required=False)
    use_status = forms.ChoiceField(
        label=_("Alcohol or drug use today"),
        choices=UseStatus.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Leave it unanswered if you prefer: the day then stays unknown."),
    )
    substances = forms.MultipleChoiceField(
        label=_("What you used"),
        choices=SUBSTANCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    drinks = forms.IntegerField(
        label=_("How many drinks"),
        required=False,
        min_value=0,
        max_value=actions.MAX_DRINKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    misused_medication = forms.ChoiceField(
        label=_("A prescribed medication taken other than prescribed"),
        choices=[("", _("None")), *Medication.choices],
        required=False,
    )
    craving = forms.TypedChoiceField(
        label=_("Craving (0 = none, 10 = the strongest)"),
        choices=[("", _("—"))] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mood = forms.TypedChoiceField(
        label=_("Mood"),
        choices=Mood.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=actions.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted. Only you can read it."),
    )

    ACTIVITY_FIELDS = ACTIVITIES

    def __init__(
        self,
        data: Any = None,
        *,
        meetings: Sequence[Meeting],
        plans: Sequence[MedicationPlan],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.listed_meetings = list(meetings)
        self.plans = list(plans)
        mode_choices = MeetingAttendance.choices
        for meeting in self.listed_meetings:
            self.fields[f"meeting_{meeting.pk}"] = forms.BooleanField(
                label=meeting.name, required=False
            )
            self.fields[f"meeting_{meeting.pk}_mode"] = forms.ChoiceField(
                label=_("How"), choices=mode_choices, required=False
            )
            self.initial.setdefault(
                f"meeting_{meeting.pk}_mode",
                MeetingAttendance.ONLINE
                if meeting.attendance == Attendance.ONLINE
                else MeetingAttendance.IN_PERSON,
            )
        for index in range(1, OTHER_MEETING_ROWS + 1):
            self.fields[f"other_name_{index}"] = forms.CharField(
                label=_("Another meeting"),
                required=False,
                max_length=actions.MAX_MEETING_NAME,
            )
            self.fields[f"other_mode_{index}"] = forms.ChoiceField(
                label=_("How"), choices=mode_choices, required=False
            )
        for plan in self.plans:
            self.fields[f"dose_{plan.pk}"] = forms.ChoiceField(
                label=plan.label,
                choices=[
                    ("taken", _("Taken as prescribed")),
                    ("missed", _("Missed")),
                    ("different_dose", _("Different dose")),
                ],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"dose_{plan.pk}_amount"] = forms.DecimalField(
                label=_("Dose taken"),
                required=False,
                min_value=0,
                max_digits=7,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )

    @classmethod
    def initial_from(cls, check_in: CheckIn | None) -> dict[str, Any]:
        if check_in is None:
            return {}
        initial: dict[str, Any] = {
            name: getattr(check_in, name) for name in (*ACTIVITIES, "use_status")
        }
        initial.update(
            step_worked=check_in.step_worked,
            substances=list(check_in.substances),
            drinks=check_in.drinks,
            misused_medication=check_in.misused_medication,
            craving=check_in.craving,
            mood=check_in.mood,
            note=check_in.note,
        )
        typed = 0
        for attended in check_in.meetings.all():
            if attended.meeting_id is not None:
                initial[f"meeting_{attended.meeting_id}"] = True
                initial[f"meeting_{attended.meeting_id}_mode"] = attended.attendance
            elif typed < OTHER_MEETING_ROWS:
                typed += 1
                initial[f"other_name_{typed}"] = attended.name
                initial[f"other_mode_{typed}"] = attended.attendance
        for dose in check_in.doses.all():
            initial[f"dose_{dose.plan_id}"] = dose.status
            initial[f"dose_{dose.plan_id}_amount"] = dose.dose_taken
        return initial

    def meeting_rows(self) -> Iterator[MeetingRow]:
        for meeting in self.listed_meetings:
            yield MeetingRow(
                meeting, self[f"meeting_{meeting.pk}"], self[f"meeting_{meeting.pk}_mode"]
            )

    def other_meeting_rows(self) -> Iterator[tuple[forms.BoundField, forms.BoundField]]:
        for index in range(1, OTHER_MEETING_ROWS + 1):
            yield self[f"other_name_{index}"], self[f"other_mode_{index}"]

    def dose_rows(self) -> Iterator[DoseRow]:
        for plan in self.plans:
            yield DoseRow(plan, self[f"dose_{plan.pk}"], self[f"dose_{plan.pk}_amount"])

    def activity_fields(self) -> Iterator[forms.BoundField]:
        for name in ACTIVITIES:
            yield self[name]

    def values(self) -> actions.CheckInValues:
        data = self.cleaned_data
        meetings = [
            actions.MeetingAttended(
                meeting_id=meeting.pk,
                attendance=data.get(f"meeting_{meeting.pk}_mode") or MeetingAttendance.IN_PERSON,
            )
            for meeting in self.listed_meetings
            if data.get(f"meeting_{meeting.pk}")
        ]
        for index in range(1, OTHER_MEETING_ROWS + 1):
            name = (data.get(f"other_name_{index}") or "").strip()
            if name:
                meetings.append(
                    actions.MeetingAttended(
                        name=name,
                        attendance=data.get(f"other_mode_{index}") or MeetingAttendance.IN_PERSON,
                    )
                )
        doses = [
            actions.DoseReport(
                plan_id=plan.pk,
                status=data[f"dose_{plan.pk}"],
                dose_taken=data.get(f"dose_{plan.pk}_amount"),
            )
            for plan in self.plans
            if data.get(f"dose_{plan.pk}")
        ]
        used = data.get("use_status") == UseStatus.USED
        return actions.CheckInValues(
            meetings=meetings,
            **{name: bool(data.get(name)) for name in ACTIVITIES},
            step_worked=data.get("step_worked") if data.get("step_work") else None,
            doses=doses,
            use_status=data.get("use_status") or "",
            # Details of use only count with "I used": a stray tick is not a lapse.
            substances=list(data.get("substances") or []) if used else [],
            drinks=data.get("drinks") if used else None,
            misused_medication=(data.get("misused_medication") or "") if used else "",
            craving=data.get("craving"),
            mood=data.get("mood"),
            note=data.get("note") or "",
        )


class SponsorStepsForm(forms.Form):
    sponsor_status = forms.ChoiceField(
        label=_("Sponsor"), choices=SponsorStatus.choices, widget=forms.RadioSelect
    )
    sponsor_name = forms.CharField(
        label=_("Sponsor's first name or initials"),
        required=False,
        max_length=SHORT_NAME_MAX,
        help_text=_("A first name or initials only, never a phone number or email."),
    )
    sponsor_supports_medication = forms.ChoiceField(
        label=_("My sponsor supports my medication"),
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
    )
    steps_worked = forms.TypedMultipleChoiceField(
        label=_("Steps I have worked"),
        choices=[(n, str(n)) for n in range(1, 13)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class MeetingSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a meeting in the directory"),
        max_length=100,
        required=False,
        help_text=_("A meeting's name, or its short name from its directory page."),
    )


class ServiceCommitmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ServiceRole.choices)
    meeting = forms.TypedChoiceField(
        label=_("Group"), required=False, coerce=int, empty_value=None, choices=()
    )
    meeting_name = forms.CharField(
        label=_("Or type the group's name"),
        required=False,
        max_length=actions.MAX_MEETING_NAME,
    )
    started_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ended_on = forms.DateField(
        label=_("To"), required=False, widget=DATE_INPUT, help_text=_("Empty while you serve.")
    )

    def __init__(self, data: Any = None, *, meetings: Sequence[Meeting], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("—"))] + [(m.pk, m.name) for m in meetings]


def _code_choices(choices: Sequence[Choice]) -> list[tuple[int, Any]]:
    return [(choice.value, _(choice.label)) for choice in choices]


class NetworkMemberForm(forms.Form):
    name = forms.CharField(
        label=_("First name or nickname"),
        max_length=SHORT_NAME_MAX,
        help_text=_("Just enough for you to recognise them."),
    )
    relationship = forms.ChoiceField(
        label=_("Who they are to you"),
        choices=[(key, _(label)) for key, label in network.RELATIONSHIPS],
    )
    contact = forms.TypedChoiceField(
        label=_("How often you are in contact"), coerce=int, choices=_code_choices(network.CONTACT)
    )
    importance = forms.TypedChoiceField(
        label=_("How important they are to you"),
        coerce=int,
        choices=_code_choices(network.IMPORTANCE),
    )
    drinking_status = forms.TypedChoiceField(
        label=_("Their drinking"), coerce=int, choices=_code_choices(network.STATUS)
    )
    drinking_frequency = forms.TypedChoiceField(
        label=_("How often they drink"), coerce=int, choices=_code_choices(network.FREQUENCY)
    )
    drug_status = forms.TypedChoiceField(
        label=_("Their drug use"), coerce=int, choices=_code_choices(network.STATUS)
    )
    drug_frequency = forms.TypedChoiceField(
        label=_("How often they use drugs"), coerce=int, choices=_code_choices(network.FREQUENCY)
    )
    reaction_to_drinking = forms.TypedChoiceField(
        label=_("How they reacted to your drinking"),
        coerce=int,
        choices=_code_choices(network.REACTION),
    )
    reaction_to_drug_use = forms.TypedChoiceField(
        label=_("How they reacted to your drug use"),
        coerce=int,
        choices=_code_choices(network.REACTION),
    )
    recovery_support = forms.TypedChoiceField(
        label=_("How they feel about your recovery and treatment"),
        coerce=int,
        choices=_code_choices(network.RECOVERY_SUPPORT),
    )
    in_fellowship = forms.BooleanField(
        label=_("They are in a 12-step or other mutual-help fellowship"), required=False
    )
    is_sponsor = forms.BooleanField(label=_("They are my sponsor"), required=False)
    supports_medication = forms.ChoiceField(
        label=_("They support my medication"), choices=YesNoUnknown.choices
    )

    @classmethod
    def initial_from(cls, member: NetworkMember) -> dict[str, Any]:
        return {name: getattr(member, name) for name in cls.base_fields}


class InstrumentForm(forms.Form):
    """One field per item of a measures instrument, named `item_<key>`."""

    def __init__(self, data: Any = None, *, instrument: Instrument) -> None:
        super().__init__(data)
        self.instrument = instrument
        for item in instrument.items:
            # Skippable items (BAM 5 and 7A-G) are optional here; measures decides the rest.
            required = item.skipped_when_zero is None
            if item.scale.kind == "choice":
                field: forms.Field = forms.TypedChoiceField(
                    label=_(item.text),
                    choices=[(c.value, _(c.label)) for c in item.scale.choices],
                    coerce=int,
                    required=required,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.IntegerField(
                    label=_(item.text),
                    min_value=item.scale.minimum,
                    max_value=item.scale.maximum,
                    required=required,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                    help_text=_("Number of days, 0 to 30.") if item.scale.kind == "days" else "",
                )
            field.error_messages["required"] = _("Answer this question.")
            self.fields[f"item_{item.key}"] = field

    def answers(self) -> dict[str, object]:
        return {
            item.key: self.cleaned_data.get(f"item_{item.key}")
            for item in self.instrument.items
            if self.cleaned_data.get(f"item_{item.key}") is not None
        }

    def groups(self) -> list[dict[str, Any]]:
        """The fields as the page lays them out: items that share a stem in one fieldset, and
        follow-up questions marked with the item they follow (`static/journal/instrument.js`
        shows them only when that answer is more than 0)."""
        groups: list[dict[str, Any]] = []
        for item in self.instrument.items:
            field = self[f"item_{item.key}"]
            if item.stem and groups and groups[-1]["stem"] == item.stem:
                groups[-1]["fields"].append(field)
                continue
            groups.append(
                {
                    "stem": item.stem,
                    "follows": f"item_{item.skipped_when_zero}" if item.skipped_when_zero else "",
                    "asked_when": item.asked_when,
                    "fields": [field],
                }
            )
        return groups


def month_of(value: str | None, today: date) -> date | None:
    """The first day of a 'YYYY-MM' month, today's month when empty, None when malformed."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


class DeleteAccountForm(forms.Form):
    """Typing a word on purpose: a tap alone never deletes an account."""

    confirm = forms.CharField(label=_("Type the word to confirm"), max_length=40)

    @property
    def word(self) -> str:
        # The word is translated like the page, so people type it in their own language.
        return str(_("delete"))

    def clean_confirm(self) -> str:
        typed = str(self.cleaned_data["confirm"]).strip().casefold()
        if typed != self.word.casefold():
            raise forms.ValidationError(
                _("Type %(word)s to confirm, or go back to keep everything.") % {"word": self.word}
            )
        return typed


class DiscreetModeForm(forms.Form):
    discreet = forms.BooleanField(
        label=_("Discreet mode"),
        required=False,
        help_text=_(
            "Pages show the title 'Notes' and a plain icon, for a shared phone. On this device at "
            "once; on your other devices the next time you sign in."
        ),
    )
