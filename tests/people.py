"""The named people of every permission test (DESIGN.md), built only through actions.

Ana (in recovery, on buprenorphine), Ben (in recovery, alcohol), Cora (clinician on Ana's care
team), Dev (clinician, not on it), Pat (program admin), Max (directory maintainer), Sam (Ana's
sponsor, no clinical role). Care teams and consents join them when the consent issue lands.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from homegroup.accounts import actions
from homegroup.accounts.models import Role, User

PASSWORD = "correct horse battery staple 42"


@dataclass
class People:
    ana: User
    ben: User
    cora: User
    dev: User
    pat: User
    max: User
    sam: User

    def named(self) -> dict[str, User]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


ROLES = {
    "ana": {Role.PERSON_IN_RECOVERY},
    "ben": {Role.PERSON_IN_RECOVERY},
    "cora": {Role.CLINICIAN},
    "dev": {Role.CLINICIAN},
    "pat": {Role.PROGRAM_ADMIN},
    "max": {Role.DIRECTORY_MAINTAINER},
    "sam": set(),
}


def make_people() -> People:
    return People(
        **{
            name: actions.create_account(
                email=f"{name}@people.test",
                display_name=name.capitalize(),
                password=PASSWORD,
                roles=roles,
            )
            for name, roles in ROLES.items()
        }
    )
