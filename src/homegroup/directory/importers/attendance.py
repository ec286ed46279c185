"""How a meeting can be attended, decided by one rule for every source.

The peers use four different rules (TSML plugin, TSML UI, pdf12step, BMLT); this is ours. The
first step that applies decides, and its reason is kept with the meeting:

1. **The source says so.** A TSML ``attendance_option`` (``in_person``, ``hybrid``, ``online``,
   ``inactive``) or a BMLT ``venue_type`` (1 in person, 2 virtual, 3 hybrid) wins, with two
   refinements for a ``TC`` code (location temporarily closed), which is more specific:
   a stated ``in_person`` or ``inactive`` becomes ``temporarily_closed`` (TSML has no such
   value and says "inactive"), and a stated ``hybrid`` becomes ``online`` (BMLT calls this
   "temporarily virtual").
2. **TC** (location temporarily closed): ``online`` if there is an online way to attend (a
   conference URL or phone), else ``temporarily_closed``.
3. **Online details** (a conference URL or phone) and a real address → ``hybrid``.
4. **Online details** without a real address, or an ``ONL`` code with an approximate or no
   address → ``online``.
5. **A real address** → ``in_person`` (an ``ONL`` code with a real address but no way to join
   online stays in person, and the reason says so).
6. Nothing to go on → ``inactive``.

A *real address* is a place to go to, judged by the normaliser from what its format can say:
for Meeting Guide feeds, a street-level address not flagged ``approximate`` (without the flag:
a street part, or a formatted address with a house number or four or more parts); for BMLT,
where every meeting's pin is placed by hand, a street or a named venue with coordinates.

Conference URLs are checked against a list of known providers (the Meeting Guide app's list,
plus Zoom for Government and Whereby): a URL off the list is kept and reported as a warning,
never dropped, so the meeting does not silently turn "inactive" as it does in TSML UI.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final
from urllib.parse import urlsplit

from homegroup.directory.importers.canonical import Attendance

KNOWN_CONFERENCE_PROVIDERS: Final[dict[str, str]] = {
    "bluejeans.com": "BlueJeans",
    "discord.com": "Discord",
    "discord.gg": "Discord",
    "freeconference.com": "Free Conference",
    "freeconferencecall.com": "FreeConferenceCall",
    "goto.com": "GoTo",
    "gotomeet.me": "GoTo",
    "gotomeeting.com": "GoTo",
    "horizon.meta.com": "Virtual Reality",
    "maps.secondlife.com": "Virtual Reality",
    "meet.google.com": "Google Meet",
    "meet.jit.si": "Jitsi",
    "meetings.dialpad.com": "Dialpad",
    "signal.group": "Signal",
    "skype.com": "Skype",
    "slurl.com": "Virtual Reality",
    "teams.live.com": "Teams",
    "teams.microsoft.com": "Teams",
    "vrchat.com": "Virtual Reality",
    "webex.com": "WebEx",
    "whereby.com": "Whereby",
    "zoho.com": "Zoho",
    "zoom.us": "Zoom",
    "zoomgov.com": "Zoom",
}

TSML_ATTENDANCE: Final[dict[str, Attendance]] = {
    "in_person": "in_person",
    "hybrid": "hybrid",
    "online": "online",
    "inactive": "inactive",
}
BMLT_VENUE_TYPES: Final[dict[str, Attendance]] = {"1": "in_person", "2": "online", "3": "hybrid"}


def conference_provider(url: str) -> str | None:
    """The provider's name if the URL's host is (a subdomain of) a known provider."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for domain, name in KNOWN_CONFERENCE_PROVIDERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def derive_attendance(
    *,
    stated: Attendance | None,
    stated_by: str,
    types: Collection[str],
    conference_url: str,
    conference_phone: str,
    real_address: bool,
) -> tuple[Attendance, str]:
    """Apply the module's rule; returns the mode and the reason, in words, for the record.

    ``stated`` is the source's explicit mode (already translated from its vocabulary) and
    ``stated_by`` names where it came from, e.g. "attendance_option 'hybrid'".
    ``real_address`` is the normaliser's judgement that the meeting has a place to go to.
    """
    closed = "TC" in types
    online_way = bool(conference_url or conference_phone)
    if stated is not None:
        if closed and stated in ("in_person", "inactive"):
            return "temporarily_closed", f"source {stated_by} with TC (location temporarily closed)"
        if closed and stated == "hybrid":
            return "online", f"source {stated_by} with TC: online only while the location is closed"
        return stated, f"source {stated_by}"
    if closed:
        if online_way:
            return "online", "TC (location temporarily closed) with a conference URL or phone"
        return "temporarily_closed", "TC (location temporarily closed), no way to attend online"
    if online_way and real_address:
        return "hybrid", "conference URL or phone and a street address"
    if online_way:
        return "online", "conference URL or phone and an approximate or no address"
    if "ONL" in types and not real_address:
        return "online", "ONL code and an approximate or no address"
    if real_address:
        if "ONL" in types:
            return "in_person", "street address; ONL code but no conference URL or phone"
        return "in_person", "street address, no online details"
    return "inactive", "no street address and no way to attend online"
