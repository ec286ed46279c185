"""The support network, after the Important People instruments (IPA, Clifford & Longabaugh;
IPDA, Zywiak et al. 2009; PhenX protocol 590202), and the indices computed from it.

Sources, what was verified and what was not: docs/references.md ("Important People").

Up to 12 important people. Each is rated on the IPDA's dimensions with ordinal codes where a
higher number means more (more contact, more importance, more use, more support for not using);
0 means "don't know" and is left out of every average and of every percentage's numerator (the
denominator is the whole network). This product adds three questions: in a mutual-help
fellowship? my sponsor? supportive of my medication? **The codes are this product's own**, not
the published IPDA codes, so these numbers are "IPDA-style": the indices below are defined on the
answer categories (heavy, abstains, very important...), not on code arithmetic, and are never to
be reported as IPDA scores. The IPDA's contact-weighted indices (status or frequency multiplied
by contact) depend on the published codes and are not computed.

Version ``homegroup-2`` (``network_indices``) keeps drinking and drug use apart, as the IPDA does:

- ``size``: people listed; ``daily``: people in contact daily (the size of the daily network is
  what predicted less drinking and drug use after treatment, Zywiak 2009);
- ``average_importance`` (1-5);
- ``percent_heavy_drinkers`` and ``percent_heavy_drug_users``: people whose drinking / drug use is
  heavy, of the whole network;
- ``percent_abstinent_from_alcohol`` and ``percent_abstinent_from_drugs``: people who don't drink
  / use drugs or are in recovery from it, of the whole network;
- support for abstinence among the very or extremely important people, separately for drinking
  and for drugs: ``important_supporting_not_drinking`` / ``important_supporting_not_using_drugs``
  (they encouraged the person not to, or insisted they stop) and ``important_encouraging_drinking``
  / ``important_encouraging_drug_use`` (they encouraged it). Someone who encourages drug use is
  never counted as supporting abstinence because they discourage drinking;
- ``supporters_of_recovery``: people supportive or very supportive of the person's recovery and
  treatment (the IPDA's treatment-support question; its general-support question is not asked);
- ``supporters_of_medication``: people the person says support their medication;
- ``in_fellowship``: people in a mutual-help fellowship; ``sponsor_listed``: one of them is marked
  as the person's sponsor (whether the person *has* a sponsor is their 12-step life's answer).

Version ``homegroup-1`` (until this one) merged them: ``percent_heavy_users``,
``percent_abstinent_or_in_recovery`` and ``important_supporting_abstinence`` (which took the
``max`` of the reactions to drinking and to drug use). Its snapshots keep their version and read
here with the names both versions share; `homegroup rescore-measures --instrument important-people
--to-version homegroup-2` rescores them (journal.actions.rescore_measures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

from homegroup.measures.base import Choice
from homegroup.measures.text import gettext_noop as _

ID = "important-people"
VERSION = "homegroup-2"
VERSION_1 = "homegroup-1"
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
ENCOURAGED_USING, ENCOURAGED_NOT_USING = 1, 4
REACTION = (
    Choice(0, _("Don't know, or they didn't know")),
    Choice(ENCOURAGED_USING, _("Encouraged me to use")),
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


# Every coded answer and its scale (journal.actions validates a member against these too).
CODES: dict[str, tuple[Choice, ...]] = {
    "contact": CONTACT,
    "importance": IMPORTANCE,
    "drinking_status": STATUS,
    "drinking_frequency": FREQUENCY,
    "drug_status": STATUS,
    "drug_frequency": FREQUENCY,
    "reaction_to_drinking": REACTION,
    "reaction_to_drug_use": REACTION,
    "recovery_support": RECOVERY_SUPPORT,
}


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

    def as_json(self) -> dict[str, Any]:
        """The answers a snapshot keeps, so a later version can rescore it exactly."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NetworkPerson:
        """Stored answers back as a person; ValueError names the first answer off its scale."""
        names = {f.name for f in fields(cls)}
        try:
            person = cls(**{key: value for key, value in data.items() if key in names})
        except TypeError as missing:
            raise ValueError(str(missing)) from None
        for name, scale in CODES.items():
            value = getattr(person, name)
            if isinstance(value, bool) or value not in {choice.value for choice in scale}:
                raise ValueError(f"{name}: {value!r} is not one of the answers")
        if person.supports_medication not in get_args(MedicationSupport):
            raise ValueError(f"supports_medication: {person.supports_medication!r}")
        return person


@dataclass(frozen=True, slots=True)
class NetworkIndices:
    """The indices of one version (``homegroup-2``). None: unknown — no one to average, or a
    snapshot of an earlier version that did not compute this index."""

    size: int | None
    daily: int | None
    average_importance: float | None
    percent_heavy_drinkers: float | None
    percent_heavy_drug_users: float | None
    percent_abstinent_from_alcohol: float | None
    percent_abstinent_from_drugs: float | None
    important_supporting_not_drinking: int | None
    important_supporting_not_using_drugs: int | None
    important_encouraging_drinking: int | None
    important_encouraging_drug_use: int | None
    supporters_of_recovery: int | None
    supporters_of_medication: int | None
    in_fellowship: int | None
    sponsor_listed: bool | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], version: str = VERSION) -> NetworkIndices:
        """Indices frozen in a snapshot of ``version``. An index that version did not compute
        reads as None (unknown), never as 0; a ``homegroup-1`` name with the same meaning is
        read under its new name."""
        if version == VERSION_1:
            data = {RENAMED_SINCE_VERSION_1.get(key, key): value for key, value in data.items()}
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


# homegroup-1 names whose meaning did not change.
RENAMED_SINCE_VERSION_1 = {"sponsor_present": "sponsor_listed"}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _count(people: Iterable[NetworkPerson], test: Any) -> int:
    return sum(1 for person in people if test(person))


NOT_USING = (STATUS_ABSTAINS, STATUS_IN_RECOVERY)
SUPPORTS_NOT_USING = (ENCOURAGED_NOT_USING, 5)


def network_indices(people: Iterable[NetworkPerson]) -> NetworkIndices:
    """Version ``homegroup-2`` of the indices (see the module's docstring)."""
    listed = list(people)
    size = len(listed)
    important = [p for p in listed if p.importance >= VERY_IMPORTANT]
    return NetworkIndices(
        size=size,
        daily=_count(listed, lambda p: p.contact == CONTACT_DAILY),
        average_importance=round(sum(p.importance for p in listed) / size, 1) if size else None,
        percent_heavy_drinkers=_percent(
            _count(listed, lambda p: p.drinking_status == STATUS_HEAVY), size
        ),
        percent_heavy_drug_users=_percent(
            _count(listed, lambda p: p.drug_status == STATUS_HEAVY), size
        ),
        percent_abstinent_from_alcohol=_percent(
            _count(listed, lambda p: p.drinking_status in NOT_USING), size
        ),
        percent_abstinent_from_drugs=_percent(
            _count(listed, lambda p: p.drug_status in NOT_USING), size
        ),
        important_supporting_not_drinking=_count(
            important, lambda p: p.reaction_to_drinking in SUPPORTS_NOT_USING
        ),
        important_supporting_not_using_drugs=_count(
            important, lambda p: p.reaction_to_drug_use in SUPPORTS_NOT_USING
        ),
        important_encouraging_drinking=_count(
            important, lambda p: p.reaction_to_drinking == ENCOURAGED_USING
        ),
        important_encouraging_drug_use=_count(
            important, lambda p: p.reaction_to_drug_use == ENCOURAGED_USING
        ),
        supporters_of_recovery=_count(listed, lambda p: p.recovery_support >= SUPPORTIVE),
        supporters_of_medication=_count(listed, lambda p: p.supports_medication == "yes"),
        in_fellowship=_count(listed, lambda p: p.in_fellowship),
        sponsor_listed=any(p.is_sponsor for p in listed),
    )


def score(answers: Sequence[Mapping[str, Any]], version: str = VERSION) -> NetworkIndices:
    """The indices of stored answers (a snapshot's people) under ``version``; KeyError for a
    version this code cannot score (only the current one), ValueError for unusable answers."""
    if version != VERSION:
        raise KeyError(version)
    return network_indices(NetworkPerson.from_json(person) for person in answers)


# For each index, whether a higher value is generally the direction recovery research favours.
HIGHER_IS_BETTER: dict[str, bool] = {
    "size": True,
    "daily": True,
    "average_importance": True,
    "percent_heavy_drinkers": False,
    "percent_heavy_drug_users": False,
    "percent_abstinent_from_alcohol": True,
    "percent_abstinent_from_drugs": True,
    "important_supporting_not_drinking": True,
    "important_supporting_not_using_drugs": True,
    "important_encouraging_drinking": False,
    "important_encouraging_drug_use": False,
    "supporters_of_recovery": True,
    "supporters_of_medication": True,
    "in_fellowship": True,
    "sponsor_listed": True,
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
