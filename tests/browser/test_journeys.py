"""Whole journeys in a real browser: an administrator creates an account, its owner signs in
with the first password and must change it; the service works without JavaScript; the
idle-timeout warning appears and "Stay signed in" keeps the session; the CSP blocks nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from partnership.policy import Role
from tests.browser.support import ACCOUNTS, ConsoleWatch, LiveServer, screenshot, sign_in

pytestmark = pytest.mark.browser

NEW_NAME = "Aisha Bello"
NEW_EMAIL = "aisha.bello@demo.example"
FIRST_PASSWORD = "marble kettle orchard nimbus"
OWN_PASSWORD = "copper lantern meadow thistle"


def assert_console_clean(console: ConsoleWatch) -> None:
    assert not console.csp_violations, "\n".join(console.csp_violations)
    assert not console.errors, "\n".join(console.errors)


def test_new_user_is_created_then_changes_first_password(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    console = ConsoleWatch().attach(page)
    admin = ACCOUNTS[Role.ADMIN]

    sign_in(page, live_server, admin.email, admin.password)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {admin.name}")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Create an account").click()
    expect(page).to_have_url(live_server("/users/new"))
    page.get_by_label("Full name").fill(NEW_NAME)
    page.get_by_label("Email address").fill(NEW_EMAIL)
    page.get_by_label("Partnership team officer").check()
    page.get_by_label("Wessexshire Safeguarding Children Partnership", exact=True).check()
    page.get_by_label("First password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_NAME)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Account created for {NEW_NAME}"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("must change password")

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(live_server("/sign-in"))
    expect(page.locator("main .govuk-notification-banner")).to_contain_text("You have signed out")

    sign_in(page, live_server, NEW_EMAIL, FIRST_PASSWORD)
    expect(page).to_have_url(live_server("/account/password"))
    expect(page.locator("main .govuk-notification-banner")).to_contain_text(
        "Choose a new password before you continue"
    )
    page.goto(live_server("/"))  # held here until the password is changed
    expect(page).to_have_url(live_server("/account/password"))

    page.get_by_label("Current password").fill(FIRST_PASSWORD)
    page.get_by_label("New password").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your password has been changed"
    )
    # Held at first sign-in, they carry on to their home page once the password is theirs.
    expect(page).to_have_url(live_server("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {NEW_NAME}")
    expect(page.locator(".govuk-caption-l")).to_have_text("Partnership team officer")
    assert_console_clean(console)


def test_signs_in_and_out_without_javascript(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    partner = ACCOUNTS[Role.PARTNER]
    sign_in(page, live_server, partner.email, partner.password)
    expect(page).to_have_url(live_server("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {partner.name}")
    expect(page.locator("body")).not_to_have_class("js-enabled")
    expect(page.locator(".app-timeout-warning")).to_be_hidden()
    page.get_by_role("link", name="Your account").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(partner.email)
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(live_server("/sign-in"))
    assert page.goto(live_server("/account")).url.startswith(live_server("/sign-in"))


def test_idle_timeout_warning_and_stay_signed_in(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(Role.TEAM).new_page()
    console = ConsoleWatch().attach(page)
    page.clock.install()
    page.goto(live_server("/"))
    warning = page.locator(".app-timeout-warning")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(warning).to_be_hidden()
    idle = live_server.app.config["SESSION_IDLE_MINUTES"] * 60
    expect(warning).to_have_attribute("data-idle-seconds", str(idle))
    expect(warning).to_have_attribute("data-warn-seconds", "300")
    expect(warning).to_have_attribute("data-extend-url", "/session/extend")
    expect(warning).to_have_attribute("role", "alertdialog")

    page.clock.fast_forward(f"{(idle - 300) // 60 - 1}:00")  # a minute before the warning
    expect(warning).to_be_hidden()
    page.clock.fast_forward("01:30")
    expect(warning).to_be_visible()
    expect(stay).to_be_focused()

    with page.expect_response(lambda r: r.url.endswith("/session/extend")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 204
    assert answer.value.request.method == "POST"
    expect(warning).to_be_hidden()

    page.clock.fast_forward("25:30")  # the warning comes back after another idle spell
    expect(warning).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/session/extend")) as answer:
        stay.click()
    assert answer.value.status == 204
    expect(warning).to_be_hidden()
    assert_console_clean(console)


def test_screenshots_of_small_screen_and_sign_in_error(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """Save pictures for people to review (the home page per role is saved by the
    accessibility test): the home page on a phone with the menu open, and a sign-in error."""
    page = new_context(Role.ADMIN, viewport={"width": 375, "height": 740}).new_page()
    console = ConsoleWatch().attach(page)
    page.goto(live_server("/"))
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Audit log", exact=True)).to_be_visible()
    screenshot(page, "home-admin-phone-menu")
    assert_console_clean(console)

    page = new_context().new_page()
    page.goto(live_server("/sign-in"))
    page.get_by_label("Email address").fill(ACCOUNTS[Role.CHAIR].email)
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    screenshot(page, "sign-in-error")
