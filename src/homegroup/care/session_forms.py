from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homegroup.care import session_topics
from homegroup.care.session_actions import SessionValues
from homegroup.care.session_models import (
    MAX_DURATION,
    MAX_SESSION_NUMBER,
    REVIEW_NOTES_MAX,
    SUMMARY_MAX,
    Modality,
)
from homegroup.journal.tasks import TASK_TEXT_MAX, TaskKind


class TopicChoiceForm(forms.Form):
    """The GET form that picks the topic, so the page shows that topic's checklist."""

    topic = forms.ChoiceField(label=_("Topic"), choices=session_topics.choices)


class SessionForm(forms.Form):
    number = forms.IntegerField(
        label=_("Session number"), min_value=1, max_value=MAX_SESSION_NUMBER
    )
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=MAX_DURATION
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    review_notes = forms.CharField(
        label=_("What the person told you since last time"),
        required=False,
        max_length=REVIEW_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Reactions to meetings, barriers (medication stigma too), sponsor, urges and what "
            "they did, in their words. Your own analysis belongs in a counseling note."
        ),
    )
    items_covered = forms.MultipleChoiceField(
        label=_("New material covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you covered: this is the session's fidelity record."),
    )
    summary = forms.CharField(
        label=_("Summary for the person"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Plain language, kind, for them to take home. It is printed on their summary page."
        ),
    )

    def __init__(self, *args: Any, topic: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic = topic
        chosen = session_topics.topic(topic)
        self.fields["items_covered"].choices = [  # type: ignore[attr-defined]
            (item.code, item.text) for item in chosen.items
        ]
        self.fields["items_covered"].label = _("New material: %(topic)s") % {"topic": chosen.title}

    def values(self) -> SessionValues:
        data = self.cleaned_data
        return SessionValues(
            number=data["number"],
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            modality=data["modality"],
            topic=self.topic,
            items_covered=list(data["items_covered"]),
            review_notes=data["review_notes"],
            summary=data["summary"],
        )


class TaskForm(forms.Form):
    """A task in words (a meeting task is picked from the directory instead)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(value, label) for value, label in TaskKind.choices if value != TaskKind.MEETING],
    )
    text = forms.CharField(
        label=_("What to do"),
        max_length=TASK_TEXT_MAX,
        help_text=_("For example: read 'The A.A. Member — Medications and Other Drugs'."),
    )


class MeetingTaskForm(forms.Form):
    meeting = forms.SlugField(widget=forms.HiddenInput, max_length=100)
