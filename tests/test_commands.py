"""The CLI's --help is the reference: every project command explains itself."""

import pytest
from django.core.management import call_command, get_commands, load_command_class

from homegroup.accounts.demo import DEMO_PEOPLE
from homegroup.accounts.models import User

PROJECT_COMMANDS = sorted(
    name for name, app in get_commands().items() if app.startswith("homegroup.")
)


def test_the_project_has_its_commands():
    assert {"demo", "audit-verify", "audit-seal", "rotate-field-keys"} <= set(PROJECT_COMMANDS)


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_project_command_has_help_text(name):
    command = load_command_class(get_commands()[name], name)
    assert len(command.help) > 20


@pytest.mark.django_db
def test_demo_creates_one_account_per_role_and_sam_and_is_idempotent(capsys):
    call_command("demo")
    call_command("demo")
    assert User.objects.count() == len(DEMO_PEOPLE) == 7
    output = capsys.readouterr().out
    assert "(7 created)" in output
    assert "(0 created)" in output
    assert "sam@demo.homegroup.invalid" in output
    sam = User.objects.get(email="sam@demo.homegroup.invalid")
    assert sam.roles == frozenset()
