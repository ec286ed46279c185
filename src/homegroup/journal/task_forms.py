from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homegroup.journal.tasks import REASON_MAX, TaskStatus


class TaskOutcomeForm(forms.Form):
    """Done, not done (with a reason, if the person wants to give one), or back to not yet."""

    status = forms.ChoiceField(choices=TaskStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("What got in the way? (optional)"), max_length=REASON_MAX, required=False
    )
