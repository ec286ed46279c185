"""`homegroup create-program` and the demo's program and consents."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homegroup.accounts import actions as account_actions
from homegroup.accounts.models import Role, User
from homegroup.privacy import gate, rules
from homegroup.privacy.models import Channel, Consent, Program, ProgramMembership

pytestmark = pytest.mark.django_db


def test_create_program_makes_a_program_with_its_first_admin(capsys):
    admin = account_actions.create_account(
        email="lou@clinic.test",
        display_name="Lou",
        password="a long admin password 3",
        roles={Role.PROGRAM_ADMIN},
    )
    call_command("create-program", name="Northside OTP", admin="LOU@clinic.test")
    program = Program.objects.get(name="Northside OTP")
    assert ProgramMembership.objects.admins().get(program=program).user == admin
    assert f"Program {program.pk} created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("create-program", name="Northside OTP", admin="lou@clinic.test")
    with pytest.raises(CommandError, match="No account"):
        call_command("create-program", name="Elsewhere", admin="nobody@clinic.test")


def test_the_demo_tells_the_story_and_can_run_twice(capsys):
    call_command("demo")
    call_command("demo")
    assert "Demo program ready" in capsys.readouterr().out
    ana, cora, dev, sam = (
        User.objects.get(email=f"{name}@demo.homegroup.invalid")
        for name in ("ana", "cora", "dev", "sam")
    )
    assert Consent.objects.filter(person=ana).count() == 2

    def sees(viewer, purpose):
        return gate.disclose(
            viewer=viewer,
            person=ana,
            categories_requested={"medication", "recovery_time", "private_notes"},
            channel=Channel.PAGE,
            purpose=purpose,
        ).allowed_categories

    assert sees(cora, rules.TREATMENT) == {"medication", "recovery_time"}
    assert sees(sam, rules.PERSONAL_SUPPORT) == {"recovery_time"}
    assert sees(dev, rules.TREATMENT) == set()
