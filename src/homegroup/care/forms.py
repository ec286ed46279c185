from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homegroup.care.models import BODY_MAX


class CounselingNoteForm(forms.Form):
    session_date = forms.DateField(
        label=_("Session date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label=_("Note"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Only you can read it. It is not part of the person's record, exports or shares."
        ),
    )
