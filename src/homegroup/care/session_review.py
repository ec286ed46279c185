"""A TSF session's review, pre-filled from the person's journal through the disclosure gate.

`read_review(disclosure, person, since=..., until=...)` reads the journal as far as the
disclosure goes (`journal.disclosed.gather`) and `summarise` turns the days into numbers, one
section per data category: a section is only made when its category is disclosed, and it is
stored under that category in the session (`TSFSession.review`). `sections(review, disclosure)`
turns a stored review back into rows to show, again only for the categories the disclosure
allows now, so a later, narrower consent never shows what it no longer covers.

The review holds counts, never the person's words: no private note, no meeting typed in by name,
no network member's name. How a meeting received the person is not here: those reports are
anonymous by design (directory MAT reports), so nothing ties them to the person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.directory.models import Meeting
from homegroup.journal import disclosed
from homegroup.privacy.categories import Category
from homegroup.privacy.gate import Disclosure

OTHER_FELLOWSHIP = "other"
ACTIVITIES = (
    "talked_with_sponsor",
    "sponsored_someone",
    "service",
    "literature",
    "step_work",
    "shared",
    "helped_member",
    "fellowship_time",
)


@dataclass(frozen=True)
class Day:
    """One checked-in day as plain values; None where the disclosure withheld it."""

    day: date
    meetings: tuple[tuple[str, str], ...] = ()  # (fellowship code or "other", attendance)
    activities: frozenset[str] = frozenset()
    step_worked: int | None = None
    craving: int | None = None
    used: bool | None = None  # None: not answered that day
    doses: tuple[tuple[str, str], ...] = ()  # (medication label, dose status)


@dataclass(frozen=True)
class NetworkFacts:
    size_before: int | None = None
    size_now: int | None = None
    supporters_of_medication: int | None = None
    sponsor_listed: bool | None = None
    changed: bool = False


@dataclass(frozen=True)
class Facts:
    since: date
    until: date
    days: list[Day] = field(default_factory=list)
    sponsor_status: str = ""
    network: NetworkFacts | None = None


def summarise(facts: Facts, allowed: frozenset[str]) -> dict[str, Any]:
    """The review's numbers, one section per allowed category (pure)."""
    days = [day for day in facts.days if facts.since <= day.day <= facts.until]
    review: dict[str, Any] = {"since": facts.since.isoformat(), "until": facts.until.isoformat()}
    if Category.CHECK_INS.value in allowed:
        cravings = [day.craving for day in days if day.craving is not None]
        review[Category.CHECK_INS.value] = {
            "days_checked_in": len(days),
            "craving_highest": max(cravings) if cravings else None,
            "craving_average": round(sum(cravings) / len(cravings), 1) if cravings else None,
        }
    if Category.MEETINGS_AND_ACTIVITIES.value in allowed:
        meetings = [meeting for day in days for meeting in day.meetings]
        review[Category.MEETINGS_AND_ACTIVITIES.value] = {
            "meetings": len(meetings),
            "by_fellowship": dict(sorted(Counter(code for code, _mode in meetings).items())),
            "by_attendance": dict(sorted(Counter(mode for _code, mode in meetings).items())),
            "days": {name: sum(1 for day in days if name in day.activities) for name in ACTIVITIES},
            "steps_worked": sorted({day.step_worked for day in days if day.step_worked}),
            "sponsor_status": facts.sponsor_status,
        }
    if Category.SUBSTANCE_USE.value in allowed:
        answered = [day for day in days if day.used is not None]
        review[Category.SUBSTANCE_USE.value] = {
            "days_with_use": sum(1 for day in answered if day.used),
            "days_without_use": sum(1 for day in answered if not day.used),
            "days_answered": len(answered),
        }
    if Category.MEDICATION.value in allowed:
        counts: dict[str, Counter[str]] = {}
        for day in days:
            for label, status in day.doses:
                counts.setdefault(label, Counter())[status] += 1
        review[Category.MEDICATION.value] = {
            "plans": [
                {
                    "label": label,
                    "taken": counter["taken"],
                    "missed": counter["missed"],
                    "different_dose": counter["different_dose"],
                }
                for label, counter in sorted(counts.items())
            ]
        }
    if Category.NETWORK.value in allowed and facts.network is not None:
        net = facts.network
        review[Category.NETWORK.value] = {
            "changed": net.changed,
            "size_before": net.size_before,
            "size_now": net.size_now,
            "supporters_of_medication": net.supporters_of_medication,
            "sponsor_listed": net.sponsor_listed,
        }
    return review


def read_review(
    disclosure: Disclosure, person: User, *, since: date, until: date
) -> dict[str, Any]:
    """The review of `since`..`until` as far as the disclosure goes: about ten queries."""
    data = disclosed.gather(disclosure, person)
    meeting_ids = {
        attended.meeting_id
        for day in data.check_ins
        if since <= day.date <= until
        for attended in day.meetings.all()
        if attended.meeting_id
    }
    fellowships = dict(
        Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", "fellowship__code")
    )
    plans = {plan.pk: plan.label for plan in data.plans}
    days = [
        Day(
            day=day.date,
            meetings=tuple(
                (fellowships.get(attended.meeting_id or 0, OTHER_FELLOWSHIP), attended.attendance)
                for attended in day.meetings.all()
            ),
            activities=frozenset(name for name in ACTIVITIES if getattr(day, name, False)),
            step_worked=day.step_worked,
            craving=day.craving,
            used=None if not day.use_status else day.use_status == "used",
            doses=tuple(
                (plans[dose.plan_id], dose.status)
                for dose in day.doses.all()
                if dose.plan_id in plans
            ),
        )
        for day in data.check_ins
        if since <= day.date <= until
    ]
    return summarise(
        Facts(
            since=since,
            until=until,
            days=days,
            sponsor_status=str(data.life.get_sponsor_status_display())
            if data.life.pk and data.life.sponsor_status
            else "",
            network=_network(data.snapshots, since),
        ),
        disclosure.allowed_categories,
    )


def _network(snapshots: list[Any], since: date) -> NetworkFacts | None:
    if not snapshots:
        return None
    before = [s for s in snapshots if s.taken_on < since]
    latest = snapshots[-1]
    earlier = before[-1] if before else None
    return NetworkFacts(
        size_before=(earlier.indices or {}).get("size") if earlier else None,
        size_now=(latest.indices or {}).get("size"),
        supporters_of_medication=(latest.indices or {}).get("supporters_of_medication"),
        sponsor_listed=(latest.indices or {}).get("sponsor_listed"),
        changed=latest.taken_on >= since,
    )


# --- Showing a stored review -----------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]]


def _activity_labels() -> dict[str, str]:
    return {
        "talked_with_sponsor": _("Days talking with a sponsor"),
        "sponsored_someone": _("Days sponsoring someone"),
        "service": _("Days of service"),
        "literature": _("Days reading literature"),
        "step_work": _("Days of step work"),
        "shared": _("Days sharing at a meeting"),
        "helped_member": _("Days helping another member"),
        "fellowship_time": _("Days of fellowship time"),
    }


def _number(value: Any) -> str:
    return _("not known") if value is None else str(value)


def sections(review: dict[str, Any], disclosure: Disclosure) -> list[Section]:
    """The stored review as titled rows, only for the categories the disclosure allows now."""
    out: list[Section] = []
    allows = disclosure.allows
    if allows(Category.MEETINGS_AND_ACTIVITIES.value) and (
        part := review.get(Category.MEETINGS_AND_ACTIVITIES.value)
    ):
        rows = [(_("Meetings"), str(part["meetings"]))]
        fellowships = ", ".join(
            f"{_('other') if code == OTHER_FELLOWSHIP else code} {count}"
            for code, count in part["by_fellowship"].items()
        )
        if fellowships:
            rows.append((_("By fellowship"), fellowships))
        modes = {"in_person": _("in person"), "online": _("online")}
        attendance = ", ".join(
            f"{modes.get(mode, mode)} {count}" for mode, count in part["by_attendance"].items()
        )
        if attendance:
            rows.append((_("Attended"), attendance))
        labels = _activity_labels()
        rows += [(labels[name], str(count)) for name, count in part["days"].items()]
        if part["steps_worked"]:
            rows.append((_("Steps worked"), ", ".join(str(s) for s in part["steps_worked"])))
        if part.get("sponsor_status"):
            rows.append((_("Their answer about a sponsor"), part["sponsor_status"]))
        out.append(Section(_("Meetings and 12-step activities"), rows))
    if allows(Category.CHECK_INS.value) and (part := review.get(Category.CHECK_INS.value)):
        out.append(
            Section(
                _("Check-ins and urges"),
                [
                    (_("Days checked in"), str(part["days_checked_in"])),
                    (_("Highest craving (0-10)"), _number(part["craving_highest"])),
                    (_("Average craving"), _number(part["craving_average"])),
                ],
            )
        )
    if allows(Category.SUBSTANCE_USE.value) and (part := review.get(Category.SUBSTANCE_USE.value)):
        out.append(
            Section(
                _("Use"),
                [
                    (_("Days with use"), str(part["days_with_use"])),
                    (_("Days without use"), str(part["days_without_use"])),
                    (_("Days with an answer"), str(part["days_answered"])),
                ],
            )
        )
    if allows(Category.MEDICATION.value) and (part := review.get(Category.MEDICATION.value)):
        rows = [
            (
                plan["label"],
                _("taken %(taken)s, missed %(missed)s, a different dose %(different)s")
                % {
                    "taken": plan["taken"],
                    "missed": plan["missed"],
                    "different": plan["different_dose"],
                },
            )
            for plan in part["plans"]
        ]
        out.append(Section(_("Medication (days reported)"), rows or [(_("Doses"), _("none"))]))
    if allows(Category.NETWORK.value) and (part := review.get(Category.NETWORK.value)):
        rows = [
            (_("Changed since last time"), _("yes") if part["changed"] else _("no")),
            (_("People in the network"), _number(part["size_now"])),
            (_("Before"), _number(part["size_before"])),
            (_("Supportive of medication"), _number(part["supporters_of_medication"])),
            (
                _("Sponsor listed in network"),
                _("not known")
                if part["sponsor_listed"] is None
                else (_("yes") if part["sponsor_listed"] else _("no")),
            ),
        ]
        out.append(Section(_("Support network"), rows))
    return out
