from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homegroup.accounts import demo


class Command(BaseCommand):
    help = (
        "Load the clearly synthetic demo data: one account per role, and Sam with no role. "
        "Safe to run again: it adds only what is missing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = demo.load()
        created = sum(1 for _, new in results if new)
        self.stdout.write(
            f"Demo accounts ready ({created} created). Password for all: {demo.DEMO_PASSWORD}"
        )
        for person, _new in results:
            roles = ", ".join(sorted(str(role.label) for role in person.roles)) or "no role"
            self.stdout.write(f"  {person.email:<32} {person.name:<5} {roles} — {person.about}")
