from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from homegroup.accounts import demo
from homegroup.directory import demo as directory_demo
from homegroup.journal import demo as journal_demo
from homegroup.privacy import demo as privacy_demo


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
        # Staff sign in with a second factor (H-08): print the demo authenticators' secrets.
        self.stdout.write(
            "Two-step sign-in for staff: add these keys to an authenticator app "
            "(or `oathtool --totp -b KEY` prints the current code)."
        )
        for person, secret in demo.enrol_staff_second_factor():
            self.stdout.write(f"  {person.name:<5} TOTP secret (base32): {secret}")
        # Privacy: Pat's program, Cora on Ana's care team, Ana's consents of the story.
        self.stdout.write(privacy_demo.load())
        # The directory step: the real sample feeds and a few synthetic MAT evidence records.
        self.stdout.write(directory_demo.load())
        # Several months of synthetic journal history for Ana and Ben (needs the meetings above).
        self.stdout.write(journal_demo.load())
        # Cora's first TSF session with Ana, with recovery tasks (needs all of the above).
        from homegroup.care import demo as care_demo

        self.stdout.write(care_demo.load())
