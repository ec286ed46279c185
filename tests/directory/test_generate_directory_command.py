"""`homegroup generate-directory`: a synthetic national-size directory, labelled as such."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class

from homegroup.directory.models import Meeting


def test_its_help_says_what_it_makes_and_that_it_is_not_real():
    command = load_command_class(get_commands()["generate-directory"], "generate-directory")
    assert "synthetic" in command.help
    assert "NOT real meetings" in command.help
    parser = command.create_parser("homegroup", "generate-directory")
    text = parser.format_help()
    for option in ("--meetings", "--seed", "--source", "--replace"):
        assert option in text


@pytest.mark.django_db
def test_it_generates_the_meetings_asked_for_and_refuses_to_add_to_them():
    out = io.StringIO()
    call_command("generate-directory", "--meetings", "120", "--seed", "4", stdout=out)
    assert Meeting.objects.filter(source__slug="synthetic").count() == 120
    assert "120 synthetic meetings (not real meetings)" in out.getvalue()
    with pytest.raises(CommandError, match="already has meetings"):
        call_command("generate-directory", "--meetings", "10", stdout=io.StringIO())
    call_command(
        "generate-directory", "--meetings", "10", "--source", "synthetic", "--replace",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert Meeting.objects.count() == 10
