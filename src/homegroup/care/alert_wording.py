"""An alert's title and evidence in plain words, from the facts its rule found.

The rules (`care.alert_rules`) are pure and keep numbers and dates; the sentences are written
here, translated when shown, so an alert raised today reads in the clinician's language
tomorrow. The overdose-risk alert shows the person's own note, sentence for sentence
(`journal.safety_wording`): the clinician reads what the person read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from homegroup.care import alert_rules as r
from homegroup.journal import safety, safety_wording

TITLES = {
    r.NO_MEETINGS: gettext_lazy("No meeting logged after a weekly pattern"),
    r.NO_CHECK_IN: gettext_lazy("No check-in for a while"),
    r.BAM_FLAGS: gettext_lazy("Brief Addiction Monitor flags"),
    r.MISSED_DOSES: gettext_lazy("Scheduled doses missed"),
    r.OVERDOSE_RISK: gettext_lazy("Overdose risk: a naloxone conversation"),
    r.NETWORK_HEAVY_USE: gettext_lazy("More people in the network who drink or use drugs heavily"),
    r.UNWELCOMING_MEETING: gettext_lazy("A meeting was unwelcoming to them on medication"),
}
# What each rule asks, for the admin's settings page and the filter.
DESCRIPTIONS = {
    r.NO_MEETINGS: gettext_lazy(
        "No meeting logged for a number of days after at least one meeting a week."
    ),
    r.NO_CHECK_IN: gettext_lazy("No check-in for a number of days."),
    r.BAM_FLAGS: gettext_lazy("The latest BAM's Use, Risk or Protective score at its flag."),
    r.MISSED_DOSES: gettext_lazy("Scheduled doses reported missed within a week."),
    r.OVERDOSE_RISK: gettext_lazy(
        "A check-in the overdose-safety rule marks as an overdose risk (the person saw the note)."
    ),
    r.NETWORK_HEAVY_USE: gettext_lazy(
        "The network lists more people who drink heavily, or who use drugs heavily, than before."
    ),
    r.UNWELCOMING_MEETING: gettext_lazy(
        "The person said a meeting they went to was unwelcoming to them as someone on medication."
    ),
}
THRESHOLD_LABELS = {
    "quiet_days": gettext_lazy("Days without a meeting logged"),
    "pattern_weeks": gettext_lazy("Weeks with a meeting before that"),
    "no_check_in_days": gettext_lazy("Days without a check-in"),
    "bam_use_at_least": gettext_lazy("Use flagged at or above"),
    "bam_risk_at_least": gettext_lazy("Risk flagged at or above"),
    "bam_protective_at_most": gettext_lazy("Protective flagged at or below"),
    "missed_doses_at_least": gettext_lazy("Missed doses, at least"),
    "missed_doses_window_days": gettext_lazy("Within this many days"),
    "overdose_lookback_days": gettext_lazy("Check-ins of the last this many days"),
    "reception_lookback_days": gettext_lazy("Meetings of the last this many days"),
}
COMPOSITES = {
    "use": gettext_lazy("Use"),
    "risk": gettext_lazy("Risk"),
    "protective": gettext_lazy("Protective"),
}


def title(rule: str) -> str:
    return str(TITLES.get(rule, rule))


def _day(value: str) -> str:
    return formats.date_format(date.fromisoformat(value))


def evidence(rule: str, facts: Mapping[str, Any]) -> list[str]:
    """The finding in plain sentences, with the dates it rests on."""
    if rule == r.NO_MEETINGS:
        return [
            ngettext(
                "No meeting logged since %(last)s (%(days)s day).",
                "No meeting logged since %(last)s (%(days)s days).",
                facts["quiet_days"],
            )
            % {"last": _day(facts["last"]), "days": facts["quiet_days"]},
            _(
                "Before that, at least one meeting every week for %(weeks)s weeks: "
                "%(meetings)s meetings from %(start)s to %(last)s."
            )
            % {
                "weeks": facts["pattern_weeks"],
                "meetings": facts["pattern_meetings"],
                "start": _day(facts["pattern_start"]),
                "last": _day(facts["last"]),
            },
        ]
    if rule == r.NO_CHECK_IN:
        return [
            ngettext(
                "No check-in for %(days)s day: the last was on %(last)s.",
                "No check-in for %(days)s days: the last was on %(last)s.",
                facts["days"],
            )
            % {"days": facts["days"], "last": _day(facts["last"])}
        ]
    if rule == r.BAM_FLAGS:
        sentences = [_("Brief Addiction Monitor of %(on)s:") % {"on": _day(facts["taken_on"])}]
        for name, flag in facts["flags"].items():
            if name == "protective":
                text = _("%(name)s %(score)s (flagged at %(at)s or less).")
            else:
                text = _("%(name)s %(score)s (flagged at %(at)s or more).")
            sentences.append(
                text % {"name": COMPOSITES[name], "score": flag["score"], "at": flag["at"]}
            )
        sentences.append(_("The flags are prompts to review the items together, not a score."))
        return sentences
    if rule == r.MISSED_DOSES:
        medications = ", ".join(safety_wording.medication_label(m) for m in facts["medications"])
        return [
            _(
                "%(missed)s of %(scheduled)s scheduled doses (%(medications)s) reported missed "
                "in the last %(window)s days: %(days)s."
            )
            % {
                "missed": facts["missed"],
                "scheduled": facts["scheduled"],
                "medications": medications,
                "window": facts["window_days"],
                "days": ", ".join(_day(day) for day in facts["days"]),
            },
            _("Doses not reported are unknown and not counted as missed."),
        ]
    if rule == r.OVERDOSE_RISK:
        note = safety.OverdoseNote.from_json(facts["note"])
        return [
            _("The check-in of %(day)s showed the person this overdose-safety note:")
            % {"day": _day(facts["day"])},
            *safety_wording.explanation(note),
            _(
                "Talk about naloxone: whether they carry it and where to get it, never using "
                "alone, and not mixing."
            ),
        ]
    if rule == r.UNWELCOMING_MEETING:
        sentences = [
            _(
                "%(meeting)s, on %(day)s: the person said the meeting was unwelcoming to them "
                "as someone on medication."
            )
            % {"meeting": facts["meeting"], "day": _day(facts["day"])}
        ]
        if facts["others"]:
            sentences.append(
                _("Also said of: %(others)s.")
                % {"others": "; ".join(f"{name} ({_day(day)})" for name, day in facts["others"])}
            )
        sentences.append(
            _(
                "Talk it over: how it felt, and whether to try other groups. The directory shows "
                "the meetings that welcome people on medication; taking prescribed medication is "
                "part of their recovery."
            )
        )
        return sentences
    if rule == r.NETWORK_HEAVY_USE:
        sentences = []
        drinking, drugs = facts["drinking"], facts["drugs"]
        values = {"before_on": _day(facts["before_on"]), "after_on": _day(facts["after_on"])}
        if drinking[0] is not None and drinking[1] is not None and drinking[1] > drinking[0]:
            sentences.append(
                _(
                    "People in the network who drink heavily: %(after)s on %(after_on)s, "
                    "%(before)s on %(before_on)s."
                )
                % {**values, "before": drinking[0], "after": drinking[1]}
            )
        if drugs[0] is not None and drugs[1] is not None and drugs[1] > drugs[0]:
            sentences.append(
                _(
                    "People in the network who use drugs heavily: %(after)s on %(after_on)s, "
                    "%(before)s on %(before_on)s."
                )
                % {**values, "before": drugs[0], "after": drugs[1]}
            )
        return sentences
    return []
