"""The demo's program and consents: the story of DESIGN.md, made through the actions.

Pat administers "Homegroup Demo Program", where Cora and Dev are clinicians; Ana joined it and
Cora is on her care team (Pat proposed the place, Cora confirmed it); Ana shares her record but
the private notes with the program and her meetings and recovery time with Sam. Safe to run
again: it adds only what is missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from homegroup.accounts.demo import DEMO_PASSWORD
from homegroup.accounts.models import User
from homegroup.privacy import actions, categories, rules
from homegroup.privacy.models import Consent, Enrolment, Program, ProgramRole

PROGRAM_NAME = "Homegroup Demo Program"


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}@demo.homegroup.invalid").first()


def load() -> str:
    ana, cora, dev, pat, sam = (_user(n) for n in ("ana", "cora", "dev", "pat", "sam"))
    if ana is None or cora is None or dev is None or pat is None or sam is None:
        return "Demo program skipped: run the demo accounts first."
    program = Program.objects.filter(name=PROGRAM_NAME).first()
    if program is None:
        program = actions.create_program(name=PROGRAM_NAME, admin=pat)
    for clinician in (cora, dev):
        actions.add_program_member(
            program=program, user=clinician, role=ProgramRole.CLINICIAN, actor_id=pat.pk
        )
    if not Enrolment.objects.current().filter(person=ana, program=program).exists():
        code = actions.issue_enrolment_code(program=program, by=pat).code
        actions.join_program(person=ana, code=code)
    place = actions.assign_clinician(
        program=program, person_id=ana.pk, clinician_id=cora.pk, by=pat
    )
    # Cora takes up the place herself, as every clinician does.
    actions.confirm_care_team_place(member=place, by=cora)
    given = Consent.objects.given_by(ana)
    if not given.filter(recipient_program=program, revoked_at__isnull=True).exists():
        actions.sign_consent(
            person=ana,
            kind=rules.TPO,
            categories_chosen=categories.DEFAULT_FOR_PROGRAM,
            purposes=rules.TPO_PURPOSES,
            expiry_kind=rules.EXPIRES_AT_END_OF_TREATMENT,
            expires_on=None,
            password=DEMO_PASSWORD,
            recipient_program=program,
        )
    if not given.filter(recipient_user=sam, revoked_at__isnull=True).exists():
        signed = actions.sign_consent(
            person=ana,
            kind=rules.SPECIFIC,
            categories_chosen=categories.DEFAULT_FOR_SUPPORTER,
            purposes={rules.PERSONAL_SUPPORT},
            expiry_kind=rules.EXPIRES_ON_DATE,
            expires_on=(timezone.now() + timedelta(days=180)).date(),
            password=DEMO_PASSWORD,
            recipient_label="Sam, my sponsor",
        )
        assert signed.share_code is not None
        actions.accept_share(recipient=sam, code=signed.share_code)
    return (
        f"Demo program ready: {PROGRAM_NAME} (admin Pat; clinicians Cora and Dev; Cora on Ana's "
        "care team). Ana shares her record but the private notes with the program, and her "
        "meetings and recovery time with Sam."
    )
