from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from homegroup.audit import roles


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the application's role (the user of DATABASE_URL, or --role) exactly "
        "SELECT, INSERT, UPDATE and DELETE on the ordinary tables and SELECT and INSERT only on "
        "the audit log, its seals and the disclosure records. Runs as the owner "
        "(DATABASE_OWNER_URL); `migrate` does it too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--role", default=None, help="The role to grant (default: DATABASE_URL's user)."
        )
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="Print the SQL; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; SQLite has none to grant.")
        role = options["role"] or roles.app_role()
        if not role:
            raise CommandError("DATABASE_URL names no user: say which role with --role.")
        owner = connection.settings_dict.get("USER") or ""
        if options["print_only"]:
            self.stdout.write(f"-- run as the owner ({owner or 'the default user'})")
            tables = roles.privileges()
            for statement in roles.grant_statements(role, tables):
                self.stdout.write(statement + ";")
            return
        if role == roles.current_role():
            raise CommandError(
                f"The application's role {role} is the one connected, which owns the tables: "
                f"set DATABASE_OWNER_URL to the owner's role (see docs/configuration.md)."
            )
        count = roles.grant_app_role(role)
        self.stdout.write(f"Granted {role} its privileges on {count} tables.")
