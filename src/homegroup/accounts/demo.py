"""Demo accounts: one per role, and Sam with none. Only `homegroup demo` creates them (H-01)."""

from __future__ import annotations

from dataclasses import dataclass

from homegroup.accounts import actions
from homegroup.accounts.models import Role, User

# Clearly a demo password; never used outside `homegroup demo`.
DEMO_PASSWORD = "demo-recovery-2026"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    roles: frozenset[Role]
    about: str


DEMO_PEOPLE = [
    DemoPerson(
        "Ana",
        "ana@demo.homegroup.invalid",
        frozenset({Role.PERSON_IN_RECOVERY}),
        "person in recovery, on buprenorphine",
    ),
    DemoPerson(
        "Ben",
        "ben@demo.homegroup.invalid",
        frozenset({Role.PERSON_IN_RECOVERY}),
        "person in recovery, alcohol",
    ),
    DemoPerson(
        "Cora",
        "cora@demo.homegroup.invalid",
        frozenset({Role.CLINICIAN}),
        "clinician on Ana's care team",
    ),
    DemoPerson(
        "Dev",
        "dev@demo.homegroup.invalid",
        frozenset({Role.CLINICIAN}),
        "clinician, not on Ana's care team",
    ),
    DemoPerson(
        "Pat", "pat@demo.homegroup.invalid", frozenset({Role.PROGRAM_ADMIN}), "program admin"
    ),
    DemoPerson(
        "Max",
        "max@demo.homegroup.invalid",
        frozenset({Role.DIRECTORY_MAINTAINER}),
        "directory maintainer",
    ),
    DemoPerson("Sam", "sam@demo.homegroup.invalid", frozenset(), "Ana's sponsor, no role"),
]


def load() -> list[tuple[DemoPerson, bool]]:
    """Create the demo accounts that are missing; returns each with whether it was new."""
    results = []
    for person in DEMO_PEOPLE:
        exists = User.objects.filter(email=person.email).exists()
        if not exists:
            actions.create_account(
                email=person.email,
                display_name=person.name,
                password=DEMO_PASSWORD,
                roles=set(person.roles),
            )
        results.append((person, not exists))
    return results


def enrol_staff_second_factor() -> list[tuple[DemoPerson, str]]:
    """Staff demo accounts come with an authenticator enrolled (H-08), so `make run` stays
    usable: their base32 secrets are printed, to add to an app or to compute codes from."""
    from homegroup.accounts import second_factor

    enrolled = []
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        if not user.holds_staff_role:
            continue
        device = actions.confirmed_totp_device(user) or actions.add_totp_device(user=user)
        enrolled.append((person, second_factor.base32_secret(device)))
    return enrolled
