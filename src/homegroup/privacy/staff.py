"""Staff invitations and programs: a program admin's invitations join the admin's program, and
an accepted invitation makes the new account a member in the roles it was invited to. Registered
with accounts (`accounts.actions.register_staff_programs`) from `PrivacyConfig.ready`."""

from __future__ import annotations

from homegroup.accounts.models import Invitation, Role, User
from homegroup.privacy import actions
from homegroup.privacy.models import Program, ProgramMembership, ProgramRole

# The account's role → its role in the program.
PROGRAM_ROLES = ((Role.CLINICIAN, ProgramRole.CLINICIAN), (Role.PROGRAM_ADMIN, ProgramRole.ADMIN))


class StaffPrograms:
    def administered_by(self, admin: User) -> Program | None:
        membership = (
            ProgramMembership.objects.admins().filter(user=admin).select_related("program").first()
        )
        return membership.program if membership else None

    def join(self, *, invitation: Invitation, user: User) -> None:
        if invitation.program is None:
            return
        for role, program_role in PROGRAM_ROLES:
            if user.has_role(role):
                actions.add_program_member(
                    program=invitation.program,
                    user=user,
                    role=program_role,
                    actor_id=invitation.invited_by_id,
                )
