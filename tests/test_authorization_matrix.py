"""A-01, A-02: every URL pattern of the project × every named person.

The test enumerates the resolver. A pattern missing from MATRIX fails the suite: whoever adds a
URL decides, here, who may use it. Each later issue extends MATRIX.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from homegroup.accounts import actions
from homegroup.accounts.models import Role
from tests.people import People

pytestmark = pytest.mark.django_db

ANON = "anonymous"
EVERYONE = ["ana", "ben", "cora", "dev", "pat", "max", "sam"]
SIGN_IN = "sign-in"  # a redirect to the sign-in page


@dataclass
class Rule:
    """Who gets what. `expect` maps a person (or ANON) to a status code or SIGN_IN."""

    kind: str  # public | signed-in | role-only | owner-only | anonymous-only | token
    expect: dict[str, int | str]
    method: str = "get"
    url: Callable[[People], str] | None = None  # for patterns with arguments
    data: dict[str, object] = field(default_factory=dict)


def everyone(status: int | str, anon: int | str | None = None) -> dict[str, int | str]:
    return {ANON: status if anon is None else anon} | {name: status for name in EVERYONE}


def only(roles: dict[str, int | str], others: int | str, anon: int | str) -> dict[str, int | str]:
    return {ANON: anon} | {name: roles.get(name, others) for name in EVERYONE}


def other_admins_invitation(people: People) -> str:
    other = actions.create_account(
        email="pia@people.test",
        display_name="Pia",
        password="pia's long password 1",
        roles={Role.PROGRAM_ADMIN},
    )
    issued = actions.invite_staff(
        invited_by=other, email="z@clinic.test", display_name="Z", roles={Role.CLINICIAN}
    )
    return f"/accounts/invitations/{issued.invitation.pk}/withdraw/"


def pats_invitation(people: People) -> str:
    issued = actions.invite_staff(
        invited_by=people.pat, email="y@clinic.test", display_name="Y", roles={Role.CLINICIAN}
    )
    return f"/accounts/invitations/{issued.invitation.pk}/withdraw/"


MATRIX: dict[str, list[Rule]] = {
    "": [Rule("public", everyone(200))],
    "healthz": [Rule("public", everyone(200))],
    "readyz": [Rule("public", everyone(200))],
    "accounts/sign-in/": [Rule("anonymous-only", everyone(302, anon=200))],
    "accounts/sign-out/": [Rule("signed-in", everyone(302), method="post")],
    "accounts/sign-up/": [Rule("anonymous-only", everyone(302, anon=200))],
    "accounts/password-reset/": [Rule("public", everyone(200))],
    "accounts/password-reset/sent/": [Rule("public", everyone(200))],
    "accounts/password-reset/<uidb64>/<token>/": [
        Rule("token", everyone(200), url=lambda p: "/accounts/password-reset/MQ/bad-token/")
    ],
    "accounts/password-reset/complete/": [Rule("public", everyone(200))],
    "accounts/account/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/account/email/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/account/password/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/confirm-password/": [Rule("signed-in", everyone(200, anon=SIGN_IN))],
    "accounts/invitations/": [Rule("role-only", only({"pat": 200}, 403, SIGN_IN))],
    "accounts/invitations/<int:invitation_id>/withdraw/": [
        # Pat withdraws her own invitation; another admin's is simply not found for her.
        Rule("owner-only", only({"pat": 302}, 403, SIGN_IN), "post", url=pats_invitation),
        Rule("owner-only", only({"pat": 404}, 403, SIGN_IN), "post", url=other_admins_invitation),
    ],
    "accounts/invitations/accept/<str:token>/": [
        Rule("token", everyone(404), url=lambda p: "/accounts/invitations/accept/not-a-token/")
    ],
    # ninja's API root answers 404 (no interactive docs: they would load a CDN's scripts).
    "api/v1/": [Rule("public", everyone(404))],
    "api/v1/me": [Rule("signed-in", everyone(200, anon=401))],
    "api/v1/openapi.json": [Rule("public", everyone(200))],
}


def all_patterns(resolvers=None, prefix: str = "") -> list[str]:
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(all_patterns(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def test_every_url_pattern_is_classified():
    unclassified = sorted(set(all_patterns()) - set(MATRIX))
    assert unclassified == [], f"add these URL patterns to MATRIX: {unclassified}"
    stale = sorted(set(MATRIX) - set(all_patterns()))
    assert stale == [], f"MATRIX lists patterns that no longer exist: {stale}"


CASES = [
    (route, index, who)
    for route, rules in MATRIX.items()
    for index, rule in enumerate(rules)
    for who in [ANON, *EVERYONE]
]


@pytest.mark.parametrize(("route", "index", "who"), CASES)
def test_each_person_gets_what_the_matrix_says(route, index, who, people, client_for):
    rule = MATRIX[route][index]
    url = rule.url(people) if rule.url else "/" + route
    client = client_for(None if who == ANON else getattr(people, who))
    response = getattr(client, rule.method)(url, rule.data)
    expected = rule.expect[who]
    if expected == SIGN_IN:
        assert response.status_code == 302, response
        assert response["Location"].startswith("/accounts/sign-in/")
    else:
        assert response.status_code == expected, f"{who} {rule.method.upper()} {url}"
