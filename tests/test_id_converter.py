"""Issue 9 (7): one bounded id converter for every id in a URL, so an id longer than a BIGINT is a
plain 404 before any view runs (no view guards it on its own)."""

import re

import pytest
from django.urls import Resolver404, resolve

from homegroup.privacy.access import MAX_ID
from tests.test_authorization_matrix import all_patterns

pytestmark = pytest.mark.django_db

_ID = re.compile(r"<id:\w+>")
_ANY = re.compile(r"<(\w+):\w+>")


def id_routes() -> list[str]:
    routes = [route for route in all_patterns() if _ID.search(route)]
    assert len(routes) >= 20, "the project's id routes use <id:…>"
    return routes


def filled(route: str, number: int) -> str:
    route = _ID.sub(str(number), route)
    return "/" + _ANY.sub(lambda m: "2025-01-01" if m.group(1) == "isodate" else "x", route)


def test_no_url_pattern_takes_an_unbounded_int():
    unbounded = [route for route in all_patterns() if "<int:" in route]
    assert unbounded == [], f"use <id:…> for database ids: {unbounded}"


def test_every_id_route_matches_the_largest_database_id():
    for route in id_routes():
        resolve(filled(route, MAX_ID))


@pytest.mark.parametrize("number", [MAX_ID + 1, 10**19, 10**22])
def test_an_id_longer_than_any_database_id_matches_no_route(number):
    for route in id_routes():
        with pytest.raises(Resolver404):
            resolve(filled(route, number))


def test_a_huge_id_is_a_plain_404_for_a_signed_in_person(people, client_for):
    ana = client_for(people.ana)
    assert ana.get(f"/privacy/sharing/{10**22}/").status_code == 404
    assert ana.get(f"/journal/medication/{2**63}/edit/").status_code == 404
