"""Users, roles, sign-in and sign-up, invitations, sessions (and, later, the second factor)."""
