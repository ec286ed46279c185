"""The Twelve-Step Facilitation topics a session covers, each with its checklist of new material.

The list follows the Project MATCH TSF manual's programs (Nowinski, Baker & Carroll, NIH Pub.
No. 94-3722; public domain except Appendix A): **core** topics, **elective** topics, **conjoint**
topics (with a partner or family member) and **termination**; plus a **medication-informed
elective** of our own, which no published individual TSF has (recovery-care.md §3, §4). The
checklist items are our short paraphrases of what each topic covers, never the manual's text;
ticking them is the session's fidelity record (which items were covered). Sources, and what the
fellowships' own literature says about medication, are in docs/references.md (Twelve-Step
Facilitation).

Codes are stored in sessions: never rename one. Pure Python: no Django model here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CORE = "core"
ELECTIVE = "elective"
CONJOINT = "conjoint"
TERMINATION = "termination"
MEDICATION = "medication"

PROGRAMS: dict[str, Promise] = {
    CORE: _("Core"),
    ELECTIVE: _("Elective"),
    CONJOINT: _("Conjoint"),
    TERMINATION: _("Termination"),
    MEDICATION: _("Medication-informed elective"),
}


@dataclass(frozen=True)
class Item:
    code: str
    text: Promise


@dataclass(frozen=True)
class Topic:
    code: str
    program: str
    title: Promise
    items: tuple[Item, ...]
    references: tuple[str, ...] = ()

    @property
    def program_label(self) -> str:
        return str(PROGRAMS[self.program])

    def item_codes(self) -> list[str]:
        return [item.code for item in self.items]


def _items(*pairs: tuple[str, Promise]) -> tuple[Item, ...]:
    return tuple(Item(code, text) for code, text in pairs)


# The literature the medication-informed elective points to (docs/references.md, §4 of
# recovery-care.md): names and years only; the person reads the pamphlets themselves.
AA_MEDICATIONS = 'AA, "The A.A. Member — Medications and Other Drugs" (pamphlet, revised 2011)'
NA_BULLETIN_29 = (
    'NA World Services, Bulletin #29, "Regarding Methadone and Other Drug Replacement Programs" '
    "(1996)"
)
NA_GROUPS_MEDICATION = 'NA World Services, "Narcotics Anonymous Groups and Medication" (2011)'
MARA = "Medication-Assisted Recovery Anonymous (MARA), a medication-inclusive fellowship"

TOPICS: tuple[Topic, ...] = (
    Topic(
        "introduction",
        CORE,
        _("Introduction and assessment"),
        _items(
            ("history", _("Went through the history of drinking or drug use and its costs")),
            ("diagnosis", _("Talked through the assessment and what it shows")),
            ("program", _("Explained the program: weekly sessions, meetings, recovery tasks")),
            ("twelve_steps", _("Introduced the fellowships and the 12 steps in plain words")),
            ("journal", _("Showed the recovery journal and the daily check-in")),
            ("first_meetings", _("Chose first meetings together")),
        ),
    ),
    Topic(
        "acceptance",
        CORE,
        _("Acceptance (Step 1)"),
        _items(
            ("consequences", _("Reviewed the consequences the person named")),
            ("loss_of_control", _("Talked about loss of control: willpower alone was not enough")),
            ("denial", _("Named patterns of denial, kindly, with the person's own examples")),
            ("step_one", _("Read and discussed Step 1")),
        ),
    ),
    Topic(
        "getting_active",
        CORE,
        _("Getting active"),
        _items(
            ("meetings", _("Planned meetings for the coming week")),
            ("home_group", _("Talked about choosing a home group")),
            ("sponsor", _("Explained what a sponsor does and how to ask")),
            ("phone_numbers", _("Planned to collect phone numbers")),
            ("reading", _("Chose a reading")),
            ("service", _("Talked about small service commitments")),
        ),
    ),
    Topic(
        "surrender",
        CORE,
        _("Surrender (Steps 2 and 3)"),
        _items(
            ("higher_power", _("Talked about a power greater than oneself, in the person's terms")),
            ("step_two", _("Read and discussed Step 2")),
            ("step_three", _("Read and discussed Step 3")),
            ("willingness", _("Talked about willingness to follow the program")),
        ),
    ),
    Topic(
        "genograms",
        ELECTIVE,
        _("Genograms"),
        _items(
            ("family_tree", _("Drew the family tree with drinking and drug use in it")),
            ("patterns", _("Talked about patterns across generations")),
        ),
    ),
    Topic(
        "enabling",
        ELECTIVE,
        _("Enabling"),
        _items(
            ("enablers", _("Named people who made use easier, without blame")),
            ("plan", _("Planned how to ask for support instead")),
        ),
    ),
    Topic(
        "people_places_routines",
        ELECTIVE,
        _("People, places and routines"),
        _items(
            ("risky_people", _("Listed people linked with use")),
            ("risky_places", _("Listed places and routines linked with use")),
            ("new_routines", _("Planned new routines around meetings and fellowship")),
        ),
    ),
    Topic(
        "emotions",
        ELECTIVE,
        _("Emotions (HALT)"),
        _items(
            ("halt", _("Talked about hungry, angry, lonely, tired")),
            ("coping", _("Planned what to do, and whom to call, when they come up")),
        ),
    ),
    Topic(
        "moral_inventory",
        ELECTIVE,
        _("Moral inventory (Steps 4 to 7)"),
        _items(
            ("step_four", _("Talked about Step 4 and how a sponsor helps with it")),
            ("steps_five_to_seven", _("Talked about Steps 5, 6 and 7")),
        ),
    ),
    Topic(
        "relationships",
        ELECTIVE,
        _("Relationships"),
        _items(
            ("relationships", _("Talked about relationships and recovery")),
            ("support", _("Named who supports recovery and who does not")),
        ),
    ),
    Topic(
        "conjoint_enabling",
        CONJOINT,
        _("Enabling (with a partner or family member)"),
        _items(
            ("enabling", _("Talked together about enabling")),
            ("al_anon", _("Introduced Al-Anon or Nar-Anon for the partner")),
        ),
    ),
    Topic(
        "conjoint_detaching",
        CONJOINT,
        _("Detaching (with a partner or family member)"),
        _items(
            ("detaching", _("Talked together about detaching with love")),
            ("partner_meetings", _("Planned meetings for the partner")),
        ),
    ),
    Topic(
        "termination",
        TERMINATION,
        _("Termination"),
        _items(
            ("progress", _("Reviewed progress since the first session")),
            ("plan", _("Made a plan for meetings, sponsor and service after the sessions end")),
            ("warning_signs", _("Named warning signs and whom to call")),
        ),
    ),
    Topic(
        "medication_informed",
        MEDICATION,
        _("Medication and the fellowships"),
        _items(
            ("choosing_meetings", _("Chose meetings known to welcome people on medication")),
            ("disclosure", _("Weighed talking about one's medication at meetings, or not")),
            ("sponsor_choice", _("Talked about finding a sponsor who supports medication")),
            ("literature", _("Read what AA's and NA's own literature says about medication")),
            ("other_fellowships", _("Named medication-inclusive and online fellowships")),
            ("pressure", _("Asked about pressure to stop medication, and what to do about it")),
        ),
        references=(AA_MEDICATIONS, NA_BULLETIN_29, NA_GROUPS_MEDICATION, MARA),
    ),
)

BY_CODE: dict[str, Topic] = {topic.code: topic for topic in TOPICS}


def topic(code: str) -> Topic:
    """The topic of a stored code; KeyError for a code that is not in the list."""
    return BY_CODE[code]


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form: (program, [(code, title)])."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for entry in TOPICS:
        grouped.setdefault(entry.program, []).append((entry.code, str(entry.title)))
    return [(str(PROGRAMS[program]), entries) for program, entries in grouped.items()]


def covered_items(code: str, chosen: list[str]) -> list[str]:
    """The chosen item codes that belong to the topic, in the topic's order; others dropped."""
    wanted = set(chosen)
    return [item for item in topic(code).item_codes() if item in wanted]
