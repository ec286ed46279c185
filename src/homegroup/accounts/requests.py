"""The request of a signed-in page, typed once: `request.user` is our `User`.

Views behind a sign-in guard (`role_required`, `login_required`, `reauth_required`, the gate's
`@gated`) take an `AuthenticatedRequest`, so they read `request.user` without a cast. It is a
type only: Django passes its own HttpRequest, and the guard is what makes the claim true.
"""

from __future__ import annotations

from django.http import HttpRequest

from homegroup.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
