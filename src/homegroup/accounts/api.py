"""The signed-in person's own account, for apps: who am I and what may I use."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from homegroup.accounts.models import User
from homegroup.api_schemas import responses

router = Router(tags=["accounts"])


class Me(Schema):
    id: int
    email: str
    display_name: str
    roles: list[str]


@router.get("/me", response=responses(Me), summary="The signed-in account and its roles")
def me(request: HttpRequest) -> Me:
    user: User = request.user  # type: ignore[assignment]
    return Me(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        roles=sorted(role.value for role in user.roles),
    )
