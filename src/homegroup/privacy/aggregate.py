"""Who a program may count in its own aggregate reports: the gate's rule, for a whole program.

A program's outcome report (the outcomes app) uses its people's records for health care
operations, de-identified and in aggregate: no record reaches any one person, so it is not a
disclosure and writes no disclosure record. It may still only count a person whose consent to
the program covers that purpose and every category the report reads, now, minus their
restrictions. That is `rules.decide` with the program as the recipient, asked once per enrolled
person: the same consents (`possibly_active().with_treatment()`, then `consent_status`), the same
restrictions (P2-09), the same "inactive accounts are disclosed to nobody" — never a second rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from homegroup.privacy import categories, rules
from homegroup.privacy.models import Consent, Enrolment, Program, Restriction

# No account has id 0: the program itself is the recipient, never a clinician of it.
_PROGRAM_AS_RECIPIENT = 0


@dataclass(frozen=True)
class Counted:
    """Current enrolments of the program split by whether their consent lets them be counted."""

    person_ids: frozenset[int]
    not_counted: int
    # Those of `person_ids` whose consent also covers the `also` categories.
    with_also: frozenset[int] = frozenset()

    @property
    def enrolled(self) -> int:
        return len(self.person_ids) + self.not_counted


CONSENT_FACTS = ("id", "person_id", "kind", "categories", "purposes", "recipient_user_id",
                 "recipient_program_id", "activated_at", "revoked_at", "expires_at",
                 "expiry_kind", "share_code_expires_at", "signed_at", "created_at")  # fmt: skip


def people_counted(
    *,
    program: Program,
    purpose: str,
    categories_needed: frozenset[str],
    also: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> Counted:
    """The current enrolments whose consent to `program` covers `purpose` and every category of
    `categories_needed` (and, in `with_also`, those whose consent covers `also` as well). Three
    queries whatever the size of the program."""
    now = now or timezone.now()
    needed = frozenset(categories_needed) & categories.ALL
    wanted = needed | (frozenset(also) & categories.ALL)
    enrolments = Enrolment.objects.current().filter(program=program)
    enrolled = dict(enrolments.values_list("person_id", "person__is_active"))
    enrolled_ids = enrolments.values("person_id")
    consents: dict[int, list[rules.ConsentFacts]] = {}
    for consent in (
        Consent.objects.possibly_active(now)
        .with_treatment()
        .filter(recipient_program=program, person_id__in=enrolled_ids)
        # What `facts()` reads, not the signed text: a program's consents are thousands of rows.
        .only(*CONSENT_FACTS)
    ):
        consents.setdefault(consent.person_id, []).append(consent.facts())
    restrictions: dict[int, list[rules.RestrictionFacts]] = {}
    for restriction in Restriction.objects.current().filter(person_id__in=enrolled_ids):
        restrictions.setdefault(restriction.person_id, []).append(restriction.facts())
    viewer = rules.ViewerFacts(
        user_id=_PROGRAM_AS_RECIPIENT, is_active=True, care_team_program_ids=frozenset({program.pk})
    )
    counted, with_also = set(), set()
    for person_id, active in enrolled.items():
        decision = rules.decide(
            person_id=person_id,
            viewer=viewer,
            consents=consents.get(person_id, ()),
            restrictions=restrictions.get(person_id, ()),
            grants=(),
            requested=wanted,
            purpose=purpose,
            now=now,
            person_active=bool(active),
        )
        if needed and needed <= decision.allowed:
            counted.add(person_id)
            if wanted <= decision.allowed:
                with_also.add(person_id)
    return Counted(
        person_ids=frozenset(counted),
        not_counted=len(enrolled) - len(counted),
        with_also=frozenset(with_also),
    )
