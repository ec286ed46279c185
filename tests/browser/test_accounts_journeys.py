"""Sign-up, sign-in and sign-out for each role, on a phone-sized screen, and accessibility."""

import pytest
from playwright.sync_api import Page, expect

from homegroup.accounts.models import User
from tests.browser.conftest import axe_violations, follow_emailed_link
from tests.browser.conftest import sign_in as sign_in_with_code
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a long and unusual phrase 7"


def sign_in(page: Page, user: User) -> None:
    # Staff finish with a real TOTP code (H-08); see tests/browser/conftest.py.
    sign_in_with_code(page, user, PASSWORD)


def sign_out(page: Page) -> None:
    # A person in recovery's compact navigation keeps "Sign out" on its "More" page.
    more = page.get_by_role("navigation", name="Main").get_by_role("link", name="More")
    if more.count():
        more.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_a_newcomer_signs_up_follows_the_emailed_link_and_lands_on_the_first_page(page: Page):
    page.goto("/")
    page.get_by_role("link", name="Create your private account").click()
    page.get_by_label("Name to show").fill("Rosa")
    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert axe_violations(page) == []
    assert not User.objects.get(email="rosa@example.org").is_active

    follow_emailed_link(page, "rosa@example.org", "/accounts/activate/")
    expect(page.get_by_role("heading", name="One last step")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Start using Homegroup").click()
    # A person in recovery lands on the first-run setup.
    expect(page.get_by_role("heading", name="Your recovery time")).to_be_visible()
    expect(page.get_by_text("Your account is ready.")).to_be_visible()
    rosa = User.objects.get(email="rosa@example.org")
    assert rosa.is_person_in_recovery
    assert rosa.is_active
    sign_out(page)


def test_sign_up_mistakes_are_explained_beside_the_field(page: Page):
    page.goto("/accounts/sign-up/")
    page.get_by_label("Name to show").fill("Rosa")
    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This password is too short")).to_be_visible()
    expect(page.get_by_text("please confirm you are 18 or older")).to_be_visible()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("name", "sees", "does_not_see"),
    [
        ("ana", "More", "Staff invitations"),
        ("cora", "Account", "Staff invitations"),
        ("pat", "Staff invitations", None),
        ("max", "Account", "Staff invitations"),
        ("sam", "Account", "Staff invitations"),
    ],
)
def test_each_role_signs_in_sees_its_navigation_and_signs_out(page: Page, name, sees, does_not_see):
    people = make_people()
    sign_in(page, getattr(people, name))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=sees)).to_be_visible()
    if does_not_see:
        expect(nav.get_by_role("link", name=does_not_see)).to_have_count(0)
    sign_out(page)
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/accounts/sign-up/", "/accounts/sign-in/"])
def test_main_public_pages_have_no_serious_accessibility_violations(page: Page, path):
    page.goto(path)
    assert axe_violations(page) == []


def test_signed_in_pages_have_no_serious_accessibility_violations(page: Page):
    people = make_people()
    sign_in(page, people.pat)
    for path in ("/", "/accounts/account/", "/accounts/invitations/"):
        page.goto(path)
        assert axe_violations(page) == [], path


def test_a_new_staff_member_enrols_an_authenticator_on_first_sign_in(page: Page):
    """H-08: the enrolment page shows the secret; a code computed from it switches it on."""
    import base64

    from django_otp.oath import totp

    people = make_people()
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(people.dev.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    assert axe_violations(page) == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("6-digit code from your app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", name="Hello, Dev")).to_be_visible()
