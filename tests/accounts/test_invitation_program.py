"""An invited staff member joins the inviting admin's program (privacy owns programs)."""

import pytest

from homegroup.accounts import actions
from homegroup.accounts.models import Role
from homegroup.audit.models import AuditEvent
from homegroup.privacy.models import ProgramMembership, ProgramRole

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new staff phrase 9"


def test_an_invited_clinician_joins_the_program_of_the_admin_who_invited_them(people):
    issued = actions.invite_staff(
        invited_by=people.pat, email="lee@clinic.test", display_name="Lee", roles={Role.CLINICIAN}
    )
    assert issued.invitation.program == people.program
    lee = actions.accept_invitation(token=issued.token, password=NEW_PASSWORD)
    membership = ProgramMembership.objects.get(user=lee)
    assert (membership.program, membership.role) == (people.program, ProgramRole.CLINICIAN)
    assert AuditEvent.objects.filter(
        action="privacy.program_member_added", subject_id=lee.pk
    ).exists()


def test_an_invited_admin_and_clinician_gets_both_places(people):
    issued = actions.invite_staff(
        invited_by=people.pat,
        email="kim@clinic.test",
        display_name="Kim",
        roles={Role.CLINICIAN, Role.PROGRAM_ADMIN},
    )
    kim = actions.accept_invitation(token=issued.token, password=NEW_PASSWORD)
    assert set(ProgramMembership.objects.filter(user=kim).values_list("role", flat=True)) == {
        ProgramRole.CLINICIAN,
        ProgramRole.ADMIN,
    }


def test_a_directory_maintainer_joins_no_program(people):
    issued = actions.invite_staff(
        invited_by=people.pat,
        email="mo@intergroup.test",
        display_name="Mo",
        roles={Role.DIRECTORY_MAINTAINER},
    )
    mo = actions.accept_invitation(token=issued.token, password=NEW_PASSWORD)
    assert not ProgramMembership.objects.filter(user=mo).exists()
