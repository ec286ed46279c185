"""Every write of the outcomes app: a synthetic cohort for a program (and nothing else — the
reports only read).

`generate_cohort` stores `outcomes.synthetic.generate(...)` in batches with bulk inserts: the
accounts (no password: they cannot sign in), enrolments with their diagnosis group, consents
signed to the program (rendered, hashed and signed as `privacy.actions` signs them), journal
profiles, medication plans, BAMs scored by `measures.bam`, network snapshots scored by
`measures.network`, daily check-ins and meetings. A year of 10,000 people is millions of rows,
so the rows are not audited one by one: the cohort is one audited event. Every account is
labelled synthetic (its name and its address), and a second run with the same seed is refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homegroup.accounts.models import User
from homegroup.audit import actions as audit
from homegroup.audit.vocabulary import AuditAction
from homegroup.bulk import insert_columns
from homegroup.journal.models import (
    CheckIn,
    CheckInMeeting,
    JournalProfile,
    MeasureResponse,
    MedicationPlan,
    MeetingAttendance,
    NetworkSnapshot,
    UseStatus,
)
from homegroup.measures import bam, network
from homegroup.outcomes import synthetic
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories, consent_text, rules
from homegroup.privacy.models import Consent, Enrolment, ExpiryKind, Program

BATCH_PEOPLE = 200
# A few people sign a consent for treatment only: the report must leave them out and say so.
TREATMENT_ONLY_SHARE = 0.08
MIN_DAYS = 60


def synthetic_email(program: Program, seed: int, number: int) -> str:
    return f"synthetic-p{program.pk}-s{seed}-{number}@synthetic.homegroup.invalid"


@dataclass(frozen=True)
class Cohort:
    people: int
    check_ins: int
    meetings: int
    seconds: float


def _consent(person: User, program: Program, now: datetime, treatment_only: bool) -> Consent:
    purposes = frozenset({rules.TREATMENT}) if treatment_only else rules.TPO_PURPOSES
    terms = consent_text.ConsentTerms(
        kind=rules.TPO,
        patient_id=person.pk,
        patient_name=person.display_name,
        discloser=privacy_actions.discloser_for(person),
        categories=categories.DEFAULT_FOR_PROGRAM,
        recipient_program_id=program.pk,
        recipient_program_name=program.name,
        recipient_user_id=None,
        recipient_label="",
        purposes=purposes,
        revocation=consent_text.revocation_statement(),
        expiry_kind=rules.EXPIRES_AT_END_OF_TREATMENT,
        expires_at=None,
        signature_method=consent_text.SIGNATURE_METHOD,
        signed_at=now,
    )
    text = consent_text.render(terms)
    digest = consent_text.text_hash(text)
    return Consent(
        person=person,
        kind=rules.TPO,
        discloser=terms.discloser,
        categories=categories.ordered(categories.DEFAULT_FOR_PROGRAM),
        purposes=sorted(purposes),
        recipient_program=program,
        expiry_kind=ExpiryKind.END_OF_TREATMENT,
        text=text,
        text_version=consent_text.TEXT_VERSION,
        text_sha256=digest,
        signature_method=consent_text.SIGNATURE_METHOD,
        signed_at=now,
        signature=consent_text.signature(person_id=person.pk, text_sha256=digest, signed_at=now),
        created_at=now,
        activated_at=now,
    )


# Encrypted values the generator seals itself (`EncryptedTextField.seal_rows`, empty and bound
# to their rows as `pre_save` would seal them): stored as they are.
SEALED = ("note", "name")


def _store(
    batch: list[synthetic.Person], *, program: Program, seed: int, first_day: date, now: datetime
) -> tuple[int, int]:
    unusable = make_password(None)
    users = [
        User(
            email=synthetic_email(program, seed, person.number),
            display_name=f"Synthetic person {person.number} (not a real person)",
            password=unusable,
            is_person_in_recovery=True,
            confirmed_adult_at=now,
            date_joined=now,
        )
        for person in batch
    ]
    User.objects.bulk_create(users)
    enrolled_on = {person.number: first_day + timedelta(days=person.enrol_day) for person in batch}
    Enrolment.objects.bulk_create(
        Enrolment(
            person=user,
            program=program,
            enrolled_at=datetime.combine(enrolled_on[person.number], datetime.min.time(), UTC),
            diagnosis_group=person.group,
            diagnosis_recorded_at=now,
        )
        for user, person in zip(users, batch, strict=True)
    )
    Consent.objects.bulk_create(
        _consent(user, program, now, treatment_only=(person.number * 7919 + seed) % 100
                 < TREATMENT_ONLY_SHARE * 100)
        for user, person in zip(users, batch, strict=True)
    )  # fmt: skip
    JournalProfile.objects.bulk_create(
        JournalProfile(person=user, timezone="UTC", created_at=now, updated_at=now)
        for user in users
    )
    MedicationPlan.objects.bulk_create(
        MedicationPlan(
            person=user,
            medication=person.plan.medication,
            active_from=enrolled_on[person.number] + timedelta(days=person.plan.from_day),
            active_to=(
                enrolled_on[person.number] + timedelta(days=person.plan.to_day)
                if person.plan.to_day is not None
                else None
            ),
            created_at=now,
            updated_at=now,
        )
        for user, person in zip(users, batch, strict=True)
        if person.plan is not None
    )
    measures = []
    snapshots = []
    for user, person in zip(users, batch, strict=True):
        start = enrolled_on[person.number]
        taken = [(0, person.baseline_bam)]
        if person.followup_bam is not None:
            taken.append(person.followup_bam)
        for day, answers in taken:
            measures.append(
                MeasureResponse(
                    person=user,
                    instrument=bam.ID,
                    version=bam.VERSION,
                    answers=answers,
                    scores=bam.score(answers).as_json(),
                    taken_on=start + timedelta(days=day),
                    recorded_at=now,
                )
            )
        for day, members in person.network:
            snapshots.append(
                NetworkSnapshot(
                    person=user,
                    taken_on=start + timedelta(days=day),
                    indices=network.network_indices(members).as_json(),
                    answers=[member.as_json() for member in members],
                    version=network.VERSION,
                    updated_at=now,
                )
            )
    MeasureResponse.objects.bulk_create(measures)
    NetworkSnapshot.objects.bulk_create(snapshots)
    # The daily rows are most of a cohort: inserted column by column, without model instances.
    columns: dict[str, list[Any]] = {
        name: []
        for name in ("person", "date", "use_status", "substances", "misused_medication",
                     "service", "talked_with_sponsor", *synthetic.OTHER_ACTIVITIES)
    }  # fmt: skip
    days = [first_day + timedelta(days=n) for n in range(max(p.enrol_day + p.days for p in batch))]
    statuses = np.array(["", "", UseStatus.NONE, UseStatus.USED], dtype=object)
    meeting_counts: dict[tuple[int, date], int] = {}
    for user, person in zip(users, batch, strict=True):
        index = person.day_state.nonzero()[0]
        on = [days[person.enrol_day + n] for n in index.tolist()]
        columns["person"] += [user.pk] * len(index)
        columns["date"] += on
        columns["use_status"] += statuses[person.day_state[index]].tolist()
        columns["substances"] += [list(person.substance[n]) for n in index.tolist()]
        columns["misused_medication"] += [person.misused[n] for n in index.tolist()]
        columns["service"] += person.service[index].tolist()
        columns["talked_with_sponsor"] += person.sponsor[index].tolist()
        for name in synthetic.OTHER_ACTIVITIES:
            columns[name] += person.activities[name][index].tolist()
        meeting_counts.update(
            ((user.pk, days[person.enrol_day + n]), count)
            for n, count in zip(index.tolist(), person.meetings[index].tolist(), strict=True)
            if count
        )
    note = CheckIn._meta.get_field("note")
    columns["note"] = note.seal_rows(zip(columns["person"], columns["date"], strict=True))
    check_ins = len(columns["person"])
    insert_columns(
        CheckIn,
        check_ins,
        columns,
        constants={"recorded_at": now, "updated_at": now},
        ready=SEALED,
    )
    ids = CheckIn.objects.filter(person__in=users, date__in={key[1] for key in meeting_counts})
    attended = [
        (check_in_id, person_id, on, n)
        for check_in_id, person_id, on in ids.values_list("id", "person_id", "date")
        for n in range(meeting_counts.get((person_id, on), 0))
    ]
    meeting_name = CheckInMeeting._meta.get_field("name")
    insert_columns(
        CheckInMeeting,
        len(attended),
        {
            "check_in": [row[0] for row in attended],
            "attendance": [
                MeetingAttendance.ONLINE if row[3] % 4 == 3 else MeetingAttendance.IN_PERSON
                for row in attended
            ],
            "name": meeting_name.seal_rows((row[1], row[2]) for row in attended),
        },
        ready=SEALED,
    )
    return check_ins, len(attended)


def generate_cohort(
    *,
    program: Program,
    people: int,
    days: int,
    seed: int,
    effects: dict[str, float] | None = None,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Cohort:
    """Add a clearly labelled synthetic cohort to `program`: `people` people enrolled over the
    first month of the last `days` days, with a journal up to yesterday and the planted effects
    of `outcomes.synthetic`. One transaction: a failure adds nothing."""
    if people < 1:
        raise ValidationError({"people": _("Generate at least one person.")})
    if days < MIN_DAYS:
        raise ValidationError(
            {"days": _("Generate at least %(days)s days: a report compares two windows of 30.")
             % {"days": MIN_DAYS}}
        )  # fmt: skip
    chosen = dict(synthetic.DEFAULT_EFFECTS, **(effects or {}))
    if User.objects.filter(email=synthetic_email(program, seed, 1)).exists():
        raise ValidationError(
            {"seed": _("%(program)s already has the synthetic cohort of seed %(seed)s.")
             % {"program": program.name, "seed": seed}}
        )  # fmt: skip
    started = time.perf_counter()
    now = timezone.now()
    first_day = now.date() - timedelta(days=days)
    check_ins = meetings = done = 0
    generated: Iterable[synthetic.Person] = synthetic.generate(
        people=people, days=days, seed=seed, effects=chosen
    )
    iterator = iter(generated)
    with transaction.atomic():
        while batch := list(islice(iterator, BATCH_PEOPLE)):
            stored = _store(batch, program=program, seed=seed, first_day=first_day, now=now)
            check_ins += stored[0]
            meetings += stored[1]
            done += len(batch)
            if progress is not None:
                progress(done, people)
        audit.record(
            action=AuditAction.OUTCOMES_COHORT_GENERATED,
            actor_id=actor_id,
            object_type="program",
            object_id=program.pk,
        )
    return Cohort(
        people=people,
        check_ins=check_ins,
        meetings=meetings,
        seconds=time.perf_counter() - started,
    )


def effects_summary(effects: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value:g}" for key, value in sorted(effects.items()))
