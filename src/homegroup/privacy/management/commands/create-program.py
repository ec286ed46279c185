from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from homegroup.accounts.models import User
from homegroup.privacy import actions


class Command(BaseCommand):
    help = (
        "Create a treatment program with its first admin (an existing account with the program "
        "admin role), who then invites staff and enrols people from /privacy/program/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The program's name.")
        parser.add_argument("--admin", required=True, help="The first admin's email address.")

    def handle(self, *args: Any, **options: Any) -> None:
        admin = User.objects.filter(email=options["admin"].strip().lower()).first()
        if admin is None:
            raise CommandError("No account has that email address.")
        try:
            program = actions.create_program(name=options["name"], admin=admin)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Program {program.pk} created: {program.name}, admin {admin.pk}.")
