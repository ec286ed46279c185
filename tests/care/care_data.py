"""The care tests' universe: Ana's journal (tests/journal/export_data.full_journal), a counseling
note Cora wrote about her, and canaries that must never show where they are not released."""

from __future__ import annotations

from datetime import date

from homegroup.care import actions
from homegroup.care.models import CounselingNote
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import rules
from tests.journal.export_data import NOTE, full_journal
from tests.people import PASSWORD, People

# Ana's private note on a check-in (full_journal writes it).
PRIVATE_CANARY = NOTE.lstrip("=")
COUNSELING_CANARY = "CANARY-counseling-7f3a: ambivalence about tapering, explored family grief"


def anas_journal(people: People) -> None:
    full_journal(people.ana)


def coras_note(people: People, body: str = COUNSELING_CANARY) -> CounselingNote:
    return actions.write_counseling_note(
        author=people.cora, person=people.ana, session_date=date.today(), body=body
    )


def counseling_notes_consent(people: People):
    """Ana releases counseling notes to her care team (a consent of their own kind, P2-02)."""
    return privacy_actions.sign_consent(
        person=people.ana,
        kind=rules.COUNSELING_NOTES,
        categories_chosen={"counseling_notes"},
        purposes={rules.TREATMENT},
        expiry_kind=rules.EXPIRES_AT_END_OF_TREATMENT,
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent


def second_clinician_on_anas_team(people: People):
    """Dev joins Ana's care team: a colleague who still must not read Cora's notes."""
    place = privacy_actions.assign_clinician(
        program=people.program, person_id=people.ana.pk, clinician_id=people.dev.pk, by=people.pat
    )
    return privacy_actions.confirm_care_team_place(member=place, by=people.dev)
