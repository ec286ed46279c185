"""A meeting page of an AA or NA meeting links the fellowship's own published statement about
medication: facts to help a person decide, never a claim about the group."""

from urllib.parse import urlsplit

import pytest

from homegroup.directory.statements import STATEMENTS, statement_for
from tests.directory.search_data import meeting

pytestmark = pytest.mark.django_db

OWN_SITES = {"AA": "aa.org", "NA": "na.org"}


@pytest.mark.parametrize(
    ("fellowship", "title"),
    [
        ("AA", "The A.A. Member — Medications and Other Drugs"),
        ("NA", "Narcotics Anonymous and Persons Receiving Medication-Assisted Treatment"),
    ],
)
def test_an_aa_or_na_meeting_page_links_its_fellowships_statement(client, fellowship, title):
    found = meeting(name="Tuesday Hope", fellowship=fellowship)
    page = client.get(f"/meetings/{found.slug}/").content.decode()
    assert title in page
    assert f'href="{STATEMENTS[fellowship].url}"' in page
    assert "not a statement about this group" in page


def test_a_fellowship_without_a_statement_shows_none(client):
    found = meeting(name="MARA Tuesday", fellowship="MARA")
    page = client.get(f"/meetings/{found.slug}/").content.decode()
    assert "fellowship-statement" not in page


@pytest.mark.parametrize("code", sorted(STATEMENTS))
def test_every_statement_is_on_the_fellowships_own_site_over_https(code):
    address = urlsplit(STATEMENTS[code].url)
    assert address.scheme == "https"
    assert address.hostname.removeprefix("www.") == OWN_SITES[code]


def test_codes_are_read_in_any_case():
    assert statement_for("na") is STATEMENTS["NA"]
    assert statement_for("SMART") is None
