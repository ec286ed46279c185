"""The `homegroup` command: Django's manage.py under the project's name."""

from __future__ import annotations

import os
import sys

# These change the schema or the whole database, so they connect as the tables' owner
# (DATABASE_OWNER_URL) rather than as the application's least-privileged role.
OWNER_COMMANDS = frozenset({"migrate", "restore", "grant-app-role"})


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homegroup.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS:
        os.environ["HOMEGROUP_DATABASE_AS_OWNER"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0].rsplit("/", 1)[-1] or "homegroup", *sys.argv[1:]])


if __name__ == "__main__":
    main()
