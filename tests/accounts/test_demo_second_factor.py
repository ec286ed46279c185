"""H-08, H-01: `homegroup demo` enrols its staff with TOTP and prints their secrets."""

import base64
import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from homegroup.accounts import actions
from homegroup.accounts.models import User

pytestmark = pytest.mark.django_db


def test_H_08_demo_staff_come_enrolled_and_their_printed_secrets_give_valid_codes(capsys):
    call_command("demo")
    output = capsys.readouterr().out
    secrets = dict(re.findall(r"^\s+(\w+)\s+TOTP secret \(base32\): ([A-Z2-7]+)$", output, re.M))
    assert set(secrets) == {"Cora", "Dev", "Pat", "Max"}
    for name, secret in secrets.items():
        user = User.objects.get(display_name=name, email__endswith="@demo.homegroup.invalid")
        assert user.second_factor_enabled
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        code = f"{totp(key):06d}"
        assert actions.verify_second_factor(user=user, code=code) is not None


def test_H_08_running_the_demo_again_keeps_the_same_secrets(capsys):
    call_command("demo")
    first = re.findall(r"TOTP secret \(base32\): (\w+)", capsys.readouterr().out)
    call_command("demo")
    second = re.findall(r"TOTP secret \(base32\): (\w+)", capsys.readouterr().out)
    assert first == second
    assert len(first) == 4
