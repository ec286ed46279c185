"""Clinicians' own records about the people they care for.

`CounselingNote` is the SUD counseling note of 42 CFR 2.11 (P2-03): a clinician's notes analysing
a counseling conversation. It lives in its own table, apart from the person's journal, its body
is encrypted, and it is **author-only**: `visible_to(user)` is the notes that user wrote (not the
person's, not the rest of the care team's). It leaves its author only through a disclosure that a
counseling-notes consent allows (`rules.decide` keeps the category out of every other consent and
out of break-glass), so every export, search, API and FHIR path leaves it out by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homegroup.encryption.fields import EncryptedTextField
from homegroup.privacy import rules
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

if TYPE_CHECKING:
    from homegroup.privacy.gate import Disclosure

BODY_MAX = 20_000


class CounselingNoteQuerySet(PersonRecordQuerySet["CounselingNote"]):
    category = Category.COUNSELING_NOTES.value

    def visible_to(self, user: Any) -> CounselingNoteQuerySet:
        """The notes the user wrote: author-only (P2-03), so not even the person's own pages
        or another clinician of the care team find them."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(author=user)

    def disclosed(self, disclosure: Disclosure) -> CounselingNoteQuerySet:
        # A person's own read is not a release: only a counseling-notes consent is.
        if disclosure.basis != rules.CONSENT:
            return self.none()
        return super().disclosed(disclosure)  # type: ignore[return-value]

    def about(self, person: Any) -> CounselingNoteQuerySet:
        return self.filter(person=person)


class CounselingNote(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counseling_notes_written",
        help_text=_("The clinician who held the session and wrote the note: its only reader."),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="counseling_notes_about",
        help_text=_("The person in recovery the session was with."),
    )
    session_date = models.DateField(_("session date"))
    body = EncryptedTextField(
        _("note"),
        help_text=_("The clinician's analysis of the session. Encrypted; never exported."),
        bound_to=("author_id", "person_id", "created_at"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CounselingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-id"]
        indexes = [models.Index(fields=["author", "person"], name="counseling_note_author")]

    def __str__(self) -> str:
        return f"counseling note {self.pk}"


# Twelve-Step Facilitation sessions live in their own module (issue 15); imported here so Django
# finds the model.
from homegroup.care.session_models import TSFSession  # noqa: E402, F401
