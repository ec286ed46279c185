"""The Brief Addiction Monitor (BAM), 17 items about the past 30 days (U.S. Department of Veterans
Affairs; Cacciola et al. 2013). Sources, licence and the adaptations: docs/references.md ("BAM").

Scoring (the VA's BAM manual, as in shared/reference/recovery-care.md §2):

- Day items store the **raw count of days** (0-30); their 0-4 item score is the days category
  0 → 0, 1-3 → 1, 4-8 → 2, 9-15 → 3, 16-30 → 4 (``days_category``).
- Choice items store the value of the chosen answer, which is their item score: item 1
  Excellent 0 · Very good 1 · Good 2 · Fair 3 · Poor 4; item 14 No 0 · Yes 4; the extent items
  (8, 9, 12, 15, 17) Not at all 0 · Slightly 1 · Moderately 2 · Considerably 3 · Extremely 4.
- Item 5 is not asked (stored None, scores 0) when item 4 is 0; items 7A-G are not asked when
  item 6 is 0, and are never scored: they say which drugs item 6 was about.
- Composites: Use = 4+5+6 (0-12); Risk = 1+2+3+8+11+15 (0-24); Protective =
  9+10+12+13+14+16 (0-24). These sums and their flag lines are the VA manual's (Cacciola 2013
  reports factor T-scores instead, which this module does not compute). Item 17 is in no
  composite. No total score is validated, so none is computed. Flags: Use ≥ 1, Risk ≥ 12,
  Protective ≤ 12; nothing is said beyond the flags.

Versions (a stored answer keeps its version; `homegroup rescore-measures` moves answers):

- ``1``: the first transcription.
- ``2`` (current), closer to the VA form: item 5 counts 4 drinks "if you are a woman or over 65"
  (the VA form's version of the item); item 11 keeps the VA's "(i.e., around risky people,
  places or things)"; items 7A-G carry the VA stem "how many days did you use any of the
  following drugs", with 7F and 7G in the VA form's words, and each must be at most item 6's
  days. Adaptations kept from version 1: item 6 says "take a prescription medication other than
  as prescribed" where the VA says "abuse"; item 5 explains a standard drink; 7E names methadone
  or buprenorphine not taken as prescribed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from homegroup.measures.base import (
    AnswerProblem,
    Answers,
    AnswersInvalid,
    Choice,
    Instrument,
    Item,
    Scale,
    clean_answers,
)
from homegroup.measures.text import gettext_noop as _

ID = "bam"
VERSION = "2"
VERSION_1 = "1"

USE_FLAG_AT_LEAST = 1
RISK_FLAG_AT_LEAST = 12
PROTECTIVE_FLAG_AT_MOST = 12

DAYS = Scale("days", "days", minimum=0, maximum=30)
HEALTH = Scale(
    "health",
    "choice",
    (
        Choice(0, _("Excellent")),
        Choice(1, _("Very good")),
        Choice(2, _("Good")),
        Choice(3, _("Fair")),
        Choice(4, _("Poor")),
    ),
)
EXTENT = Scale(
    "extent",
    "choice",
    (
        Choice(0, _("Not at all")),
        Choice(1, _("Slightly")),
        Choice(2, _("Moderately")),
        Choice(3, _("Considerably")),
        Choice(4, _("Extremely")),
    ),
)
NO_YES = Scale("no_yes", "choice", (Choice(0, _("No")), Choice(4, _("Yes"))))

INSTRUMENT_V1 = Instrument(
    id=ID,
    version=VERSION_1,
    title=_("Brief Addiction Monitor"),
    period_days=30,
    source="Cacciola JS et al. 2013, J Subst Abuse Treat 44(3):256-263; VA BAM manual",
    instructions=_(
        "These questions are about the past 30 days. There are no right answers: "
        "answer as best you can."
    ),
    items=(
        Item(
            "1",
            _("In the past 30 days, would you say your physical health has been…"),
            HEALTH,
            domain="risk",
            short=_("Physical health"),
        ),
        Item(
            "2",
            _(
                "In the past 30 days, how many nights did you have trouble falling asleep or "
                "staying asleep?"
            ),
            DAYS,
            domain="risk",
            short=_("Trouble sleeping"),
        ),
        Item(
            "3",
            _(
                "In the past 30 days, how many days have you felt depressed, anxious, angry or "
                "very upset throughout most of the day?"
            ),
            DAYS,
            domain="risk",
            short=_("Difficult moods"),
        ),
        Item(
            "4",
            _("In the past 30 days, how many days did you drink any alcohol?"),
            DAYS,
            domain="use",
            short=_("Any alcohol"),
        ),
        Item(
            "5",
            _(
                "In the past 30 days, how many days did you have at least 5 drinks (if you are a "
                "man) or at least 4 drinks (if you are a woman)? One drink is a 12-ounce beer, a "
                "5-ounce glass of wine or a 1.5-ounce shot of liquor."
            ),
            DAYS,
            domain="use",
            skipped_when_zero="4",
            short=_("Heavy drinking"),
        ),
        Item(
            "6",
            _(
                "In the past 30 days, how many days did you use any illegal or street drugs, or "
                "take a prescription medication other than as prescribed?"
            ),
            DAYS,
            domain="use",
            short=_("Drug use"),
        ),
        Item(
            "7A",
            _("Marijuana (cannabis, pot, weed)"),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Marijuana"),
        ),
        Item(
            "7B",
            _("Sedatives or tranquilizers (for example benzos, sleeping pills, barbiturates)"),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Sedatives or tranquilizers"),
        ),
        Item(
            "7C",
            _("Cocaine or crack"),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Cocaine or crack"),
        ),
        Item(
            "7D",
            _(
                "Other stimulants (for example amphetamine, methamphetamine, prescription "
                "stimulants)"
            ),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Other stimulants"),
        ),
        Item(
            "7E",
            _(
                "Opiates (for example heroin, fentanyl, oxycodone, morphine, or methadone or "
                "buprenorphine not taken as prescribed)"
            ),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Opiates"),
        ),
        Item(
            "7F",
            _("Inhalants (for example glue, solvents, paint thinner)"),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Inhalants"),
        ),
        Item(
            "7G",
            _(
                "Other drugs (for example steroids, over-the-counter sleep or diet pills, "
                "unknown pills)"
            ),
            DAYS,
            scored=False,
            skipped_when_zero="6",
            short=_("Other drugs"),
        ),
        Item(
            "8",
            _(
                "In the past 30 days, how much were you bothered by cravings or urges to drink "
                "alcohol or use drugs?"
            ),
            EXTENT,
            domain="risk",
            short=_("Cravings"),
        ),
        Item(
            "9",
            _(
                "How confident are you in your ability to be completely abstinent (clean) from "
                "alcohol and drugs in the next 30 days?"
            ),
            EXTENT,
            domain="protective",
            short=_("Confidence"),
        ),
        Item(
            "10",
            _(
                "In the past 30 days, how many days did you attend self-help meetings like AA or "
                "NA to support your recovery?"
            ),
            DAYS,
            domain="protective",
            short=_("Meetings"),
        ),
        Item(
            "11",
            _(
                "In the past 30 days, how many days were you in any situations or with any "
                "people that might put you at an increased risk for using alcohol or drugs?"
            ),
            DAYS,
            domain="risk",
            short=_("Risky situations"),
        ),
        Item(
            "12",
            _("Does your religion or spirituality help support your recovery?"),
            EXTENT,
            domain="protective",
            short=_("Spirituality"),
        ),
        Item(
            "13",
            _(
                "In the past 30 days, how many days did you spend much of the time at work, "
                "school, or doing volunteer work?"
            ),
            DAYS,
            domain="protective",
            short=_("Work, school or volunteering"),
        ),
        Item(
            "14",
            _(
                "Do you have enough income (from legal sources) to pay for necessities such as "
                "housing, transportation, food and clothing for yourself and your dependents?"
            ),
            NO_YES,
            domain="protective",
            short=_("Enough income"),
        ),
        Item(
            "15",
            _(
                "In the past 30 days, how much have you been bothered by arguments or problems "
                "getting along with any family members or friends?"
            ),
            EXTENT,
            domain="risk",
            short=_("Arguments with family or friends"),
        ),
        Item(
            "16",
            _(
                "In the past 30 days, how many days were you in contact or spent time with any "
                "family members or friends who are supportive of your recovery?"
            ),
            DAYS,
            domain="protective",
            short=_("Supportive family or friends"),
        ),
        Item(
            "17",
            _("How satisfied are you with your progress toward achieving your recovery goals?"),
            EXTENT,
            short=_("Satisfied with progress"),
        ),
    ),
)

DRUG_STEM = _("In the past 30 days, how many days did you use any of the following drugs?")
ASKED_AFTER_DRINKING = _("Asked when you drank alcohol on at least one day.")
ASKED_AFTER_DRUGS = _("Asked when you used drugs on at least one day.")
_V2_CHANGES: dict[str, dict[str, str]] = {
    "5": {
        "text": _(
            "In the past 30 days, how many days did you have at least 5 drinks (at least 4 if "
            "you are a woman or over 65)? One drink is a 12-ounce beer, a 5-ounce glass of wine "
            "or a 1.5-ounce shot of liquor."
        ),
        "asked_when": ASKED_AFTER_DRINKING,
    },
    "7F": {"text": _("Inhalants (glues or adhesives, nail polish remover, paint thinner…)")},
    "7G": {
        "text": _(
            "Other drugs (steroids, non-prescription sleep or diet pills, Benadryl, ephedra, "
            "other over-the-counter or unknown medications)"
        )
    },
    "11": {
        "text": _(
            "In the past 30 days, how many days were you in any situations or with any people "
            "that might put you at an increased risk for using alcohol or drugs (i.e., around "
            "risky people, places or things)?"
        )
    },
}


def _version_2(item: Item) -> Item:
    changes = _V2_CHANGES.get(item.key, {})
    if item.skipped_when_zero == "6":
        changes = {**changes, "stem": DRUG_STEM, "asked_when": ASKED_AFTER_DRUGS}
    return replace(
        item,
        text=changes.get("text", item.text),
        stem=changes.get("stem", item.stem),
        asked_when=changes.get("asked_when", item.asked_when),
    )


INSTRUMENT = replace(
    INSTRUMENT_V1, version=VERSION, items=tuple(_version_2(item) for item in INSTRUMENT_V1.items)
)
VERSIONS: dict[str, Instrument] = {VERSION_1: INSTRUMENT_V1, VERSION: INSTRUMENT}

USE_ITEMS = ("4", "5", "6")
RISK_ITEMS = ("1", "2", "3", "8", "11", "15")
PROTECTIVE_ITEMS = ("9", "10", "12", "13", "14", "16")
DRUG_CLASS_ITEMS = ("7A", "7B", "7C", "7D", "7E", "7F", "7G")


def days_category(days: int) -> int:
    """The 0-4 item score of a raw day count: 0 → 0, 1-3 → 1, 4-8 → 2, 9-15 → 3, 16-30 → 4."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 30:
        raise ValueError(f"a BAM day count is a whole number from 0 to 30, not {days!r}")
    if days == 0:
        return 0
    if days <= 3:
        return 1
    if days <= 8:
        return 2
    if days <= 15:
        return 3
    return 4


def item_score(item: Item, value: int | None) -> int:
    """The 0-4 score of one scored item (a skipped item scores 0)."""
    if value is None:
        return 0
    return days_category(value) if item.scale.kind == "days" else value


@dataclass(frozen=True, slots=True)
class BamScore:
    """The scores of one BAM: 0-4 per scored item, the three composites and the VA flags."""

    items: dict[str, int]
    use: int
    risk: int
    protective: int

    @property
    def use_flag(self) -> bool:
        return self.use >= USE_FLAG_AT_LEAST

    @property
    def risk_flag(self) -> bool:
        return self.risk >= RISK_FLAG_AT_LEAST

    @property
    def protective_flag(self) -> bool:
        return self.protective <= PROTECTIVE_FLAG_AT_MOST

    @property
    def satisfaction(self) -> int:
        """Item 17, an overall view of progress that is in no composite."""
        return self.items["17"]

    def as_json(self) -> dict[str, Any]:
        return {
            "items": dict(self.items),
            "use": self.use,
            "risk": self.risk,
            "protective": self.protective,
            "flags": {
                "use": self.use_flag,
                "risk": self.risk_flag,
                "protective": self.protective_flag,
            },
        }


def instrument(version: str = VERSION) -> Instrument:
    """The BAM of ``version``; KeyError when there is no such version."""
    return VERSIONS[version]


def validate(raw: Mapping[str, object], version: str = VERSION) -> Answers:
    """The answers as stored (raw day counts, choice values, None for skipped items).

    Beyond each item's scale: heavy-drinking days (5) cannot outnumber drinking days (4), and
    (from version 2) the days of one kind of drug (7A-G) cannot outnumber the drug days (6).
    """
    answers = clean_answers(instrument(version), raw)
    problems = []
    drinking, heavy = answers["4"], answers["5"]
    if drinking is not None and heavy is not None and heavy > drinking:
        problems.append(AnswerProblem("5", _("cannot be more than the days you drank any alcohol")))
    drug_days = answers["6"]
    if version != VERSION_1 and drug_days is not None:
        problems.extend(
            AnswerProblem(key, _("cannot be more than the days you used any drug"))
            for key in DRUG_CLASS_ITEMS
            if (answers[key] or 0) > drug_days
        )
    if problems:
        raise AnswersInvalid(problems)
    return answers


def score(raw: Mapping[str, object], version: str = VERSION) -> BamScore:
    """Validate and score a BAM; AnswersInvalid names every answer that cannot be used. The
    scoring is the same in every version; what a version accepts may differ."""
    answers = validate(raw, version)
    items = {
        item.key: item_score(item, answers[item.key])
        for item in instrument(version).items
        if item.scored
    }
    return BamScore(
        items=items,
        use=sum(items[key] for key in USE_ITEMS),
        risk=sum(items[key] for key in RISK_ITEMS),
        protective=sum(items[key] for key in PROTECTIVE_ITEMS),
    )


@dataclass(frozen=True, slots=True)
class ItemNote:
    """One answer, ready to show: what was answered and whether it is worth a look.

    ``worth_a_look`` is a display hint for item-level review, not a published cut-off: any use
    (items 4-6), a risk item at 3 or 4, a protective item (or item 17) at 0 or 1.
    """

    key: str
    short: str
    text: str
    domain: str | None
    days: int | None
    answer: str | None
    score: int | None
    skipped: bool
    worth_a_look: bool


def _worth_a_look(item: Item, item_score_value: int) -> bool:
    if item.domain == "use":
        return item_score_value >= 1
    if item.domain == "risk":
        return item_score_value >= 3
    if item.domain == "protective" or item.key == "17":
        return item_score_value <= 1
    return False


def item_notes(answers: Mapping[str, int | None], version: str = VERSION) -> list[ItemNote]:
    """Every item of a stored BAM in order (in the words of its version), for the results page
    and a clinician's review."""
    notes = []
    for item in instrument(version).items:
        value = answers.get(item.key)
        skipped = value is None
        scored = item_score(item, value) if item.scored else None
        notes.append(
            ItemNote(
                key=item.key,
                short=item.short,
                text=item.text,
                domain=item.domain,
                days=value if item.scale.kind == "days" else None,
                answer=item.scale.label_of(value) if value is not None else None,
                score=scored,
                skipped=skipped,
                worth_a_look=scored is not None and _worth_a_look(item, scored),
            )
        )
    return notes
