"""The support network, after the Important People instruments (IPA, Clifford & Longabaugh;
IPDA, Zywiak et al. 2009), and the indices computed from it.

Up to 12 important people. Each is rated on the IPDA's dimensions with ordinal codes where a
higher number means more (more contact, more importance, more use, more support for not using);
0 or None means "don't know" and is left out of every average and percentage's numerator. This
product adds three questions: in a mutual-help fellowship? my sponsor? supportive of my
medication? The exact published codes differ (verify against Zywiak 2009 / PhenX before
comparing numbers with a study): the indices below are defined on the categories, not on the
numbers, so re-coding would not change them.

Indices (``network_indices``):

- ``size``: people listed; ``daily``: people in contact daily (the size of the daily network
  predicted less use after treatment, Zywiak 2009);
- ``average_importance`` (1-5);
- ``percent_heavy_users``: people whose drinking or drug use is heavy;
- ``percent_abstinent_or_in_recovery``: people with at least one known status (drinking, drugs)
  whose every known status is "doesn't drink / use" or "in recovery";
- ``supporters_of_recovery``: people supportive or very supportive of the person's recovery;
- ``supporters_of_medication``: people the person says support their medication;
- ``in_fellowship``: people in a mutual-help fellowship; ``sponsor_present``: one is the sponsor;
- ``important_supporting_abstinence``: of the very or extremely important people, those whose
  reaction to the person's drinking or drug use was to encourage not using or to insist on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from homegroup.measures.base import Choice
from homegroup.measures.text import gettext_noop as _

ID = "important-people"
VERSION = "homegroup-1"
MAX_PEOPLE = 12

RELATIONSHIPS: tuple[tuple[str, str], ...] = (
    ("partner", _("Partner or spouse")),
    ("parent", _("Parent")),
    ("child", _("Son or daughter")),
    ("sibling", _("Brother or sister")),
    ("other_family", _("Other family")),
    ("friend", _("Friend")),
    ("coworker", _("Co-worker or classmate")),
    ("fellowship", _("Fellowship member")),
    ("sponsor", _("Sponsor")),
    ("professional", _("Counselor, doctor or other professional")),
    ("neighbour", _("Neighbour")),
    ("other", _("Someone else")),
)

CONTACT_DAILY = 6
CONTACT = (
    Choice(1, _("Less than once a month")),
    Choice(2, _("About once a month")),
    Choice(3, _("A few times a month")),
    Choice(4, _("About once a week")),
    Choice(5, _("A few times a week")),
    Choice(CONTACT_DAILY, _("Daily or almost daily")),
)
VERY_IMPORTANT = 4
IMPORTANCE = (
    Choice(1, _("Not at all important")),
    Choice(2, _("Slightly important")),
    Choice(3, _("Moderately important")),
    Choice(VERY_IMPORTANT, _("Very important")),
    Choice(5, _("Extremely important")),
)
# Drinking and drug-use status share one scale. 1 and 2 are "not using"; 5 is heavy.
STATUS_ABSTAINS, STATUS_IN_RECOVERY, STATUS_HEAVY = 1, 2, 5
STATUS = (
    Choice(0, _("Don't know")),
    Choice(STATUS_ABSTAINS, _("Doesn't drink / doesn't use")),
    Choice(STATUS_IN_RECOVERY, _("In recovery")),
    Choice(3, _("Light or occasional")),
    Choice(4, _("Moderate")),
    Choice(STATUS_HEAVY, _("Heavy, or has a problem with it")),
)
FREQUENCY = (
    Choice(0, _("Don't know")),
    Choice(1, _("Never")),
    Choice(2, _("Less than monthly")),
    Choice(3, _("Monthly")),
    Choice(4, _("Weekly")),
    Choice(5, _("Several times a week")),
    Choice(6, _("Daily")),
)
# How they reacted to the person's drinking or drug use; higher = more support for not using.
ENCOURAGED_NOT_USING = 4
REACTION = (
    Choice(0, _("Don't know, or they didn't know")),
    Choice(1, _("Encouraged me to use")),
    Choice(2, _("Accepted it")),
    Choice(3, _("Didn't react either way")),
    Choice(ENCOURAGED_NOT_USING, _("Encouraged me not to use")),
    Choice(5, _("Insisted that I stop")),
)
SUPPORTIVE = 4
RECOVERY_SUPPORT = (
    Choice(0, _("Don't know")),
    Choice(1, _("Strongly against it")),
    Choice(2, _("Against it")),
    Choice(3, _("Neutral")),
    Choice(SUPPORTIVE, _("Supportive")),
    Choice(5, _("Very supportive")),
)
MedicationSupport = Literal["yes", "no", "unknown"]
MEDICATION_SUPPORT: tuple[tuple[MedicationSupport, str], ...] = (
    ("yes", _("Yes")),
    ("no", _("No")),
    ("unknown", _("Don't know")),
)


@dataclass(frozen=True, slots=True)
class NetworkPerson:
    """One important person as the indices see them: codes only, never a name."""

    relationship: str
    contact: int
    importance: int
    drinking_status: int = 0
    drinking_frequency: int = 0
    drug_status: int = 0
    drug_frequency: int = 0
    reaction_to_drinking: int = 0
    reaction_to_drug_use: int = 0
    recovery_support: int = 0
    in_fellowship: bool = False
    is_sponsor: bool = False
    supports_medication: MedicationSupport = "unknown"


@dataclass(frozen=True, slots=True)
class NetworkIndices:
    size: int
    daily: int
    average_importance: float | None
    percent_heavy_users: float | None
    percent_abstinent_or_in_recovery: float | None
    supporters_of_recovery: int
    supporters_of_medication: int
    in_fellowship: int
    sponsor_present: bool
    important_supporting_abstinence: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NetworkIndices:
        """Indices frozen in a snapshot; a name a later version added reads as its empty value."""
        return cls(**{f.name: data.get(f.name, getattr(EMPTY, f.name)) for f in fields(cls)})


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _not_using(person: NetworkPerson) -> bool:
    known = [s for s in (person.drinking_status, person.drug_status) if s]
    return bool(known) and all(s in (STATUS_ABSTAINS, STATUS_IN_RECOVERY) for s in known)


def network_indices(people: Iterable[NetworkPerson]) -> NetworkIndices:
    listed = list(people)
    size = len(listed)
    heavy = sum(1 for p in listed if STATUS_HEAVY in (p.drinking_status, p.drug_status))
    important = [p for p in listed if p.importance >= VERY_IMPORTANT]
    return NetworkIndices(
        size=size,
        daily=sum(1 for p in listed if p.contact == CONTACT_DAILY),
        average_importance=round(sum(p.importance for p in listed) / size, 1) if size else None,
        percent_heavy_users=_percent(heavy, size),
        percent_abstinent_or_in_recovery=_percent(sum(1 for p in listed if _not_using(p)), size),
        supporters_of_recovery=sum(1 for p in listed if p.recovery_support >= SUPPORTIVE),
        supporters_of_medication=sum(1 for p in listed if p.supports_medication == "yes"),
        in_fellowship=sum(1 for p in listed if p.in_fellowship),
        sponsor_present=any(p.is_sponsor for p in listed),
        important_supporting_abstinence=sum(
            1
            for p in important
            if max(p.reaction_to_drinking, p.reaction_to_drug_use) >= ENCOURAGED_NOT_USING
        ),
    )


EMPTY = network_indices([])

# For each index, whether a higher value is generally the direction recovery research favours.
HIGHER_IS_BETTER: dict[str, bool] = {
    "size": True,
    "daily": True,
    "average_importance": True,
    "percent_heavy_users": False,
    "percent_abstinent_or_in_recovery": True,
    "supporters_of_recovery": True,
    "supporters_of_medication": True,
    "in_fellowship": True,
    "sponsor_present": True,
    "important_supporting_abstinence": True,
}


@dataclass(frozen=True, slots=True)
class IndexChange:
    """How one index moved between two snapshots; ``better`` is None when it did not move or
    could not be compared (one side has no value)."""

    name: str
    before: float | int | bool | None
    after: float | int | bool | None
    delta: float | None
    better: bool | None


def compare(before: NetworkIndices | None, after: NetworkIndices) -> list[IndexChange]:
    """Every index, old → new. With no earlier snapshot, ``before`` is None throughout."""
    changes = []
    for name, higher_is_better in HIGHER_IS_BETTER.items():
        new = getattr(after, name)
        old = getattr(before, name) if before is not None else None
        delta: float | None = None
        better: bool | None = None
        if old is not None and new is not None:
            delta = round(float(new) - float(old), 1)
            if delta:
                better = (delta > 0) == higher_is_better
        changes.append(IndexChange(name=name, before=old, after=new, delta=delta, better=better))
    return changes
