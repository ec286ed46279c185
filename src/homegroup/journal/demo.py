"""Demo journals: several months of plausible, clearly synthetic history for Ana and Ben, so that
the progress charts mean something on the first run. Only `homegroup demo` calls `load()`.

Everything goes through `journal.actions`, with each day recorded "that evening" (``now`` on the
day itself), as a person keeping a daily diary would. A fixed random seed makes the history the
same on every machine. Safe to run again: a person who already has check-ins is left alone.

Ana (buprenorphine, NA): 3-5 meetings a week, her home group, a sponsor who supports her
medication, a greeter commitment, a network of six with one change after a hard day, one lapse
some weeks ago, three BAMs. Ben (alcohol, AA): fewer meetings, more days without a check-in, a
temporary sponsor, one BAM.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homegroup.accounts.models import User
from homegroup.directory.models import Meeting
from homegroup.journal import actions, reception
from homegroup.journal.models import CheckIn, CheckInMeeting, JournalProfile, MedicationPlan
from homegroup.measures import bam

ZONE = "America/New_York"
SEED = 20260216
SYNTHETIC = "synthetic demo"


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}@demo.homegroup.invalid").first()


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(21, 0), tzinfo=ZoneInfo(ZONE))


def _meetings(fellowship: str, count: int) -> list[Meeting]:
    found = list(
        Meeting.objects.active().filter(fellowship__code=fellowship).order_by("name", "id")[:count]
    )
    if len(found) < count:
        found += list(Meeting.objects.active().exclude(pk__in=[m.pk for m in found])[:count])
    return found[:count]


def _bam(**days: int) -> dict[str, Any]:
    answers: dict[str, Any] = {key: 0 for key in bam.INSTRUMENT.keys}
    answers.update({"1": 2, "9": 3, "12": 2, "14": 4, "17": 2})
    answers.update(days)
    return answers


def _attended(meetings: list[Meeting], names: list[str], picks: list[int]) -> list[Any]:
    rows = []
    for index in picks:
        if index < len(meetings):
            rows.append(actions.MeetingAttended(meeting_id=meetings[index].pk))
        else:
            rows.append(
                actions.MeetingAttended(name=names[index % len(names)], attendance="online")
            )
    return rows


def _ana(person: User, today: date) -> int:
    rng = random.Random(SEED)  # noqa: S311  (a reproducible story, not a secret)
    history = 150
    actions.update_profile(
        person=person,
        timezone_name=ZONE,
        recovery_date=today - timedelta(days=240),
        count_scope="all",
    )
    plan = MedicationPlan.objects.visible_to(person).first() or actions.save_medication_plan(
        person=person,
        medication="buprenorphine",
        prescriber=f"Eastside clinic ({SYNTHETIC})",
        dose="16",
        dose_unit="mg",
        schedule="daily",
        active_from=today - timedelta(days=270),
    )
    meetings = _meetings("NA", 3)
    names = ["Online NA lunch", "Women's step study (online)", "Friday candlelight"]
    if meetings:
        actions.set_home_group(person=person, meeting=meetings[0])
        for extra in meetings[1:]:
            actions.add_usual_meeting(person=person, meeting=extra)
    actions.update_sponsor_and_steps(
        person=person,
        sponsor_status="permanent",
        sponsor_name="Sam",
        sponsor_supports_medication="yes",
        steps_worked=[1, 2, 3],
    )
    actions.save_service_commitment(
        person=person,
        role="greeter",
        meeting=meetings[0] if meetings else None,
        meeting_name="" if meetings else "Tuesday Hope Group",
        started_on=today - timedelta(days=120),
    )
    # name, relationship, contact, importance, in a fellowship, sponsor, supports medication,
    # drinking status, drug status, reaction to her use (measures.network codes).
    network = [
        ("Sam", "sponsor", 5, 5, True, True, "yes", 2, 2, 4),
        ("Maria", "sibling", 6, 5, False, False, "yes", 1, 1, 4),
        ("Jay", "friend", 5, 3, False, False, "no", 4, 5, 1),
        ("Lee", "coworker", 6, 2, False, False, "unknown", 3, 0, 0),
        ("Mom", "parent", 4, 5, False, False, "unknown", 1, 1, 5),
        ("Tasha", "fellowship", 4, 4, True, False, "yes", 2, 2, 4),
    ]
    added = {}
    for (
        name,
        relation,
        contact,
        importance,
        fellowship,
        sponsor,
        medication,
        drink,
        drug,
        reaction,
    ) in network:
        added[name] = actions.save_network_member(
            person=person,
            name=name,
            relationship=relation,
            contact=contact,
            importance=importance,
            drinking_status=drink,
            drug_status=drug,
            reaction_to_drug_use=reaction,
            recovery_support=5 if medication == "yes" else 3,
            in_fellowship=fellowship,
            is_sponsor=sponsor,
            supports_medication=medication,
            now=_evening(today - timedelta(days=140)),
        )
    lapse = today - timedelta(days=38)
    step = 3
    recorded = 0
    for back in range(history, 0, -1):
        day = today - timedelta(days=back)
        if rng.random() < 0.05 and day not in (lapse, lapse + timedelta(days=1)):
            continue  # a few days without a check-in: unknown, never assumed a day without use
        weekday = (day.weekday() + 1) % 7
        picks = []
        if weekday == 2:  # the home group meets on Tuesdays in this story
            picks.append(0)
        near_lapse = lapse - timedelta(days=5) <= day <= lapse
        if rng.random() < (0.15 if near_lapse else 0.42):
            picks.append(rng.choice([1, 2, 3]))  # a usual meeting, or one online
        taken = "missed" if rng.random() < 0.03 else "taken"
        values: dict[str, Any] = {
            "meetings": _attended(meetings, names, picks),
            "talked_with_sponsor": rng.random() < 0.35,
            "literature": rng.random() < 0.5,
            "service": weekday == 2,
            "shared": bool(picks) and rng.random() < 0.3,
            "fellowship_time": bool(picks) and rng.random() < 0.4,
            "helped_member": rng.random() < 0.1,
            "doses": [actions.DoseReport(plan_id=plan.pk, status=taken)],
            "use_status": "none",
            "craving": rng.randint(5, 8) if near_lapse else rng.randint(0, 4),
            "mood": rng.randint(1, 3) if near_lapse else rng.randint(3, 5),
        }
        if rng.random() < 0.08:
            values["step_worked"] = step
            step = min(step + (1 if rng.random() < 0.3 else 0), 4)
        if day == lapse:
            values.update(
                meetings=[],
                use_status="used",
                substances=["opioids"],
                craving=9,
                mood=1,
                doses=[actions.DoseReport(plan_id=plan.pk, status="taken")],
                note="Hard day after the fight with my brother. I used. Told Sam tonight.",
            )
        elif day == lapse + timedelta(days=1):
            values.update(
                meetings=_attended(meetings, names, [0]),
                talked_with_sponsor=True,
                shared=True,
                note="Back at my home group. Sam said one day doesn't erase the months before.",
            )
        actions.record_check_in(
            person=person, day=day, values=actions.CheckInValues(**values), now=_evening(day)
        )
        recorded += 1
    # Ana tried another group in the last weeks and was asked not to share because of her
    # buprenorphine: she says so after logging it (a report for the maintainers to review, and
    # an alert on Cora's caseload).
    tried = (
        CheckInMeeting.objects.visible_to(person)
        .filter(check_in__date__gte=today - timedelta(days=21), meeting__isnull=False)
        .exclude(meeting__in=meetings[:1])
        .order_by("-check_in__date")
        .select_related("meeting", "check_in")
        .first()
    )
    if tried is not None and tried.meeting is not None:
        reception.answer_reception(
            person=person,
            meeting=tried.meeting,
            answer="unwelcoming",
            note="I was told people on buprenorphine should not share. (Synthetic demo.)",
            day=tried.check_in.date,
        )
    # After the lapse Ana let a using friend go and added someone from her home group.
    changed = _evening(today - timedelta(days=30))
    actions.remove_network_member(person=person, member=added["Jay"], now=changed)
    actions.save_network_member(
        person=person, name="Rosa", relationship="fellowship", contact=5, importance=4,
        drinking_status=2, drug_status=2, reaction_to_drug_use=4, recovery_support=5,
        in_fellowship=True, supports_medication="yes", now=changed,
    )  # fmt: skip
    for back, answers in (
        (130, _bam(**{"2": 12, "3": 10, "8": 3, "9": 2, "10": 8, "11": 6, "15": 3, "16": 10})),
        (60, _bam(**{"2": 6, "3": 5, "8": 2, "10": 16, "11": 3, "15": 2, "16": 20, "13": 12})),
        (
            10,
            _bam(
                **{"2": 5, "3": 6, "6": 1, "7E": 1, "8": 2, "10": 18, "11": 2, "15": 1, "16": 24}
                | {"13": 16, "9": 3, "17": 3}
            ),
        ),
    ):
        actions.record_measure(
            person=person,
            instrument_id="bam",
            answers=answers,
            taken_on=today - timedelta(days=back),
            now=_evening(today - timedelta(days=back)),
        )
    return recorded


def _ben(person: User, today: date) -> int:
    rng = random.Random(SEED + 1)  # noqa: S311
    history = 120
    first = today - timedelta(days=history)
    actions.update_profile(
        person=person,
        timezone_name=ZONE,
        recovery_date=today - timedelta(days=95),
        count_scope="alcohol",
    )
    meetings = _meetings("AA", 2)
    names = ["Thursday night Big Book (online)"]
    if meetings:
        actions.set_home_group(person=person, meeting=meetings[0])
    actions.update_sponsor_and_steps(
        person=person,
        sponsor_status="temporary",
        sponsor_name="JT",
        sponsor_supports_medication="unknown",
        steps_worked=[1],
    )
    for name, relationship, contact, importance, drink, fellowship in (
        ("Dana", "partner", 6, 5, 3, False),
        ("JT", "sponsor", 4, 4, 2, True),
        ("Mike", "friend", 5, 3, 5, False),
        ("Dad", "parent", 3, 4, 3, False),
    ):
        actions.save_network_member(
            person=person,
            name=name,
            relationship=relationship,
            contact=contact,
            importance=importance,
            drinking_status=drink,
            reaction_to_drinking=1 if drink == 5 else 4,
            recovery_support=3 if drink == 5 else 4,
            in_fellowship=fellowship,
            is_sponsor=name == "JT",
            now=_evening(first),
        )
    recorded = 0
    for back in range(history, 0, -1):
        day = today - timedelta(days=back)
        if rng.random() < 0.3:
            continue
        before_recovery = back > 95
        picks = [0] if rng.random() < 0.22 else []
        values: dict[str, Any] = {
            "meetings": _attended(meetings, names, picks),
            "talked_with_sponsor": rng.random() < 0.15,
            "literature": rng.random() < 0.25,
            "use_status": "used" if before_recovery and rng.random() < 0.5 else "none",
            "craving": rng.randint(2, 7) if back > 60 else rng.randint(0, 4),
            "mood": rng.randint(2, 5),
        }
        if values["use_status"] == "used":
            values.update(substances=["alcohol"], drinks=rng.randint(3, 8))
        actions.record_check_in(
            person=person, day=day, values=actions.CheckInValues(**values), now=_evening(day)
        )
        recorded += 1
    actions.record_measure(
        person=person,
        instrument_id="bam",
        answers=_bam(**{"2": 8, "3": 6, "8": 2, "10": 6, "11": 3, "16": 15}),
        taken_on=today - timedelta(days=20),
        now=_evening(today - timedelta(days=20)),
    )
    return recorded


def load() -> str:
    ana, ben = _user("ana"), _user("ben")
    if ana is None or ben is None:
        return "Demo journals skipped: run the demo accounts first."
    today = JournalProfile(timezone=ZONE).today()
    written = []
    for person, build in ((ana, _ana), (ben, _ben)):
        if CheckIn.objects.visible_to(person).exists():
            written.append(f"{person.display_name}: already there")
            continue
        written.append(f"{person.display_name}: {build(person, today)} days")
    return "Demo journals (synthetic) ready — " + "; ".join(written) + "."
