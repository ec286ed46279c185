"""What an import's problems mean, in plain words, for the run page and `import-feed`'s output.

Importers report each problem with a stable key (``reason``, for counting and filtering) and a
message that quotes what the feed said ("the time '25:99' is not a time of day"). A maintainer
reads neither keys nor parser jargon: this catalogue names each kind in words, and
``describe`` gives one problem as a sentence with where it is (the file's line or the
record's number).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PROBLEM_KINDS: dict[str, Promise] = {
    # Skipped records
    "unpublished": _("Unpublished at the source"),
    "missing_slug": _("No identifier"),
    "missing_name": _("No name"),
    "missing_day": _("No day of the week"),
    "invalid_day": _("A day that is not a day of the week"),
    "missing_time": _("No start time"),
    "invalid_time": _("A start time that is not a time of day"),
    "not_an_object": _("Not a meeting record"),
    "unreadable_row": _("A row or line that cannot be read"),
    "duplicate_id": _("The same identifier twice"),
    "no_timezone": _("No time zone"),
    # Kept, with a warning
    "repeated_in_files": _("The same meeting in two files (counted once)"),
    "invalid_end_time": _("An end time that is not a time of day"),
    "invalid_duration": _("A duration that is not a length of time"),
    "long_duration": _("An unusually long meeting"),
    "unknown_code": _("Type codes this fellowship's list does not know (kept)"),
    "invalid_url": _("A web address that is not one (dropped)"),
    "url_scheme_added": _("A web address without http(s)://"),
    "invalid_phone": _("A phone number that cannot be dialled (dropped)"),
    "invalid_flag": _("Neither yes nor no"),
    "invalid_coordinates": _("Coordinates that are not a place (dropped)"),
    "partial_coordinates": _("Only one coordinate (dropped)"),
    "invalid_timezone": _("A time zone that is not one"),
    "invalid_updated": _("A last-updated date that is not a date"),
    "invalid_attendance": _("An attendance mode we do not know"),
    "invalid_fellowship": _("A fellowship we do not know"),
    "unknown_conference_provider": _("An online meeting link off the known providers (kept)"),
    "slug_rewritten": _("An identifier that is not URL-safe"),
    "long_slug": _("An identifier longer than 64 characters (kept in full)"),
    "street_in_location": _("The street in the venue's name"),
    "no_formats_table": _("No formats table for a BMLT feed"),
    "empty_feed": _("An empty feed"),
    "not_text": _("Structured data where text belongs (ignored)"),
    "too_long": _("Text longer than the directory keeps (cut)"),
    "bidi_controls": _("Text-direction override characters (removed)"),
    "contact_in_text": _("A phone number or email address in the notes"),
}


def kind_label(reason: str) -> str:
    """The kind of problem in words; an unknown key (from an older run) as it is."""
    label = PROBLEM_KINDS.get(reason)
    return str(label) if label is not None else reason or gettext("Other")


def sentence(message: str) -> str:
    """A problem's message as a sentence: capitalised, ending with a full stop."""
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")", "'", '"')) else text + "."


def where(problem: Mapping[str, Any], *, several_files: bool) -> str:
    """Where a problem is: "line 40", "record 12", with the file when a run read several."""
    position = str(problem.get("position") or "")
    file = str(problem.get("file") or "")
    return f"{file}, {position}" if several_files and file else position


def describe(problem: Mapping[str, Any], *, several_files: bool = False) -> str:
    """One problem in one line: "line 40 (8): No start time: the time '25:99' is not ..."."""
    slug = problem.get("slug")
    place = where(problem, several_files=several_files) + (f" ({slug})" if slug else "")
    kind = kind_label(str(problem.get("reason") or ""))
    action = gettext("skipped") if problem.get("skipped") else gettext("kept")
    return f"{place}: {kind}, {action}. {sentence(str(problem.get('message') or ''))}"
