"""The named people of every permission test (DESIGN.md), built only through actions.

Ana (in recovery, on buprenorphine), Ben (in recovery, alcohol), Cora (clinician on Ana's care
team), Dev (clinician, not on it), Pat (program admin), Max (directory maintainer), Sam (Ana's
sponsor, no clinical role).

The program: Pat administers "Eastside Recovery Program", where Cora and Dev are clinicians.
Ana joined it with an enrolment code and Cora is on her care team (Pat proposed it, Cora
confirmed it); Ben joined no program.
Nobody shares anything until a test says so: `share_as_in_the_story(people)` gives Ana's two
consents of the story (her record but the private notes with her program; her meetings and
recovery time with Sam, who accepted the code).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

from django.utils import timezone

from homegroup.accounts import actions
from homegroup.accounts.models import Role, User
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import categories
from homegroup.privacy.models import Consent, Program, ProgramRole

PASSWORD = "correct horse battery staple 42"
PROGRAM_NAME = "Eastside Recovery Program"


@dataclass
class People:
    ana: User
    ben: User
    cora: User
    dev: User
    pat: User
    max: User
    sam: User

    def named(self) -> dict[str, User]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @property
    def program(self) -> Program:
        return Program.objects.get(name=PROGRAM_NAME)


ROLES = {
    "ana": {Role.PERSON_IN_RECOVERY},
    "ben": {Role.PERSON_IN_RECOVERY},
    "cora": {Role.CLINICIAN},
    "dev": {Role.CLINICIAN},
    "pat": {Role.PROGRAM_ADMIN},
    "max": {Role.DIRECTORY_MAINTAINER},
    "sam": set(),
}


def make_people() -> People:
    people = People(
        **{
            name: actions.create_account(
                email=f"{name}@people.test",
                display_name=name.capitalize(),
                password=PASSWORD,
                roles=roles,
            )
            for name, roles in ROLES.items()
        }
    )
    program = privacy_actions.create_program(name=PROGRAM_NAME, admin=people.pat)
    for clinician in (people.cora, people.dev):
        privacy_actions.add_program_member(
            program=program, user=clinician, role=ProgramRole.CLINICIAN, actor_id=people.pat.pk
        )
    issued = privacy_actions.issue_enrolment_code(program=program, by=people.pat)
    privacy_actions.join_program(person=people.ana, code=issued.code)
    place = privacy_actions.assign_clinician(
        program=program, person_id=people.ana.pk, clinician_id=people.cora.pk, by=people.pat
    )
    # Pat proposes; Cora's place counts once she confirms it herself.
    privacy_actions.confirm_care_team_place(member=place, by=people.cora)
    return people


@dataclass
class Story:
    program_consent: Consent
    sam_consent: Consent


def share_as_in_the_story(people: People) -> Story:
    """Ana's consents of the story, signed and (for Sam) accepted, through the actions."""
    program_consent = privacy_actions.sign_consent(
        person=people.ana,
        kind="tpo",
        categories_chosen=categories.DEFAULT_FOR_PROGRAM,
        purposes={"treatment", "payment", "operations"},
        expiry_kind="end_of_treatment",
        expires_on=None,
        password=PASSWORD,
        recipient_program=people.program,
    ).consent
    signed = privacy_actions.sign_consent(
        person=people.ana,
        kind="specific",
        categories_chosen=categories.DEFAULT_FOR_SUPPORTER,
        purposes={"personal_support"},
        expiry_kind="date",
        expires_on=(timezone.now() + timedelta(days=90)).date(),
        password=PASSWORD,
        recipient_label="Sam, my sponsor",
    )
    assert signed.share_code is not None
    sam_consent = privacy_actions.accept_share(recipient=people.sam, code=signed.share_code)
    return Story(program_consent=program_consent, sam_consent=sam_consent)
