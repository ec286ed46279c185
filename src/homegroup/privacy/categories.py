"""The vocabulary of data categories: what a consent describes and what the gate filters by.

Apps that hold a person's data tag each model's QuerySet with one of these (`category = ...`),
and a disclosure lets through only the categories a consent names (P2-01's "specific description
of the information"). The values are stored in consents and disclosure records: never rename one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CHECK_INS = "check_ins", _("Daily check-ins (mood, cravings)")
    MEETINGS_AND_ACTIVITIES = "meetings_and_activities", _("Meetings and 12-step activities")
    RECOVERY_TIME = "recovery_time", _("Recovery time and milestones")
    MEDICATION = "medication", _("Medication and how it was taken")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    NETWORK = "network", _("Support network")
    MEASURES = "measures", _("Questionnaires and measures")
    PRIVATE_NOTES = "private_notes", _("Private notes")
    COUNSELING_NOTES = "counseling_notes", _("SUD counseling notes")
    # The program's clinical record about the person (care, issue 15): Twelve-Step Facilitation
    # sessions and the recovery tasks set in them. Shared with a care team under a consent that
    # names it; the person always sees their own tasks and session summaries.
    TSF_SESSIONS = "tsf_sessions", _("TSF sessions and recovery tasks")


# The vocabulary's order, once (`Category.values` builds its list anew on every call).
ORDER: tuple[str, ...] = tuple(Category.values)
ALL = frozenset(ORDER)

# Private notes are shared only when the person ticks them; counseling notes only through a
# counseling-notes consent (P2-03), so neither is ever pre-selected or part of a general share.
OFF_UNLESS_CHOSEN = frozenset({Category.PRIVATE_NOTES.value, Category.COUNSELING_NOTES.value})
GENERAL = ALL - {Category.COUNSELING_NOTES.value}
DEFAULT_FOR_PROGRAM = GENERAL - {Category.PRIVATE_NOTES.value}
# A care team's own record: a sponsor's or a friend's view shows none of it, so it is not offered.
CARE_RECORD = frozenset({Category.TSF_SESSIONS.value})
FOR_SUPPORTER_CHOICES = GENERAL - CARE_RECORD
# What a view of the person's journal (the record page, its exports, a sponsor's view) asks the
# gate for: the sessions have their own pages, so a record view never accounts for them.
JOURNAL = GENERAL - CARE_RECORD
DEFAULT_FOR_SUPPORTER = frozenset(
    {Category.MEETINGS_AND_ACTIVITIES.value, Category.RECOVERY_TIME.value}
)
# What break-glass (H-02) opens: what an emergency may need, never the person's private notes
# or the counselor's analysis of their sessions.
BREAK_GLASS = ALL - OFF_UNLESS_CHOSEN


# When a category joined the vocabulary. A program consent signed before then could not name it,
# so the person is asked on their home page whether to add it (by signing a new consent); nothing
# is ever added for them, and a consent to that program signed since is their answer.
INTRODUCED: dict[str, datetime] = {
    Category.TSF_SESSIONS.value: datetime(2026, 12, 6, 10, 41, tzinfo=UTC),
}


def new_since(signed_at: datetime, chosen: frozenset[str] | set[str] | list[str]) -> frozenset[str]:
    """Program defaults that did not exist when a consent was signed and that it lacks."""
    return frozenset(
        value
        for value, since in INTRODUCED.items()
        if signed_at < since and value not in chosen and value in DEFAULT_FOR_PROGRAM
    )


def label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return value


def ordered(values: frozenset[str] | set[str] | list[str]) -> list[str]:
    """Values in the vocabulary's order, so texts and hashes never depend on set order."""
    chosen = set(values)
    return [value for value in ORDER if value in chosen]
