"""The words of the overdose-risk note, one place for every page that shows it.

`journal.safety.overdose_note` decides the case and the wording's key; this module turns them into
sentences (translated), and holds the steps every note carries. The person's check-in page shows
them (`journal/_safety_note.html`); the clinician's alerts show the same sentences, so a clinician
reads exactly what the person read. Sources: docs/references.md ("Overdose-safety rule").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from homegroup.journal.models import Medication
from homegroup.journal.safety import OverdoseNote, Wording


def medication_label(kind: str) -> str:
    return str(Medication(kind).label) if kind in Medication.values else kind


def explanation(note: OverdoseNote) -> list[str]:
    """Why the note shows and what the risk is, as sentences for this case (the steps follow)."""
    medication = medication_label(note.medication)
    values = {"medication": medication}
    if note.wording is Wording.DAYS_WITHOUT_DOSE:
        if note.stopped_on is not None:
            first = _(
                "Your %(medication)s plan ended on %(date)s: %(days)s days without a dose."
            ) % {
                **values,
                "date": formats.date_format(note.stopped_on),
                "days": note.days_without_dose,
            }
        else:
            first = ngettext(
                "Your journal shows %(days)s day in a row without a dose of %(medication)s.",
                "Your journal shows %(days)s days in a row without a dose of %(medication)s.",
                note.days_without_dose,
            ) % {**values, "days": note.days_without_dose}
        return [
            first,
            _(
                "After 3 or more days without a dose your tolerance may be lower than usual, so "
                "opioids now carry a higher risk of overdose."
            ),
            _(
                "Please don't take your usual dose or a take-home dose until your clinic has seen "
                "you: they can check how you are and restart you safely, often at a lower dose."
            ),
        ]
    if note.wording is Wording.NALTREXONE_LOW_TOLERANCE:
        sentences = []
        if note.missed_dose:
            sentences.append(_("You missed a dose of naltrexone."))
        elif note.stopped_on is not None:
            sentences.append(
                _("Your naltrexone plan ended on %(date)s.")
                % {"date": formats.date_format(note.stopped_on)}
            )
        return [
            *sentences,
            _(
                "Naltrexone blocks opioids only while it is working. After a missed or late dose, "
                "or after stopping it, your tolerance is low and the risk of overdose is high — "
                "even from an amount you used to take."
            ),
            _("Trying to get past the block by taking more opioids can also cause an overdose."),
            _("Your prescriber can help you with your next dose."),
        ]
    if note.wording is Wording.FENTANYL_AND_MIXING_ON_MEDICATION:
        return [
            _(
                "While you take %(medication)s regularly, your tolerance does not drop the way it "
                "does after time without opioids."
            )
            % values,
            _(
                "The risk is what comes on top of it: fentanyl is very strong and in much of the "
                "supply, and other opioids, alcohol, benzodiazepines (benzos) or sleeping pills "
                "on top of %(medication)s can slow your breathing enough to cause an overdose."
            )
            % values,
            _(
                "Keep taking %(medication)s as prescribed: a lapse is a reason to talk with your "
                "clinic, not to stop."
            )
            % values,
        ]
    if note.wording is Wording.TOLERANCE_AFTER_TIME_WITHOUT:
        days = note.opioid_free_days or 0
        return [
            ngettext(
                "Your journal shows no opioid use in the %(days)s day before this.",
                "Your journal shows no opioid use in the %(days)s days before this.",
                days,
            )
            % {"days": days},
            _(
                "After time without opioids your tolerance drops quickly, so an amount you used "
                "to take can now cause an overdose."
            ),
        ]
    return [
        _(
            "Any opioid use carries a risk of overdose: fentanyl is very strong and in much of "
            "the supply, and even a few days without opioids lower your tolerance."
        )
    ]


@dataclass(frozen=True, slots=True)
class Step:
    """One thing every note asks; ``key`` lets a page add its links (naloxone, lines, numbers)."""

    key: str
    lead: Promise
    text: Promise


STEPS = (
    Step(
        "naloxone",
        gettext_lazy("Carry naloxone (Narcan)."),
        gettext_lazy(
            "It reverses an opioid overdose. Pharmacies sell it without a prescription, and "
            "clinics and harm-reduction programs often give it for free. Show someone where you "
            "keep it."
        ),
    ),
    Step(
        "never_alone",
        gettext_lazy("Never use alone."),
        gettext_lazy(
            "Have someone with you who can help, or call a line that stays with you and sends "
            "help if you stop answering:"
        ),
    ),
    Step(
        "no_mixing",
        gettext_lazy("Don't mix."),
        gettext_lazy(
            "Alcohol, benzodiazepines (benzos) or sleeping pills together with opioids slow "
            "breathing much more."
        ),
    ),
    Step(
        "go_slowly",
        gettext_lazy("Go slowly and start with less."),
        gettext_lazy("Fentanyl is in much of the supply."),
    ),
    Step(
        "emergency",
        gettext_lazy("If someone cannot be woken or is breathing slowly:"),
        gettext_lazy(
            "call emergency services, give naloxone, and lay them on their side (the recovery "
            "position). If there is no response after 2–3 minutes, give a second dose of "
            "naloxone. Stay with them until help arrives."
        ),
    ),
)
