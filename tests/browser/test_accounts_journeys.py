"""Sign-up, sign-in and sign-out for each role, on a phone-sized screen, and accessibility."""

import pytest
from playwright.sync_api import Page, expect

from homegroup.accounts.models import User
from tests.browser.conftest import axe_violations
from tests.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_a_newcomer_signs_up_on_a_phone_and_lands_signed_in(page: Page):
    page.goto("/")
    page.get_by_role("link", name="Create your private account").click()
    page.get_by_label("Name to show").fill("Rosa")
    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_label("Password", exact=True).fill("a long and unusual phrase 7")
    page.get_by_label("Password again").fill("a long and unusual phrase 7")
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Hello, Rosa")).to_be_visible()
    assert User.objects.get(email="rosa@example.org").is_person_in_recovery
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
        ("ana", "Account", "Staff invitations"),
        ("cora", "Account", "Staff invitations"),
        ("pat", "Staff invitations", None),
        ("max", "Account", "Staff invitations"),
        ("sam", "Account", "Staff invitations"),
    ],
)
def test_each_role_signs_in_sees_its_navigation_and_signs_out(page: Page, name, sees, does_not_see):
    people = make_people()
    sign_in(page, getattr(people, name).email)
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
    sign_in(page, people.pat.email)
    for path in ("/", "/accounts/account/", "/accounts/invitations/"):
        page.goto(path)
        assert axe_violations(page) == [], path
