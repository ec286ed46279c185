"""The words of a person's own pages that change in discreet mode, kept in one place.

On a shared phone, discreet mode must leave nothing on screen that says "recovery": every word
a person's navigation, home page and safety bar show comes from here, in a plain and a neutral
form ("My recovery time" → "Days", "Help now" → "Support"). Templates read them as
`{{ words.<key> }}` (journal.context_processors.safety picks the form).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# key: (plain, discreet)
WORDS: dict[str, tuple[Promise, Promise]] = {
    "brand": (_("Homegroup"), _("Notes")),
    "help_now": (_("Help now"), _("Support")),
    "quick_exit": (_("Quick exit"), _("Quick exit")),
    "today": (_("Today"), _("Today")),
    "check_in": (_("Check in"), _("Add")),
    "calendar": (_("Calendar"), _("Calendar")),
    "meetings": (_("Meetings"), _("Groups")),
    "more": (_("More"), _("More")),
    "recovery_time": (_("My recovery time"), _("Days")),
    "medication": (_("Medication"), _("Daily items")),
    "twelve_step": (_("12-step life"), _("Groups and steps")),
    "network": (_("My network"), _("People")),
    "measures": (_("Questionnaires"), _("Questions")),
    "progress": (_("My progress"), _("Charts")),
    "data": (_("My data"), _("My data")),
    "audit": (_("Who saw my record"), _("Who opened my notes")),
    "sharing": (_("Sharing"), _("Sharing")),
    "settings": (_("Settings"), _("Settings")),
    "account": (_("Account"), _("Account")),
    "sign_out": (_("Sign out"), _("Sign out")),
    "find_meeting": (_("Find a meeting"), _("Find a group")),
    "from_counselor": (_("From your counselor"), _("Requests")),
    "new_to_share": (_("Something new you can share"), _("A sharing choice")),
    "next_meeting": (_("Your next meeting"), _("Next group")),
    "usual_day": (_("A usual day"), _("As usual")),
    "craving": (_("Craving (0 = none, 10 = the strongest)"), _("Level (0 to 10)")),
    "mood": (_("How are you feeling? Tap to save."), _("How is today? Tap to save.")),
    "no_use": (_("no alcohol or drugs"), _("as planned")),
    "taken": (_("taken"), _("done")),
    "journal": (_("Journal"), _("Notes")),
    "support_panel": (_("Need help right now?"), _("Support")),
}


def words(*, discreet: bool) -> dict[str, str]:
    index = 1 if discreet else 0
    return {key: str(pair[index]) for key, pair in WORDS.items()}
