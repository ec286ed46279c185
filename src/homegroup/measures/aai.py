"""The core of the Alcoholics Anonymous Involvement scale (AAI; Tonigan, Connors & Miller 1996),
as Cloud, Ziegler & Blondell 2004 chose it. Sources and licence: docs/references.md ("AAI core").

Three of the AAI's items explained as much of the variance in percent days abstinent as all nine
they were compared with: meetings attended in the period, steps completed (0-12), and whether the
person considers themselves a member. Together the three form a composite with an internal
consistency of α = 0.72 (Cloud 2004); this module does not compute a composite number (its
published form is not specified here), so the score is the three answers plus meetings per week,
set against the "weekly or more" mark (Fiorentine 1999).

Adaptations, labelled as such on the result page: "a 12-step fellowship" replaces "AA" so that
NA, CA or MARA members answer the same questions, the period is the past 90 days, and the
wording is this project's (verify against the CASAA copy of the AAI before using it in research).
This is not the AA Affiliation Scale (Humphreys, Kaskutas & Weisner 1998), a different,
nine-item instrument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homegroup.measures.base import Answers, Choice, Instrument, Item, Scale, clean_answers
from homegroup.measures.text import gettext_noop as _

ID = "aai-core"
VERSION = "1"
PERIOD_DAYS = 90
MAX_MEETINGS = 500  # more than five a day for 90 days is a typing slip, not an answer

INSTRUMENT = Instrument(
    id=ID,
    version=VERSION,
    title=_("12-step involvement (AAI core)"),
    period_days=PERIOD_DAYS,
    source="Cloud RN et al. 2004; Tonigan JS, Connors GJ, Miller WR 1996 (AAI)",
    instructions=_("Three questions about your 12-step fellowship, over the past 90 days."),
    items=(
        Item(
            "meetings",
            _("In the past 90 days, how many 12-step meetings did you attend?"),
            Scale("meetings", "count", minimum=0, maximum=MAX_MEETINGS),
            short=_("Meetings in the past 90 days"),
        ),
        Item(
            "steps",
            _("How many of the 12 steps have you completed?"),
            Scale("steps", "count", minimum=0, maximum=12),
            short=_("Steps completed"),
        ),
        Item(
            "member",
            _("Do you consider yourself a member of a 12-step fellowship?"),
            Scale("no_yes", "choice", (Choice(0, _("No")), Choice(1, _("Yes")))),
            short=_("Considers self a member"),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class AaiCoreScore:
    meetings: int
    steps: int
    member: bool
    meetings_per_week: float

    @property
    def weekly_or_more(self) -> bool:
        """Weekly or more participation is where the benefit was seen (Fiorentine 1999)."""
        return self.meetings_per_week >= 1

    def as_json(self) -> dict[str, Any]:
        return {
            "meetings": self.meetings,
            "steps": self.steps,
            "member": self.member,
            "meetings_per_week": self.meetings_per_week,
            "weekly_or_more": self.weekly_or_more,
        }


def validate(raw: Mapping[str, object]) -> Answers:
    return clean_answers(INSTRUMENT, raw)


def score(raw: Mapping[str, object]) -> AaiCoreScore:
    answers = validate(raw)
    meetings, steps, member = (int(answers[key] or 0) for key in ("meetings", "steps", "member"))
    return AaiCoreScore(
        meetings=meetings,
        steps=steps,
        member=member == 1,
        meetings_per_week=round(meetings / (PERIOD_DAYS / 7), 1),
    )
