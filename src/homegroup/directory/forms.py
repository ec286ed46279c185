"""Forms of the directory: the maintainer's meeting form (which builds a `CanonicalMeeting`, the
shape every importer produces, so a hand edit and an import take the same path), the filters of
the maintainer pages, and the MAT report of a person in recovery or a clinician.

Forms only validate and shape input; the writes are `directory.actions`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import time, timedelta
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from homegroup.directory.importers.attendance import derive_attendance
from homegroup.directory.importers.canonical import NOTES_MAX, CanonicalMeeting
from homegroup.directory.importers.codes import CodeResolver, code_table
from homegroup.directory.models import (
    WEEKDAY_CHOICES,
    Attendance,
    ContactPolicy,
    EvidenceKind,
    Meeting,
    Source,
    Stance,
)
from homegroup.lib.times import duration_between, end_from_start
from homegroup.lib.timezones import is_timezone

MAINTAINER_REASON = "set by a maintainer"
DEFAULT_DURATION = timedelta(hours=1)
_TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
_CODE_SPLIT = re.compile(r"[\s,;]+")

phone_characters = RegexValidator(
    r"^[0-9+,*#()\-. ]*$",
    _("Use digits and + , * # only, as a phone dials them."),
)
fellowship_code = RegexValidator(
    r"^[A-Za-z0-9-]+$", _("Use the fellowship's short code, e.g. AA, NA, SMART.")
)


def _text(label: Any, *, max_length: int, required: bool = False, **kwargs: Any) -> forms.Field:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def _notes(label: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    """One meeting on one weekday, as a directory maintainer writes it.

    Coordinates come from the pin the maintainer places on the map (or types in); the time zone
    from the pin when left empty. Unknown type codes are kept, as imports keep them.
    """

    name = _text(_("Name"), max_length=300, required=True)
    fellowship = forms.CharField(
        label=_("Fellowship"),
        max_length=16,
        validators=[fellowship_code],
        help_text=_("Its short code: AA, NA, CA, MARA, SMART, RD…"),
        widget=forms.TextInput(attrs={"list": "fellowship-codes", "autocomplete": "off"}),
    )
    day = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAY_CHOICES, coerce=int)
    start_time = forms.TimeField(
        label=_("Starts at"),
        input_formats=_TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Local time at the meeting, 24-hour, e.g. 19:30."),
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        required=False,
        input_formats=_TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Empty: an hour after the start. Before the start: it ends after midnight."),
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_("e.g. America/New_York. Leave empty to take it from the pin."),
    )
    location = _text(_("Venue"), max_length=300, help_text=_("e.g. St. Mark's Church hall."))
    address = _text(_("Street address"), max_length=300)
    city = _text(_("City"), max_length=120)
    state = _text(_("State or province"), max_length=120)
    postal_code = _text(_("Postal code"), max_length=32)
    country = _text(_("Country"), max_length=64)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    approximate = forms.BooleanField(
        label=_("The address is only approximate (e.g. just a town)"), required=False
    )
    location_notes = _notes(_("Directions at the venue"))
    conference_url = forms.URLField(
        label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https"
    )
    conference_url_notes = _notes(_("Notes for joining online (meeting id, passcode)"))
    conference_phone = _text(_("Dial-in phone"), max_length=64, validators=[phone_characters])
    conference_phone_notes = _notes(_("Notes for joining by phone"))
    attendance = forms.ChoiceField(
        label=_("How people attend"),
        required=False,
        choices=[("", _("Decide from the address and online details")), *Attendance.choices],
    )
    types = _text(
        _("Type codes"),
        max_length=500,
        help_text=_("Codes of the fellowship's list, separated by commas: e.g. O, D, WC."),
    )
    group = _text(_("Group"), max_length=300)
    notes = _notes(_("Notes"))

    def clean_fellowship(self) -> str:
        return str(self.cleaned_data["fellowship"]).strip().upper()

    def clean_timezone(self) -> str:
        zone = str(self.cleaned_data.get("timezone") or "").strip()
        if zone and not is_timezone(zone):
            raise forms.ValidationError(
                _("%(zone)s is not a time zone name; use one like America/Chicago."),
                params={"zone": zone[:64]},
            )
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both coordinates, or neither."))
        return data

    def type_codes(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(known codes, unknown codes) of the fellowship's list, as an import resolves them."""
        tokens = [token for token in _CODE_SPLIT.split(self.cleaned_data["types"]) if token]
        resolver = CodeResolver(code_table(self.cleaned_data["fellowship"]), {})
        return resolver.resolve(tokens)

    def to_canonical(
        self, *, base: CanonicalMeeting | None, base_attendance: tuple[str, str] | None = None
    ) -> CanonicalMeeting:
        """The meeting the form describes. ``base`` is the meeting being edited: what the form
        does not show (contacts, regions, 7th-Tradition handles…) is kept from it."""
        data = self.cleaned_data
        start: time = data["start_time"]
        end: time = data["end_time"] or end_from_start(start=start, duration=DEFAULT_DURATION)
        known, unknown = self.type_codes()
        parts = {name: data[name].strip() for name in ("address", "city", "state", "postal_code")}
        parts["country"] = data["country"].strip()
        if base is not None and all(getattr(base, k) == v for k, v in parts.items()):
            formatted = base.formatted_address  # keep the source's own wording
        else:
            formatted = format_address(**parts)
        attendance, reason = self._attendance(
            known, formatted=formatted, parts=parts, base_attendance=base_attendance
        )
        values: dict[str, Any] = {
            "name": data["name"].strip(),
            "fellowship": data["fellowship"],
            "day": data["day"],
            "start": start,
            "end": end,
            "duration": duration_between(start=start, end=end),
            "timezone": data["timezone"] or None,
            "location": data["location"].strip(),
            **parts,
            "formatted_address": formatted,
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "approximate": bool(data["approximate"]),
            "location_notes": data["location_notes"].strip(),
            "conference_url": data["conference_url"].strip(),
            "conference_url_notes": data["conference_url_notes"].strip(),
            "conference_phone": data["conference_phone"].strip(),
            "conference_phone_notes": data["conference_phone_notes"].strip(),
            "attendance": attendance,
            "attendance_reason": reason,
            "types": known,
            "unknown_codes": unknown,
            "group": data["group"].strip(),
            "notes": data["notes"].strip(),
        }
        if base is None:
            return CanonicalMeeting(source_id="", slug="", **values)
        return dataclasses.replace(base, **values)

    def _attendance(
        self,
        types: tuple[str, ...],
        *,
        formatted: str,
        parts: dict[str, str],
        base_attendance: tuple[str, str] | None,
    ) -> tuple[Any, str]:
        chosen = self.cleaned_data["attendance"]
        if chosen:
            if base_attendance is not None and base_attendance[0] == chosen:
                return chosen, base_attendance[1]  # unchanged: keep why it was decided
            return chosen, MAINTAINER_REASON
        return derive_attendance(
            stated=None,
            stated_by="",
            types=types,
            conference_url=self.cleaned_data["conference_url"],
            conference_phone=self.cleaned_data["conference_phone"],
            real_address=bool(parts["address"]) and not self.cleaned_data["approximate"],
        )


def format_address(*, address: str, city: str, state: str, postal_code: str, country: str) -> str:
    """ "123 Main St, Springfield, IL 62701, US" from its parts (empty parts left out)."""
    region = " ".join(part for part in (state, postal_code) if part)
    return ", ".join(part for part in (address, city, region, country) if part)


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    """The form's initial values for an existing meeting."""
    return {
        "name": meeting.name,
        "fellowship": meeting.fellowship.code,
        "day": meeting.day,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "timezone": meeting.timezone,
        "location": meeting.location,
        "address": meeting.address,
        "city": meeting.city,
        "state": meeting.state,
        "postal_code": meeting.postal_code,
        "country": meeting.country,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "approximate": meeting.approximate,
        "location_notes": meeting.location_notes,
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": meeting.conference_phone,
        "conference_phone_notes": meeting.conference_phone_notes,
        "attendance": meeting.attendance,
        "types": ", ".join([*meeting.types, *meeting.unknown_codes]),
        "group": meeting.group,
        "notes": meeting.notes,
    }


class MeetingFilterForm(forms.Form):
    """The maintainer's meeting list: by name, source, whether removed, and what needs a look."""

    q = forms.CharField(label=_("Name contains"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("active", _("Listed meetings")),
            ("removed", _("Removed meetings")),
            ("held", _("With numbers or addresses held for review")),
            ("edited", _("With local edits kept over the feed")),
        ],
    )

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All sources")), *((slug, slug) for slug in sources)]


class ProblemFilterForm(forms.Form):
    """Narrow an import run's problems by severity and reason."""

    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("All")), ("error", _("Errors")), ("warning", _("Warnings"))],
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)

    def __init__(self, *args: Any, reasons: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *((reason, reason) for reason in reasons)]


class ReviewForm(forms.Form):
    # Sent by the Accept or Reject button the maintainer pressed.
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])


class MatReportForm(forms.Form):
    """What a person in recovery or a clinician experienced at a meeting, and when."""

    stance = forms.ChoiceField(
        label=_("What happened?"),
        widget=forms.RadioSelect,
        choices=[
            (Stance.WELCOMING.value, _("I was welcome on my medication")),
            (
                Stance.UNWELCOMING.value,
                _("I was told not to share or was asked to stop my medication"),
            ),
        ],
    )
    observed_on = forms.DateField(
        label=_("When was the meeting?"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Within the last five years; not in the future."),
    )


class SourceForm(forms.Form):
    """A source's settings, as its page edits them (directory.actions.configure_source)."""

    name = _text(_("Name"), max_length=200, required=True)
    url = forms.URLField(
        label=_("Feed address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Its Meeting Guide feed, BMLT search (with &get_used_formats=1) or CSV file, to "
            "import from the web."
        ),
    )
    refresh_hours = forms.IntegerField(
        label=_("Import it again every (hours)"),
        min_value=0,
        max_value=24 * 31,
        required=False,
        help_text=_("Empty or 0: only when you ask. Needs `homegroup refresh-sources` in cron."),
    )
    removal_limit = forms.IntegerField(
        label=_("Refuse an import that removes more than (% of its meetings)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "A file cut short must not empty the source. You can still accept such an import "
            "on its page."
        ),
    )
    contact_policy = forms.ChoiceField(
        label=_("Phone numbers and email addresses in its notes"),
        choices=ContactPolicy.choices,
        widget=forms.RadioSelect,
    )
    default_timezone = forms.CharField(
        label=_("Default time zone"),
        max_length=64,
        required=False,
        help_text=_("For meetings whose feed and pin give none, e.g. America/Denver."),
    )
    default_fellowship = forms.CharField(
        label=_("Default fellowship"),
        max_length=16,
        required=False,
        validators=[fellowship_code],
        help_text=_("For records that name none, e.g. AA or NA."),
    )

    def clean_default_timezone(self) -> str:
        zone = str(self.cleaned_data.get("default_timezone") or "").strip()
        if zone and not is_timezone(zone):
            raise forms.ValidationError(
                _("%(zone)s is not a time zone name; use one like America/Chicago."),
                params={"zone": zone[:64]},
            )
        return zone


def source_initial(source: Source) -> dict[str, Any]:
    return {
        "name": source.name,
        "url": source.url,
        "refresh_hours": source.refresh_hours,
        "removal_limit": source.removal_limit,
        "contact_policy": source.contact_policy,
        "default_timezone": source.default_timezone,
        "default_fellowship": source.default_fellowship.code if source.default_fellowship else "",
    }


class NewSourceForm(forms.Form):
    """A new source to import from the web."""

    name = _text(_("Name"), max_length=200, required=True, help_text=_("e.g. Denver Area AA."))
    url = forms.URLField(
        label=_("Feed address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Its Meeting Guide feed, BMLT search or CSV file."),
    )


class PublishContactForm(forms.Form):
    # The held value the maintainer's "Publish" button names.
    value = forms.CharField(max_length=300)


class MatStatementForm(forms.Form):
    """A statement about people on medication that a maintainer records for a meeting: the
    group's own (by email, at a business meeting…) or the maintainer's own check."""

    kind = forms.ChoiceField(
        label=_("Who says so"),
        widget=forms.RadioSelect,
        choices=[
            (EvidenceKind.PUBLISHER_STATEMENT.value, _("The group itself (its own statement)")),
            (EvidenceKind.MAINTAINER.value, _("I checked with the meeting myself")),
        ],
    )
    stance = forms.ChoiceField(
        label=_("What was said"),
        widget=forms.RadioSelect,
        choices=[
            (Stance.WELCOMING.value, _("People on medication are welcome, as full members")),
            (
                Stance.UNWELCOMING.value,
                _("People on medication are asked not to share, lead or count their time"),
            ),
        ],
    )
    summary = forms.CharField(
        label=_("In their words"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on the meeting's page. Say what was stated, never who in the group said it."
        ),
    )
    observed_on = forms.DateField(
        label=_("When was it said?"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
