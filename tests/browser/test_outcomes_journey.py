"""Issue 21 in a browser: Pat opens the outcome report of his program with a generated cohort —
the dose-response plots by diagnosis group and medication, the models with CIs and the survival
curves, each figure with its text alternative — on a phone; the page passes axe."""

import pytest
from playwright.sync_api import Page, expect

from homegroup.outcomes import actions
from tests.browser.conftest import axe_violations, sign_in
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)


def test_pat_reads_the_outcome_report_of_a_generated_cohort(page: Page):
    people = make_people()
    actions.generate_cohort(program=people.program, people=80, days=150, seed=7)
    sign_in(page, people.pat, PASSWORD)
    # The first report in a process loads pandas, statsmodels and lifelines: on a loaded shared
    # machine that alone can take longer than the usual ten seconds.
    page.set_default_timeout(90_000)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Program outcomes")).to_be_visible()
    expect(page.get_by_text("Read this first:")).to_be_visible()
    for name in (
        "Next month without use, by meetings a week and diagnosis group",
        "Next month without use, by meetings a week and medication",
        "Odds of a next month without use (adjusted)",
        "Days without use after the first month, by first-month participation",
    ):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    expect(page.get_by_role("cell", name="1 or more meetings a week vs fewer")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="de-identified windows for researchers (CSV)").click()
    assert download.value.suggested_filename == "outcomes-deidentified.csv"
