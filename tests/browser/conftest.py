"""Playwright (sync) driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in this thread; the ORM calls beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("HOMEGROUP_CHROMIUM", "/usr/bin/chromium")
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    # bypass_csp lets the test inject axe; the app's own pages never need it.
    context = browser.new_context(viewport=PHONE, bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations on the current page.

    A click that submits a form may still be navigating when this is called: the old document is
    gone before the new one exists ("Cannot read properties of null", "Execution context was
    destroyed"). Then wait for the new page to load and look again, at most three times."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.add_script_tag(content=AXE)
            result = page.evaluate("async () => await axe.run(document)")
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def pass_second_factor(page: Page, device) -> None:
    """On the two-factor page: type the code the authenticator app would show now (H-08)."""
    from homegroup.accounts.second_factor import current_code

    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()


def sign_in(page: Page, user, password: str) -> None:
    """Sign in through the page; staff (and anyone who switched it on) then enter a real code
    computed from their authenticator's secret, which is enrolled here when they have none."""
    from homegroup.accounts import actions

    device = None
    if user.holds_staff_role or user.second_factor_enabled:
        device = actions.confirmed_totp_device(user) or actions.add_totp_device(user=user)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        pass_second_factor(page, device)


def follow_emailed_link(page: Page, to: str, path_prefix: str) -> None:
    """Open the newest link starting with `path_prefix` from the emails sent to `to` (the test
    outbox: the live server runs in this process)."""
    import re

    from django.core import mail

    bodies = [message.body for message in mail.outbox if to in message.to]
    links = re.findall(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"\S+)", "\n".join(bodies))
    assert links, f"no {path_prefix} link was emailed to {to}"
    page.goto(links[-1])


def sign_up(page: Page, *, name: str, email: str, password: str) -> None:
    """Sign up through the page, open the link from the email and confirm with the password:
    the newcomer lands on their first page, signed in."""
    from playwright.sync_api import expect

    page.goto("/accounts/sign-up/")
    page.get_by_label("Name to show").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_label("I am 18 or older").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    follow_emailed_link(page, email, "/accounts/activate/")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Start using Homegroup").click()
