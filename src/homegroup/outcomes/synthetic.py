"""A synthetic cohort with planted effects: plain values, no Django (stored by
`outcomes.actions.generate_cohort`). NOT real people: every account it becomes is labelled so.

Each person gets a diagnosis group, maybe a medication, a baseline BAM (answers scored by
`measures.bam`), a daily journal (check-in coverage, meetings, 12-step activities, use) and two
network snapshots (indices by `measures.network`). Abstinence in each 30-day window k ≥ 1 is
drawn from a logistic model of what the person did in window k-1, so the report's estimators
have a known truth to recover:

    logit P(no use in window k) = b0 + log(attendance_or)·[≥ 1 meeting a week in k-1]
        + log(service_or)·[service in k-1] + log(sponsor_or)·[sponsor contact in k-1]
        + log(group_or)·[drugs only] + log(both_or)·[alcohol and drugs]
        + log(medication_or)·[buprenorphine] + log(methadone_or)·[methadone]
        + log(naltrexone_or)·[naltrexone] + BAM_USE·(baseline BAM use − 4)

Participation leans on the baseline BAM (people with more use at intake go to more meetings and
do fewer days without use): confounding that the report's adjustment has to undo. There is no
person-level random effect, so the population-averaged odds ratios a GEE estimates are the
planted ones. A window that is not abstinent gets at least one use day among its checked-in
days (a window with too few checked-in days is excluded by the report anyway).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from homegroup.measures import bam, network

WINDOW = 30
DEFAULT_EFFECTS: dict[str, float] = {
    "attendance_or": 2.0,
    "service_or": 1.6,
    "sponsor_or": 1.3,
    "group_or": 0.7,
    "both_or": 0.6,
    "medication_or": 1.8,
    "methadone_or": 1.5,
    "naltrexone_or": 1.2,
}
EFFECT_KEYS = tuple(DEFAULT_EFFECTS)
BASELINE_LOGIT = 0.2
BAM_USE = -0.12  # per point of the baseline BAM's use composite (0-12)
GROUPS = ("alcohol", "drugs", "both")
GROUP_SHARES = (0.4, 0.3, 0.3)
MEDICATIONS = ("", "methadone", "buprenorphine", "naltrexone")
# Medication by group: none, methadone, buprenorphine, naltrexone.
MEDICATION_SHARES = {
    "alcohol": (0.75, 0.0, 0.0, 0.25),
    "drugs": (0.35, 0.2, 0.35, 0.1),
    "both": (0.35, 0.2, 0.35, 0.1),
}
SUBSTANCES_BY_GROUP = {
    "alcohol": ("alcohol",),
    "drugs": ("opioids", "cannabis", "cocaine", "stimulants", "sedatives"),
    "both": ("alcohol", "opioids", "cannabis", "cocaine"),
}
OTHER_ACTIVITIES = (
    "sponsored_someone",
    "step_work",
    "literature",
    "shared",
    "helped_member",
    "fellowship_time",
)


class EffectError(ValueError):
    """An --effect that is not KEY=VALUE with a known key and a positive odds ratio."""


def parse_effects(pairs: list[str] | tuple[str, ...]) -> dict[str, float]:
    """`["attendance_or=2", ...]` over the defaults; EffectError names the bad pair."""
    effects = dict(DEFAULT_EFFECTS)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in DEFAULT_EFFECTS:
            raise EffectError(
                f"--effect {pair!r}: expected KEY=VALUE with KEY one of {', '.join(EFFECT_KEYS)}"
            )
        try:
            number = float(value)
        except ValueError:
            raise EffectError(f"--effect {pair!r}: {value!r} is not a number") from None
        if not math.isfinite(number) or number <= 0:
            raise EffectError(f"--effect {pair!r}: an odds ratio must be a positive number")
        effects[key] = number
    return effects


@dataclass(frozen=True)
class Plan:
    medication: str
    from_day: int  # relative to the enrolment (negative: before it)
    to_day: int | None


@dataclass
class Person:
    """One synthetic person; days are counted from their enrolment (day 0)."""

    number: int
    enrol_day: int  # days after the cohort's first enrolment
    days: int  # days observed, day 0 to days-1
    group: str
    plan: Plan | None
    baseline_bam: dict[str, int | None]
    followup_bam: tuple[int, dict[str, int | None]] | None
    # Per day (length `days`): 0 no check-in, 1 checked in without a use answer, 2 no use,
    # 3 use reported.
    day_state: np.ndarray
    substance: list[tuple[str, ...]]  # per day, the substances of a use day
    misused: list[str]  # per day, a medication taken other than prescribed ('' none)
    meetings: np.ndarray  # per day
    service: np.ndarray
    sponsor: np.ndarray
    activities: dict[str, np.ndarray] = field(default_factory=dict)
    network: list[tuple[int, list[network.NetworkPerson]]] = field(default_factory=list)


def _bam_answers(rng: np.random.Generator, severity: float) -> dict[str, int | None]:
    """Answers to the BAM of `measures.bam` (raw day counts), worse with `severity`."""

    def days(mean: float) -> int:
        return int(min(30, rng.poisson(max(0.0, mean))))

    def extent(mean: float) -> int:
        return int(min(4, max(0, round(rng.normal(mean, 1.0)))))

    drinking = days(3 + 5 * severity)
    drugs = days(2 + 5 * severity)
    answers: dict[str, int | None] = {
        "1": extent(1.5 + 0.5 * severity),
        "2": days(5 + 4 * severity),
        "3": days(5 + 4 * severity),
        "4": drinking,
        "5": min(drinking, days(1 + 3 * severity)),
        "6": drugs,
        "8": extent(1.5 + severity),
        "9": extent(2.5 - severity),
        "10": days(6 - 2 * severity),
        "11": days(2 + 4 * severity),
        "12": extent(2.0),
        "13": days(12 - 4 * severity),
        "14": int(rng.choice([0, 4], p=[0.3, 0.7])),
        "15": extent(1.5 + 0.5 * severity),
        "16": days(10 - 3 * severity),
        "17": extent(2.0),
    }
    for key in ("7A", "7B", "7C", "7D", "7E", "7F", "7G"):
        answers[key] = int(rng.integers(0, drugs + 1)) if drugs else 0
    return answers


def _network(
    rng: np.random.Generator, share_not_using: float, daily_share: float
) -> list[network.NetworkPerson]:
    size = int(rng.integers(3, 11))
    people = []
    for _ in range(size):
        not_using = rng.random() < share_not_using
        status = int(rng.choice([1, 2])) if not_using else int(rng.choice([3, 4, 5]))
        drug_status = int(rng.choice([1, 2])) if not_using else int(rng.choice([0, 3, 5]))
        people.append(
            network.NetworkPerson(
                relationship=str(rng.choice(["friend", "parent", "sibling", "fellowship"])),
                contact=network.CONTACT_DAILY if rng.random() < daily_share else 4,
                importance=int(rng.integers(2, 6)),
                drinking_status=status,
                drug_status=drug_status,
                recovery_support=4 if not_using else 3,
                in_fellowship=bool(not_using and rng.random() < 0.5),
            )
        )
    return people


def generate(
    *, people: int, days: int, seed: int, effects: Mapping[str, float]
) -> Iterator[Person]:
    """`people` synthetic people, each observed for about `days` days (enrolments spread over
    the first month, so a few have up to 29 days fewer). Same seed, same people."""
    rng = np.random.default_rng(seed)
    log = {key: math.log(effects.get(key, DEFAULT_EFFECTS[key])) for key in DEFAULT_EFFECTS}
    for number in range(1, people + 1):
        enrol_day = int(rng.integers(0, min(30, max(1, days // 4))))
        observed = days - enrol_day
        group = str(rng.choice(GROUPS, p=GROUP_SHARES))
        medication = str(rng.choice(MEDICATIONS, p=MEDICATION_SHARES[group]))
        plan = None
        if medication:
            stops = rng.random() < 0.1 and observed > 90
            plan = Plan(
                medication=medication,
                from_day=-int(rng.integers(0, 200)),
                to_day=int(rng.integers(60, observed)) if stops else None,
            )
        severity = float(rng.normal(0.0, 0.7))
        baseline = _bam_answers(rng, severity)
        use_score = bam.score(baseline).use
        followup = None
        if observed > 120:
            followup = (int(rng.integers(90, observed)), _bam_answers(rng, severity - 0.3))
        # Engagement: a person's usual meetings a week, their chance of service and of talking
        # with a sponsor in a month; more with more use at intake (confounding).
        engagement = float(rng.normal(0.25 + 0.06 * use_score, 0.8))
        usual_rate = math.exp(engagement)
        heavy = rng.random() < 0.04  # 90-in-90 people
        service_chance = 1 / (1 + math.exp(-(engagement - 0.6)))
        sponsor_chance = 1 / (1 + math.exp(-(engagement - 0.2)))
        coverage = float(rng.beta(9, 2))
        stops_at = int(rng.integers(60, observed)) if rng.random() < 0.1 and observed > 90 else None
        checked = rng.random(observed) < coverage
        if stops_at is not None:
            checked[stops_at:] = False
        answered = checked & (rng.random(observed) > 0.03)
        meetings = np.zeros(observed, dtype=np.int64)
        service = np.zeros(observed, dtype=bool)
        sponsor = np.zeros(observed, dtype=bool)
        use = np.zeros(observed, dtype=bool)
        windows = (observed + WINDOW - 1) // WINDOW
        previous: tuple[int, int, int] | None = None
        for k in range(windows):
            start, end = k * WINDOW, min(observed, (k + 1) * WINDOW)
            slots = np.flatnonzero(checked[start:end]) + start
            # The outcome of this window, from what the person did in the one before.
            logit = BASELINE_LOGIT + BAM_USE * (use_score - 4)
            logit += {"drugs": log["group_or"], "both": log["both_or"]}.get(group, 0.0)
            on = (
                plan is not None
                and plan.from_day <= start
                and (plan.to_day is None or start <= plan.to_day)
            )
            if on and plan is not None:
                logit += {
                    "buprenorphine": log["medication_or"],
                    "methadone": log["methadone_or"],
                    "naltrexone": log["naltrexone_or"],
                }[plan.medication]
            if previous is not None:
                weekly, did_service, talked = previous
                logit += log["attendance_or"] * weekly
                logit += log["service_or"] * did_service + log["sponsor_or"] * talked
            abstinent = rng.random() < 1 / (1 + math.exp(-logit))
            answered_slots = [day for day in slots if answered[day]]
            if not abstinent and answered_slots:
                count = min(len(answered_slots), 1 + int(rng.poisson(2)))
                use[rng.choice(answered_slots, size=count, replace=False)] = True
            # What the person does in this window (the next window's exposure).
            if heavy:
                rate = float(rng.uniform(7, 9))
            elif rng.random() < 0.15:
                rate = 0.0
            else:
                rate = usual_rate * math.exp(float(rng.normal(0, 0.5)))
            count = min(int(rng.poisson(rate * WINDOW / 7)), 2 * len(slots))
            if count:
                np.add.at(meetings, rng.choice(slots, size=count), 1)
            did_service = bool(slots.size and rng.random() < service_chance)
            if did_service:
                picked = rng.choice(slots, size=min(slots.size, 1 + int(rng.poisson(2))))
                service[picked] = True
            talked = bool(slots.size and rng.random() < sponsor_chance)
            if talked:
                picked = rng.choice(slots, size=min(slots.size, 1 + int(rng.poisson(3))))
                sponsor[picked] = True
            # As the report sees it: meetings a week = meetings / (30 / 7).
            weekly = int(int(meetings[start:end].sum()) * 7 / WINDOW >= 1)
            previous = (weekly, int(service[start:end].any()), int(sponsor[start:end].any()))
        state = np.where(checked, np.where(answered, np.where(use, 3, 2), 1), 0)
        substances: list[tuple[str, ...]] = [()] * observed
        misused: list[str] = [""] * observed
        choices = SUBSTANCES_BY_GROUP[group]
        for day in np.flatnonzero(use):
            if plan is not None and plan.medication != "naltrexone" and rng.random() < 0.1:
                misused[day] = plan.medication  # counts as use without any other substance
            else:
                substances[day] = (str(rng.choice(choices)),)
        activities = {
            name: checked & (rng.random(observed) < 0.08 * (1 + max(0.0, engagement)))
            for name in OTHER_ACTIVITIES
        }
        share_before = float(np.clip(rng.normal(0.45, 0.15), 0.05, 0.95))
        share_after = float(np.clip(share_before + 0.1 * engagement + rng.normal(0, 0.1), 0, 1))
        snapshots = [(0, _network(rng, share_before, 0.3))]
        if observed > 90:
            snapshots.append(
                (int(observed // 2), _network(rng, share_after, 0.3 + 0.1 * engagement))
            )
        yield Person(
            number=number,
            enrol_day=enrol_day,
            days=observed,
            group=group,
            plan=plan,
            baseline_bam=baseline,
            followup_bam=followup,
            day_state=state,
            substance=substances,
            misused=misused,
            meetings=meetings,
            service=service,
            sponsor=sponsor,
            activities=activities,
            network=snapshots,
        )
