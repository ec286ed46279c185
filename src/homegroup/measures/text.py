"""Marks the instruments' English wording for translation without importing Django.

``gettext_noop`` is one of the keywords Django's ``makemessages`` extracts, so the strings below
land in the catalogue; the pages translate them when they show them.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    return message
