from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homegroup.privacy import categories, rules
from homegroup.privacy.categories import Category
from homegroup.privacy.models import ExpiryKind, Program, Purpose, ReviewOutcome

SIGNATURE_HELP = _(
    "Entering your password is your signature: it shows this consent comes from you."
)


class DateInput(forms.DateInput):
    input_type = "date"


def _password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your password, to sign"),
        strip=False,
        max_length=512,
        help_text=SIGNATURE_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _category_field(
    choices: list[tuple[str, Any]], initial: frozenset[str], help_text: Any = ""
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("What to share"),
        choices=choices,
        initial=sorted(initial),
        required=False,  # an empty choice is explained by the consent's own validation
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


PROGRAM_KINDS = [
    (rules.TPO, _("My care: treatment, payment and health care operations")),
    (rules.COUNSELING_NOTES, _("My counseling notes only (a separate consent)")),
    (rules.RESEARCH, _("A research study of the program")),
]
PURPOSES_FOR_PROGRAM_KIND = {
    rules.TPO: rules.TPO_PURPOSES,
    rules.COUNSELING_NOTES: frozenset({rules.TREATMENT}),
    rules.RESEARCH: frozenset({rules.RESEARCH_PURPOSE}),
}


class ProgramShareForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Share with"), queryset=Program.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("For"), choices=PROGRAM_KINDS, initial=rules.TPO, widget=forms.RadioSelect
    )
    categories = _category_field(
        [(c.value, c.label) for c in Category],
        categories.DEFAULT_FOR_PROGRAM,
        _(
            "Your care team sees only what you tick. Private notes stay private unless you tick "
            "them. Counseling notes are shared only by a consent of their own."
        ),
    )
    expiry_kind = forms.ChoiceField(
        label=_("Until"),
        choices=ExpiryKind.choices,
        initial=ExpiryKind.END_OF_TREATMENT,
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=_("End date (if you chose a date)"), required=False, widget=DateInput()
    )
    password = _password_field()

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def purposes(self) -> frozenset[str]:
        return PURPOSES_FOR_PROGRAM_KIND[self.cleaned_data["kind"]]


def _in_three_months() -> date:
    return timezone.now().date() + timedelta(days=91)


class SupporterShareForm(forms.Form):
    recipient_label = forms.CharField(
        label=_("Who is it for?"),
        max_length=80,
        help_text=_("As you know them, for example 'Sam, my sponsor'. Only you see this."),
    )
    categories = _category_field(
        [(c.value, c.label) for c in Category if c.value in categories.FOR_SUPPORTER_CHOICES],
        categories.DEFAULT_FOR_SUPPORTER,
        _("They see only what you tick. Private notes stay private unless you tick them."),
    )
    expires_on = forms.DateField(label=_("Until"), initial=_in_three_months, widget=DateInput())
    password = _password_field()


class RevokeForm(forms.Form):
    attested = forms.BooleanField(
        label=_("I revoke this consent: stop sharing now"),
        required=True,
        error_messages={"required": _("Tick the box to confirm you want to stop sharing.")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class RestrictionForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Never share"),
        choices=[(c.value, c.label) for c in Category],
        widget=forms.CheckboxSelectMultiple,
    )
    recipient = forms.ChoiceField(label=_("With"), required=False)
    purpose = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("any purpose")), *Purpose.choices],
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", _("anyone")), *recipients]  # type: ignore[attr-defined]


class AssignClinicianForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    clinician = forms.TypedChoiceField(label=_("Add a clinician"), coerce=int)

    def __init__(self, *args: Any, clinicians: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].choices = clinicians  # type: ignore[attr-defined]


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your program admin reviews every emergency access and its reason."),
    )
    attested = forms.BooleanField(
        label=_("This is an emergency and I need the record to care for this person."),
        required=True,
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WindowForm(forms.Form):
    """?from=&to= of the accounting page (field names that are Python keywords)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
